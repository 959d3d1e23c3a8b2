"""``cgi-bin/token`` and ``cgi-bin/stable_token``.

Two chains, as on WeChat: fetching ``cgi-bin/token`` again supersedes the previous token
(which keeps working for ``token_grace`` seconds, then answers 40001 "not latest");
``stable_token`` hands out the same token while it is valid and makes a new one only on
``force_refresh``.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .responses import read_json, wx_error


def _credential_error(request: Request, appid: Any, secret: Any) -> Response | None:
    settings = request.app.state.control.settings
    if appid != settings.appid:
        return wx_error(40013)
    if secret != settings.secret:
        return wx_error(40125)
    return None


async def get_token(request: Request) -> Response:
    q = request.query_params
    if q.get("grant_type") != "client_credential":
        return wx_error(40002)
    error = _credential_error(request, q.get("appid"), q.get("secret"))
    if error is not None:
        return error
    token, expires_in = request.app.state.store.issue_token("token")
    return JSONResponse({"access_token": token, "expires_in": expires_in})


async def stable_token(request: Request) -> Response:
    body = await read_json(request)
    if isinstance(body, Response):
        return body
    if body.get("grant_type") != "client_credential":
        return wx_error(40002)
    error = _credential_error(request, body.get("appid"), body.get("secret"))
    if error is not None:
        return error
    force = body.get("force_refresh", False)
    if not isinstance(force, bool):
        return wx_error(40097, "invalid args: force_refresh must be a boolean")
    token, expires_in = request.app.state.store.issue_token("stable", force=force)
    return JSONResponse({"access_token": token, "expires_in": expires_in})
