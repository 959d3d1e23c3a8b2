"""``material/upload_video``: the four-step chunked upload and review (contract, 三/四).

Error codes (``{"ret": N, "errmsg": ...}``; the contract documents only success, so the
sandbox picks these and keeps them stable):

====== =====================================================================
ret    meaning
====== =====================================================================
-1     system error (injected fault)
10000  unknown ``action``
10001  invalid argument (missing/ill-typed field, bad SHA-1 hex, empty block)
10002  ``filesize`` over 2 GB
10003  unknown ``vid``
10004  block over 1 MB (1048576 bytes)
10005  block SHA-1 differs from ``part_sha``
10006  ``part_num`` outside 1..ceil(filesize / 1 MB)
10007  ``upload_finish`` with blocks missing (errmsg lists them)
10008  assembled size or whole-file SHA-1 differs from ``init_upload``
10009  ``save_video`` before ``upload_finish``
10010  ``cover_url`` not an image issued by this sandbox
10011  more than 5 tags
10012  unknown ``media_id`` (query_status)
10013  block differs from one already accepted by a finished upload
47001  body is not UTF-8 JSON
====== =====================================================================
Token errors answer ``ret`` = ``errcode`` = 41001/40001/42001.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .content import sandbox_image
from .records import VIDEO_WORDING
from .responses import ERRMSG, read_json, ret_error, token_error

BLOCK_SIZE = 1024 * 1024
MAX_VIDEO_BYTES = 2 * 1024**3
MAX_TAGS = 5
_SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")


def _ok(**extra: Any) -> JSONResponse:
    return JSONResponse({"ret": 0, **extra})


async def _json(request: Request) -> dict[str, Any] | Response:
    body = await read_json(request)
    if isinstance(body, Response):
        return ret_error(47001, ERRMSG[47001])
    return body


async def upload_video(request: Request) -> Response:
    code = token_error(request)
    if code:
        return ret_error(code, ERRMSG[code])
    action = request.query_params.get("action", "")
    handler = _ACTIONS.get(action)
    if handler is None:
        return ret_error(10000, f"unknown action {action!r}")
    return await handler(request)


async def _init_upload(request: Request) -> Response:
    body = await _json(request)
    if isinstance(body, Response):
        return body
    filename, filesha, filesize = body.get("filename"), body.get("filesha"), body.get("filesize")
    if not isinstance(filename, str) or not filename.strip():
        return ret_error(10001, "invalid args: filename required")
    if not isinstance(filesha, str) or not _SHA1.match(filesha):
        return ret_error(10001, "invalid args: filesha must be 40 hex digits (SHA-1)")
    if isinstance(filesize, bool) or not isinstance(filesize, int) or filesize <= 0:
        return ret_error(10001, "invalid args: filesize must be a positive integer")
    if filesize > MAX_VIDEO_BYTES:
        return ret_error(10002, f"file too large: {filesize} > {MAX_VIDEO_BYTES}")
    vid = request.app.state.store.init_video(filename, filesha, filesize)
    return _ok(vid=vid)


def _expected_parts(filesize: int) -> int:
    return -(-filesize // BLOCK_SIZE)


def _video_or_error(request: Request, vid: Any) -> dict[str, Any] | Response:
    row: dict[str, Any] | None = (
        request.app.state.store.video_row(vid) if isinstance(vid, str) and vid else None
    )
    if row is None:
        return ret_error(10003, f"unknown vid {vid!r}")
    return row


async def _upload_block(request: Request) -> Response:
    q = request.query_params
    row = _video_or_error(request, q.get("vid"))
    if isinstance(row, Response):
        return row
    part_sha, part_raw = q.get("part_sha", ""), q.get("part_num", "")
    if not _SHA1.match(part_sha):
        return ret_error(10001, "invalid args: part_sha must be 40 hex digits (SHA-1)")
    expected = _expected_parts(row["filesize"])
    if not part_raw.isdigit() or not 1 <= int(part_raw) <= expected:
        return ret_error(10006, f"part_num {part_raw!r} outside 1..{expected}")
    part_num = int(part_raw)
    data = await request.body()
    if not data:
        return ret_error(10001, "invalid args: empty block")
    if len(data) > BLOCK_SIZE:
        return ret_error(10004, f"block too large: {len(data)} > {BLOCK_SIZE}")
    if hashlib.sha1(data).hexdigest() != part_sha.lower():
        return ret_error(10005, "block sha1 mismatch")
    store = request.app.state.store
    if row["finished"]:
        if store.block_sha(row["vid"], part_num) == part_sha.lower():
            return _ok()
        return ret_error(10013, "upload already finished")
    store.put_block(row["vid"], part_num, part_sha.lower(), data)
    return _ok()


async def _upload_finish(request: Request) -> Response:
    row = _video_or_error(request, request.query_params.get("vid"))
    if isinstance(row, Response):
        return row
    if row["finished"]:
        return _ok()
    store = request.app.state.store
    expected = set(range(1, _expected_parts(row["filesize"]) + 1))
    missing = sorted(expected - store.part_numbers(row["vid"]))
    if missing:
        shown = ",".join(map(str, missing[:20])) + ("..." if len(missing) > 20 else "")
        return ret_error(10007, f"blocks missing: {shown}")
    size, sha = store.assembled(row["vid"])
    if size != row["filesize"] or sha != row["filesha"]:
        return ret_error(10008, f"file mismatch: got {size} bytes, sha1 {sha}")
    store.finish_video(row["vid"])
    return _ok()


def _save_args_error(request: Request, body: dict[str, Any]) -> Response | None:
    title, tags, cover = body.get("title"), body.get("tags", []), body.get("cover_url")
    if not isinstance(title, str) or not title.strip():
        return ret_error(10001, "invalid args: title required")
    if not isinstance(body.get("video_desc", ""), str):
        return ret_error(10001, "invalid args: video_desc must be a string")
    if body.get("declare_ori", 0) not in (0, 1) or isinstance(body.get("declare_ori"), bool):
        return ret_error(10001, "invalid args: declare_ori must be 0 or 1")
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        return ret_error(10001, "invalid args: tags must be a list of strings")
    if len(tags) > MAX_TAGS:
        return ret_error(10011, f"too many tags: {len(tags)} > {MAX_TAGS}")
    if cover is not None and (not isinstance(cover, str) or sandbox_image(request, cover) is None):
        return ret_error(10010, "cover_url must be an image url issued by this account")
    return None


async def _save_video(request: Request) -> Response:
    body = await _json(request)
    if isinstance(body, Response):
        return body
    row = _video_or_error(request, body.get("content"))
    if isinstance(row, Response):
        return row
    if not row["finished"]:
        return ret_error(10009, "upload not finished")
    error = _save_args_error(request, body)
    if error is not None:
        return error
    final = request.app.state.control.settings.video_final_status
    media_id = request.app.state.store.save_video(row["vid"], body, final)
    return _ok(media_id=media_id)


async def _query_status(request: Request) -> Response:
    media_id = request.query_params.get("media_id", "")
    store = request.app.state.store
    video = store.video_by_media_id(media_id) if media_id else None
    if video is None:
        return ret_error(10012, f"unknown media_id {media_id!r}")
    row = store.video_row(video.vid)
    # The contract's answer carries no "ret"; mimic it exactly.
    return JSONResponse(
        {
            "status": video.status,
            "ori_status": 1 if row and row["declare_ori"] else 0,
            "mp_video_fail_detail_wording": VIDEO_WORDING[video.status],
            "vid": video.vid,
        }
    )


_ACTIONS = {
    "init_upload": _init_upload,
    "upload_block": _upload_block,
    "upload_finish": _upload_finish,
    "save_video": _save_video,
    "query_status": _query_status,
}
