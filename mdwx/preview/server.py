"""Serving the live preview: :class:`PreviewServer` (a background thread, for tests and
the command) and :func:`run_preview` (``mdwx preview``: serve until Ctrl-C).

The server listens on 127.0.0.1 only: the preview shows local files and, with credentials,
can upload pictures, so nothing beyond this machine may reach it.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import uvicorn

from mdwx.errors import ConfigError, MdwxError
from mdwx.preview.app import create_app
from mdwx.serving import bind_socket

if TYPE_CHECKING:
    from mdwx.api.types import Options

HOST = "127.0.0.1"
DEFAULT_PORT = 8760
_START_TIMEOUT = 10.0


class PreviewServer:
    """The preview of one post on loopback, in a daemon thread; use as a context manager.

    ``url`` is the page's address once started. ``port=0`` takes any free port. ``options``
    (:class:`mdwx.api.Options`): the credentials or sandbox the copy button uploads with.
    Raises :class:`ConfigError` (exit 2) when the port cannot be had.
    """

    def __init__(
        self, path: Path, *, port: int = DEFAULT_PORT, options: Options | None = None
    ) -> None:
        self.path = Path(path)
        self.app = create_app(self.path, options=options)
        self._port = port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    @property
    def port(self) -> int:
        return self._port

    @property
    def snapshot(self) -> Any:
        """The snapshot the page shows now (:class:`mdwx.preview.snapshot.Snapshot`)."""
        return self.app.state.hub.snapshot

    def start(self) -> PreviewServer:
        if self._thread is not None:
            return self
        try:
            sock = bind_socket(HOST, self._port)
        except OSError as exc:
            raise ConfigError(
                f"cannot listen on {HOST}:{self._port}: {exc.strerror}",
                hint="pick another --port, or --port 0 for any free one",
            ) from None
        self._port = sock.getsockname()[1]
        self.url = f"http://{HOST}:{self._port}/"
        config = uvicorn.Config(
            self.app,
            log_level="warning",
            access_log=False,
            lifespan="on",
            timeout_graceful_shutdown=1,
            http="h11",
        )
        server = uvicorn.Server(config)
        self._server = server
        self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="mdwx-preview", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                sock.close()
                raise MdwxError("the preview server did not start")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        loop = self.app.state.loop
        if loop is not None and loop.is_running():
            # End the event streams first: uvicorn waits for open connections before it stops.
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(self.app.state.hub.close(), loop).result(
                    _START_TIMEOUT
                )
        self._server.should_exit = True
        self._thread.join(timeout=_START_TIMEOUT)
        self._server = None
        self._thread = None

    def wait(self) -> None:
        """Block until the server stops (Ctrl-C raises KeyboardInterrupt here)."""
        while self._thread is not None and self._thread.is_alive():
            self._thread.join(timeout=0.5)

    def __enter__(self) -> PreviewServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def run_preview(
    path: Path,
    *,
    port: int = DEFAULT_PORT,
    open_browser: bool = True,
    options: Options | None = None,
    echo: Callable[[str], None] = print,
) -> None:
    """Serve the preview of ``path`` until Ctrl-C, optionally opening it in a browser.

    Raises :class:`ConfigError` when the port cannot be had.
    """
    server = PreviewServer(path, port=port, options=options).start()
    try:
        snapshot = server.snapshot
        echo(f"mdwx preview of {path} at {server.url}  — press Ctrl-C to stop.")
        if snapshot.error:
            echo(f"✗ {snapshot.error}")
        if open_browser:
            import webbrowser

            webbrowser.open(server.url)
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        echo("mdwx preview stopped")
