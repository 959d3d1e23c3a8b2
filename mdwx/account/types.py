"""The typed results of the account calls (:mod:`mdwx.account`), each with ``to_json`` giving
what the command's ``--json`` prints."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

CheckStatus = Literal["ok", "warn", "fail", "skip"]
#: What a row of ``list`` is: a draft in the box, a published article, an article of the
#: media API, or a 群发 mdwx recorded.
ItemKind = Literal["draft", "published", "media", "sent"]
SYMBOLS: dict[str, str] = {"ok": "✓", "warn": "!", "fail": "✗", "skip": "-"}


@dataclass(frozen=True)
class DoctorCheck:
    """One line of ``doctor``: ``name`` (a stable word), ``status``, what was found and the fix."""

    name: str
    status: CheckStatus
    message: str
    fix: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """What ``doctor`` prints: the finding, then its fix on a line of its own (each line
        printed through the one-line guard, so the break is never shown as ``\n``)."""
        text = f"{SYMBOLS[self.status]} {self.message}"
        return [text, f"    fix: {self.fix}"] if self.fix else [text]

    def to_json(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class DoctorReport:
    """Every check of ``doctor`` in order; :attr:`ok` when none failed (warnings allowed)."""

    account: str | None
    backend: str
    checks: list[DoctorCheck] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.status != "fail" for c in self.checks)

    def check(self, name: str) -> DoctorCheck:
        """The check called ``name``; raises KeyError when doctor did not make it."""
        for found in self.checks:
            if found.name == name:
                return found
        raise KeyError(name)

    def to_json(self) -> dict[str, object]:
        return {
            "account": self.account,
            "backend": self.backend,
            "ok": self.ok,
            "checks": [c.to_json() for c in self.checks],
        }


#: ``AccountItem.source`` of a row WeChat cannot list, which mdwx shows from its state.
RECORDS = "mdwx records"


@dataclass(frozen=True)
class AccountItem:
    """One row of ``list``: a draft (``kind`` "draft", ``media_id``), a published article
    (``article_id``), a mass send mdwx recorded (``msg_data_id``) or an article of the media
    API (``kind`` "media"); ``path`` is the post it came from when mdwx knows it, ``marked``
    whether it carries an mdwx mark; ``source`` says whether WeChat listed the row
    (``"wechat"``) or it comes from mdwx's records (:data:`RECORDS`: WeChat lists neither
    sends nor the media API's articles)."""

    kind: ItemKind
    title: str
    media_id: str = ""
    article_id: str = ""
    msg_data_id: str = ""
    url: str = ""
    update_time: int = 0
    path: str | None = None
    marked: bool = False
    status: str = ""
    source: str = "wechat"

    def to_json(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class AccountListing:
    """``list``'s rows; ``total`` per kind as WeChat counts them (rows may be fewer: at most
    ``limit`` are fetched)."""

    items: list[AccountItem] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    #: What could not be listed and why (e.g. the published list of an unverified account).
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "items": [i.to_json() for i in self.items],
            "totals": self.totals,
            "notes": self.notes,
        }


@dataclass(frozen=True)
class Orphan:
    """An article of the account carrying mdwx's mark that the state does not record.

    ``path`` is the site's post it belongs to (None: no post of this site has that mark —
    another site, or a post since deleted); ``action`` what reconcile did or would do:
    ``adopt`` (recorded as the post's article), ``delete`` (a second copy, or no post),
    ``deleted``, ``adopted`` or ``keep``."""

    kind: str
    media_id: str
    title: str
    path: str | None
    action: str
    article_id: str = ""
    update_time: int = 0

    def to_json(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class ReconcileReport:
    orphans: list[Orphan] = field(default_factory=list)
    applied: bool = False
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "applied": self.applied,
            "orphans": [o.to_json() for o in self.orphans],
            "notes": self.notes,
        }


@dataclass(frozen=True)
class MaterialRow:
    """A permanent material: ``uploaded_by_mdwx`` when the state records its upload,
    ``used_by`` the posts (or account articles) whose article still uses it; ``usage`` is
    ``"used"``, ``"unused"`` (mdwx sees every article that could use it, and none does) or
    ``"unknown"`` (an article mdwx cannot see may use it: ``why``)."""

    media_id: str
    name: str
    url: str
    update_time: int
    uploaded_by_mdwx: bool
    used_by: tuple[str, ...] = ()
    usage: str = "unused"
    why: str = ""

    def __post_init__(self) -> None:
        # A title is said once: a draft and its published copy (or two articles of one
        # title) using the material are one name to the reader.
        object.__setattr__(self, "used_by", tuple(dict.fromkeys(self.used_by)))

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["used_by"] = list(self.used_by)
        return data


@dataclass
class MaterialsReport:
    """``materials count|list|prune``: ``counts`` per kind with ``caps``; ``items`` the listed
    images; for prune ``prunable`` (deleted when ``applied``) and ``kept`` with the reason."""

    counts: dict[str, int] = field(default_factory=dict)
    caps: dict[str, int] = field(default_factory=dict)
    items: list[MaterialRow] = field(default_factory=list)
    prunable: list[MaterialRow] = field(default_factory=list)
    kept: dict[str, str] = field(default_factory=dict)
    applied: bool = False

    def to_json(self) -> dict[str, object]:
        return {
            "counts": self.counts,
            "caps": self.caps,
            "items": [i.to_json() for i in self.items],
            "prunable": [i.to_json() for i in self.prunable],
            "kept": self.kept,
            "applied": self.applied,
        }


@dataclass(frozen=True)
class CommentRow:
    user_comment_id: int
    content: str
    create_time: int
    elected: bool
    reply: str | None = None

    def to_json(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class CommentsReport:
    """A post's article (``msg_data_id``, ``index`` from 0, ``source``: the ``"send"`` or
    ``"submit"`` they came from), what was done, its comments."""

    path: str
    msg_data_id: str
    index: int
    source: str = "submit"
    done: str | None = None
    total: int = 0
    comments: list[CommentRow] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "msg_data_id": self.msg_data_id,
            "index": self.index,
            "source": self.source,
            "done": self.done,
            "total": self.total,
            "comments": [c.to_json() for c in self.comments],
        }


STAT_FIELDS = ("read_user", "share_user", "zaikan_user", "like_user", "comment_count")


@dataclass(frozen=True)
class StatsRow:
    """One article's figures (``getarticletotaldetail``: summed over up to 30 days after
    publication): reads, shares, 在看, likes and comments; ``path`` when mdwx knows the post."""

    msgid: str
    title: str
    published: str
    path: str | None
    read_user: int
    share_user: int
    zaikan_user: int
    like_user: int
    comment_count: int

    def to_json(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class StatsReport:
    since: str
    until: str
    rows: list[StatsRow] = field(default_factory=list)
    is_delay: bool = False

    def empty_note(self) -> str | None:
        """Why no article has figures (None when some have): WeChat counts a day's figures
        once the day is over in Beijing time, so the last day asked is at most yesterday and
        an article published today shows from tomorrow's run."""
        if self.rows:
            return None
        after = dt.date.fromisoformat(self.until) + dt.timedelta(days=1)
        return (
            f"no article has figures from {self.since} to {self.until}. WeChat counts a day's "
            "figures once the day is over (Beijing time): an article published on "
            f"{after.isoformat()} shows from `mdwx stats` run on "
            f"{(after + dt.timedelta(days=1)).isoformat()} (the day after it was published)"
        )

    def to_json(self) -> dict[str, object]:
        return {
            "since": self.since,
            "until": self.until,
            "is_delay": self.is_delay,
            "rows": [r.to_json() for r in self.rows],
        }
