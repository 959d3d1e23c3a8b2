"""Injected faults: idempotent calls ride them out, creating calls never duplicate work,
and no token or secret shows up in anything a person could read."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from mdwx.sandbox import SandboxServer
from mdwx.wechat import MemoryTokenCache, OutcomeUnknown, RetryPolicy, WeChatError
from tests.contract_helpers import client_for, image_bytes, requests_of, sandbox
from tests.wechat_helpers import run

__all__ = ["sandbox"]
PATIENT = RetryPolicy(attempts=30, base=0.0005, cap=0.002)


def article(thumb: str) -> dict[str, Any]:
    return {"title": "故障下的文章", "content": "<p>正文</p>", "thumb_media_id": thumb}


@pytest.mark.parametrize(
    "kinds", [("errcode",), ("http500",), ("drop",), ("errcode", "http500", "drop")]
)
def test_idempotent_calls_succeed_through_faults(
    sandbox: SandboxServer, kinds: tuple[str, ...]
) -> None:
    async def go() -> None:
        async with client_for(sandbox, retry=PATIENT) as wx:
            thumb = (await wx.add_material(image_bytes("JPEG"), "c.jpg")).media_id
            media_id = await wx.uploadnews(article(thumb))  # before faults: it creates
            sandbox.configure(failure_rate=0.5, failure_kinds=kinds, seed=7)
            for _ in range(5):
                await wx.uploadimg(image_bytes(), "b.png")
                await wx.add_material(image_bytes("JPEG"), "c.jpg")
                assert (await wx.query(media_id)).status == "未提交"
            await wx.delete(media_id)

    run(go())
    faulted = [r for r in sandbox.requests if r.fault]
    assert faulted and {r.fault for r in faulted} <= set(kinds)
    assert sandbox.store.articles() == []
    assert len(sandbox.store.images("body")) == 5


def test_uploadnews_is_retried_after_errcode_minus_1_and_creates_one_article(
    sandbox: SandboxServer,
) -> None:
    async def go() -> str:
        async with client_for(sandbox, retry=PATIENT) as wx:
            thumb = (await wx.add_material(image_bytes("JPEG"), "c.jpg")).media_id
            sandbox.configure(failure_rate=0.7, failure_kinds=("errcode",), seed=3)
            return await wx.uploadnews(article(thumb))

    media_id = run(go())
    assert [a.media_id for a in sandbox.store.articles()] == [media_id]
    assert any(
        r.fault == "errcode" and r.endpoint == "publish/uploadnews" for r in sandbox.requests
    )


@pytest.mark.parametrize(("kind", "created"), [("drop_after", 1), ("http500", 0)])
def test_uploadnews_after_an_unclear_failure_is_outcome_unknown_and_not_repeated(
    sandbox: SandboxServer, kind: str, created: int
) -> None:
    async def go() -> None:
        async with client_for(sandbox, retry=PATIENT) as wx:
            thumb = (await wx.add_material(image_bytes("JPEG"), "c.jpg")).media_id
            sandbox.configure(failure_rate=1.0, failure_kinds=(kind,))
            await wx.uploadnews(article(thumb))

    with pytest.raises(OutcomeUnknown) as caught:
        run(go())
    assert caught.value.endpoint == "publish/uploadnews"
    assert len(sandbox.store.articles()) == created
    log = requests_of(sandbox, 3)
    assert [r.endpoint for r in log].count("publish/uploadnews") == 1


def test_submit_after_a_dropped_answer_is_outcome_unknown(sandbox: SandboxServer) -> None:
    async def go() -> None:
        async with client_for(sandbox) as wx:
            media_id = await wx.uploadnews(
                article((await wx.add_material(image_bytes("JPEG"), "c.jpg")).media_id)
            )
            sandbox.configure(failure_rate=1.0, failure_kinds=("drop_after",))
            await wx.submit(media_id)

    with pytest.raises(OutcomeUnknown):
        run(go())
    (record,) = sandbox.store.articles()
    assert record.status != "未提交"  # it did take effect: the caller must check before retrying


def test_no_token_or_secret_in_logs_or_errors_of_a_faulty_run(sandbox: SandboxServer) -> None:
    """Collect every log line and error text of a run with faults, expiry and refusals."""
    lines: list[str] = []
    texts: list[str] = []
    tokens: set[str] = set()

    async def spy(request: httpx.Request) -> None:
        token = request.url.params.get("access_token")
        if token:
            tokens.add(token)

    async def attempt(call: Any) -> None:
        try:
            await call
        except WeChatError as err:
            texts.extend([str(err), repr(err), str(err.to_json()), err.errmsg, str(err.hint)])

    async def go() -> None:
        cache = MemoryTokenCache()
        async with client_for(
            sandbox,
            log=lines.append,
            token_cache=cache,
            retry=RetryPolicy(attempts=2, base=0.0005, cap=0.001),
        ) as wx:
            wx._http.event_hooks["request"].append(spy)
            thumb = (await wx.add_material(image_bytes("JPEG"), "c.jpg")).media_id
            sandbox.configure(
                failure_rate=0.6,
                failure_kinds=("errcode", "http500", "drop", "drop_after"),
                seed=11,
            )
            for round_number in range(6):
                if round_number == 3:
                    sandbox.expire_tokens()
                await attempt(wx.uploadimg(image_bytes(), "b.png"))
                await attempt(wx.uploadnews(article(thumb)))
                await attempt(wx.uploadimg(b"text", "b.txt"))
            sandbox.configure(failure_rate=0.0)
            await attempt(wx.query("no-such-article"))
            texts.append(repr(wx))
            texts.append(repr(cache))

    run(go())
    assert len(tokens) >= 2, "the run should have renewed its token"
    assert len(texts) > 10 and len(lines) > 20
    for text in texts + lines:
        assert sandbox.secret not in text
        for token in tokens:
            assert token not in text, text


def test_delete_survives_a_dropped_answer(sandbox: SandboxServer) -> None:
    async def go() -> None:
        async with client_for(sandbox) as wx:
            media_id = await wx.uploadnews(
                article((await wx.add_material(image_bytes("JPEG"), "c.jpg")).media_id)
            )
            sandbox.configure(failure_rate=1.0, failure_kinds=("drop_after",))
            delete = asyncio.create_task(wx.delete(media_id))
            await asyncio.sleep(0)
            sandbox.configure(failure_rate=0.0)  # the retry gets through
            await delete

    run(go())
    assert sandbox.store.articles() == []
