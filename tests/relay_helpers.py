"""A sandbox with a relay in front of it, on loopback, and what tests ask of them."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from mdwx.accounts import Account
from mdwx.relay import KeyStore, RelayServer, RelaySettings, build_core
from mdwx.sandbox import SandboxServer
from mdwx.wechat import MemoryTokenCache
from tests import factories

SECRET_ENV = "WECHAT_APPSECRET_NEWS"


@dataclass
class Relayed:
    """A running sandbox (``sb``) and a relay for its account ``news`` (``relay``)."""

    sb: SandboxServer
    relay: RelayServer
    keys: KeyStore
    log: list[dict[str, Any]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.relay.base_url

    def key(self, allow: str = "draft,publish", name: str | None = None, **options: Any) -> str:
        name = name or f"k-{allow.replace(',', '-')}-{len(self.keys.records())}"
        return self.keys.add(name, "news", allow, **options)

    def tokens(self) -> list[str]:
        return [row[0] for row in self.sb.store._db.execute("SELECT token FROM tokens")]

    def client_env(self, key: str, home: Path) -> dict[str, str]:
        """A client's environment: the relay's URL and a key, no AppSecret at all."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "MDWX_"))}
        env.update(
            MDWX_API_BASE=self.url,
            MDWX_RELAY_KEY=key,
            XDG_CACHE_HOME=str(home / "cache"),
            HOME=str(home),
        )
        return env

    def call(self, key: str | None, path: str, body: Any = None, **params: str) -> httpx.Response:
        headers = {"Authorization": f"Bearer {key}"} if key is not None else {}
        return httpx.post(
            f"{self.url}/{path}", params=params, json=body, headers=headers, timeout=30
        )


@contextlib.contextmanager
def relayed(
    tmp_path: Path,
    clock: Callable[[], float] | None = None,
    sandbox: dict[str, Any] | None = None,
    **settings: Any,
) -> Iterator[Relayed]:
    """A sandbox and a relay to it for account ``news``; keys in ``tmp_path``."""
    settings.setdefault("rate_per_minute", 60_000.0)
    settings.setdefault("burst", 1_000)
    with factories.sandbox(**(sandbox or {})) as sb:
        relay_settings = RelaySettings(
            accounts={"news": Account("news", sb.appid, secret_env=SECRET_ENV)},
            upstream=sb.base_url,
            keys_file=tmp_path / "relay-keys.json",
            **settings,
        )
        log: list[dict[str, Any]] = []
        extra = {"clock": clock} if clock else {}
        core, http = build_core(
            relay_settings,
            environ={SECRET_ENV: sb.secret},
            token_cache=MemoryTokenCache(),
            log=log.append,
            **extra,
        )
        with RelayServer(core, http) as relay:
            yield Relayed(sb, relay, KeyStore(relay_settings.keys_file), log)
