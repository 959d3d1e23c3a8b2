"""``cgi-bin/draft/*``: the draft box (``docs/wechat/draft-api.md``, 草稿箱).

A draft holds 1–8 ARTICLEs (:mod:`.draftcheck` validates each); ``draft/update`` addresses
one by ``index`` counted **from 0** (the media API's ``publish/update`` counts from 1);
``freepublish/submit`` takes a draft out of the box, after which every ``draft/*`` call
naming it answers 40007. ``draft/count`` is a GET in WeChat's docs; the sandbox accepts
POST too. Every call answers 48001 while ``draft_api_authorised`` is off (an unverified
account), after the token check, as WeChat orders them.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .draftcheck import MAX_ARTICLES, article_error, normalised
from .records import DraftRecord
from .responses import read_json, token_error, wx_error, wx_ok

PAGE_MAX = 20


async def api_json(request: Request, *, body: bool = True) -> dict[str, object] | Response:
    """Token check, then the account's permission (48001), then the JSON body."""
    code = token_error(request)
    if code:
        return wx_error(code)
    if not request.app.state.control.settings.draft_api_authorised:
        return wx_error(48001)
    if not body:
        return {}
    return await read_json(request)


def int_field(body: dict[str, object], name: str, default: int | None = None) -> int | None:
    """``body[name]`` if it is an integer (JSON booleans are not), else None."""
    value = body.get(name, default)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def paging(body: dict[str, object]) -> tuple[int, int, bool] | Response:
    """``offset``, ``count`` (1–20) and ``no_content`` of a batchget, or its 40097."""
    offset, count = int_field(body, "offset"), int_field(body, "count")
    no_content = int_field(body, "no_content", 0)
    if offset is None or offset < 0:
        return wx_error(40097, "invalid args: offset must be an integer ≥ 0")
    if count is None or not 1 <= count <= PAGE_MAX:
        return wx_error(40097, f"invalid args: count must be 1..{PAGE_MAX}")
    if no_content not in (0, 1):
        return wx_error(40097, "invalid args: no_content must be 0 or 1")
    return offset, count, bool(no_content)


def shown_items(
    request: Request,
    key: str,
    items: list[dict[str, object]],
    *,
    no_content: bool = False,
    deleted: list[int] | None = None,
) -> list[dict[str, object]]:
    """``news_item`` as WeChat answers it: each ARTICLE plus its reader ``url`` (``/s/<key>
    ?idx=n``, n from 1), the cover's ``thumb_url``, and ``is_deleted`` for published ones."""
    base = str(request.base_url).rstrip("/")
    store = request.app.state.store
    shown = []
    for number, art in enumerate(items, 1):
        out = dict(art)
        out["url"] = f"{base}/s/{key}?idx={number}"
        cover = store.image_by_media_id(art.get("thumb_media_id") or "")
        if cover is not None:
            out["thumb_url"] = base + cover.path
        if deleted is not None:
            out["is_deleted"] = number in deleted
        if no_content:
            out.pop("content", None)
        shown.append(out)
    return shown


async def draft_call(request: Request) -> tuple[dict[str, object], DraftRecord] | Response:
    """The body and the draft its ``media_id`` names (40007 unless it is in the box)."""
    body = await api_json(request)
    if isinstance(body, Response):
        return body
    media_id = body.get("media_id")
    draft = request.app.state.store.draft(media_id) if isinstance(media_id, str) else None
    if draft is None:
        return wx_error(40007, "invalid media_id: no such draft in the draft box")
    return body, draft


async def add(request: Request) -> Response:
    body = await api_json(request)
    if isinstance(body, Response):
        return body
    articles = body.get("articles")
    if not isinstance(articles, list) or not articles:
        return wx_error(44003, "empty news data: articles required")
    if len(articles) > MAX_ARTICLES:
        return wx_error(45008, f"article size out of limit: {len(articles)} > {MAX_ARTICLES}")
    for art in articles:
        error = article_error(request, art)
        if error is not None:
            return error
    single = len(articles) == 1
    media_id = request.app.state.store.add_draft([normalised(a, single) for a in articles])
    return JSONResponse({"media_id": media_id})


async def update(request: Request) -> Response:
    call = await draft_call(request)
    if isinstance(call, Response):
        return call
    body, draft = call
    index = int_field(body, "index")
    if index is None or not 0 <= index < len(draft.items):
        return wx_error(40097, f"invalid args: index must be 0..{len(draft.items) - 1} (from 0)")
    new = body.get("articles")
    error = article_error(request, new)
    if error is not None:
        return error
    assert isinstance(new, dict)  # article_error refused anything else
    items = list(draft.items)
    items[index] = normalised(new, len(items) == 1)
    request.app.state.store.set_draft_items(draft.media_id, items)
    return wx_ok("ok")


async def get(request: Request) -> Response:
    call = await draft_call(request)
    if isinstance(call, Response):
        return call
    _, draft = call
    return JSONResponse(
        {
            "news_item": shown_items(request, draft.media_id, draft.items),
            "create_time": draft.created,
            "update_time": draft.updated,
        }
    )


async def delete(request: Request) -> Response:
    call = await draft_call(request)
    if isinstance(call, Response):
        return call
    request.app.state.store.delete_draft(call[1].media_id)
    return wx_ok("ok")


async def count(request: Request) -> Response:
    body = await api_json(request, body=False)
    if isinstance(body, Response):
        return body
    return JSONResponse({"total_count": len(request.app.state.store.drafts())})


async def batchget(request: Request) -> Response:
    body = await api_json(request)
    if isinstance(body, Response):
        return body
    page = paging(body)
    if isinstance(page, Response):
        return page
    offset, size, no_content = page
    drafts = request.app.state.store.drafts()
    chosen = drafts[offset : offset + size]
    return JSONResponse(
        {
            "total_count": len(drafts),
            "item_count": len(chosen),
            "item": [
                {
                    "media_id": d.media_id,
                    "content": {
                        "news_item": shown_items(
                            request, d.media_id, d.items, no_content=no_content
                        )
                    },
                    "update_time": d.updated,
                }
                for d in chosen
            ],
        }
    )


DRAFT_ROUTES = [
    Route("/cgi-bin/draft/add", add, methods=["POST"]),
    Route("/cgi-bin/draft/update", update, methods=["POST"]),
    Route("/cgi-bin/draft/get", get, methods=["POST"]),
    Route("/cgi-bin/draft/delete", delete, methods=["POST"]),
    Route("/cgi-bin/draft/count", count, methods=["GET", "POST"]),
    Route("/cgi-bin/draft/batchget", batchget, methods=["POST"]),
]
