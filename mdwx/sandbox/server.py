"""Running the sandbox: :class:`SandboxServer` (a background thread, for tests and
``mdwx publish --sandbox``) and :func:`run_sandbox` (blocking, for ``mdwx sandbox``)."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any

import uvicorn

from mdwx.serving import BackgroundServer, bind_socket, uvicorn_config

from .app import create_app
from .control import Control, RequestRecord
from .settings import SandboxSettings
from .store import Store


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
        self._serving = BackgroundServer("mdwx-sandbox")
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
        if self._serving.running:
            return self
        sock = bind_socket(self.host, self._port)
        self._port = sock.getsockname()[1]
        self.base_url = f"http://{self.host}:{self._port}"
        self.store.base_url = self.base_url
        self._serving.start(uvicorn_config(self.app), sock)
        return self

    def stop(self) -> None:
        """Stop serving; the store stays readable (and its file closed on a later start)."""
        self._serving.stop()

    def close(self) -> None:
        """Stop and close the store's database (needed before reopening a state file)."""
        self.stop()
        self.store.close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
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
    settings: SandboxSettings,
    host: str = "127.0.0.1",
    port: int = 8765,
    *,
    echo: Callable[[str], None] = print,
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
        uvicorn.Server(uvicorn_config(app)).run(sockets=[sock])
    except KeyboardInterrupt:
        # uvicorn shuts down gracefully, then re-raises the captured SIGINT: Ctrl-C is the
        # normal way to stop, not an error.
        pass
    finally:
        echo("mdwx sandbox stopped")
        sock.close()
        app.state.store.close()
