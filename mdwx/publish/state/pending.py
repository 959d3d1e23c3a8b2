"""Posts a publish run failed to send: remembered until one is published.

A git hook publishes only what a push changed, so a post it failed to publish (no
credentials on the server, WeChat unreachable, a refused call) would wait for its next edit.
The run itself therefore records every failed post here, at the one gate every door passes
(:func:`mdwx.api.aio.publish`), with the reason in one line; the next push through a hook
publishes the remembered posts too (:func:`mdwx.integrations.hooks.retry_posts`), ``mdwx
status`` lists them as failed, and a run that publishes the post (any door) clears its row.

The reason is the error's one-line message; credentials never appear in one, and what looks
like a secret (a URL's password, an ``access_token=``/``secret=`` value) is cut anyway.
A mixin of :class:`mdwx.publish.state.store.State`.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

REASON_CHARS = 300  # a reason is one line, cut to this many characters
_USERINFO = re.compile(r"(?<=://)[^/@\s]*@")
_SECRET_PARAM = re.compile(r"(?i)\b(access_token|secret|appsecret|token|password)=[^&\s\"']*")


@dataclass(frozen=True)
class PendingRecord:
    """A post a run failed to publish. ``account``: the ``[accounts.NAME]`` ("" the call's
    credentials); ``failures``: how many runs failed it; times are ISO 8601 UTC."""

    source_path: str  # relative to the site root, posix separators
    account: str
    reason: str
    failures: int
    first_failed_at: str
    failed_at: str


def safe_reason(text: str) -> str:
    """``text`` as one line of at most :data:`REASON_CHARS`, without URL passwords or secret
    query values."""
    line = " ".join(str(text).split())
    line = _SECRET_PARAM.sub(lambda m: f"{m.group(1)}=…", _USERINFO.sub("…@", line))
    return line if len(line) <= REASON_CHARS else line[: REASON_CHARS - 1] + "…"


class PendingRecords:
    """Methods over the ``pending`` table; needs State's helpers."""

    _guard: Callable[[], AbstractContextManager[sqlite3.Connection]]
    _now: Callable[[], str]

    def remember_failure(self, source_path: str, account: str, reason: str) -> None:
        """Record (or count again) that publishing the post to ``account`` failed."""
        now = self._now()
        with self._guard() as conn:
            conn.execute(
                "INSERT INTO pending (source_path, account, reason, failures, first_failed_at, failed_at)"
                " VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT (source_path, account) DO UPDATE SET"
                " reason = excluded.reason, failures = failures + 1, failed_at = excluded.failed_at",
                (source_path, account, safe_reason(reason), now, now),
            )

    def remember_unsent(self, source_path: str, account: str, reason: str) -> bool:
        """:meth:`remember_failure` for a run stopped before sending anything (a configuration
        error): only a post with no article recorded in this state is marked, so one already
        in the account keeps its record as it is. Whether it was marked."""
        with self._guard() as conn:
            known = conn.execute(
                "SELECT 1 FROM articles WHERE source_path = ? LIMIT 1", (source_path,)
            ).fetchone()
        if known is not None:
            return False
        self.remember_failure(source_path, account, reason)
        return True

    def clear_pending(self, source_path: str, account: str | None = None) -> None:
        """Forget the post's failure (to ``account``; None: to every account)."""
        with self._guard() as conn:
            if account is None:
                conn.execute("DELETE FROM pending WHERE source_path = ?", (source_path,))
            else:
                conn.execute(
                    "DELETE FROM pending WHERE source_path = ? AND account = ?",
                    (source_path, account),
                )

    def pending(self) -> list[PendingRecord]:
        """Every remembered failure, by path then account."""
        with self._guard() as conn:
            rows = conn.execute("SELECT * FROM pending ORDER BY source_path, account").fetchall()
        return [PendingRecord(**dict(row)) for row in rows]
