"""The values :mod:`mdwx.api` takes and returns.

Inputs: :class:`Post` (a post held in memory), :class:`Credentials` and :class:`Options`.
Results are dataclasses whose ``to_json()`` is exactly the document the command line prints
with ``--json`` (its shape is pinned in docs/interface.md), so a plugin and a script reading the
CLI's output see the same fields.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from mdwx.publish.run_options import AccountCredentials, Credentials, Post, RunOptions
from mdwx.publish.statuses import ArticleStatus, RowStatus

if TYPE_CHECKING:  # the pipeline's modules load on first call, so `import mdwx.api` stays light
    from mdwx.post_report import PostReport
    from mdwx.publish.results import PostResult

#: The call's options: one value from the library's call down to the publisher (the name
#: the library has always used for :class:`~mdwx.publish.run_options.RunOptions`).
Options = RunOptions

__all__ = [
    "AccountCredentials",
    "BuildReport",
    "CheckReport",
    "Credentials",
    "DeleteResult",
    "DeleteTarget",
    "Options",
    "Post",
    "RunOptions",
    "PublishReport",
    "SandboxInfo",
    "StatusReport",
    "StatusRow",
    "SupersededArticle",
]


@dataclass
class CheckReport:
    """What ``check`` found: one :class:`~mdwx.build.PostReport` per post, in order."""

    posts: list[PostReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every post passed."""
        return all(report.ok for report in self.posts)

    def to_json(self) -> dict[str, object]:
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

    def to_json(self) -> dict[str, object]:
        """``{"posts": [PostResult.to_json(), …]}``: what ``publish --json`` prints."""
        return {"posts": [result.to_json() for result in self.posts]}


@dataclass(frozen=True)
class SupersededArticle:
    """An earlier article of a post that ``--force`` replaced (kept on WeChat, listed here)."""

    media_id: str
    status: ArticleStatus
    url: str | None
    title: str | None

    def to_json(self) -> dict[str, object]:
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
    status: RowStatus
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
    pending: dict[str, object] | None = None
    #: The post's 群发 sends (mdwx.api.sendstatus.follow_sends), each asked anew unless final.
    sends: list[dict[str, object]] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        """One post of ``status --json``.

        ``{"path", "status", "recorded", "media_id", "url", "live", "error", "renamed_from",
        "superseded": [...]}``, plus ``"not_asked": true`` when WeChat was not asked,
        ``"why"`` when WeChat gave a reason for a failure and ``"pending"`` when a failed publish
        is to be retried.
        """
        document: dict[str, object] = {
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

    def to_json(self) -> dict[str, object]:
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
    status: ArticleStatus
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

    def to_json(self) -> dict[str, object]:
        """``{"path", "media_id", "deleted", "already_deleted"}``: what ``delete --json`` prints."""
        return {
            "path": str(self.path),
            "media_id": self.media_id,
            "deleted": self.deleted,
            "already_deleted": self.already_deleted,
        }


#: Asked by ``delete`` with what it is about to delete; returning False cancels.
ConfirmDelete = Callable[[DeleteTarget], bool]
