"""The account calls of :mod:`mdwx.api`.

``doctor``, ``account_list``, ``reconcile``, ``materials``, ``comments`` and ``stats`` are
synchronous like the rest of the API (the
coroutines are in :mod:`mdwx.account.doctor`, :mod:`mdwx.account.content`,
:mod:`mdwx.account.materials` and :mod:`mdwx.account.feedback`). Each takes the site folder
(or a post) and an :class:`~mdwx.api.types.Options` (``sandbox``, ``account``,
``credentials``) and returns the typed result whose ``to_json()`` the command prints.
``docs/account.md`` describes what each relies on.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from mdwx.account.types import (
    AccountItem,
    AccountListing,
    CommentRow,
    CommentsReport,
    DoctorCheck,
    DoctorReport,
    MaterialRow,
    MaterialsReport,
    Orphan,
    ReconcileReport,
    StatsReport,
    StatsRow,
)
from mdwx.api import RunningLoopError

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine

    from mdwx.api.types import Options

T = TypeVar("T")

__all__ = [
    "AccountItem",
    "AccountListing",
    "CommentRow",
    "CommentsReport",
    "DoctorCheck",
    "DoctorReport",
    "MaterialRow",
    "MaterialsReport",
    "Orphan",
    "ReconcileReport",
    "StatsReport",
    "StatsRow",
    "account_list",
    "comments",
    "doctor",
    "materials",
    "reconcile",
    "stats",
]


def _in_new_loop(name: str, make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run ``make()`` in a new event loop, as the rest of :mod:`mdwx.api` does.

    Inside a running loop raise :class:`mdwx.api.RunningLoopError` (await the coroutine there).
    """
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())

    raise RunningLoopError(
        f"mdwx.api.{name}() was called inside a running event loop; await the coroutine "
        f"of mdwx.account instead"
    )


def doctor(site: Path | str = ".", options: Options | None = None) -> DoctorReport:
    """Every check of ``mdwx doctor`` for the site (``options.account``: that account)."""
    from mdwx.account.doctor import doctor as run

    return _in_new_loop("doctor", lambda: run(Path(site), options))


def account_list(
    site: Path | str = ".",
    options: Options | None = None,
    *,
    kinds: tuple[str, ...] = ("drafts", "published", "sent"),
    limit: int = 200,
) -> AccountListing:
    """The account's drafts, published articles and recorded sends, joined with their posts."""
    from mdwx.account.content import account_list as run

    return _in_new_loop("account_list", lambda: run(Path(site), options, kinds=kinds, limit=limit))


def reconcile(
    site: Path | str = ".", options: Options | None = None, *, apply: bool = False
) -> ReconcileReport:
    """Marked articles the state does not record: adopted or deleted with ``apply``."""
    from mdwx.account.content import reconcile as run

    return _in_new_loop("reconcile", lambda: run(Path(site), options, apply=apply))


def materials(
    site: Path | str = ".",
    options: Options | None = None,
    *,
    action: str = "count",
    apply: bool = False,
    limit: int = 200,
) -> MaterialsReport:
    """``count``, ``list`` or ``prune`` (deleting only with ``apply``) the material library."""
    from mdwx.account.materials import materials as run

    return _in_new_loop(
        "materials", lambda: run(Path(site), options, action=action, apply=apply, limit=limit)
    )


def comments(
    post: Path | str,
    options: Options | None = None,
    *,
    action: str = "list",
    comment_id: int | None = None,
    text: str = "",
    index: int | None = None,
) -> CommentsReport:
    """Act on a post's comments, then list them.

    ``index`` (from 0) names an article of the message other than the post's own (its place
    in its newest 群发, else in its submitted draft).

    ``action``: ``list``, ``open``, ``close``, ``reply``, ``elect``, ``unelect``, ``delete``
    or ``unreply``.
    """
    from mdwx.account.feedback import comments as run

    return _in_new_loop(
        "comments",
        lambda: run(
            Path(post), options, action=action, comment_id=comment_id, text=text, index=index
        ),
    )


def stats(
    site: Path | str = ".",
    options: Options | None = None,
    *,
    posts: list[Path] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> StatsReport:
    """Reads, shares, 在看, likes and comments per article published in the range."""
    from mdwx.account.feedback import stats as run

    return _in_new_loop(
        "stats", lambda: run(Path(site), options, posts=posts, since=since, until=until)
    )
