"""Running a relay: wiring accounts to upstreams, :class:`RelayServer` (a background thread,
for tests) and :func:`run_relay` (blocking, for ``mdwx relay --listen``)."""

from __future__ import annotations

import json
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
from mdwx.serving import BackgroundServer, bind_socket, uvicorn_config
from mdwx.tls import ssl_context
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
        verify=ssl_context(trust_env=not is_loopback(settings.upstream)),
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

    def write(entry: dict[str, object]) -> None:
        with lock:
            # ASCII: an endpoint or name a caller wrote may hold C1 or bidi controls, which
            # json.dumps leaves raw otherwise; a terminal showing the log would obey them.
            stream.write(json.dumps(entry, ensure_ascii=True) + "\n")
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


def _config(app: Any) -> uvicorn.Config:
    return uvicorn_config(app, lifespan="on", graceful_seconds=2)


class RelayServer:
    """A relay on loopback in a background thread; use as a context manager (tests)."""

    def __init__(
        self, core: RelayCore, http: httpx.AsyncClient, *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.core = core
        self.host, self._port = host, port
        self.app = create_relay_app(core, http.aclose)
        self._serving = BackgroundServer("mdwx-relay")
        self.base_url = ""

    def start(self) -> RelayServer:
        """Bind, serve in a daemon thread and return once uvicorn accepts."""
        if self._serving.running:
            return self
        sock = bind_socket(self.host, self._port, backlog=512)
        self._port = sock.getsockname()[1]
        self.base_url = f"http://{self.host}:{self._port}"
        self._serving.start(_config(self.app), sock)
        return self

    def stop(self) -> None:
        self._serving.stop()

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
        sock = bind_socket(host, port, backlog=512)
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
