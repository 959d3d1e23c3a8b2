"""The relay's configuration (``relay.toml``) and the accounts it serves.

The relay runs on the one machine whose IP the accounts whitelist; its config names the
accounts (``[accounts.NAME]``, the same table as a site's ``mdwx.toml``: ``appid`` and the
*name* of the variable holding the AppSecret) and where the keys file and the log live.
Secrets never live in the file. The upstream is WeChat's own host; only a loopback URL (a
sandbox, for tests and ``--sandbox``) may replace it, so a config cannot turn the relay into
a proxy to anywhere (docs/relay.md).
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import platformdirs

from mdwx.accounts import Account, parse_accounts
from mdwx.config import DEFAULT_API_BASE
from mdwx.errors import ConfigError
from mdwx.relay.bounds import BURST, MAX_BODY_MB, RATE_PER_MINUTE, Bound
from mdwx.settings.lines import setting_error
from mdwx.source.site import read_toml
from mdwx.urls import http_url_problem, redact

#: The declared range of each number of ``relay.toml`` (mdwx.relay.bounds).
NUMBERS: dict[str, Bound] = {
    "rate_per_minute": RATE_PER_MINUTE,
    "burst": BURST,
    "max_body_mb": MAX_BODY_MB,
}
CONFIG_NAME = "relay.toml"
KEYS_NAME = "relay-keys.json"
_KEYS = (
    "upstream",
    "keys_file",
    "log_file",
    "token_endpoint",
    "rate_per_minute",
    "burst",
    "max_body_mb",
    "accounts",
)


@dataclass(frozen=True)
class RelaySettings:
    """How a relay behaves.

    ``accounts`` by name; ``upstream`` WeChat's API base (or a loopback sandbox);
    ``keys_file`` the hashed keys; ``log_file`` where each forwarded call is logged as a
    JSON line (None: standard error); ``rate_per_minute`` and ``burst`` the default rate of
    each key (a bucket of ``burst`` calls refilled at that rate); ``max_body_mb`` the largest
    request body forwarded. Each number lies in its declared range (:data:`NUMBERS`);
    ConfigError otherwise.
    """

    accounts: Mapping[str, Account] = field(default_factory=dict)
    upstream: str = DEFAULT_API_BASE
    keys_file: Path = Path(KEYS_NAME)
    log_file: Path | None = None
    token_endpoint: str = "stable"
    rate_per_minute: float = 600.0
    burst: int = 60
    max_body_mb: float = 16.0

    def __post_init__(self) -> None:
        check_upstream(self.upstream)
        if self.token_endpoint not in ("stable", "token"):
            raise ConfigError(
                f'token_endpoint must be "stable" or "token", not {self.token_endpoint!r}'
            )
        for key, bound in NUMBERS.items():
            problem = bound.problem(getattr(self, key))
            if problem:
                raise ConfigError(f"{key} {problem}")

    @property
    def max_body_bytes(self) -> int:
        return int(self.max_body_mb * 1024 * 1024)


def check_upstream(url: str) -> None:
    """Refuse any upstream but WeChat's API host or a loopback address (the sandbox)."""
    problem = http_url_problem(url)
    if problem:
        raise ConfigError(f"upstream {redact(url)!r} {problem}")
    if url.rstrip("/") == DEFAULT_API_BASE or is_loopback(url):
        return
    raise ConfigError(
        f"upstream {redact(url)!r} is not WeChat's API host",
        hint=f"the relay forwards only to {DEFAULT_API_BASE} (or a sandbox on loopback, for tests)",
    )


def is_loopback(url: str) -> bool:
    host = httpx.URL(url).host
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def default_config_path() -> Path:
    """``relay.toml`` in mdwx's per-user config folder (``~/.config/mdwx`` on Linux)."""
    return Path(platformdirs.user_config_dir("mdwx")) / CONFIG_NAME


def load_relay_settings(path: Path, *, must_exist: bool = True) -> RelaySettings:
    """The relay config at ``path``; relative file names are taken from its folder.

    A missing file with ``must_exist=False`` gives the defaults (no accounts), with the keys
    file beside where the config would be. Raises :class:`ConfigError` naming the file.
    """
    folder = path.parent
    if not path.exists():
        if must_exist:
            raise ConfigError(
                "no relay configuration",
                path=path,
                hint="write one (docs/relay.md shows an example) or pass --config",
            )
        return RelaySettings(keys_file=folder / KEYS_NAME)
    data = read_toml(path)
    for secret in ("secret", "appsecret", "access_token"):
        if secret in data:
            raise ConfigError(
                f"{secret}: secrets never live in the relay's file",
                path=path,
                hint="name the environment variable in [accounts.NAME] secret_env",
            )
    unknown = sorted(set(data) - set(_KEYS))
    if unknown:
        raise ConfigError(
            f"unknown relay setting(s): {', '.join(unknown)}",
            path=path,
            hint=f"known: {', '.join(_KEYS)}",
        )
    values: dict[str, Any] = {"keys_file": folder / KEYS_NAME}
    for key in ("upstream", "token_endpoint"):
        if key in data:
            values[key] = _string(data[key], key, path)
    for key in ("keys_file", "log_file"):
        if key in data:
            values[key] = folder / _string(data[key], key, path)
    for key, bound in NUMBERS.items():
        if key in data:
            value = data[key]
            problem = bound.problem(value)
            if problem:  # at the line that sets it: relay.toml:LINE: max_body_mb must be …
                raise setting_error(path, key, f"{key} {problem}")
            values[key] = int(value) if bound.whole else float(value)
    if "accounts" in data:
        values["accounts"] = parse_accounts(data["accounts"], path)
    try:
        return RelaySettings(**values)
    except ConfigError as exc:
        exc.path = str(path)
        raise


def _string(value: Any, key: str, path: Path) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{key} must be a non-empty string, not {value!r}", path=path)
    return value


def account_secret(
    account: Account, environ: Mapping[str, str] | None = None
) -> tuple[str | None, str | None]:
    """The account's (AppSecret, access token) from the variables its config names."""
    env = os.environ if environ is None else environ
    secret = env.get(account.secret_env) if account.secret_env else None
    token = env.get(account.token_env) if account.token_env else None
    return secret or None, token or None
