"""Wire-level helpers for the draft-box tests: an ARTICLE, a draft, a submission, over the
plain httpx caller of :mod:`tests.sandbox_helpers` (no mdwx client)."""

from __future__ import annotations

from typing import Any

from .sandbox_helpers import Api, image_bytes


def permanent_image(api: Api, size: tuple[int, int] = (470, 200), fmt: str = "JPEG") -> str:
    """A permanent image material (``add_material`` type image) of ``size`` pixels."""
    ext = "jpg" if fmt == "JPEG" else fmt.lower()
    body = api.upload("material/add_material", f"c.{ext}", image_bytes(fmt, size), type="image")
    return str(body["media_id"])


def news(thumb: str, **fields: Any) -> dict[str, Any]:
    art: dict[str, Any] = {"title": "草稿标题", "thumb_media_id": thumb, "content": "<p>正文</p>"}
    art.update(fields)
    return art


def newspic(images: list[str], **fields: Any) -> dict[str, Any]:
    art: dict[str, Any] = {
        "article_type": "newspic",
        "title": "图片消息",
        "content": "纯文本的说明",
        "image_info": {"image_list": [{"image_media_id": m} for m in images]},
    }
    art.update(fields)
    return art


def add(api: Api, *articles: dict[str, Any]) -> dict[str, Any]:
    if not articles:
        articles = (news(permanent_image(api)),)
    return api.post("draft/add", {"articles": list(articles)})


def draft(api: Api, *articles: dict[str, Any]) -> str:
    body = add(api, *articles)
    assert "media_id" in body, body
    return str(body["media_id"])


def submit(api: Api, media_id: str) -> dict[str, Any]:
    return api.post("freepublish/submit", {"media_id": media_id})


def status(api: Api, publish_id: str) -> dict[str, Any]:
    return api.post("freepublish/get", {"publish_id": publish_id})


def published(api: Api, *articles: dict[str, Any]) -> dict[str, Any]:
    """Submit a new draft and wait for ``publish_status`` 0; the ``freepublish/get`` answer.
    Needs ``publish_seconds=0``."""
    body = submit(api, draft(api, *articles))
    answer = status(api, body["publish_id"])
    assert answer["publish_status"] == 0, answer
    return answer
