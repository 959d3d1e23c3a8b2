"""``cgi-bin/material/*`` beyond uploads: counting, listing and deleting the material library.

``get_materialcount`` (a GET) answers ``voice_count, video_count, image_count, news_count``;
``batchget_material`` ``{type, offset, count 1–20}`` pages a kind, newest first, with
``total_count, item_count, item[{media_id, name, update_time, url}]``; ``del_material``
``{media_id}`` removes one (40007 for what the library does not hold). Images count covers
and ``add_material`` pictures — never ``uploadimg`` body images, which WeChat keeps outside
the 100,000-image cap. ``material_preloaded`` adds synthetic images (listed after the real
ones, not deletable) so a test can see a library near its cap; news and voice are empty
(the draft box replaced permanent news).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .draft import PAGE_MAX, int_field
from .responses import read_json, token_error, wx_error, wx_ok

TYPES = ("image", "video", "voice", "news")
#: A fixed epoch for synthetic images, so a listing is the same on every call.
_PRELOADED_EPOCH = 1_700_000_000


async def _checked(request: Request, *, body: bool = True) -> dict[str, object] | Response:
    code = token_error(request)
    if code:
        return wx_error(code)
    return await read_json(request) if body else {}


def _image_page(request: Request, offset: int, count: int) -> tuple[int, list[dict[str, object]]]:
    """The total and one page of the image library: the real images, then the synthetic ones,
    which are built for the page alone (a preloaded library of 100,000 costs nothing)."""
    base = str(request.base_url).rstrip("/")
    store = request.app.state.store
    rows = store.library_images()
    extra = request.app.state.control.settings.material_preloaded
    real = [
        {
            "media_id": r["media_id"],
            "name": f"{r['id'][:12]}.{r['ext']}",
            "update_time": int(r["created"]),
            "url": f"{base}/mmbiz/{r['id']}.{r['ext']}",
        }
        for r in rows[offset : offset + count]
    ]
    first = max(offset - len(rows), 0)
    last = min(first + count - len(real), extra)
    synthetic = [
        {
            "media_id": f"preloaded-{n:06d}",
            "name": f"IMG_{n:06d}.jpg",
            "update_time": _PRELOADED_EPOCH - n,
            "url": f"{base}/mmbiz/preloaded-{n:06d}.jpg",
        }
        for n in range(first, last)
    ]
    return len(rows) + extra, real + synthetic


def _video_items(request: Request) -> list[dict[str, object]]:
    return [
        {
            "media_id": r["media_id"],
            "name": r["title"] or "video",
            "update_time": int(r["saved"] or 0),
            "url": "",
        }
        for r in request.app.state.store.library_videos()
    ]


async def get_materialcount(request: Request) -> Response:
    body = await _checked(request, body=False)
    if isinstance(body, Response):
        return body
    store, settings = request.app.state.store, request.app.state.control.settings
    return JSONResponse(
        {
            "voice_count": 0,
            "video_count": len(store.library_videos()),
            "image_count": len(store.library_images()) + settings.material_preloaded,
            "news_count": 0,
        }
    )


async def batchget_material(request: Request) -> Response:
    body = await _checked(request)
    if isinstance(body, Response):
        return body
    kind, offset, count = body.get("type"), int_field(body, "offset"), int_field(body, "count")
    if kind not in TYPES:
        return wx_error(40004, "invalid media type: type must be image, video, voice or news")
    if offset is None or offset < 0 or count is None or not 1 <= count <= PAGE_MAX:
        return wx_error(40097, f"invalid args: offset ≥ 0 and count 1..{PAGE_MAX}")
    if kind == "image":
        total, chosen = _image_page(request, offset, count)
    else:
        items = _video_items(request) if kind == "video" else []
        total, chosen = len(items), items[offset : offset + count]
    return JSONResponse({"total_count": total, "item_count": len(chosen), "item": chosen})


async def del_material(request: Request) -> Response:
    body = await _checked(request)
    if isinstance(body, Response):
        return body
    media_id = body.get("media_id")
    if not isinstance(media_id, str) or not request.app.state.store.delete_material(media_id):
        return wx_error(40007, "invalid media_id: no such material in the library")
    return wx_ok("ok")


MATERIAL_ROUTES = [
    Route("/cgi-bin/material/get_materialcount", get_materialcount, methods=["GET"]),
    Route("/cgi-bin/material/batchget_material", batchget_material, methods=["POST"]),
    Route("/cgi-bin/material/del_material", del_material, methods=["POST"]),
]
