"""A Starlette app served by uvicorn on a socket mdwx binds itself, in a background thread.

The sandbox, the relay and the live preview each serve this way: binding the socket first
makes port 0 give a known free port before the server starts, and a thread lets a test or a
``--sandbox`` run use the server in the same process. This module knows nothing of what is
served.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from typing import Any

import uvicorn

START_TIMEOUT = 10.0  # seconds for a server to accept, and for its thread to end on stop
_TICK = 0.005  # seconds between checks for stop() in the background server (uvicorn's: 0.1)


def bind_socket(host: str, port: int, *, backlog: int = 128) -> socket.socket:
    """A listening, non-blocking TCP socket on ``host:port`` (IPv6 when ``host`` has a colon).

    Raises :class:`OSError` when the address cannot be bound (the socket is closed then).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted sockets inherit this; without it every keep-alive request waits ~40 ms on
    # Nagle + delayed ACK, which makes a loopback server look slow to clients and benchmarks.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(backlog)
    sock.setblocking(False)
    return sock


def uvicorn_config(app: Any, *, lifespan: str = "off", graceful_seconds: int = 1) -> uvicorn.Config:
    """uvicorn's settings for an mdwx server: quiet, h11, no proxy headers trusted."""
    return uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan=lifespan,  # type: ignore[arg-type]
        timeout_graceful_shutdown=graceful_seconds,
        http="h11",
        proxy_headers=False,
    )


class PromptServer(uvicorn.Server):
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


class BackgroundServer:
    """One server thread: :meth:`start` serves ``config``'s app on an already bound socket and
    returns once uvicorn accepts; :meth:`stop` ends it (idempotent)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self, config: uvicorn.Config, sock: socket.socket) -> None:
        """Serve on ``sock`` in a daemon thread. Raises :class:`RuntimeError` when uvicorn did
        not accept within :data:`START_TIMEOUT` seconds (the socket is closed then)."""
        server = PromptServer(config)
        self._server = server
        self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name=self.name, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                sock.close()
                self._server, self._thread = None, None
                raise RuntimeError(f"the {self.name} server did not start")
            time.sleep(_TICK)

    def stop(self) -> None:
        """Ask the server to exit and wait for its thread (at most :data:`START_TIMEOUT`)."""
        if self._server is None or self._thread is None:
            return
        self._server.should_exit = True
        self._thread.join(timeout=START_TIMEOUT)
        self._server, self._thread = None, None
