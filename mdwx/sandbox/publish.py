"""``cgi-bin/publish/*``: the publish library (contract, sections 五–九).

Sandbox-chosen codes where WeChat documents only a message: 53503 "abnormal status" (submit
of an article already submitted), 53504 "invalid status" (update after submit), 40097
"invalid args" (bad index, msgtype, flag values or field types).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .content import content_problem
from .records import STATUS_PUBLISHED
from .responses import (
    ERR_ABNORMAL_STATUS,
    ERR_INVALID_STATUS,
    read_json,
    token_error,
    wx_error,
    wx_ok,
)

_FLAGS = ("show_cover_pic", "need_open_comment", "only_fans_can_comment")
_TEXT_FIELDS = ("author", "digest", "content_source_url")


def _text_error(request: Request, art: dict[str, Any]) -> Response | None:
    s = request.app.state.control.settings
    for name in _TEXT_FIELDS:
        if name in art and not isinstance(art[name], str):
            return wx_error(40097, f"invalid args: {name} must be a string")
    title = art.get("title")
    if not isinstance(title, str) or not title.strip() or len(title) > s.title_max_chars:
        count = len(title) if isinstance(title, str) else 0
        return wx_error(45003, f"title size out of limit: {count} (1..{s.title_max_chars})")
    digest = art.get("digest", "")
    if len(digest) > s.digest_max_chars:
        return wx_error(
            45004, f"description size out of limit: {len(digest)} > {s.digest_max_chars}"
        )
    return None


def _content_error(request: Request, content: Any) -> Response | None:
    s = request.app.state.control.settings
    if not isinstance(content, str) or not content.strip():
        return wx_error(44003, "empty news data: content required")
    size = len(content.encode("utf-8"))
    if (s.content_max_chars and len(content) > s.content_max_chars) or size > s.content_max_bytes:
        return wx_error(
            45002, f"content size out of limit: {len(content)} characters, {size} bytes"
        )
    problem = content_problem(request, content)
    if problem is not None:
        return wx_error(45166, f"invalid content: {problem}")
    return None


def article_error(request: Request, art: Any) -> Response | None:
    """The error WeChat would answer for one article of uploadnews/update, or None.

    Lengths are counted in code points of the decoded JSON string, which is what WeChat
    counts when the body is UTF-8.
    """
    if not isinstance(art, dict):
        return wx_error(40097, "invalid args: an article must be a JSON object")
    thumb = art.get("thumb_media_id")
    if not isinstance(thumb, str) or request.app.state.store.image_by_media_id(thumb) is None:
        return wx_error(40007, "invalid media_id: thumb_media_id")
    for flag in _FLAGS:
        value = art.get(flag, 0)
        if isinstance(value, bool) or value not in (0, 1):
            return wx_error(40097, f"invalid args: {flag} must be 0 or 1")
    return _text_error(request, art) or _content_error(request, art.get("content"))


async def _authorised_json(request: Request) -> dict[str, Any] | Response:
    code = token_error(request)
    if code:
        return wx_error(code)
    return await read_json(request)


async def uploadnews(request: Request) -> Response:
    body = await _authorised_json(request)
    if isinstance(body, Response):
        return body
    articles = body.get("articles")
    if not isinstance(articles, list) or not articles:
        return wx_error(44003)
    if len(articles) > 1:
        return wx_error(40097, "invalid args: only one article per item is supported")
    error = article_error(request, articles[0])
    if error is not None:
        return error
    media_id, created = request.app.state.store.add_article(articles)
    return JSONResponse(
        {
            "type": "news",
            "media_id": media_id,
            "create_at": created,
            "item": [{"index": 0, "ad_count": 0}],
        }
    )


async def _article_call(request: Request) -> tuple[dict[str, Any], Any] | Response:
    """Token check, JSON body, and the article its ``media_id`` names (40007 if none)."""
    body = await _authorised_json(request)
    if isinstance(body, Response):
        return body
    media_id = body.get("media_id")
    article = request.app.state.store.article(media_id) if isinstance(media_id, str) else None
    if article is None:
        return wx_error(40007)
    return body, article


async def submit(request: Request) -> Response:
    call = await _article_call(request)
    if isinstance(call, Response):
        return call
    body, article = call
    if body.get("msgtype") != "mpnews":
        return wx_error(40097, "invalid args: msgtype must be mpnews")
    if article.state != "draft":
        return wx_error(ERR_ABNORMAL_STATUS, "abnormal status: already submitted")
    store, settings = request.app.state.store, request.app.state.control.settings
    if store.submission_count() >= settings.daily_submit_limit:
        return wx_error(45009)
    store.submit(article.media_id, settings.review_reject)
    return wx_ok("submit success")


def _index(body: dict[str, Any]) -> int | None:
    index = body.get("index")
    return index if isinstance(index, int) and not isinstance(index, bool) else None


async def update(request: Request) -> Response:
    call = await _article_call(request)
    if isinstance(call, Response):
        return call
    body, article = call
    if article.state != "draft":
        return wx_error(ERR_INVALID_STATUS, "invalid status: already submitted")
    index = _index(body)
    if index is None or not 1 <= index <= len(article.items):
        return wx_error(40097, f"invalid args: index must be 1..{len(article.items)}")
    new = body.get("articles")
    error = article_error(request, new)
    if error is not None:
        return error
    items = list(article.items)
    items[index - 1] = new
    request.app.state.store.set_items(article.media_id, items)
    return wx_ok("update success")


async def delete(request: Request) -> Response:
    call = await _article_call(request)
    if isinstance(call, Response):
        return call
    body, article = call
    index = _index(body)
    if index is None or not 0 <= index <= len(article.items):
        return wx_error(40097, f"invalid args: index must be 0 (all) or 1..{len(article.items)}")
    store = request.app.state.store
    items = [] if index == 0 else article.items[: index - 1] + article.items[index:]
    if items:
        store.set_items(article.media_id, items)
    else:
        store.delete_article(article.media_id)
    return wx_ok("delete success")


async def query(request: Request) -> Response:
    call = await _article_call(request)
    if isinstance(call, Response):
        return call
    body, article = call
    extra: dict[str, Any] = {"status": article.status}
    if article.status == STATUS_PUBLISHED:
        extra["url"] = f"{str(request.base_url).rstrip('/')}/s/{article.media_id}"
    return wx_ok("ok", **extra)


PUBLISH_ROUTES = [
    Route("/cgi-bin/publish/uploadnews", uploadnews, methods=["POST"]),
    Route("/cgi-bin/publish/submit", submit, methods=["POST"]),
    Route("/cgi-bin/publish/update", update, methods=["POST"]),
    Route("/cgi-bin/publish/delete", delete, methods=["POST"]),
    Route("/cgi-bin/publish/query", query, methods=["POST"]),
]
