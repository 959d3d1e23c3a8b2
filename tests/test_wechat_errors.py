"""WeChat's error codes become typed errors with useful hints; secrets never leak."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mdwx.errors import MdwxError
from mdwx.wechat import (
    AlreadySubmitted,
    ContentRejected,
    IPWhitelistError,
    PermissionDenied,
    QuotaError,
    TokenError,
    VideoError,
    WeChatError,
    redact_url,
)
from mdwx.wechat.errors import error_for
from tests.wechat_helpers import SECRET, FakeWeChat, make_client, run

ARTICLE = {"title": "t", "content": "c", "thumb_media_id": "M"}


@pytest.mark.parametrize(
    ("errcode", "cls"),
    [
        (40013, TokenError),
        (40125, TokenError),
        (40243, TokenError),
        (41001, TokenError),
        (45009, QuotaError),
        (45011, QuotaError),
        (45002, ContentRejected),
        (45166, ContentRejected),
        (40007, ContentRejected),
        (40113, ContentRejected),
        (44003, ContentRejected),
        (48001, PermissionDenied),
        (88000, PermissionDenied),
        (40164, IPWhitelistError),
        (61004, IPWhitelistError),
        (99999, WeChatError),
    ],
)
def test_error_codes_map_to_typed_errors(errcode: int, cls: type[WeChatError]) -> None:
    err = error_for(errcode, "msg", "publish/uploadnews")
    assert type(err) is cls
    assert isinstance(err, MdwxError)
    assert err.errcode == errcode and err.endpoint == "publish/uploadnews"


def test_message_is_one_line_with_code_errmsg_endpoint_and_hint() -> None:
    err = error_for(45003, "title size out of limit", "publish/uploadnews")
    text = str(err)
    assert "\n" not in text
    assert text.startswith("WeChat error 45003 (title size out of limit) from publish/uploadnews: ")
    assert "title" in err.hint and text.endswith(f"({err.hint})")
    assert err.field == "title"


@pytest.mark.parametrize(
    ("errcode", "field"), [(45003, "title"), (45004, "digest"), (45002, "content")]
)
def test_length_errors_name_the_field(errcode: int, field: str) -> None:
    err = error_for(errcode, "size out of limit", "publish/uploadnews")
    assert isinstance(err, ContentRejected) and err.field == field
    assert field in str(err)


def test_ip_whitelist_error_names_the_ip_and_the_fix() -> None:
    err = error_for(
        40164, "invalid ip 1.2.3.4 ipv6 ::ffff:1.2.3.4, not in whitelist rid: 1-2", "stable_token"
    )
    assert isinstance(err, IPWhitelistError) and err.ip == "1.2.3.4"
    assert "add 1.2.3.4 to the account's IP whitelist" in err.hint
    assert "设置与开发" in err.hint and "MDWX_API_BASE" in err.hint


def test_ip_whitelist_error_without_an_ip_still_explains() -> None:
    err = error_for(61004, "access clientip is not registered", "stable_token")
    assert err.ip is None and "IP whitelist" in str(err)


def test_quota_hint_says_it_resets_tomorrow() -> None:
    assert "tomorrow" in str(error_for(45009, "reach max api daily quota limit", "publish/submit"))


def test_link_refusal_without_a_known_code_is_content_rejected() -> None:
    err = error_for(12345, "请勿插入非mp.weixin.qq.com域名的链接", "publish/uploadnews")
    assert isinstance(err, ContentRejected) and "footnotes" in str(err)


def test_submit_abnormal_status_and_update_invalid_status_are_already_submitted() -> None:
    fake = FakeWeChat()
    fake.on("publish/submit", {"errcode": 53503, "errmsg": "abnormal status rid: 1"})
    fake.on("publish/update", {"errcode": 53504, "errmsg": "invalid status rid: 2"})
    client = make_client(fake)
    with pytest.raises(AlreadySubmitted):
        run(client.submit("N"))
    with pytest.raises(AlreadySubmitted, match="can no longer change"):
        run(make_client(fake).update("N", ARTICLE))


def test_video_ret_failure_is_a_video_error_and_not_retried() -> None:
    fake = FakeWeChat()
    fake.on(
        "material/upload_video?action=upload_block", {"ret": 40097, "errmsg": "part_sha mismatch"}
    )
    with pytest.raises(VideoError) as caught:
        run(make_client(fake).upload_block("wxv_1", 1, b"data"))
    assert caught.value.errcode == 40097 and "part_sha mismatch" in str(caught.value)
    assert len(fake.calls("material/upload_video?action=upload_block")) == 1


def test_token_failure_on_a_video_endpoint_is_refreshed_like_any_other() -> None:
    fake = FakeWeChat()
    fake.on(
        "material/upload_video?action=upload_finish",
        {"ret": 42001, "errcode": 42001, "errmsg": "expired"},
    )
    run(make_client(fake).upload_finish("wxv_1"))
    assert len(fake.calls("stable_token")) == 2


def test_bad_credentials_on_token_fetch_raise_token_error_without_retry() -> None:
    fake = FakeWeChat()
    fake.on("stable_token", {"errcode": 40125, "errmsg": "invalid appsecret"})
    with pytest.raises(TokenError, match="WECHAT_APPSECRET"):
        run(make_client(fake).query("N"))
    assert len(fake.calls("stable_token")) == 1


def test_redact_url_hides_token_and_secret() -> None:
    url = (
        "https://x/cgi-bin/token?grant_type=client_credential&appid=wx1&secret=S3&access_token=T0K"
    )
    shown = redact_url(url)
    assert "S3" not in shown and "T0K" not in shown
    assert "access_token=***" in shown and "secret=***" in shown and "appid=wx1" in shown


def test_no_token_or_secret_in_any_log_line_or_error_text() -> None:
    """Drive every kind of failure and collect all text a person could see."""
    fake = FakeWeChat()
    lines: list[str] = []
    seen: list[str] = []
    echo = {"errcode": 40164, "errmsg": f"invalid ip 1.2.3.4, secret={SECRET} not in whitelist"}
    fake.on("token", echo, {"access_token": "TOKEN-abcdef-0123456789", "expires_in": 7200})
    fake.valid_tokens = {"TOKEN-abcdef-0123456789"}
    fake.on("publish/query", httpx.ReadTimeout("timed out"), *[500] * 5)
    fake.on("publish/uploadnews", httpx.RemoteProtocolError("dropped"))
    fake.on(
        "publish/submit",
        {"errcode": 40001, "errmsg": "bad TOKEN-abcdef-0123456789"},
        {"errcode": 45009, "errmsg": "quota TOKEN-abcdef-0123456789"},
    )

    async def go() -> None:
        async with make_client(fake, token_mode="token", log=lines.append) as wx:
            for call in (
                lambda: wx.query("N"),
                lambda: wx.query("N"),
                lambda: wx.uploadnews(ARTICLE),
                lambda: wx.submit("N"),
            ):
                try:
                    await call()
                except WeChatError as err:
                    seen.extend([str(err), repr(err), str(err.to_json()), err.errmsg])
            seen.append(repr(wx))

    run(go())
    tokens = [*fake.issued, "TOKEN-abcdef-0123456789"]
    assert len(seen) > 10 and len(lines) > 5
    assert any("→" in line and "errcode=" in line for line in lines)
    for text in seen + lines:
        assert SECRET not in text
        for token in tokens:
            assert token not in text, text


def test_log_lines_name_method_endpoint_status_errcode_and_time() -> None:
    import re

    fake = FakeWeChat()
    fake.on("publish/uploadnews", httpx.ConnectError("refused"))
    lines: list[str] = []
    run(make_client(fake, log=lines.append).uploadnews(ARTICLE))
    pattern = re.compile(
        r"^POST (stable_token|publish/uploadnews) → (\d{3} errcode=-?\d+|ConnectError) \(\d+\.\d\d s\)$"
    )
    assert len(lines) == 3 and all(pattern.match(line) for line in lines), lines
    assert lines[1].startswith("POST publish/uploadnews → ConnectError")
    assert lines[2].startswith("POST publish/uploadnews → 200 errcode=0")


@given(st.text(min_size=0, max_size=2000))
def test_an_errmsg_of_any_length_is_shown_within_a_line(errmsg: str) -> None:
    """WeChat's (or a relay's) errmsg is shown, clipped to MAX_ERRMSG_SHOWN characters."""
    from mdwx.wechat.errors import MAX_ERRMSG_SHOWN, WeChatError

    message = WeChatError(45009, errmsg, "cgi-bin/x").message
    assert len(message) <= MAX_ERRMSG_SHOWN + len("WeChat error 45009 () from cgi-bin/x")
    assert errmsg[: MAX_ERRMSG_SHOWN - 1] in message


def test_publish_status_words_say_the_meaning_then_the_number() -> None:
    from mdwx.wechat.draft_codes import PUBLISH_STATUS_MEANINGS
    from mdwx.wechat.errors import publish_status_words

    for number, (meaning, _) in PUBLISH_STATUS_MEANINGS.items():
        words = publish_status_words(number)
        assert words.endswith(f"(publish_status {number})")
        assert meaning.startswith(words.split(" (publish_status")[0])
    assert publish_status_words(42) == "not documented (publish_status 42)"
