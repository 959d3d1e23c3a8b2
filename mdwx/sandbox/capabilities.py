"""What the emulated account may call, and from where: capability sets and the IP whitelist.

WeChat decides both before it looks at a request's body: a caller whose address is not on
the account's whitelist gets 40164 naming that address (even for ``cgi-bin/token``), and an
account without a permission gets 48001 for each call that needs it, after the token check.
Since July 2025 personal and unverified accounts lost the free-publish calls, and mass send,
preview, comments and analytics always needed a verified account: ``account_kind =
"unverified"`` denies that whole set; ``denied_endpoints`` denies any other.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .responses import token_error, wx_error

if TYPE_CHECKING:
    from .settings import SandboxSettings

#: What an unverified (or personal) account cannot call: endpoint names or ``/`` prefixes.
UNVERIFIED_DENIED = (
    "freepublish/",
    "message/mass/",
    "comment/",
    "datacube/",
)
_TOKEN_ENDPOINTS = ("token", "stable_token")


def denied(settings: SandboxSettings, endpoint: str) -> bool:
    """Whether the account lacks the permission ``endpoint`` needs."""
    names = settings.denied_endpoints + (
        UNVERIFIED_DENIED if settings.account_kind == "unverified" else ()
    )
    return any(endpoint == n or (n.endswith("/") and endpoint.startswith(n)) for n in names)


def whitelist_refusal(settings: SandboxSettings) -> Response | None:
    """40164 naming the caller's address when a whitelist is set and it is not on it."""
    if not settings.ip_whitelist or settings.caller_ip in settings.ip_whitelist:
        return None
    ip = settings.caller_ip
    v6 = f"::ffff:{ip}" if ipaddress.ip_address(ip).version == 4 else ip
    return wx_error(40164, f"invalid ip {ip} ipv6 {v6}, not in whitelist")


def account_refusal(app_state: Any, endpoint: str, query: dict[str, str]) -> Response | None:
    """The answer WeChat gives before running ``endpoint`` for this account, else None:
    40164 for a caller off the whitelist, then (after a valid token) 48001 for a call the
    account may not make."""
    settings = app_state.control.settings
    refusal = whitelist_refusal(settings)
    if refusal is not None or endpoint in _TOKEN_ENDPOINTS or not denied(settings, endpoint):
        return refusal
    token = query.get("access_token")
    code = int(app_state.store.check_token(token)) if token else 41001
    return wx_error(code or 48001)


#: What ``getcallbackip`` answers: the address ranges WeChat calls a server from.
CALLBACK_IPS = ("101.226.103.0/25", "101.226.233.128/25", "58.247.206.128/25", "182.254.11.0/24")


async def getcallbackip(request: Request) -> Response:
    """``cgi-bin/getcallbackip`` (a GET): WeChat's own addresses; any valid token may ask,
    so a client uses it to learn whether its token is accepted."""
    code = token_error(request)
    if code:
        return wx_error(code)
    return JSONResponse({"ip_list": list(CALLBACK_IPS)})


SERVER_ROUTES = [Route("/cgi-bin/getcallbackip", getcallbackip, methods=["GET"])]
