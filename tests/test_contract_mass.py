"""The client's 群发 and preview methods against the real sandbox over loopback: the phone
inbox, quotas per account type, clientmsgid (45065/45066/45067), 群发保护, the open
question whether a draft media_id is accepted, typed errors with their explanations."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from mdwx.sandbox import SandboxServer
from mdwx.sandbox.massstore import follower_openid
from mdwx.wechat import PermissionDenied, QuotaError, WeChatClient
from mdwx.wechat.errors import MassSendRefused, error_for
from mdwx.wechat.mass_codes import MASS_CODES
from tests import factories
from tests.contract_helpers import QUICK, client_for, image_bytes, wait_for
from tests.wechat_helpers import run


async def a_draft(wx: WeChatClient, titles: tuple[str, ...] = ("一",)) -> str:
    thumb = (await wx.add_material(image_bytes("JPEG", size=(470, 200)), "c.jpg")).media_id
    return await wx.draft_add(
        [{"title": t, "content": "<p>x</p>", "thumb_media_id": thumb} for t in titles]
    )


def inbox(sb: SandboxServer, to: str | None = None) -> list[dict[str, Any]]:
    params = {"to": to} if to else {}
    answer = httpx.get(f"{sb.base_url}/_sandbox/inbox", params=params, timeout=30)
    return list(answer.json()["messages"])


def test_preview_arrives_in_the_phone_inbox_and_keeps_the_draft() -> None:
    with factories.sandbox(**QUICK) as sb:

        async def go() -> None:
            async with client_for(sb) as wx:
                media_id = await a_draft(wx, ("头条", "次条"))
                await wx.mass_preview(media_id, towxname="reader2")
                await wx.mass_preview(media_id, touser=follower_openid(1))
                assert (await wx.draft_get(media_id)).media_id == media_id  # still in the box
                with pytest.raises(MassSendRefused) as err:
                    await wx.mass_preview(media_id, towxname="stranger")
                assert err.value.errcode == 43004 and "follow" in str(err.value)

        run(go())
        phone = inbox(sb, "reader2")
        assert [(m["kind"], m["titles"]) for m in phone] == [("preview", ["头条", "次条"])]
        assert [m["to"] for m in inbox(sb)] == ["reader2", "reader1"]


def test_the_sandbox_page_shows_the_phones_escaped() -> None:
    with factories.sandbox(**QUICK) as sb:

        async def go() -> None:
            async with client_for(sb) as wx:
                await wx.mass_preview(await a_draft(wx, ("<b>粗</b>",)), towxname="reader1")

        run(go())
        page = httpx.get(f"{sb.base_url}/", timeout=30).text
        assert "reader1 ← preview: &lt;b&gt;粗&lt;/b&gt;" in page and "<b>粗" not in page


def test_preview_limit_is_45009_explained() -> None:
    with factories.sandbox(**QUICK, preview_daily_limit=2) as sb:

        async def go() -> None:
            async with client_for(sb) as wx:
                media_id = await a_draft(wx)
                for _ in range(2):
                    await wx.mass_preview(media_id, towxname="reader1")
                with pytest.raises(QuotaError) as err:
                    await wx.mass_preview(media_id, towxname="reader1")
                assert "100 a day" in str(err.value) and "00:00 Beijing" in (err.value.hint or "")
            sb.advance(86_400)
            async with client_for(sb) as wx:
                await wx.mass_preview(await a_draft(wx), towxname="reader1")

        run(go())


def test_sendall_to_all_and_to_a_tag_on_a_service_account() -> None:
    with factories.sandbox(**QUICK, account_type="service", followers=4) as sb:

        async def go() -> None:
            async with client_for(sb) as wx:
                tags = {t.name: t for t in await wx.tags_get()}
                sent = await wx.mass_sendall(await a_draft(wx), clientmsgid="a")
                tagged = await wx.mass_sendall(
                    await a_draft(wx, ("标签",)), clientmsgid="b", tag_id=tags["读者"].id
                )
                assert sent.msg_data_id and not sent.existing
                sb.advance(5)
                assert (await wx.mass_get(sent.msg_id)).msg_status == "SEND_SUCCESS"
                assert (await wx.mass_get(tagged.msg_id)).final

        run(go())
        assert len(inbox(sb, "reader1")) == 2 and len(inbox(sb, "reader4")) == 1
        assert len(sb.store.history()) == 1  # only the send to all is listed


def test_a_sent_draft_leaves_the_box() -> None:
    with factories.sandbox(**QUICK) as sb:

        async def go() -> None:
            async with client_for(sb) as wx:
                media_id = await a_draft(wx)
                await wx.mass_sendall(media_id)
                assert await wx.draft_count() == 0

        run(go())


def test_subscription_quota_is_one_send_a_day_then_45028() -> None:
    with factories.sandbox(**QUICK) as sb:

        async def go() -> None:
            async with client_for(sb) as wx:
                await wx.mass_sendall(await a_draft(wx), clientmsgid="day1")
                with pytest.raises(MassSendRefused) as err:
                    await wx.mass_sendall(await a_draft(wx), clientmsgid="day1b")
                assert err.value.errcode == 45028 and "订阅号" in str(err.value)
                with pytest.raises(PermissionDenied):  # a 订阅号 cannot send by OpenID
                    await wx.mass_send(await a_draft(wx), [follower_openid(1), follower_openid(2)])
            sb.advance(86_400)
            async with client_for(sb) as wx:
                await wx.mass_sendall(await a_draft(wx), clientmsgid="day2")

        run(go())


def test_service_account_delivers_four_a_month_per_follower() -> None:
    with factories.sandbox(**QUICK, account_type="service", followers=2) as sb:

        async def go() -> None:
            async with client_for(sb) as wx:
                for n in range(4):
                    await wx.mass_send(
                        await a_draft(wx),
                        [follower_openid(1), follower_openid(2)],
                        clientmsgid=f"m{n}",
                    )
                with pytest.raises(MassSendRefused) as err:
                    await wx.mass_sendall(await a_draft(wx), clientmsgid="m5")
                assert err.value.errcode == 45028

        run(go())


def test_clientmsgid_repeats_45066_then_45065_with_the_msg_id() -> None:
    with factories.sandbox(**QUICK) as sb:

        async def go() -> None:
            async with client_for(sb) as wx:
                first = await wx.mass_sendall(await a_draft(wx), clientmsgid="post-v1")
                other = await a_draft(wx)
                with pytest.raises(MassSendRefused) as err:
                    await wx.mass_sendall(other, clientmsgid="post-v1")
                assert err.value.errcode == 45066 and "a minute" in (err.value.hint or "")
                sb.advance(61)
                again = await wx.mass_sendall(other, clientmsgid="post-v1")
                assert again.existing and again.msg_id == first.msg_id
                with pytest.raises(ValueError):
                    await wx.mass_sendall(other, clientmsgid="x" * 65)

        run(go())
        assert len(sb.store.history()) == 1


def test_clientmsgid_over_64_bytes_is_45067_on_the_wire() -> None:
    with factories.sandbox(**QUICK) as sb:
        api = httpx.Client(base_url=sb.base_url, timeout=30)
        token = api.get(
            "/cgi-bin/token",
            params={"grant_type": "client_credential", "appid": sb.appid, "secret": sb.secret},
        )
        body = {
            "filter": {"is_to_all": True},
            "mpnews": {"media_id": "m"},
            "msgtype": "mpnews",
            "clientmsgid": "长" * 22,
        }
        answer = api.post(
            "/cgi-bin/message/mass/sendall",
            json=body,
            params={"access_token": token.json()["access_token"]},
        ).json()
        assert answer["errcode"] == 45067


@pytest.mark.parametrize(("confirm", "final"), [(10.0, "SEND_SUCCESS"), (2000.0, "SEND_FAIL")])
def test_mass_protection_waits_for_the_admin_or_fails(confirm: float, final: str) -> None:
    settings = {"mass_protection": True, "mass_confirm_seconds": confirm}
    with factories.sandbox(**QUICK, **settings) as sb:

        async def go() -> None:
            async with client_for(sb) as wx:
                sent = await wx.mass_sendall(await a_draft(wx))
                assert (await wx.mass_get(sent.msg_id)).msg_status == "SENDING"
                sb.advance(1801)
                status = await wx.mass_get(sent.msg_id)
                assert status.msg_status == final and status.final

        run(go())
        assert len(sb.store.history()) == (1 if final == "SEND_SUCCESS" else 0)


def test_a_draft_media_id_refused_when_the_account_does_not_take_it() -> None:
    with factories.sandbox(**QUICK, mass_draft_accepted=False) as sb:

        async def go() -> None:
            async with client_for(sb) as wx:
                with pytest.raises(MassSendRefused) as err:
                    await wx.mass_sendall(await a_draft(wx))
                assert err.value.errcode == 40007 and "paste" in (err.value.hint or "")

        run(go())
        assert sb.store.mass_sends() == []


def test_unverified_account_gets_48001_naming_the_paste_route() -> None:
    with factories.sandbox(**QUICK, mass_api_authorised=False) as sb:

        async def go() -> None:
            async with client_for(sb) as wx:
                with pytest.raises(PermissionDenied) as err:
                    await wx.mass_preview(await a_draft(wx), towxname="reader1")
                assert "July 2025" in str(err.value) and "mdwx preview" in (err.value.hint or "")

        run(go())


def test_delete_removes_articles_from_the_history() -> None:
    with factories.sandbox(**QUICK) as sb:

        async def go() -> None:
            async with client_for(sb) as wx:
                sent = await wx.mass_sendall(await a_draft(wx, ("一", "二")))
                sb.advance(5)
                await wx.mass_delete(sent.msg_id, article_idx=2)
                assert (await wx.mass_get(sent.msg_id)).msg_status == "SEND_SUCCESS"
                await wx.mass_delete(sent.msg_id, article_idx=1)
                assert (await wx.mass_get(sent.msg_id)).msg_status == "DELETE"

        run(go())
        assert inbox(sb, "reader1")[0]["deleted"] == [1, 2]


@hsettings(max_examples=40)
@given(
    code=st.sampled_from(sorted(MASS_CODES)),
    endpoint=st.sampled_from(["message/mass/sendall", "message/mass/send", "message/mass/preview"]),
)
def test_every_mass_code_is_explained_with_a_hint(code: int, endpoint: str) -> None:
    error = error_for(code, "raw errmsg", endpoint)
    meaning, hint = MASS_CODES[code]
    assert error.errcode == code and meaning in str(error) and error.hint == hint
    assert "\n" not in str(error)


def test_status_follows_sending_to_success() -> None:
    with factories.sandbox(**QUICK, mass_send_seconds=3.0) as sb:

        async def go() -> None:
            async with client_for(sb) as wx:
                sent = await wx.mass_sendall(await a_draft(wx))
                assert not (await wx.mass_get(sent.msg_id)).final

                async def done() -> Any:
                    sb.advance(1)
                    status = await wx.mass_get(sent.msg_id)
                    return status if status.final else None

                assert (await wait_for(done, "sending")).msg_status == "SEND_SUCCESS"

        run(go())
