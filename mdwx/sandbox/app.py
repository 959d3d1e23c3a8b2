"""The sandbox ASGI app: WeChat's routes plus the fault and logging layer around them.

Faults are decided *before* a request reaches its handler, so a fault answer means nothing
happened — except ``drop_after`` and ``timeout``, which run the handler and then drop the
connection (``timeout`` after holding it for ``hang_seconds``), so the client cannot know the
outcome (the case an idempotent publisher must survive). Scheduled events count API requests:
``token_expire_every`` expires every token before each N-th one, ``quota_hit_at`` answers
45009 to one of them.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from . import admin, media, tokens
from .capabilities import SERVER_ROUTES, account_refusal
from .comment import COMMENT_ROUTES, READER_ADMIN_ROUTES
from .control import Control, RequestRecord, now
from .datacube import DATACUBE_ROUTES
from .draft import DRAFT_ROUTES
from .freepublish import FREEPUBLISH_ROUTES
from .library import MATERIAL_ROUTES
from .logprobe import ResponseProbe, drop_connection
from .mass import MASS_ROUTES
from .publish import PUBLISH_ROUTES
from .reader import READER_ROUTES
from .responses import ERRMSG, ret_error, wx_error
from .settings import SandboxSettings
from .store import Store
from .video import upload_video

_API_PREFIX = "/cgi-bin/"
#: Paths of API calls (token, faults, log, account checks): WeChat's analytics are /datacube/.
_API_PREFIXES = (_API_PREFIX, "/datacube/")
_TOKEN_ENDPOINTS = {"token", "stable_token"}
_VIDEO_ENDPOINT = "material/upload_video"


def endpoint_name(path: str, query_string: bytes = b"") -> str:
    """The log name of a request: the API path after ``/cgi-bin/`` (video calls get
    ``:action``), ``mmbiz`` for images, ``s`` for the reader view, else the path."""
    if path.startswith(_API_PREFIX):
        name = path[len(_API_PREFIX) :]
        if name == _VIDEO_ENDPOINT:
            action = parse_qs(query_string.decode("latin-1")).get("action", [""])[0]
            return f"{name}:{action}"
        return name
    if path.startswith("/mmbiz/"):
        return "mmbiz"
    if path.startswith("/s/"):
        return "s"
    return path.strip("/")


class SandboxApp(Starlette):
    """Starlette with the latency/fault/log layer wrapped outermost, so a dropped
    connection can reach uvicorn's transport and every response is logged."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        refusal = _refusal(scope, self.state.hosts)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        control: Control = self.state.control
        path: str = scope["path"]
        endpoint = endpoint_name(path, scope.get("query_string", b""))
        fault = await self._pre_request(control, path, endpoint)

        def record(probe: ResponseProbe) -> None:
            status = 0 if fault == "drop" else probe.status
            control.record(
                RequestRecord(
                    scope["method"], path, endpoint, status, probe.errcode(), now(), fault
                )
            )

        probe = ResponseProbe(send, record)
        try:
            if fault == "drop":
                await drop_connection(send)
            elif fault is None and (refusal := _account_refusal(self.state, scope, endpoint)):
                await refusal(scope, receive, probe.send)
            elif fault in ("errcode", "http500", "quota"):
                await _fault_response(fault, endpoint)(scope, receive, probe.send)
            elif fault in ("drop_after", "timeout"):
                await super().__call__(scope, receive, probe.swallow)
                if fault == "timeout":
                    await asyncio.sleep(control.settings.hang_seconds)
                await drop_connection(send)
            else:
                await super().__call__(scope, receive, probe.send)
        finally:
            probe.complete()

    async def _pre_request(self, control: Control, path: str, endpoint: str) -> str | None:
        if not path.startswith(_API_PREFIXES):
            return None
        settings = control.settings
        delay = settings.latency + control.jitter()
        if delay:
            await asyncio.sleep(delay)
        if endpoint in _TOKEN_ENDPOINTS:
            return control.draw_fault() if settings.fault_tokens else None
        number = control.count_call()
        if settings.token_expire_every and number % settings.token_expire_every == 0:
            self.state.store.expire_tokens()
        if number == settings.quota_hit_at:
            return "quota"
        return control.draw_fault()


#: Names a sandbox on this machine answers to, besides the host it was bound to.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


