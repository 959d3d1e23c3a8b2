"""``cgi-bin/freepublish/*``: publishing a draft and the published articles (发布能力).

``submit`` takes the draft out of the box and answers a ``publish_id`` to follow; ``get``
reports ``publish_status`` 1 (publishing) for ``publish_seconds``, then the outcome fixed at
submission (``publish_outcome``: 0, or 2/3/4 with ``fail_idx`` for 2 and 4), then 5 once
every article was deleted or 6 once the system banned it (``/_sandbox/ban_article``).
A published article is known by its ``article_id`` (only once it succeeded); ``delete``
addresses its articles by ``index`` **from 1**, 0 or absent meaning all, and answers 40007
for what is already deleted. ``submit_refusal`` makes ``submit`` answer 53503/53504/53505
without touching the draft.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .draft import api_json, draft_call, int_field, paging, shown_items
from .records import PublicationRecord
from .responses import wx_error, wx_ok

_REFUSALS = {
    53503: "该草稿未通过发布检查 (the draft failed the pre-publish check)",
    53504: "需前往公众平台官网使用草稿 (publish this draft from the web console)",
    53505: "请手动保存成功后再发表 (save the draft manually in the console first)",
}
_FAIL_IDX_STATUSES = (2, 4)


def article_urls(request: Request, record: PublicationRecord) -> list[dict[str, object]]:
    base = str(request.base_url).rstrip("/")
    return [
        {"idx": n, "article_url": f"{base}/s/{record.article_id}?idx={n}"}
        for n in range(1, len(record.items) + 1)
        if n not in record.deleted
    ]


async def submit(request: Request) -> Response:
    call = await draft_call(request)
    if isinstance(call, Response):
        return call
    _, draft = call
    refusal = request.app.state.control.settings.submit_refusal
    if refusal:
        return wx_error(refusal, _REFUSALS[refusal])
    record = request.app.state.store.submit_draft(draft.media_id)
    return wx_ok("ok", publish_id=record.publish_id, msg_data_id=record.msg_data_id)


async def get(request: Request) -> Response:
    body = await api_json(request)
    if isinstance(body, Response):
        return body
    publish_id = body.get("publish_id")
    if isinstance(publish_id, int) and not isinstance(publish_id, bool):
        publish_id = str(publish_id)
    store = request.app.state.store
    record = store.publication(publish_id) if isinstance(publish_id, str) else None
    if record is None:
        return wx_error(40007, "invalid media_id: no such publish_id")
    status = record.publish_status
    out: dict[str, object] = {"publish_id": record.publish_id, "publish_status": status}
    if record.succeeded:
        urls = article_urls(request, record)
        out["article_id"] = record.article_id
        out["article_detail"] = {"count": len(urls), "item": urls}
    out["fail_idx"] = record.fail_idx if status in _FAIL_IDX_STATUSES else []
    return JSONResponse(out)


async def _article_call(request: Request) -> tuple[dict[str, object], PublicationRecord] | Response:
    body = await api_json(request)
    if isinstance(body, Response):
        return body
    article_id = body.get("article_id")
    store = request.app.state.store
    record = store.publication_by_article_id(article_id) if isinstance(article_id, str) else None
    if record is None:
        return wx_error(40007, "invalid media_id: no such article_id")
    return body, record


async def getarticle(request: Request) -> Response:
    call = await _article_call(request)
    if isinstance(call, Response):
        return call
    _, record = call
    items = shown_items(request, record.article_id, record.items, deleted=record.deleted)
    return JSONResponse({"news_item": items})


async def delete(request: Request) -> Response:
    call = await _article_call(request)
    if isinstance(call, Response):
        return call
    body, record = call
    count = len(record.items)
    index = int_field(body, "index", 0)
    if index is None or not 0 <= index <= count:
        return wx_error(40097, f"invalid args: index must be 0 (all) or 1..{count} (from 1)")
    left = [n for n in range(1, count + 1) if n not in record.deleted]
    chosen = left if index == 0 else [n for n in left if n == index]
    if not chosen:
        return wx_error(40007, "invalid media_id: the article is already deleted")
    request.app.state.store.delete_published(record.article_id, chosen)
    return wx_ok("ok")


async def batchget(request: Request) -> Response:
    body = await api_json(request)
    if isinstance(body, Response):
        return body
    page = paging(body)
    if isinstance(page, Response):
        return page
    offset, size, no_content = page
    published = [p for p in request.app.state.store.publications() if p.succeeded]
    chosen = published[offset : offset + size]
    return JSONResponse(
        {
            "total_count": len(published),
            "item_count": len(chosen),
            "item": [
                {
                    "article_id": p.article_id,
                    "content": {
                        "news_item": shown_items(
                            request, p.article_id, p.items, no_content=no_content, deleted=p.deleted
                        )
                    },
                    "update_time": int(p.submitted_at),
                }
                for p in chosen
            ],
        }
    )


FREEPUBLISH_ROUTES = [
    Route("/cgi-bin/freepublish/submit", submit, methods=["POST"]),
    Route("/cgi-bin/freepublish/get", get, methods=["POST"]),
    Route("/cgi-bin/freepublish/getarticle", getarticle, methods=["POST"]),
    Route("/cgi-bin/freepublish/delete", delete, methods=["POST"]),
    Route("/cgi-bin/freepublish/batchget", batchget, methods=["POST"]),
]
