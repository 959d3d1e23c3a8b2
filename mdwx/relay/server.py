"""Running a relay: wiring accounts to upstreams, :class:`RelayServer` (a background thread,
for tests) and :func:`run_relay` (blocking, for ``mdwx relay --listen``)."""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import IO, Any

import httpx
import uvicorn

from mdwx.errors import ConfigError
from mdwx.relay.app import LogSink, RelayCore, create_relay_app
from mdwx.relay.keys import KeyStore
from mdwx.relay.settings import RelaySettings, account_secret, is_loopback
from mdwx.relay.upstream import AccountUpstream
from mdwx.wechat.token import TokenCache, default_cache

_START_TIMEOUT = 10.0


def build_core(
    settings: RelaySettings,
    *,
    environ: Mapping[str, str] | None = None,
    token_cache: TokenCache | None = None,
    log: LogSink | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    clock: Callable[[], float] = time.time,
) -> tuple[RelayCore, httpx.AsyncClient]:
    """The relay's decision core and the upstream HTTP client it forwards with.

    Every account's AppSecret (or fixed token) is read here, from the variable its config
    names; an account without one raises :class:`ConfigError` before the relay listens.
    """
    http = httpx.AsyncClient(
        base_url=settings.upstream.rstrip("/") + "/",
        transport=transport,
        timeout=120.0,
        trust_env=not is_loopback(settings.upstream),
    )
    cache = token_cache if token_cache is not None else default_cache()
    upstreams = {}
    for name, account in settings.accounts.items():
        secret, token = account_secret(account, environ)
        if not secret and not token:
            names = " or ".join(n for n in (account.secret_env, account.token_env) if n)
            raise ConfigError(
                f"relay account {name!r} has no credentials", hint=f"set {names} for the relay"
            )
        upstreams[name] = AccountUpstream(
            account, secret, token, http, cache, settings.token_endpoint
        )
    core = RelayCore(
        settings, KeyStore(settings.keys_file), upstreams, log or json_log(sys.stderr), clock
    )
    return core, http


def json_log(stream: IO[str]) -> LogSink:
    """A sink writing each entry as one JSON line to ``stream`` (thread-safe)."""
    lock = threading.Lock()

    def write(entry: dict[str, Any]) -> None:
        with lock:
            stream.write(json.dumps(entry, ensure_ascii=False) + "\n")
            stream.flush()

    return write


def parse_listen(text: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:8790`` for IPv6) → (host, port). Raises :class:`ConfigError`."""
    host, sep, port = text.rpartition(":")
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ConfigError(
            f"--listen {text!r} is not HOST:PORT", hint="e.g. --listen 127.0.0.1:8790"
        )
    return host, int(port)


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(512)
    sock.setblocking(False)
    return sock


def _config(app: Any) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=2,
        http="h11",
        proxy_headers=False,
    )


class RelayServer:
    """A relay on loopback in a background thread; use as a context manager (tests)."""

    def __init__(
        self, core: RelayCore, http: httpx.AsyncClient, *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.core = core
        self.host, self._port = host, port
        self.app = create_relay_app(core, http.aclose)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""

    def start(self) -> RelayServer:
        from mdwx.sandbox.server import _PromptServer

        sock = _bind(self.host, self._port)
        self._port = sock.getsockname()[1]
        self.base_url = f"http://{self.host}:{self._port}"
        server = _PromptServer(_config(self.app))
        self._server = server
        self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="mdwx-relay", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                sock.close()
                raise RuntimeError("the relay did not start")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        self._server.should_exit = True
        self._thread.join(timeout=_START_TIMEOUT)
        self._server, self._thread = None, None

    def __enter__(self) -> RelayServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def run_relay(
    core: RelayCore, http: httpx.AsyncClient, host: str, port: int, on_listen: Callable[[str], None]
) -> None:
    """Serve in the foreground until Ctrl-C; ``on_listen`` gets the base URL once bound.

    Raises :class:`ConfigError` when the address cannot be bound.
    """
    try:
        sock = _bind(host, port)
    except OSError as exc:
        raise ConfigError(
            f"cannot listen on {host}:{port}: {exc.strerror}",
            hint="pick another port, or :0 for any free one",
        ) from None
    shown = f"[{host}]" if ":" in host else host
    on_listen(f"http://{shown}:{sock.getsockname()[1]}")
    try:
        uvicorn.Server(_config(create_relay_app(core, http.aclose))).run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