def _host_name(host: str) -> str:
    """``[::1]:8765`` → ``::1``, ``Localhost:80`` → ``localhost``."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rpartition(":")[0] if host.count(":") == 1 else host


def _refusal(scope: Scope, hosts: frozenset[str]) -> Any:
    """A 400/403 answer for a request the sandbox must not act on, else None.

    A web page in the user's browser can address the sandbox by a name of its own (DNS
    rebinding) or send it a cross-site form (``text/plain``) POST: so only the loopback names
    and the bound host are answered, and a ``/_sandbox/*`` write needs a JSON body (which a
    cross-site page cannot send without asking) and no foreign ``Origin``/``Sec-Fetch-Site``.
    """
    host = _header(scope, b"host")
    if host is None or _host_name(host) not in hosts:
        return PlainTextResponse(
            "unknown host: the sandbox answers only to its loopback address", 400
        )
    if scope["method"] != "POST" or not scope["path"].startswith("/_sandbox/"):
        return None
    origin, site = _header(scope, b"origin"), _header(scope, b"sec-fetch-site")
    if (origin is not None and _host_name(origin.partition("://")[2]) not in hosts) or site not in (
        None,
        "same-origin",
        "none",
    ):
        return JSONResponse({"error": "cross-site request refused"}, status_code=403)
    kind = (_header(scope, b"content-type") or "").split(";")[0].strip().lower()
    length = _header(scope, b"content-length")
    if kind != "application/json" and (
        length not in (None, "0") or _header(scope, b"transfer-encoding")
    ):
        return JSONResponse(
            {"error": "the body must be JSON (Content-Type: application/json)"}, status_code=415
        )
    return None


def _account_refusal(state: Any, scope: Scope, endpoint: str) -> Any:
    """40164 or 48001 as the account's settings decide (:mod:`.capabilities`), else None."""
    if not scope["path"].startswith(_API_PREFIXES):
        return None
    query = {k: v[0] for k, v in parse_qs(scope.get("query_string", b"").decode("latin-1")).items()}
    return account_refusal(state, endpoint, query)


def _fault_response(kind: str, endpoint: str) -> Any:
    if kind == "http500":
        return PlainTextResponse("Internal Server Error", status_code=500)
    if kind == "quota":
        if endpoint.startswith(_VIDEO_ENDPOINT):
            return ret_error(45009, ERRMSG[45009])
        return wx_error(45009)
    if endpoint.startswith(_VIDEO_ENDPOINT):
        return JSONResponse({"ret": -1, "errmsg": "system error"})
    return JSONResponse({"errcode": -1, "errmsg": "system error"})


def _routes() -> list[Route]:
    return [
        Route("/cgi-bin/token", tokens.get_token, methods=["GET"]),
        Route("/cgi-bin/stable_token", tokens.stable_token, methods=["POST"]),
        Route("/cgi-bin/material/add_material", media.add_material, methods=["POST"]),
        Route("/cgi-bin/media/uploadimg", media.uploadimg, methods=["POST"]),
        Route("/cgi-bin/material/upload_video", upload_video, methods=["POST"]),
        *PUBLISH_ROUTES,
        *DRAFT_ROUTES,
        *FREEPUBLISH_ROUTES,
        *MATERIAL_ROUTES,
        *COMMENT_ROUTES,
        *DATACUBE_ROUTES,
        *MASS_ROUTES,
        *SERVER_ROUTES,
        Route("/mmbiz/{name}", media.serve_image, methods=["GET"]),
        *READER_ROUTES,
        Route("/_sandbox/configure", admin.configure, methods=["POST"]),
        Route("/_sandbox/settings", admin.settings, methods=["GET"]),
        Route("/_sandbox/expire_tokens", admin.expire_tokens, methods=["POST"]),
        Route("/_sandbox/log", admin.log, methods=["GET"]),
        Route("/_sandbox/clear_log", admin.clear_log, methods=["POST"]),
        Route("/_sandbox/state", admin.state, methods=["GET"]),
        Route("/_sandbox/ban_article", admin.ban_article, methods=["POST"]),
        *READER_ADMIN_ROUTES,
    ]


def create_app(settings: SandboxSettings, host: str = "127.0.0.1") -> Starlette:
    """The sandbox app; ``app.state.store`` is the model, ``app.state.control`` the live
    settings, fault dice and request log. It answers requests addressed to ``host`` (the
    address it is bound to) or a loopback name only."""
    app = SandboxApp(routes=_routes())
    app.state.hosts = LOOPBACK_HOSTS | {_host_name(host if ":" not in host else f"[{host}]")}
    control = Control(settings)
    app.state.control = control
    app.state.store = Store(control, settings.state_path)
    return app
