"""Named accounts: which ``[accounts.NAME]`` each post goes to, with whose credentials.

A post's front matter ``accounts: [a, b]`` sends it to each listed account; ``RunOptions.account``
narrows a call to one account (a post listing others is skipped); a post listing none goes
to ``RunOptions.credentials`` as before. Each account brings its AppID, backend, api_base and
limits (laid over the site's config, :meth:`mdwx.accounts.Account.apply`); its credentials
come from ``RunOptions.accounts`` (a mapping or a callable), never from the environment here.
State, daily submission counts and access tokens are keyed by AppID, so by account.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from mdwx.errors import ConfigError, MdwxError
from mdwx.publish.run_options import Credentials, RunOptions
from mdwx.source import reading

if TYPE_CHECKING:
    from mdwx.accounts import Account
    from mdwx.config import SiteConfig
    from mdwx.source.model import Article
    from mdwx.source.posts import Post as SitePost


@dataclass(frozen=True)
class Route:
    """One post bound for one account (None: the call's credentials).

    ``post`` carries the config as that account sees it. ``skipped`` says why the post does
    not go to the chosen account; ``error`` is why it could not be read (it is reported as
    failed and sends nothing).
    """

    post: SitePost
    account: Account | None
    skipped: str | None = None
    error: MdwxError | None = None

    @property
    def name(self) -> str | None:
        """The account's name (None: the call's credentials)."""
        return self.account.name if self.account else None


def named_account(post: SitePost, name: str) -> Account:
    """The site's ``[accounts.NAME]``; raises :class:`ConfigError` when it has none of that name."""
    account = post.config.accounts.get(name)
    if account is None:
        known = ", ".join(sorted(post.config.accounts)) or "none"
        close = difflib.get_close_matches(name, sorted(post.config.accounts), n=1)
        raise ConfigError(
            f"no account {name!r} in the site's config (known: {known})"
            + (f" (did you mean {close[0]!r}?)" if close else ""),
            path=post.config.config_path or post.config.root,
            hint=f"add [accounts.{name}] with appid and secret_env to mdwx.toml",
        )
    return account


def on_account(post: SitePost, account: Account, options: RunOptions) -> SitePost:
    """``post`` with ``account``'s backend, api_base and limits laid over its site's config."""
    return replace(
        post, config=account_config(post.config, account, api_base_given=bool(options.api_base))
    )


def routes(
    post: SitePost, options: RunOptions, *, strict: bool = True, article: Article | None = None
) -> list[Route]:
    """Where ``post`` goes: one :class:`Route` per account, or one to the call's credentials.

    The accounts are the front matter's ``accounts``, narrowed by ``options.account``.

    The post's front matter is read here; with ``strict`` a post that cannot be read gets a
    route carrying the error, else it is routed as if it listed no account. Raises
    :class:`ConfigError` for an ``options.account`` the site does not define. ``article``: the
    post already read (:func:`mdwx.source.reading.read_post`), so it is not read again.
    """
    chosen = named_account(post, options.account) if options.account else None
    try:
        listed = (article or reading.read_post(post)).accounts
    except ConfigError:
        raise
    except MdwxError as exc:
        if strict:
            return [Route(on_account(post, chosen, options) if chosen else post, chosen, error=exc)]
        listed = ()
    if chosen is not None:
        if listed and chosen.name not in listed:
            return [
                Route(
                    post,
                    chosen,
                    skipped=f"skipped: the post is for {', '.join(listed)}, not {chosen.name}",
                )
            ]
        return [Route(on_account(post, chosen, options), chosen)]
    if not listed:
        return [Route(post, None)]
    accounts = [post.config.accounts[name] for name in listed]
    return [Route(on_account(post, account, options), account) for account in accounts]


def account_options(
    options: RunOptions, account: Account | None, *, need_client: bool
) -> RunOptions:
    """The call's options for ``account``: its credentials from ``options.accounts``.

    ``need_client``: the call will talk to WeChat, so missing credentials raise
    :class:`ConfigError` naming the environment variable the account's config names.
    """
    if account is None:
        if (
            need_client
            and not options.sandbox
            and not (options.credentials or Credentials()).complete
        ):
            raise ConfigError(
                "WeChat credentials are missing",  # as the client says: one message
                hint="set WECHAT_APPID and WECHAT_APPSECRET or WECHAT_ACCESS_TOKEN, or pass --sandbox",
            )
        return options
    given = options.accounts
    found: Credentials | None
    if given is None:
        found = None
    elif isinstance(given, Mapping):
        found = given.get(account.name)
    else:
        found = given(account)
    if found is not None and not isinstance(found, Credentials):
        raise ConfigError(
            f"the credentials given for account {account.name!r} are not mdwx.api.Credentials"
        )
    found = found or Credentials()
    credentials = Credentials(
        appid=account.appid,
        secret=found.secret,
        access_token=found.access_token,
        relay_key=found.relay_key,
    )
    if need_client and not options.sandbox and not credentials.complete:
        names = " or ".join(n for n in (account.secret_env, account.token_env) if n)
        raise ConfigError(
            f"account {account.name!r} has no credentials",
            path=None,
            hint=f"set {names} (named by [accounts.{account.name}] in mdwx.toml)",
        )
    return replace(options, credentials=credentials)


def by_account(items: list[Route]) -> list[tuple[Account | None, list[int]]]:
    """Indexes of the routes to act on, grouped by account in the order first met."""
    groups: dict[str | None, tuple[Account | None, list[int]]] = {}
    for index, item in enumerate(items):
        if item.skipped is None and item.error is None:
            groups.setdefault(item.name, (item.account, []))[1].append(index)
    return list(groups.values())


def account_config(
    config: SiteConfig, account: Account, *, api_base_given: bool = False
) -> SiteConfig:
    """``config`` as ``account`` sees it: its backend, api_base and limits laid over the site's.

    ``api_base_given``: the caller chose an API base for the whole call (it wins).
    """
    changes: dict[str, Any] = {
        "limits": replace(config.limits, **dict(account.limits)),
        "draft": replace(config.draft, **dict(account.draft)),
    }
    if account.backend:
        changes["backend"] = account.backend
    if account.api_base and not api_base_given:
        changes["api_base"] = account.api_base
    return replace(config, **changes)
