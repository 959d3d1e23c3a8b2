"""WeChat's answer shapes: HTTP 200 with ``{"errcode", "errmsg"}`` (``{"ret", ...}`` on the
video endpoints), plus the shared request checks every API endpoint makes (token, JSON).

Error messages end with a ``rid`` like WeChat's, so a client that matches whole messages
instead of codes fails against the sandbox as it would against WeChat.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

#: errcode → errmsg, worded as WeChat words them.
ERRMSG = {
    -1: "system error",
    40001: "invalid credential, access_token is invalid or not latest",
    40002: "invalid grant_type",
    40004: "invalid media type",
    40005: "invalid file type",
    40006: "invalid media size",
    40007: "invalid media_id",
    40009: "invalid image size",
    40013: "invalid appid",
    40097: "invalid args",
    40113: "unsupported file type",
    40125: "invalid appsecret",
    41001: "access_token missing",
    41005: "media data missing",
    42001: "access_token expired",
    44003: "empty news data",
    45002: "content size out of limit",
    45003: "title size out of limit",
    45004: "description size out of limit",
    45008: "article size out of limit",
    45009: "reach max api daily quota limit",
    45110: "author size out of limit",
    45166: "invalid content",
    47001: "data format error",
    48001: "api unauthorized",
}

#: Codes the sandbox picked where WeChat documents only the message.
ERR_ABNORMAL_STATUS = 53503  # submit of an already submitted article: "abnormal status"
ERR_INVALID_STATUS = 53504  # update of a submitted article: "invalid status"


def _rid() -> str:
    return f" rid: {secrets.token_hex(4)}-{secrets.token_hex(4)}"


def wx_error(code: int, detail: str | None = None, *, status: int = 200) -> JSONResponse:
    """``{"errcode": code, "errmsg": ...}`` with HTTP 200, as WeChat fails."""
    msg = detail if detail is not None else ERRMSG.get(code, "error")
    return JSONResponse({"errcode": code, "errmsg": msg + _rid()}, status_code=status)


def ret_error(code: int, detail: str) -> JSONResponse:
    """A video endpoint failure: ``{"ret": code, "errmsg": ...}``. Token failures there also
    carry ``errcode`` (same value), since they come from WeChat's common gateway."""
    body: dict[str, object] = {"ret": code, "errmsg": detail + _rid()}
    if code in (40001, 41001, 42001):
        body["errcode"] = code
    return JSONResponse(body)


def wx_ok(message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"errcode": 0, "errmsg": message, **extra})


def token_error(request: Request) -> int:
    """0 if the request carries a usable ``access_token``, else 41001/40001/42001."""
    token = request.query_params.get("access_token")
    if not token:
        return 41001
    return int(request.app.state.store.check_token(token))


async def read_json(request: Request) -> dict[str, object] | Response:
    """The JSON object body, or a 47001 response when the body is not UTF-8 JSON.

    The body is decoded as strict UTF-8 first: WeChat counted characters wrongly for
    non-UTF-8 bodies, and the sandbox refuses them outright so the bug cannot hide.
    """
    raw = await request.body()
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return wx_error(47001, "data format error: body must be UTF-8 JSON")
    if not isinstance(data, dict):
        return wx_error(47001, "data format error: body must be a JSON object")
    return data
