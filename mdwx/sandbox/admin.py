"""``/_sandbox/*``: control endpoints for people and tools driving a sandbox from outside
the Python process (``mdwx sandbox`` users, shell scripts). No token, never faulted."""

from __future__ import annotations

import dataclasses

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .responses import read_json


async def configure(request: Request) -> Response:
    body = await read_json(request)
    if isinstance(body, Response):
        return body
    try:
        settings = request.app.state.control.configure(**body)
    except (TypeError, ValueError) as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    return JSONResponse({"settings": settings.public()})


async def settings(request: Request) -> Response:
    return JSONResponse({"settings": request.app.state.control.settings.public()})


async def expire_tokens(request: Request) -> Response:
    request.app.state.store.expire_tokens()
    return JSONResponse({"ok": True})


async def log(request: Request) -> Response:
    records = [dataclasses.asdict(r) for r in request.app.state.control.log()]
    return JSONResponse({"requests": records})


async def clear_log(request: Request) -> Response:
    request.app.state.control.clear_log()
    return JSONResponse({"ok": True})


async def state(request: Request) -> Response:
    """A JSON dump of the account model (no image or video bytes, no tokens)."""
    store = request.app.state.store
    data: dict[str, object] = {
        "articles": [dataclasses.asdict(a) for a in store.articles(include_deleted=True)],
        "images": [dataclasses.asdict(i) for i in store.images()],
        "videos": [dataclasses.asdict(v) for v in store.videos()],
        "drafts": [dataclasses.asdict(d) for d in store.drafts(any_state=True)],
        "publications": [dataclasses.asdict(p) for p in store.publications()],
        "submissions_today": store.submission_count(),
        "tokens_issued": store.token_count(),
    }
    return JSONResponse(data)


async def ban_article(request: Request) -> Response:
    """``{"article_id"}``: the system bans a published article (publish_status 6)."""
    body = await read_json(request)
    if isinstance(body, Response):
        return body
    article_id = body.get("article_id")
    if not isinstance(article_id, str) or not request.app.state.store.ban_publication(article_id):
        return JSONResponse({"error": "no such article_id"}, status_code=404)
    return JSONResponse({"ok": True})
