"""The values :mod:`mdwx.api` takes and returns.

Inputs: :class:`Post` (a post held in memory), :class:`Credentials` and :class:`Options`.
Results are dataclasses whose ``to_json()`` is exactly the document the command line prints
with ``--json`` (its shape is pinned in docs/interface.md), so a plugin and a script reading the
CLI's output see the same fields.
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
    from mdwx.post_report import PostReport
    from mdwx.publish.results import Events, PostResult
    from mdwx.wechat.token import TokenCache

__all__ = [
    "AccountCredentials",
    "BuildReport",
    "CheckReport",
    "Credentials",
    "DeleteResult",
    "DeleteTarget",
    "Options",
    "Post",
    "PublishReport",
    "SandboxInfo",
    "StatusReport",
    "StatusRow",
    "SupersededArticle",
]


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
class Options:
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
    concurrency: int | None = None
    lock_timeout: float = 600.0
    status_timeout: float = 3.0
    sandbox_port: int = 8765
    account: str | None = None
    accounts: AccountCredentials | None = None
    now: Callable[[], datetime] | None = None
    due: bool = False


@dataclass
class CheckReport:
    """What ``check`` found: one :class:`~mdwx.build.PostReport` per post, in order."""

    posts: list[PostReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every post passed."""
        return all(report.ok for report in self.posts)

    def to_json(self) -> dict[str, Any]:
        """``{"posts": [PostReport.to_json(), …]}``: what ``--json`` prints."""
        return {"posts": [report.to_json() for report in self.posts]}


@dataclass
class BuildReport(CheckReport):
    """What ``build`` wrote: each post's report lists its ``outputs`` (content, preview)."""


@dataclass(frozen=True)
class SandboxInfo:
    """An in-process sandbox a ``publish`` ran against (stopped when the call returned).

    ``mdwx sandbox --port PORT --state STATE_PATH --appid APPID`` serves its articles again
    at ``base_url``.
    """

    root: Path
    port: int
    appid: str
    base_url: str
    state_path: Path


@dataclass
class PublishReport:
    """What ``publish`` did: one :class:`~mdwx.publish.publisher.PostResult` per post, in order.

    ``notes`` are things worth telling (earlier records of the site taken over from a state
    file a new site root hid); ``sandboxes`` the in-process sandboxes used (``sandbox``).
    """

    posts: list[PostResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sandboxes: list[SandboxInfo] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no post failed (a dry run that would fail is not ok either)."""
        return not any(result.error for result in self.posts)

    def to_json(self) -> dict[str, Any]:
        """``{"posts": [PostResult.to_json(), …]}``: what ``publish --json`` prints."""
        return {"posts": [result.to_json() for result in self.posts]}


@dataclass(frozen=True)
class SupersededArticle:
    """An earlier article of a post that ``--force`` replaced (kept on WeChat, listed here)."""

    media_id: str
    status: str
    url: str | None
    title: str | None

    def to_json(self) -> dict[str, Any]:
        """``{"media_id", "status", "url", "title"}``."""
        return {
            "media_id": self.media_id,
            "status": self.status,
            "url": self.url,
            "title": self.title,
        }


@dataclass
class StatusRow:
    """One post's recorded status and, when WeChat answered, its live one.

    ``status`` is what mdwx recorded (``draft``, ``submitted``, ``published``, ``rejected``,
    ``deleted``, …, or ``not published``); ``live`` WeChat's own words (e.g. ``发布成功``)
    from ``cgi-bin/publish/query`` of the media API contract, None when not asked or not
    answered; ``error`` why the live status is missing; ``not_asked`` that WeChat was not
    asked because it had failed to answer for an earlier post. ``renamed_from`` is the
    recorded path when the post was renamed or moved. ``why`` is WeChat's reason when the
    live status is a failure (a rejected review, a failed free publish). ``account`` is the
    ``[accounts.NAME]`` the row is for (None: the call's credentials); ``publish_at`` the
    post's scheduled time (ISO 8601) and ``due`` whether a publish run now would submit it
    (None when it is already submitted or has no ``publish_at``). ``pending`` is set when a
    publish run failed this post and the next push through a hook retries it: ``{"reason",
    "failures", "since"}`` (the last failure's one-line reason, how many runs failed it, the
    first failure's ISO 8601 UTC time).
    """

    path: str
    status: str
    media_id: str | None = None
    url: str | None = None
    live: str | None = None
    error: str | None = None
    renamed_from: str | None = None
    superseded: list[SupersededArticle] = field(default_factory=list)
    not_asked: bool = False
    recorded: bool = True
    why: str | None = None
    account: str | None = None
    publish_at: str | None = None
    due: bool | None = None
    pending: dict[str, Any] | None = None
    #: The post's 群发 sends (mdwx.api.sendstatus.follow_sends), each asked anew unless final.
    sends: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """One post of ``status --json``.

        ``{"path", "status", "recorded", "media_id", "url", "live", "error", "renamed_from",
        "superseded": [...]}``, plus ``"not_asked": true`` when WeChat was not asked,
        ``"why"`` when WeChat gave a reason for a failure and ``"pending"`` when a failed publish
        is to be retried.
        """
        document: dict[str, Any] = {
            "path": self.path,
            "status": self.status,
            "recorded": self.recorded,
            "media_id": self.media_id,
            "url": self.url,
            "live": self.live,
            "error": self.error,
            "renamed_from": self.renamed_from,
            "superseded": [old.to_json() for old in self.superseded],
        }
        if self.not_asked:
            document["not_asked"] = True
        if self.why is not None:
            document["why"] = self.why
        if self.account is not None:
            document["account"] = self.account
        if self.publish_at is not None:
            document["publish_at"] = self.publish_at
            document["due"] = self.due
        if self.pending is not None:
            document["pending"] = self.pending
        if self.sends:
            document["sends"] = self.sends
        return document


@dataclass
class StatusReport:
    """What ``status`` found, one :class:`StatusRow` per post; ``notes`` as for publish."""

    posts: list[StatusRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every published post's live status was read."""
        return not any(row.error for row in self.posts)

    def to_json(self) -> dict[str, Any]:
        """``{"posts": [StatusRow.to_json(), …]}``: what ``status --json`` prints."""
        return {"posts": [row.to_json() for row in self.posts]}


@dataclass(frozen=True)
class DeleteTarget:
    """The article ``delete`` is about to delete, for a confirmation prompt.

    ``superseded`` is True for an earlier article a ``--force`` publish replaced; ``notes``
    as for publish (said before asking).
    """

    path: Path
    media_id: str
    title: str | None
    status: str
    superseded: bool
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeleteResult:
    """What ``delete`` did: ``deleted`` is False only when the confirmation said no.

    ``already_deleted``: mdwx had recorded the article as deleted, so nothing was sent.
    """

    path: Path
    media_id: str
    deleted: bool
    already_deleted: bool = False
    title: str | None = None
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """``{"path", "media_id", "deleted", "already_deleted"}``: what ``delete --json`` prints."""
        return {
            "path": str(self.path),
            "media_id": self.media_id,
            "deleted": self.deleted,
            "already_deleted": self.already_deleted,
        }


#: Asked by ``delete`` with what it is about to delete; returning False cancels.
ConfirmDelete = Callable[[DeleteTarget], bool]
