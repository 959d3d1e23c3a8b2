"""Injected faults on the draft API: reads ride them out, draft/add and freepublish/submit
never duplicate work, deletes survive a lost answer, and a lost submit can be settled."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.sandbox import SandboxServer, SandboxSettings
from mdwx.wechat import OutcomeUnknown, RetryPolicy, WeChatClient, WeChatError
from tests.contract_helpers import QUICK, client_for, image_bytes, requests_of, sandbox
from tests.wechat_helpers import run

__all__ = ["sandbox"]
PATIENT = RetryPolicy(attempts=30, base=0.0005, cap=0.002)


async def cover(wx: WeChatClient) -> str:
    return (await wx.add_material(image_bytes("JPEG", size=(470, 200)), "c.jpg")).media_id


def news(thumb: str, title: str = "故障下的草稿") -> dict[str, Any]:
    return {"title": title, "content": "<p>正文</p>", "thumb_media_id": thumb}


@pytest.mark.parametrize(
    "kinds", [("errcode",), ("http500",), ("drop",), ("errcode", "http500", "drop")]
)
def test_reads_and_updates_succeed_through_faults(
    sandbox: SandboxServer, kinds: tuple[str, ...]
) -> None:
    sandbox.configure(publish_seconds=0)

    async def go() -> None:
        async with client_for(sandbox, retry=PATIENT) as wx:
            thumb = await cover(wx)
            media_id = await wx.draft_add([news(thumb)])  # before faults: these create
            kept = await wx.draft_add([news(thumb)])
            sub = await wx.freepublish_submit(media_id)
            sandbox.configure(failure_rate=0.5, failure_kinds=kinds, seed=5)
            for n in range(3):
                await wx.draft_update(kept, news(thumb, f"第{n}次"), index=0)
                assert (await wx.draft_get(kept)).news_item[0].title == f"第{n}次"
                assert await wx.draft_count() == 1
                assert (await wx.draft_batchget()).total_count == 1
                job = await wx.freepublish_get(sub.publish_id)
                assert job.succeeded and job.article_id
                assert len((await wx.freepublish_getarticle(job.article_id)).news_item) == 1
                assert (await wx.freepublish_batchget()).total_count == 1
            await wx.draft_delete(kept)
            await wx.freepublish_delete(job.article_id)

    run(go())
    faulted = [r for r in sandbox.requests if r.fault]
    assert faulted and {r.fault for r in faulted} <= set(kinds)
    assert sandbox.store.drafts() == []
    assert sandbox.store.publications()[0].publish_status == 5


@pytest.mark.parametrize("endpoint", ["draft/add", "freepublish/submit"])
def test_creating_calls_are_retried_after_errcode_minus_1_and_act_once(
    sandbox: SandboxServer, endpoint: str
) -> None:
    async def go() -> None:
        async with client_for(sandbox, retry=PATIENT) as wx:
            thumb = await cover(wx)
            if endpoint == "draft/add":
                sandbox.configure(failure_rate=0.7, failure_kinds=("errcode",), seed=3)
                await wx.draft_add([news(thumb)])
            else:
                media_id = await wx.draft_add([news(thumb)])
                sandbox.configure(failure_rate=0.7, failure_kinds=("errcode",), seed=3)
                await wx.freepublish_submit(media_id)

    run(go())
    assert any(r.fault == "errcode" and r.endpoint == endpoint for r in sandbox.requests)
    assert len(sandbox.store.drafts(any_state=True)) == 1
    assert len(sandbox.store.publications()) == (endpoint == "freepublish/submit")


@pytest.mark.parametrize(("kind", "created"), [("drop_after", 1), ("http500", 0), ("drop", 0)])
def test_draft_add_after_an_unclear_failure_is_outcome_unknown_and_not_repeated(
    sandbox: SandboxServer, kind: str, created: int
) -> None:
    async def go() -> None:
        async with client_for(sandbox, retry=PATIENT) as wx:
            thumb = await cover(wx)
            sandbox.configure(failure_rate=1.0, failure_kinds=(kind,))
            await wx.draft_add([news(thumb)])

    with pytest.raises(OutcomeUnknown) as caught:
        run(go())
    assert caught.value.endpoint == "draft/add"
    assert len(sandbox.store.drafts()) == created
    assert [r.endpoint for r in requests_of(sandbox, 3)].count("draft/add") == 1


@pytest.mark.parametrize(
    ("kind", "took_effect"), [("drop_after", True), ("drop", False), ("http500", False)]
)
def test_a_lost_submit_is_outcome_unknown_and_settled_by_looking(
    sandbox: SandboxServer, kind: str, took_effect: bool
) -> None:
    """After OutcomeUnknown the caller looks: the draft left the box iff it was submitted,
    and the publication shows up in freepublish/batchget once published."""
    sandbox.configure(publish_seconds=0)

    async def go() -> tuple[bool, int]:
        async with client_for(sandbox, retry=PATIENT) as wx:
            media_id = await wx.draft_add([news(await cover(wx))])
            sandbox.configure(failure_rate=1.0, failure_kinds=(kind,))
            with pytest.raises(OutcomeUnknown):
                await wx.freepublish_submit(media_id)
            sandbox.configure(failure_rate=0.0)
            try:
                await wx.draft_get(media_id)
                in_box = True
            except WeChatError as err:
                assert err.errcode == 40007
                in_box = False
            return in_box, (await wx.freepublish_batchget()).total_count

    in_box, published = run(go())
    assert in_box is not took_effect and published == int(took_effect)
    assert [r.endpoint for r in sandbox.requests].count("freepublish/submit") == 1


@pytest.mark.parametrize("what", ["draft", "published"])
def test_deletes_survive_a_dropped_answer(sandbox: SandboxServer, what: str) -> None:
    sandbox.configure(publish_seconds=0)

    async def go() -> None:
        async with client_for(sandbox) as wx:
            media_id = await wx.draft_add([news(await cover(wx))])
            if what == "published":
                job = await wx.freepublish_get((await wx.freepublish_submit(media_id)).publish_id)
                delete = wx.freepublish_delete(job.article_id or "")
            else:
                delete = wx.draft_delete(media_id)
            sandbox.configure(failure_rate=1.0, failure_kinds=("drop_after",))
            task = asyncio.create_task(delete)
            await asyncio.sleep(0)
            sandbox.configure(failure_rate=0.0)  # the retry gets through, answering 40007
            await task

    run(go())
    if what == "draft":
        assert sandbox.store.drafts() == []
    else:
        assert sandbox.store.publications()[0].publish_status == 5


@pytest.fixture(scope="module")
def shared() -> Any:
    with SandboxServer(SandboxSettings(**QUICK, publish_seconds=0)) as server:
        yield server


@settings(max_examples=40)
@given(count=st.integers(1, 8), index=st.integers(-1, 10))
def test_index_conventions_over_every_draft_size(
    shared: SandboxServer, count: int, index: int
) -> None:
    """draft/update takes index 0..count-1; freepublish/delete takes 0 (all) or 1..count."""

    async def go() -> tuple[bool, bool]:
        async with client_for(shared) as wx:
            thumb = await cover(wx)
            media_id = await wx.draft_add([news(thumb, f"第{n}篇") for n in range(count)])
            updated = await _succeeds(wx.draft_update(media_id, news(thumb, "改"), index))
            job = await wx.freepublish_get((await wx.freepublish_submit(media_id)).publish_id)
            deleted = await _succeeds(wx.freepublish_delete(job.article_id or "", index))
            return updated, deleted

    updated, deleted = run(go())
    assert updated is (0 <= index < count)
    assert deleted is (0 <= index <= count)


async def _succeeds(call: Any) -> bool:
    try:
        await call
    except ValueError:  # refused before sending: a negative index
        return False
    except WeChatError as err:
        assert err.errcode == 40097, err
        return False
    return True
