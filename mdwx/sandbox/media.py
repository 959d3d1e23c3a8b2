"""Image uploads (``material/add_material``, ``media/uploadimg``) and serving them.

The checks mirror WeChat's, in WeChat's order: the multipart field ``media`` must be there
(41005), its filename must carry an extension allowed for the call (40113), the size must be
within the limit (40009, or 40006 for thumbs), and the bytes must really be that kind of
image (40005) — a PNG renamed ``.jpg`` is refused, which catches clients that convert
formats without renaming.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .responses import ERRMSG, token_error, wx_error

#: Pillow format → (extensions accepted for it, canonical extension, content type).
_FORMATS = {
    "JPEG": ({"jpg", "jpeg"}, "jpg", "image/jpeg"),
    "PNG": ({"png"}, "png", "image/png"),
    "GIF": ({"gif"}, "gif", "image/gif"),
    "BMP": ({"bmp"}, "bmp", "image/bmp"),
}
_MATERIAL_EXTS = {"image": {"bmp", "png", "jpeg", "jpg", "gif"}, "thumb": {"jpg", "jpeg"}}
_BODY_EXTS = {"jpg", "jpeg", "png", "gif"}
_BODY_EXTS_STRICT = {"jpg", "jpeg", "png"}
_STRICT_BODY_MAX = 1024 * 1024


@dataclass(frozen=True)
class _Rules:
    exts: set[str]
    max_bytes: int
    too_big: int  # errcode when over max_bytes


@dataclass(frozen=True)
class _Checked:
    data: bytes
    ext: str
    mime: str
    size: tuple[int, int]


def _extension(filename: str | None) -> str:
    if not filename or "." not in filename:
        return ""
    return filename.rsplit(".", 1)[1].lower()


def _sniff(data: bytes) -> tuple[str, tuple[int, int]] | None:
    """Pillow's idea of the image format and size, None if it is not an image."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            return str(img.format), img.size
    except (UnidentifiedImageError, OSError, ValueError):
        return None


async def _checked_upload(request: Request, rules: _Rules) -> _Checked | Response:
    try:
        form = await request.form()
    except Exception:  # malformed multipart: WeChat sees no media at all
        return wx_error(41005)
    media = form.get("media")
    if not isinstance(media, UploadFile):
        return wx_error(41005)
    ext = _extension(media.filename)
    if ext not in rules.exts:
        return wx_error(40113, f"unsupported file type: .{ext or '(none)'} not accepted here")
    data = await media.read()
    if not data:
        return wx_error(41005)
    if len(data) > rules.max_bytes:
        return wx_error(rules.too_big, f"{ERRMSG[rules.too_big]}: {len(data)} > {rules.max_bytes}")
    sniffed = _sniff(data)
    if sniffed is None or sniffed[0] not in _FORMATS or ext not in _FORMATS[sniffed[0]][0]:
        found = sniffed[0] if sniffed else "not an image"
        return wx_error(40005, f"invalid file type: .{ext} file holds {found}")
    _, canonical, mime = _FORMATS[sniffed[0]]
    return _Checked(data, canonical, mime, sniffed[1])


def _store_image(request: Request, kind: str, checked: _Checked) -> tuple[str | None, str]:
    store = request.app.state.store
    record = store.add_image(
        kind,
        checked.data,
        checked.ext,
        checked.mime,
        checked.size,
        hashlib.sha1(checked.data).hexdigest(),
    )
    base = str(request.base_url).rstrip("/")
    if store.base_url is None:
        store.base_url = base
    return record.media_id, base + record.path


async def add_material(request: Request) -> Response:
    code = token_error(request)
    if code:
        return wx_error(code)
    kind = request.query_params.get("type", "")
    if kind not in _MATERIAL_EXTS:
        return wx_error(40004, f"invalid media type: {kind!r} (sandbox supports image, thumb)")
    s = request.app.state.control.settings
    if kind == "image":
        rules = _Rules(_MATERIAL_EXTS[kind], s.cover_max_bytes, 40009)
    else:
        rules = _Rules(_MATERIAL_EXTS[kind], s.thumb_max_bytes, 40006)
    checked = await _checked_upload(request, rules)
    if isinstance(checked, Response):
        return checked
    media_id, url = _store_image(request, kind, checked)
    return JSONResponse({"media_id": media_id, "url": url})


async def uploadimg(request: Request) -> Response:
    """Body image upload; answers JSON labelled ``text/plain``, as WeChat has been seen to."""
    code = token_error(request)
    if code:
        return wx_error(code)
    s = request.app.state.control.settings
    if s.body_image_strict:
        rules = _Rules(_BODY_EXTS_STRICT, min(s.body_image_max_bytes, _STRICT_BODY_MAX), 40009)
    else:
        rules = _Rules(_BODY_EXTS, s.body_image_max_bytes, 40009)
    checked = await _checked_upload(request, rules)
    if isinstance(checked, Response):
        return checked
    _, url = _store_image(request, "body", checked)
    return JSONResponse({"url": url}, media_type="text/plain")


async def serve_image(request: Request) -> Response:
    """``GET /mmbiz/<id>.<ext>`` — no token, like WeChat's image CDN."""
    name = request.path_params["name"]
    image_id, _, ext = name.partition(".")
    record = request.app.state.store.image(image_id)
    if record is None or record.ext != ext:
        return Response("not found", status_code=404, media_type="text/plain")
    data, mime = request.app.state.store.image_data(image_id)
    return Response(data, media_type=mime, headers={"Cache-Control": "public, max-age=86400"})
