"""What a run of the library is given: the posts held in memory, the credentials and the
options, one value from the library's call (:mod:`mdwx.api`, where :class:`RunOptions` is
also named ``Options``) down to the publisher, the account tools and the routing.

Kept in the publish stage, below the library's facade, so the stages that act on a call's
options need not import the facade that calls them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the pipeline's modules load on first call, so `import mdwx.api` stays light
    from datetime import datetime

    import httpx

    from mdwx.accounts import Account
    from mdwx.publish.results import Events
    from mdwx.wechat.token import TokenCache

__all__ = ["FIRST_POLL", "AccountCredentials", "Credentials", "Post", "RunOptions"]

#: The first pause (seconds) between review queries when :attr:`RunOptions.poll_interval` is
#: None, growing by half each time (to 30 s): a fast review (the sandbox's 0.5 s) is seen at
#: once, a slow one costs a dozen queries an hour.
FIRST_POLL = 0.25


@dataclass(frozen=True)
class Post:
    """A post held in memory: its Markdown ``text`` and metadata laid over its front matter.

    ``text`` is the whole post as a file would hold it (YAML front matter optional), in
    characters, not bytes. ``meta`` overrides front-matter keys (``title``, ``author``,
    ``digest``, ``cover``, ``draft``, ``id``, …) and is validated like front matter; an error
    in a ``meta`` value names the post without a line. ``path`` is where the post lives (or
    would live): errors name it, its folder is where relative images, videos and the cover
    are looked up, its site root (the nearest ``mdwx.toml``, ``pyproject.toml`` with
    ``[tool.mdwx]`` or git work tree, as for files) gives the config and the state, and its
    path relative to that root is the post's identity (publishing the same path again
    updates the same WeChat article). The file need not exist; when it does, it must pass the
    rules a file would (inside its site, links resolved; a regular file with one name).
    ``publish``, ``status`` and ``delete`` need a ``path``; ``check`` and ``build`` take a post
    without one as ``post.md`` in the current folder. ``root`` names the site root (a relative
    ``path`` is then relative to it); without it, a post with no ``mdwx.toml``/git work tree
    above it whose folder is ``/`` or a home folder is a :class:`~mdwx.errors.ConfigError`.
    """

    text: str
    path: str | os.PathLike[str] | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)
    root: str | os.PathLike[str] | None = None


@dataclass(frozen=True)
class Credentials:
    """A WeChat Official Account's credentials (never printed: ``repr`` shows the AppID only).

    Either ``appid`` and ``secret`` (AppSecret: mdwx fetches and caches access tokens from
    ``cgi-bin/stable_token`` or ``cgi-bin/token``, per the site's ``token_endpoint``), or a
    ready ``access_token`` (``appid`` then only names the account in the state database).
    WeChat doc: 开始开发 / 获取 Access token (getStableAccessToken).
    """

    appid: str | None = None
    secret: str | None = field(default=None, repr=False)
    access_token: str | None = field(default=None, repr=False)
    #: A key of an mdwx relay (``MDWX_RELAY_KEY``; ``api_base`` is then the relay's URL): no
    #: AppSecret or token is used or sent; the relay holds them (docs/relay.md).
    relay_key: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Credentials:
        """The credentials the environment holds (an empty variable counts as unset).

        ``WECHAT_APPID``, ``WECHAT_APPSECRET``, ``WECHAT_ACCESS_TOKEN`` and ``MDWX_RELAY_KEY``.

        ``environ`` defaults to :data:`os.environ`. This is the only place mdwx reads
        credentials from the environment; the library below it takes them as values.
        """
        env = os.environ if environ is None else environ
        return cls(
            appid=env.get("WECHAT_APPID") or None,
            secret=env.get("WECHAT_APPSECRET") or None,
            access_token=env.get("WECHAT_ACCESS_TOKEN") or None,
            relay_key=env.get("MDWX_RELAY_KEY") or None,
        )

    @classmethod
    def for_account(cls, account: Account, environ: Mapping[str, str] | None = None) -> Credentials:
        """A named account's credentials, read from the environment variables its config names.

        Its ``appid``, and the AppSecret and access token held by the variables its
        ``secret_env`` and ``token_env`` name (empty = unset); its relay key from
        ``MDWX_RELAY_KEY_<NAME>`` (upper case, other characters ``_``), else ``MDWX_RELAY_KEY``.

        ``environ`` defaults to :data:`os.environ`. Like :meth:`from_env`, called only at the
        boundary (the command line passes it as ``Options.accounts``); a plugin may pass its
        own mapping or callable instead.
        """
        env = os.environ if environ is None else environ
        relay = "MDWX_RELAY_KEY_" + "".join(c if c.isalnum() else "_" for c in account.name.upper())
        return cls(
            appid=account.appid,
            secret=(env.get(account.secret_env) or None) if account.secret_env else None,
            access_token=(env.get(account.token_env) or None) if account.token_env else None,
            relay_key=env.get(relay) or env.get("MDWX_RELAY_KEY") or None,
        )

    @property
    def complete(self) -> bool:
        """Whether a client can be made: a relay key, a token, or both AppID and AppSecret."""
        return bool(self.relay_key or self.access_token or (self.appid and self.secret))


#: Credentials of the site's named accounts (``[accounts.NAME]``): a mapping of account
#: name → :class:`Credentials`, or a callable given the :class:`mdwx.accounts.Account` (its
#: ``appid``, ``secret_env``, ``token_env``) returning them.
AccountCredentials = Mapping[str, Credentials] | Callable[["Account"], Credentials]


@dataclass
class RunOptions:
    """Everything a call may change, in one value; every field has a working default.

    Publishing: ``draft`` uploads without submitting; ``wait`` follows review until a final
    status (published or rejected, ``cgi-bin/publish/query`` of the media API contract), at most
    ``wait_timeout`` seconds, asking every ``poll_interval`` seconds at first (growing by
    half each time, to 30 s; None: 0.25 s, 0.1 s in the sandbox); ``dry_run`` decides and
    reports every step but sends nothing; ``force`` publishes a changed, already submitted
    post as a new article. ``backend`` is WeChat's API to publish through: ``"media"`` (the
    media API contract's ``cgi-bin/publish/*``) or ``"draft"`` (the draft box, ``cgi-bin/draft/*``,
    and free publishing, ``cgi-bin/freepublish/*``); None: the site's ``backend``. ``sandbox`` runs a local WeChat emulator in-process for the call
    (its data in ``ROOT/.mdwx/sandbox.db``; it implies ``wait``) instead of the real API,
    listening on ``sandbox_port`` when that is free (so URLs printed by one run work in the
    next), else on any free port.

    Connection: ``credentials`` (None: none; :meth:`Credentials.from_env` reads the
    environment), ``api_base`` overrides the site's ``api_base`` (a relay or a sandbox's
    URL); ``allow_api_base`` lists other bases a site's or account's ``api_base`` in a file may
    name (``MDWX_ALLOW_API_BASE``; without it the credentials go only to WeChat's own host),
    ``transport`` is an ``httpx.AsyncBaseTransport`` for WeChat's API (tests, proxies)
    and ``fetch_transport`` one for remote images; ``token_cache`` where access tokens are
    kept (None: the per-user disk cache). ``state_path`` is one state database for every
    site instead of each site's ``.mdwx/state.db``; ``theme`` overrides the site's theme.
    ``concurrency`` caps parallel uploads (None: the site's ``concurrency``); ``lock_timeout`` is how many seconds to wait while
    another process publishes the same post; ``status_timeout`` how many seconds ``status``
    waits for WeChat before answering from the record.

    Accounts: ``account`` publishes (checks, asks, deletes) for that one ``[accounts.NAME]`` of
    the site: its AppID, backend, api_base and limits (a post whose front matter
    ``accounts`` does not list it is skipped); None: each post goes to the accounts its
    front matter lists, and a post listing none to ``credentials``. ``accounts`` gives each
    named account's credentials (:data:`AccountCredentials`; None: none, so a named
    account can only be dry-run). State, daily submission counts and tokens are kept per
    AppID, so per account.

    Scheduling: ``now`` is the clock deciding whether a post's ``publish_at`` has come
    (returns an aware datetime; None: the system clock in UTC); ``due`` publishes only the
    posts whose ``publish_at`` has come and skips every other one (unscheduled posts and
    future ones alike); without it a post before its time is uploaded as a draft and held.

    Output: ``events`` receives progress (uploads, video bytes), nothing is printed;
    ``out_dir`` is where ``build`` writes ``<slug>/content.html`` and ``preview.html``.

    One value from the call to the publisher: the library's facade lays the call's defaults
    over it (``wait`` in the sandbox, its short polls) with :func:`dataclasses.replace`, and
    :class:`~mdwx.publish.publisher.Publisher` reads the same fields. ``video_poll_interval``
    is the first pause between checks of an uploaded video (None: the site's ``[video]
    poll_interval``).
    """

    draft: bool = False
    wait: bool = False
    dry_run: bool = False
    force: bool = False
    sandbox: bool = False
    backend: str | None = None
    credentials: Credentials | None = None
    api_base: str | None = None
    allow_api_base: tuple[str, ...] = ()
    state_path: Path | None = None
    theme: str | None = None
    transport: httpx.AsyncBaseTransport | None = None
    fetch_transport: Any = None
    token_cache: TokenCache | None = None
    events: Events | None = None
    out_dir: Path = Path("_site")
    wait_timeout: float = 900.0
    poll_interval: float | None = None
    video_poll_interval: float | None = None
    concurrency: int | None = None
    lock_timeout: float = 600.0
    status_timeout: float = 3.0
    sandbox_port: int = 8765
    account: str | None = None
    accounts: AccountCredentials | None = None
    now: Callable[[], datetime] | None = None
    due: bool = False
