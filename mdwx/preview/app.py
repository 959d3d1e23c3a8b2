"""The preview's web app (Starlette): the page, the article as JSON, change events, copy.

Routes:
- ``GET /``: the page (:mod:`mdwx.preview.page`);
- ``GET /article.json``: the current snapshot (version, title, article HTML, warnings, error);
- ``GET /events``: server-sent events, ``event: update`` with the version on each change
  (and once on connecting), a comment every 15 s to keep the connection open;
- ``POST /copy``: the HTML for the clipboard (:mod:`mdwx.preview.copy`), pictures uploaded
  when credentials are set;
- ``GET /media/{key}``: a local video of the post (from inside the site only).

It answers only requests addressed to the loopback host it serves (a web page elsewhere
cannot reach it through DNS rebinding), and ``POST /copy`` only from its own page.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Route

from mdwx.document import AssetKind
from mdwx.preview.copy import CopyMaker
from mdwx.preview.page import CSP, article_json, render_page
from mdwx.preview.snapshot import Snapshot, take_snapshot
from mdwx.preview.watcher import watch
from mdwx.render.preview_words import words_for

if TYPE_CHECKING:
    from mdwx.api.types import Options

KEEPALIVE_SECONDS = 15.0
# Never cached, and never shown inside another site's frame (which could trick a click on Copy).
# The policy runs only the page's own script (by hash): markup that slipped into the article
# could not run script in this origin, which can upload.
_NO_STORE = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
}


class Hub:
    """The current snapshot, and a way to wait for a newer one."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.snapshot = take_snapshot(path, 1)
        self.closing = False
        self._changed: asyncio.Condition | None = None

    def _condition(self) -> asyncio.Condition:
        if self._changed is None:
            self._changed = asyncio.Condition()
        return self._changed

    async def rebuild(self) -> Snapshot:
        """Take a new snapshot (in a worker thread: rendering is CPU work) and announce it."""
        snapshot = await asyncio.to_thread(
            take_snapshot, self.path, self.snapshot.version + 1, self.snapshot
        )
        await self.publish(snapshot)
        return snapshot

    async def publish(self, snapshot: Snapshot) -> None:
        condition = self._condition()
        async with condition:
            self.snapshot = snapshot
            condition.notify_all()

    async def close(self) -> None:
        condition = self._condition()
        async with condition:
            self.closing = True
            condition.notify_all()

    async def newer(self, version: int, timeout: float) -> Snapshot | None:
        """The snapshot once its version differs from ``version``; None on timeout or close."""
        condition = self._condition()
        async with condition:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(
                    condition.wait_for(lambda: self.closing or self.snapshot.version != version),
                    timeout,
                )
            if self.closing or self.snapshot.version == version:
                return None
            return self.snapshot


def same_origin(request: Request) -> bool:
    """Whether a state-changing request comes from this server's own page.

    A browser names the page that sent a request in ``Origin`` and, for ``fetch``, says in
    ``Sec-Fetch-Site`` whether it is the same origin; a request from another site (even
    another port of this machine) is refused. Tools such as curl send neither.
    """
    origin = request.headers.get("origin")
    if origin is not None and origin != f"{request.url.scheme}://{request.url.netloc}":
        return False
    return request.headers.get("sec-fetch-site", "same-origin") in ("same-origin", "none")


def create_app(
    path: Path,
    *,
    options: Options | None = None,
    watch_files: bool = True,
    hosts: tuple[str, ...] = ("127.0.0.1", "localhost"),
) -> Starlette:
    """The preview app for the post at ``path``; ``watch_files`` runs the watcher (lifespan).

    ``options`` (:class:`mdwx.api.Options`) give the credentials, sandbox and state the copy
    button uploads with (default: none, pictures are copied inline).
    """
    hub = Hub(path)
    copier = CopyMaker(options)

    def notes(snapshot: Snapshot) -> list[str]:
        found = list(snapshot.notes)
        prepared = snapshot.prepared
        pictures = prepared is not None and any(
            a.kind is not AssetKind.VIDEO for a in prepared.document.assets
        )
        if pictures and not copier.has_credentials:
            found.append(words_for(snapshot.lang)["no_credentials"])
        return found

    async def page(request: Request) -> Response:
        return HTMLResponse(render_page(hub.snapshot, notes(hub.snapshot)), headers=_NO_STORE)

    async def article(request: Request) -> Response:
        return Response(
            article_json(hub.snapshot, notes(hub.snapshot)),
            media_type="application/json",
            headers=_NO_STORE,
        )

    async def events(request: Request) -> Response:
        async def stream() -> AsyncIterator[str]:
            yield "retry: 1000\n\n"
            shown = -1
            while not hub.closing:
                snapshot = await hub.newer(shown, KEEPALIVE_SECONDS)
                if snapshot is None:
                    if hub.closing or await request.is_disconnected():
                        return
                    yield ": keep-alive\n\n"
                    continue
                shown = snapshot.version
                yield f"event: update\ndata: {shown}\n\n"

        return StreamingResponse(
            stream(),
            media_type="text/event-stream",
            headers={**_NO_STORE, "X-Accel-Buffering": "no"},
        )

    async def copy(request: Request) -> Response:
        if not same_origin(request):
            return JSONResponse({"error": "cross-origin request refused"}, status_code=403)
        copied = await copier.make(hub.snapshot)
        return JSONResponse(copied.to_json(), headers=_NO_STORE)

    async def media(request: Request) -> Response:
        found = hub.snapshot.media.get(request.path_params["key"])
        if found is None or not found.is_file():
            return Response("no such media", status_code=404)
        return FileResponse(found)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        stop = asyncio.Event()
        app.state.loop = asyncio.get_running_loop()
        task = (
            asyncio.create_task(watch(lambda: hub.snapshot, hub.rebuild, stop))
            if watch_files
            else None
        )
        try:
            yield
        finally:
            stop.set()
            await hub.close()
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            await copier.aclose()

    app = Starlette(
        routes=[
            Route("/", page),
            Route("/article.json", article),
            Route("/events", events),
            Route("/copy", copy, methods=["POST"]),
            Route("/media/{key}", media),
        ],
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=list(hosts))],
        lifespan=lifespan,
    )
    app.state.hub = hub
    app.state.loop = None  # the server's event loop, once running
    app.state.copier = copier
    return app
