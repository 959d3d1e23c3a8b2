"""Running the sandbox: :class:`SandboxServer` (a background thread, for tests and
``mdwx publish --sandbox``) and :func:`run_sandbox` (blocking, for ``mdwx sandbox``)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

import uvicorn

from .app import create_app
from .control import Control, RequestRecord
from .settings import SandboxSettings
from .store import Store

_START_TIMEOUT = 10.0
_TICK = 0.005  # seconds between checks for stop() in the background server (uvicorn's: 0.1)


def bind_socket(host: str, port: int) -> socket.socket:
    """Bind the listening socket ourselves so that port 0 gives a known free port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted sockets inherit this; without it every keep-alive request waits ~40 ms on
    # Nagle + delayed ACK, which makes the sandbox look slow to clients and benchmarks.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.setblocking(False)
    return sock


def _uvicorn_config(app: Any) -> uvicorn.Config:
    return uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="off",
        timeout_graceful_shutdown=1, http="h11",
    )


def _uvicorn_server(app: Any) -> uvicorn.Server:
    return uvicorn.Server(_uvicorn_config(app))


class _PromptServer(uvicorn.Server):
    """uvicorn's server, stopping in milliseconds rather than ~0.3 s.

    uvicorn checks ``should_exit`` every 0.1 s and then sleeps 0.1 s more before waiting
    for connections; a sandbox started and stopped per test (or per ``--sandbox`` run)
    paid that every time. This one checks every :data:`_TICK` and waits only while
    connections or tasks remain, up to ``timeout_graceful_shutdown``, then cancels tasks.
    """

    async def main_loop(self) -> None:
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864000
            await asyncio.sleep(_TICK)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (self.config.timeout_graceful_shutdown or 0)
        state = self.server_state
        while (state.connections or state.tasks) and not self.force_exit and loop.time() < deadline:
            await asyncio.sleep(_TICK)
        for task in state.tasks:
            task.cancel(msg="Task cancelled, timeout graceful shutdown exceeded")
        if not self.force_exit:
            await self.lifespan.shutdown()


class SandboxServer:
    """A sandbox on loopback in a background thread; use as a context manager.

    ``base_url`` is what ``MDWX_API_BASE`` should be set to; ``appid``/``secret`` are the
    sandbox account's credentials; ``store`` is the model to assert on.
    """

    def __init__(
        self, settings: SandboxSettings | None = None, *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.host = host
        self._port = port
        self.app = create_app(settings or SandboxSettings(), host)
        self.store: Store = self.app.state.store
        self._control: Control = self.app.state.control
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""

    @property
    def settings(self) -> SandboxSettings:
        """The live settings (changed by :meth:`configure` or ``POST /_sandbox/configure``)."""
        return self._control.settings

    @property
    def appid(self) -> str:
        return self.settings.appid

    @property
    def secret(self) -> str:
        return self.settings.secret

    @property
    def port(self) -> int:
        return self._port

    def start(self) -> SandboxServer:
        """Bind, start serving in a daemon thread and wait until uvicorn accepts."""
        if self._thread is not None:
            return self
        sock = bind_socket(self.host, self._port)
        self._port = sock.getsockname()[1]
        self.base_url = f"http://{self.host}:{self._port}"
        self.store.base_url = self.base_url
        server = _PromptServer(_uvicorn_config(self.app))
        self._server = server
        self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="mdwx-sandbox", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                sock.close()
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        """Stop serving; the store stays readable (and its file closed on a later start)."""
        if self._server is None or self._thread is None:
            return
        self._server.should_exit = True
        self._thread.join(timeout=_START_TIMEOUT)
        self._server = None
        self._thread = None

    def close(self) -> None:
        """Stop and close the store's database (needed before reopening a state file)."""
        self.stop()
        self.store.close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Only stop: tests often assert on ``store`` after the with-block. ``close()``
        # also releases the database.
        self.stop()

    @property
    def requests(self) -> list[RequestRecord]:
        """A snapshot of the request log."""
        return self._control.log()

    def clear_log(self) -> None:
        self._control.clear_log()

    def configure(self, **changes: Any) -> None:
        """Change settings live (faults, latency, review_reject, limits...)."""
        self._control.configure(**changes)

    def advance(self, seconds: float) -> None:
        """Move the sandbox's clock forward: reviews, video checks and publishing finish
        (and tokens expire) as if ``seconds`` had passed."""
        self._control.advance(seconds)

    def expire_tokens(self) -> None:
        """Every token issued so far answers 42001 (``access_token expired``)."""
        self.store.expire_tokens()

    def __repr__(self) -> str:
        return f"SandboxServer(base_url={self.base_url!r}, appid={self.appid!r})"


def run_sandbox(
    settings: SandboxSettings, host: str = "127.0.0.1", port: int = 8765,
    *, echo: Callable[[str], None] = print,
) -> None:
    """Serve a sandbox in the foreground until Ctrl-C (``mdwx sandbox``).

    Prints the base URL and the throwaway credentials as ``export`` lines, since the
    sandbox account exists only to be used: its secret is not a secret.
    """
    sock = bind_socket(host, port)
    base_url = f"http://{host}:{sock.getsockname()[1]}"
    app = create_app(settings, host)
    app.state.store.base_url = base_url
    echo(f"mdwx sandbox serving WeChat's media API at {base_url}")
    echo(f"  appid:  {settings.appid}")
    echo(f"  secret: {settings.secret}")
    echo(f"  state:  {settings.state_path or 'in memory (lost on exit)'}")
    echo("Point mdwx at it with:")
    echo(f"  export MDWX_API_BASE={base_url}")
    echo(f"  export WECHAT_APPID={settings.appid}")
    echo(f"  export WECHAT_APPSECRET={settings.secret}")
    echo(f"Published articles: {base_url}/  — press Ctrl-C to stop.")
    try:
        _uvicorn_server(app).run(sockets=[sock])
    except KeyboardInterrupt:
        # uvicorn shuts down gracefully, then re-raises the captured SIGINT: Ctrl-C is the
        # normal way to stop, not an error.
        pass
    finally:
        echo("mdwx sandbox stopped")
        sock.close()
        app.state.store.close()
