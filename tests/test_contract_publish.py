"""The client against the real sandbox over loopback: tokens, images and the publish library."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from mdwx.sandbox import SandboxServer
from mdwx.wechat import (
    AlreadySubmitted,
    ContentRejected,
    PublishStatus,
    TokenError,
    WeChatClient,
    WeChatError,
)
from tests.contract_helpers import (
    client_for,
    endpoints,
    image_bytes,
    requests_of,
    sandbox,
    wait_for,
)
from tests.wechat_helpers import run

__all__ = ["sandbox"]  # the fixture, imported for pytest


async def cover(wx: WeChatClient) -> str:
    return (await wx.add_material(image_bytes("JPEG"), "cover.jpg")).media_id


def article(thumb: str, **fields: Any) -> dict[str, Any]:
    base = {
        "title": "沙盒里的标题",
        "content": "<p>正文内容</p>",
        "thumb_media_id": thumb,
        "digest": "摘要",
    }
    return {**base, **fields}


def test_token_is_fetched_once_and_renewed_after_expiry(sandbox: SandboxServer) -> None:
    async def go() -> None:
        async with client_for(sandbox) as wx:
            await wx.uploadimg(image_bytes(), "a.png")
            await wx.uploadimg(image_bytes(), "b.png")
            sandbox.expire_tokens()
            await wx.uploadimg(image_bytes(), "c.png")

    run(go())
    log = [(r.endpoint, r.errcode) for r in requests_of(sandbox, 6)]
    assert log == [
        ("stable_token", None),
        ("media/uploadimg", None),
        ("media/uploadimg", None),
        ("media/uploadimg", 42001),
        ("stable_token", None),
        ("media/uploadimg", None),
    ]


def test_token_mode_token_works_against_get_endpoint(sandbox: SandboxServer) -> None:
    run(client_for(sandbox, token_mode="token").uploadimg(image_bytes(), "a.png"))
    assert endpoints(sandbox, 2) == ["token", "media/uploadimg"]


def test_wrong_secret_is_a_token_error_naming_the_setting(sandbox: SandboxServer) -> None:
    with pytest.raises(TokenError) as caught:
        run(client_for(sandbox, secret="not-the-secret").uploadimg(image_bytes(), "a.png"))
    assert caught.value.errcode == 40125 and "WECHAT_APPSECRET" in str(caught.value)
    assert "not-the-secret" not in str(caught.value)


def test_images_upload_and_are_served_at_their_url(sandbox: SandboxServer) -> None:
    png = image_bytes("PNG")

    async def go() -> tuple[Any, str, str]:
        async with client_for(sandbox) as wx:
            material = await wx.add_material(png, "cover.png")
            thumb = await wx.add_material(image_bytes("JPEG"), "thumb.jpg", kind="thumb")
            return material, thumb.media_id, await wx.uploadimg(png, "body.png")

    material, thumb_id, body_url = run(go())
    assert material.media_id and thumb_id and material.url
    assert httpx.get(body_url).content == png
    assert {(i.kind, i.ext) for i in sandbox.store.images()} == {
        ("image", "png"),
        ("thumb", "jpg"),
        ("body", "png"),
    }


@pytest.mark.parametrize(
    ("data", "filename", "errcode"),
    [
        (b"plain text", "notes.txt", 40113),
        (image_bytes("PNG"), "noext", 40113),
        (image_bytes("PNG"), "photo.jpg", 40005),
    ],
    ids=["txt", "no-extension", "png-named-jpg"],
)
def test_bad_file_type_is_content_rejected(
    sandbox: SandboxServer, data: bytes, filename: str, errcode: int
) -> None:
    with pytest.raises(ContentRejected) as caught:
        run(client_for(sandbox).uploadimg(data, filename))
    assert caught.value.errcode == errcode and "file type" in str(caught.value)


def test_too_large_cover_is_content_rejected_without_retry(sandbox: SandboxServer) -> None:
    sandbox.configure(cover_max_bytes=2000)
    big = image_bytes("PNG", size=(64, 64), noise=True)
    assert len(big) > 2000
    with pytest.raises(ContentRejected) as caught:
        run(client_for(sandbox).add_material(big, "big.png"))
    assert caught.value.errcode == 40009 and "too large" in str(caught.value)
    assert endpoints(sandbox, 2).count("material/add_material") == 1


def test_unknown_thumb_is_rejected_naming_the_cover(sandbox: SandboxServer) -> None:
    with pytest.raises(ContentRejected) as caught:
        run(client_for(sandbox).uploadnews(article("no-such-media")))
    assert caught.value.errcode == 40007 and caught.value.field == "thumb_media_id"
    assert "cover" in str(caught.value)


def test_title_of_64_chinese_characters_passes_and_65_is_45003(sandbox: SandboxServer) -> None:
    async def go() -> str:
        async with client_for(sandbox) as wx:
            thumb = await cover(wx)
            media_id = await wx.uploadnews(article(thumb, title="标" * 64))
            with pytest.raises(ContentRejected) as caught:
                await wx.uploadnews(article(thumb, title="标" * 65))
            assert caught.value.errcode == 45003 and caught.value.field == "title"
            assert "title" in (caught.value.hint or "")
            return media_id

    media_id = run(go())
    assert sandbox.store.article(media_id).items[0]["title"] == "标" * 64


def test_external_link_is_content_rejected(sandbox: SandboxServer) -> None:
    async def go() -> None:
        async with client_for(sandbox) as wx:
            await wx.uploadnews(
                article(await cover(wx), content='<p><a href="https://example.com/">x</a></p>')
            )

    with pytest.raises(ContentRejected) as caught:
        run(go())
    assert caught.value.errcode == 45166 and "link" in str(caught.value)


def test_submit_twice_and_update_after_submit_are_already_submitted(sandbox: SandboxServer) -> None:
    async def go() -> None:
        async with client_for(sandbox) as wx:
            thumb = await cover(wx)
            media_id = await wx.uploadnews(article(thumb))
            await wx.update(media_id, article(thumb, title="改过的标题"))
            await wx.submit(media_id)
            with pytest.raises(AlreadySubmitted, match="already submitted"):
                await wx.submit(media_id)
            with pytest.raises(AlreadySubmitted, match="can no longer change"):
                await wx.update(media_id, article(thumb, title="再改"))

    run(go())
    (record,) = sandbox.store.articles()
    assert record.items[0]["title"] == "改过的标题"


def test_delete_index_0_removes_the_article(sandbox: SandboxServer) -> None:
    async def go() -> None:
        async with client_for(sandbox) as wx:
            media_id = await wx.uploadnews(article(await cover(wx)))
            await wx.delete(media_id, 0)
            with pytest.raises(WeChatError) as caught:
                await wx.query(media_id)
            assert caught.value.errcode == 40007 and "unknown" in str(caught.value)

    run(go())
    assert sandbox.store.articles() == []


@pytest.mark.parametrize("reject", [False, True], ids=["published", "rejected"])
def test_query_follows_an_article_from_draft_to_final(sandbox: SandboxServer, reject: bool) -> None:
    # The review lasts until the test ends it: no window for a busy machine to miss.
    sandbox.configure(review_reject=reject, review_seconds=3600)

    async def go() -> list[PublishStatus]:
        async with client_for(sandbox) as wx:
            media_id = await wx.uploadnews(article(await cover(wx)))
            seen = [await wx.query(media_id)]
            await wx.submit(media_id)
            seen.append(await wx.query(media_id))
            sandbox.advance(3600)

            async def final() -> PublishStatus | None:
                status = await wx.query(media_id)
                return status if status.final else None

            seen.append(await wait_for(final, "the review"))
            return seen

    draft, reviewing, final = run(go())
    assert draft.status == "未提交" and not draft.final
    assert reviewing.status == "审核中" and not reviewing.final
    assert final.published is (not reject) and final.rejected is reject
    assert (final.url is not None) is (not reject)
