"""One site's account, opened for the account commands: its config, state and client.

``doctor``, ``list``, ``reconcile``, ``materials``, ``comments`` and ``stats`` act on an
account rather than on posts: the site folder gives the config (``mdwx.toml``), the state and
the backend; ``RunOptions.account`` picks an ``[accounts.NAME]``; ``RunOptions.sandbox`` runs the
in-process emulator, as ``publish --sandbox`` does, so a command sees what it published.
"""

from __future__ import annotations

import contextlib
import difflib
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mdwx.errors import ConfigError
from mdwx.publish.connection import connect
from mdwx.publish.routing import account_config, account_options
from mdwx.publish.run_options import RunOptions
from mdwx.publish.state.synced import open_site_state
from mdwx.source.site import load_config

if TYPE_CHECKING:
    from mdwx.config import SiteConfig
    from mdwx.publish.state.store import State
    from mdwx.sandbox import SandboxServer
    from mdwx.wechat import WeChatClient


@dataclass
class AccountSession:
    """What an account command works with. ``client`` is None only when no credentials were
    given and the command asked for none (``doctor`` reports that instead of failing)."""

    config: SiteConfig
    state: State
    client: WeChatClient | None
    appid: str
    account: str | None
    backend: str
    sandbox: SandboxServer | None = None


def site_config(folder: Path, options: RunOptions) -> tuple[SiteConfig, RunOptions]:
    """The site's config as ``options`` sees it (account, state file, api_base overrides) and
    the options with that account's credentials. Raises ConfigError for an unknown account."""
    config = load_config(folder)
    changes: dict[str, Any] = {}
    if options.state_path is not None:
        changes["state_file"] = Path(options.state_path)
    if options.api_base:
        changes["api_base"] = options.api_base
    if options.backend:
        changes["backend"] = options.backend
    config = replace(config, **changes) if changes else config
    if options.account:
        account = _named(config, options.account)
        config = account_config(config, account, api_base_given=bool(options.api_base))
        options = account_options(options, account, need_client=False)
    return config, options


@contextlib.asynccontextmanager
async def open_account(
    folder: Path,
    options: RunOptions | None = None,
    *,
    need_client: bool = True,
    **client_options: Any,
) -> AsyncIterator[AccountSession]:
    """Open the account of the site at ``folder``; the state and the client close on leaving.

    Raises :class:`~mdwx.errors.ConfigError` (no credentials while ``need_client``, an
    unknown account) and :class:`~mdwx.errors.StateError` (an unusable state database).
    """
    options = options or RunOptions()
    config, options = site_config(folder, options)
    if (
        need_client
        and not options.sandbox
        and not (options.credentials and options.credentials.complete)
    ):
        from mdwx.errors import ConfigError

        raise ConfigError(
            "WeChat credentials are missing",
            hint="set WECHAT_APPID and WECHAT_APPSECRET (or WECHAT_ACCESS_TOKEN), or pass --sandbox",
        )
    with open_site_state(config, []) as state:
        async with connect(
            config, options, need_client=need_client, account=options.account, **client_options
        ) as conn:
            yield AccountSession(
                config,
                state.for_backend(config.backend),
                conn.client,
                conn.appid,
                options.account,
                config.backend,
                conn.sandbox,
            )


def _named(config: SiteConfig, name: str) -> Any:
    account = config.accounts.get(name)
    if account is None:
        known = ", ".join(sorted(config.accounts)) or "none"
        close = difflib.get_close_matches(name, sorted(config.accounts), n=1)
        raise ConfigError(
            f"no account {name!r} in the site's config (known: {known})"
            + (f" (did you mean {close[0]!r}?)" if close else ""),
            path=config.config_path or config.root,
            hint=f"add [accounts.{name}] with appid and secret_env to mdwx.toml",
        )
    return account
