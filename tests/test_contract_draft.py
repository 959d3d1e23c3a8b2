"""The client's draft-box and free-publish methods against the real sandbox over loopback:
typed results, typed errors with hints, index conventions, publish_status and fail_idx."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from mdwx.sandbox import SandboxServer
from mdwx.wechat import (
    ContentRejected,
    PermissionDenied,
    PublishFailed,
    PublishJob,
    PublishRefused,
    WeChatClient,
    WeChatError,
)
from tests.contract_helpers import client_for, endpoints, image_bytes, sandbox, wait_for
from tests.wechat_helpers import run

__all__ = ["sandbox"]


async def cover(wx: WeChatClient, size: tuple[int, int] = (470, 200)) -> str:
    return (await wx.add_material(image_bytes("JPEG", size=size), "cover.jpg")).media_id


def news(thumb: str, **fields: Any) -> dict[str, Any]:
    return {"title": "草稿", "content": "<p>正文</p>", "thumb_media_id": thumb, **fields}


async def follow(wx: WeChatClient, publish_id: str) -> PublishJob:
    async def final() -> PublishJob | None:
        job = await wx.freepublish_get(publish_id)
        return job if job.final else None

    return await wait_for(final, "publishing")


def test_draft_box_round_trip_with_typed_results(sandbox: SandboxServer) -> None:
    async def go() -> None:
        async with client_for(sandbox) as wx:
            thumb = await cover(wx)
            crop = "0_0_1_1"
            media_id = await wx.draft_add(
                [
                    news(thumb, title="一", author="作者", pic_crop_235_1=crop),
                    news(thumb, title="二"),
                ]
            )
            await wx.draft_update(media_id, news(thumb, title="新二"), index=1)
            draft = await wx.draft_get(media_id)
            assert [i.title for i in draft.news_item] == ["一", "新二"]
            first = draft.news_item[0]
            assert (first.author, first.thumb_media_id, first.pic_crop_235_1) == (
                "作者",
                thumb,
                crop,
            )
            assert first.url.endswith(f"/s/{media_id}?idx=1") and draft.update_time > 0
            assert await wx.draft_count() == 1
            page = await wx.draft_batchget(no_content=True)
            assert page.total_count == 1 and page.items[0].media_id == media_id
            assert page.items[0].news_item[1].content == ""
            await wx.draft_delete(media_id)
            assert await wx.draft_count() == 0
            with pytest.raises(WeChatError) as caught:
                await wx.draft_get(media_id)
            assert caught.value.errcode == 40007 and "draft box" in str(caught.value)

    run(go())
    assert endpoints(sandbox, 10).count("draft/count") == 2


def test_update_index_counts_from_0(sandbox: SandboxServer) -> None:
    async def go() -> None:
        async with client_for(sandbox) as wx:
            thumb = await cover(wx)
            media_id = await wx.draft_add([news(thumb)])
            await wx.draft_update(media_id, news(thumb, title="改"), index=0)
            with pytest.raises(WeChatError) as caught:
                await wx.draft_update(media_id, news(thumb), index=1)
            assert caught.value.errcode == 40097
            with pytest.raises(ValueError):
                await wx.draft_update(media_id, news(thumb), index=-1)

    run(go())
    (draft,) = sandbox.store.drafts()
    assert draft.items[0]["title"] == "改"


@pytest.mark.parametrize(
    ("fields", "errcode", "field", "words"),
    [
        ({"title": "标" * 65}, 45003, "title", "limits.title"),
        ({"author": "作" * 17}, 45110, "author", "16 characters"),
        ({"digest": "摘" * 121}, 45004, "digest", "120"),
        ({"content": "<p>" + "x" * 700_000 + "</p>"}, 45002, "content", "690 KB"),
        ({"thumb_media_id": "not-permanent"}, 40007, "thumb_media_id", "add_material"),
        ({"pic_crop_1_1": "0_0_1_1"}, 40097, None, "pic_crop_1_1"),
    ],
)
def test_draft_add_refusals_are_typed_with_hints(
    sandbox: SandboxServer, fields: dict, errcode: int, field: str | None, words: str
) -> None:
    async def go() -> None:
        async with client_for(sandbox) as wx:
            await wx.draft_add([news(await cover(wx), **fields)])

    with pytest.raises(WeChatError) as caught:
        run(go())
    err = caught.value
    assert err.errcode == errcode and words in str(err) + str(err.hint)
    assert isinstance(err, ContentRejected) is (field is not None)
    if field:
        assert err.field == field  # type: ignore[attr-defined]
    assert sandbox.store.drafts() == []
    assert endpoints(sandbox, 3).count("draft/add") == 1  # refusals are not retried


def test_more_than_8_articles_is_refused_before_sending(sandbox: SandboxServer) -> None:
    async def go() -> None:
        async with client_for(sandbox) as wx:
            await wx.draft_add([news("x")] * 9)

    with pytest.raises(ValueError, match="1..8"):
        run(go())
    assert sandbox.requests == []


def test_image_post_plain_text_and_html_refusal(sandbox: SandboxServer) -> None:
    async def go() -> None:
        async with client_for(sandbox) as wx:
            images = [await cover(wx, (100, 100)) for _ in range(2)]
            art = {
                "article_type": "newspic",
                "title": "图",
                "content": "文字",
                "image_info": {"image_list": [{"image_media_id": m} for m in images]},
            }
            media_id = await wx.draft_add([art])
            (item,) = (await wx.draft_get(media_id)).news_item
            assert item.article_type == "newspic" and item.image_media_ids == tuple(images)
            with pytest.raises(ContentRejected) as caught:
                await wx.draft_add([{**art, "content": "<p>文字</p>"}])
            assert caught.value.errcode == 45166 and "plain text" in (caught.value.hint or "")

    run(go())


def test_submit_follow_read_and_delete_a_publication(sandbox: SandboxServer) -> None:
    sandbox.configure(publish_seconds=3600)  # publishing until the test ends it: no window to miss

    async def go() -> None:
        async with client_for(sandbox) as wx:
            thumb = await cover(wx)
            media_id = await wx.draft_add([news(thumb, title="甲"), news(thumb, title="乙")])
            sub = await wx.freepublish_submit(media_id)
            assert sub.publish_id and sub.msg_data_id
            assert await wx.draft_count() == 0  # the draft left the box
            first = await wx.freepublish_get(sub.publish_id)
            assert first.publishing and not first.final and first.url is None
            sandbox.advance(3600)
            job = await follow(wx, sub.publish_id)
            assert job.succeeded and job.article_id and [i for i, _ in job.article_urls] == [1, 2]
            assert "甲" in httpx.get(job.url or "").text
            article = await wx.freepublish_getarticle(job.article_id)
            assert [(i.title, i.is_deleted) for i in article.news_item] == [
                ("甲", False),
                ("乙", False),
            ]
            page = await wx.freepublish_batchget()
            assert [a.article_id for a in page.items] == [job.article_id]
            await wx.freepublish_delete(job.article_id, index=2)  # from 1: the second
            article = await wx.freepublish_getarticle(job.article_id)
            assert [i.is_deleted for i in article.news_item] == [False, True]
            with pytest.raises(WeChatError) as caught:
                await wx.freepublish_delete(job.article_id, index=3)
            assert caught.value.errcode == 40097
            await wx.freepublish_delete(job.article_id)  # 0: every article left
            gone = await wx.freepublish_get(sub.publish_id)
            assert gone.publish_status == 5 and gone.final and not gone.succeeded
            err = PublishFailed(gone.publish_id, gone.publish_status)
            assert "deleted after it was published" in str(err)

    run(go())


@pytest.mark.parametrize(
    ("outcome", "fail_idx", "words"),
    [
        (2, (1, 2), "originality check failed"),
        (3, (), "general reason"),
        (4, (1, 2), "review rejected"),
    ],
)
def test_publish_failures_with_fail_idx_explained_in_words(
    sandbox: SandboxServer, outcome: int, fail_idx: tuple[int, ...], words: str
) -> None:
    sandbox.configure(publish_seconds=0.05, publish_outcome=outcome)

    async def go() -> PublishJob:
        async with client_for(sandbox) as wx:
            thumb = await cover(wx)
            sub = await wx.freepublish_submit(await wx.draft_add([news(thumb), news(thumb)]))
            return await follow(wx, sub.publish_id)

    job = run(go())
    assert job.failed and job.publish_status == outcome and job.fail_idx == fail_idx
    assert job.article_id is None and job.url is None
    err = PublishFailed(job.publish_id, job.publish_status, job.fail_idx)
    assert words in str(err) and err.hint
    assert ("article(s) 1, 2" in str(err)) is bool(fail_idx)
    assert err.to_json()["fail_idx"] == list(fail_idx)


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (53503, "pre-publish check"),
        (53504, "web console"),
        (53505, "saved by hand"),
    ],
)
def test_submit_refusals_are_publish_refused(sandbox: SandboxServer, code: int, words: str) -> None:
    async def go() -> None:
        async with client_for(sandbox) as wx:
            media_id = await wx.draft_add([news(await cover(wx))])
            sandbox.configure(submit_refusal=code)
            with pytest.raises(PublishRefused) as caught:
                await wx.freepublish_submit(media_id)
            assert caught.value.errcode == code and words in str(caught.value)
            assert "草稿箱" in (caught.value.hint or "")
            assert await wx.draft_count() == 1  # the draft stays

    run(go())
    assert endpoints(sandbox, 5).count("freepublish/submit") == 1


def test_unverified_account_is_permission_denied_with_advice(sandbox: SandboxServer) -> None:
    sandbox.configure(draft_api_authorised=False)
    with pytest.raises(PermissionDenied) as caught:
        run(client_for(sandbox).draft_count())
    assert caught.value.errcode == 48001
    hint = caught.value.hint or ""
    assert "verify the account" in hint and "mdwx preview POST" in hint  # the route that remains


def test_unknown_ids_name_what_is_unknown(sandbox: SandboxServer) -> None:
    async def go() -> list[str]:
        texts = []
        async with client_for(sandbox) as wx:
            for call in (
                wx.freepublish_get("1"),
                wx.freepublish_getarticle("a"),
                wx.freepublish_submit("m"),
            ):
                with pytest.raises(WeChatError) as caught:
                    await call
                assert caught.value.errcode == 40007
                texts.append(str(caught.value))
        return texts

    get, getarticle, submit = run(go())
    assert "publish_id" in get and "article_id" in getarticle and "draft box" in submit


def test_token_expiry_is_renewed_on_draft_calls(sandbox: SandboxServer) -> None:
    async def go() -> None:
        async with client_for(sandbox) as wx:
            await wx.draft_count()
            sandbox.expire_tokens()
            assert await wx.draft_count() == 0

    run(go())
    assert endpoints(sandbox, 5) == [
        "stable_token",
        "draft/count",
        "draft/count",
        "stable_token",
        "draft/count",
    ]
