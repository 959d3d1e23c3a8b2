"""Retries: idempotent calls ride out faults; creating calls are never repeated blindly."""

from __future__ import annotations

import httpx
import pytest

from mdwx.wechat import OutcomeUnknown, RetryPolicy, TransportError, WeChatError
from tests.wechat_helpers import FakeWeChat, make_client, run

BUSY = {"errcode": -1, "errmsg": "system error"}


def connect_error() -> httpx.ConnectError:
    return httpx.ConnectError("[Errno 111] Connection refused")


@pytest.mark.parametrize(
    "fault",
    [BUSY, 500, 502, 429, httpx.ReadTimeout("timed out"), httpx.RemoteProtocolError("dropped")],
    ids=["errcode-1", "http500", "http502", "http429", "read-timeout", "dropped"],
)
def test_idempotent_call_is_retried_until_it_succeeds(fault: object) -> None:
    fake = FakeWeChat()
    fake.on("publish/query", fault, fault)
    assert run(make_client(fake).query("N")).published
    assert len(fake.calls("publish/query")) == 3


def test_idempotent_uploads_are_retried_after_a_dropped_connection() -> None:
    fake = FakeWeChat()
    fake.on("material/add_material", httpx.ReadError("reset"))
    fake.on("material/upload_video?action=upload_block", 503)
    fake.on("material/upload_video?action=query_status", {"ret": -1, "errmsg": "busy"})

    async def go() -> None:
        async with make_client(fake) as wx:
            await wx.add_material(b"x", "a.png")
            await wx.upload_block("wxv_1", 1, b"data")
            assert (await wx.query_status("M")).passed

    run(go())
    assert len(fake.calls("material/add_material")) == 2
    assert len(fake.calls("material/upload_video?action=upload_block")) == 2
    assert len(fake.calls("material/upload_video?action=query_status")) == 2


def test_attempts_are_bounded_and_the_last_failure_is_raised() -> None:
    fake = FakeWeChat()
    fake.on("publish/delete", *[500] * 10)
    with pytest.raises(TransportError, match="HTTP 500"):
        run(make_client(fake, retry=RetryPolicy(attempts=3, base=0.0001, cap=0.001)).delete("N"))
    assert len(fake.calls("publish/delete")) == 3


def test_persistent_busy_raises_the_wechat_error_with_its_hint() -> None:
    fake = FakeWeChat()
    fake.on("publish/query", *[BUSY] * 10)
    with pytest.raises(WeChatError) as caught:
        run(make_client(fake).query("N"))
    assert caught.value.errcode == -1
    assert "try again" in str(caught.value)


@pytest.mark.parametrize(
    "fault",
    [
        httpx.ReadTimeout("timed out"),
        httpx.RemoteProtocolError("peer closed"),
        httpx.ReadError("reset"),
        500,
    ],
    ids=["read-timeout", "dropped", "read-error", "http500"],
)
@pytest.mark.parametrize("method", ["uploadnews", "submit", "init_upload", "save_video"])
def test_creating_call_is_not_retried_after_sending(fault: object, method: str) -> None:
    fake = FakeWeChat()
    key = {
        "uploadnews": "publish/uploadnews",
        "submit": "publish/submit",
        "init_upload": "material/upload_video?action=init_upload",
        "save_video": "material/upload_video?action=save_video",
    }[method]
    fake.on(key, fault)
    with pytest.raises(OutcomeUnknown) as caught:
        run(_creating_call(make_client(fake), method))
    assert len(fake.calls(key)) == 1
    assert caught.value.endpoint == key
    assert "outcome unknown" in str(caught.value)


async def _creating_call(wx: object, method: str) -> object:
    calls = {
        "uploadnews": lambda: wx.uploadnews({"title": "t", "content": "c", "thumb_media_id": "M"}),
        "submit": lambda: wx.submit("NEWS-1"),
        "init_upload": lambda: wx.init_upload("a.mp4", "ab" * 20, 10),
        "save_video": lambda: wx.save_video(vid="v", title="t", description="d", cover_url="u"),
    }
    return await calls[method]()


@pytest.mark.parametrize(
    "fault",
    [connect_error(), httpx.ConnectTimeout("connect timed out"), BUSY, 429],
    ids=["connect-error", "connect-timeout", "errcode-1", "http429"],
)
def test_creating_call_is_retried_when_nothing_was_done(fault: object) -> None:
    fake = FakeWeChat()
    fake.on("publish/uploadnews", fault)
    media_id = run(
        make_client(fake).uploadnews({"title": "t", "content": "c", "thumb_media_id": "M"})
    )
    assert media_id == "NEWS-1"
    assert len(fake.calls("publish/uploadnews")) == 2


def test_network_down_raises_transport_error_after_retries() -> None:
    fake = FakeWeChat()
    fake.on("stable_token", *[connect_error() for _ in range(10)])
    with pytest.raises(TransportError) as caught:
        run(make_client(fake).uploadnews({"title": "t"}))
    assert "ConnectError" in str(caught.value)
    assert len(fake.calls("stable_token")) == 4
    assert fake.calls("publish/uploadnews") == []


def test_creating_call_without_its_id_in_the_answer_is_outcome_unknown() -> None:
    fake = FakeWeChat()
    fake.on("publish/uploadnews", {"errcode": 0, "errmsg": "ok"})
    with pytest.raises(OutcomeUnknown):
        run(make_client(fake).uploadnews({"title": "t"}))


def test_a_server_that_is_not_wechat_is_reported_not_retried_forever() -> None:
    fake = FakeWeChat()
    fake.on("publish/query", 404)
    with pytest.raises(TransportError) as caught:
        run(make_client(fake).query("N"))
    assert "MDWX_API_BASE" in str(caught.value)
    assert len(fake.calls("publish/query")) == 1


def test_backoff_is_full_jitter_below_an_exponential_cap() -> None:
    policy = RetryPolicy(attempts=5, base=0.5, cap=8.0)
    for retry_number, ceiling in [(0, 0.5), (1, 1.0), (3, 4.0), (6, 8.0)]:
        delays = [policy.delay(retry_number) for _ in range(200)]
        assert all(0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling / 2  # spread over the range, not a fixed value
    assert RetryPolicy(jitter=False).delay(2) == 2.0


def test_delete_whose_first_answer_was_lost_counts_a_later_unknown_id_as_done() -> None:
    fake = FakeWeChat()
    fake.on(
        "publish/delete",
        httpx.RemoteProtocolError("dropped"),
        {"errcode": 40007, "errmsg": "invalid media_id"},
    )
    run(make_client(fake).delete("N"))
    assert len(fake.calls("publish/delete")) == 2


def test_delete_of_an_unknown_id_on_the_first_attempt_is_an_error() -> None:
    fake = FakeWeChat()
    fake.on("publish/delete", {"errcode": 40007, "errmsg": "invalid media_id"})
    with pytest.raises(WeChatError) as caught:
        run(make_client(fake).delete("N"))
    assert caught.value.errcode == 40007
