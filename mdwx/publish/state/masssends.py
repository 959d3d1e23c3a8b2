"""群发 sends and phone previews in the state database (``docs/reach.md``).

A send is keyed by its ``clientmsgid``, which mdwx derives from the posts and their
versions: the row is written (``status = 'sending'``) *before* ``sendall`` goes out, so a run
killed in between leaves a row a later run settles by sending again with the same
clientmsgid — WeChat then answers 45065 with the ``msg_id`` instead of sending twice.
``msg_id``/``msg_data_id`` are stored the moment WeChat gives them: sends cannot be listed
afterwards. Previews are counted per account and Beijing day. A mixin of
:class:`mdwx.publish.state.store.State`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Literal

#: ``sending``: the request may have gone out (outcome unknown until recorded);
#: ``sent``: WeChat took it (``msg_id`` known); ``deleted``: removed from the history.
MassSendStatus = Literal["sending", "sent", "deleted"]


@dataclass(frozen=True)
class MassSendRecord:
    """A send: ``target`` is ``all``, ``tag:ID`` or ``openids:N`` (how many); ``sources``
    the posts' paths in article order; ``msg_status`` the last ``message/mass/get`` answer
    (SENDING, SEND_SUCCESS, SEND_FAIL, DELETE; "" before any)."""

    appid: str
    clientmsgid: str
    media_id: str
    target: str
    sources: tuple[str, ...]
    status: MassSendStatus
    msg_id: str
    msg_data_id: str
    msg_status: str
    created_at: str
    sent_at: str | None
    updated_at: str


def _record(row: sqlite3.Row) -> MassSendRecord:
    data = dict(row)
    try:  # written by mdwx or checked by an import; a hand-edited database may hold anything
        sources = json.loads(data["sources"])
    except ValueError:
        sources = []
    data["sources"] = tuple(str(s) for s in sources) if isinstance(sources, list) else ()
    return MassSendRecord(**data)


class MassRecords:
    """Methods over the ``mass_sends`` and ``previews`` tables; needs State's helpers."""

    _guard: Callable[[], AbstractContextManager[sqlite3.Connection]]
    _now: Callable[[], str]
    wechat_day: Callable[[], str]

    def begin_mass_send(
        self, appid: str, clientmsgid: str, media_id: str, target: str, sources: tuple[str, ...]
    ) -> None:
        """Write the intent before ``sendall``/``send``: the outcome is unknown until
        :meth:`record_mass_sent`. A repeated intent keeps what an earlier one learnt."""
        now = self._now()
        with self._guard() as conn:
            conn.execute(
                "INSERT INTO mass_sends (appid, clientmsgid, media_id, target, sources, status,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'sending', ?, ?)"
                " ON CONFLICT (appid, clientmsgid) DO UPDATE SET updated_at = excluded.updated_at",
                (appid, clientmsgid, media_id, target, json.dumps(list(sources)), now, now),
            )

    def record_mass_sent(
        self, appid: str, clientmsgid: str, msg_id: str, msg_data_id: str = ""
    ) -> None:
        """WeChat took the send (or said 45065: it had): keep its ids (a known
        ``msg_data_id`` is never replaced by an unknown one)."""
        now = self._now()
        with self._guard() as conn:
            conn.execute(
                "UPDATE mass_sends SET status = 'sent', msg_id = ?, sent_at = COALESCE(sent_at, ?),"
                " msg_data_id = CASE WHEN ? = '' THEN msg_data_id ELSE ? END, updated_at = ?"
                " WHERE appid = ? AND clientmsgid = ?",
                (msg_id, now, msg_data_id, msg_data_id, now, appid, clientmsgid),
            )

    def forget_mass_send(self, appid: str, clientmsgid: str) -> None:
        """WeChat refused the send for certain (no quota, no permission): nothing went out."""
        with self._guard() as conn:
            conn.execute(
                "DELETE FROM mass_sends WHERE appid = ? AND clientmsgid = ? AND status = 'sending'",
                (appid, clientmsgid),
            )

    def record_mass_status(self, appid: str, msg_id: str, msg_status: str) -> None:
        status = "deleted" if msg_status == "DELETE" else "sent"
        with self._guard() as conn:
            conn.execute(
                "UPDATE mass_sends SET msg_status = ?, status = ?, updated_at = ?"
                " WHERE appid = ? AND msg_id = ?",
                (msg_status, status, self._now(), appid, msg_id),
            )

    def mass_send(self, appid: str, clientmsgid: str) -> MassSendRecord | None:
        with self._guard() as conn:
            row = conn.execute(
                "SELECT * FROM mass_sends WHERE appid = ? AND clientmsgid = ?", (appid, clientmsgid)
            ).fetchone()
        return _record(row) if row else None

    def mass_sends(self, appid: str, source_path: str | None = None) -> list[MassSendRecord]:
        """The account's sends, oldest first (only those holding ``source_path`` if given)."""
        with self._guard() as conn:
            rows = conn.execute(
                "SELECT * FROM mass_sends WHERE appid = ? ORDER BY created_at, rowid", (appid,)
            ).fetchall()
        found = [_record(r) for r in rows]
        return [r for r in found if source_path is None or source_path in r.sources]

    def set_article_msg_data_id(
        self, appid: str, backend: str, source_path: str, msg_data_id: str
    ) -> None:
        """Keep a send's ``msg_data_id`` on the post's article row (comments read it there)."""
        with self._guard() as conn:
            conn.execute(
                "UPDATE articles SET msg_data_id = ? WHERE appid = ? AND backend = ?"
                " AND source_path = ?",
                (msg_data_id, appid, backend, source_path),
            )

    # -- previews ------------------------------------------------------------------------

    def count_previews_today(self, appid: str) -> int:
        with self._guard() as conn:
            row = conn.execute(
                "SELECT count FROM previews WHERE appid = ? AND day = ?", (appid, self.wechat_day())
            ).fetchone()
        return int(row["count"]) if row else 0

    def reserve_preview(self, appid: str, limit: int) -> int | None:
        """Count one preview against today's (Beijing) limit before it is sent, in one
        statement, so two processes cannot both take the last one; the new count, or None
        when ``limit`` previews were counted today already."""
        day = self.wechat_day()
        with self._guard() as conn:
            taken = conn.execute(
                "INSERT INTO previews (appid, day, count) SELECT ?, ?, 1 WHERE ? > 0"
                " ON CONFLICT (appid, day) DO UPDATE SET count = count + 1 WHERE count < ?",
                (appid, day, limit, limit),
            ).rowcount
        return self.count_previews_today(appid) if taken else None

    def release_preview(self, appid: str) -> None:
        """Give back a reserved preview that WeChat refused (nothing reached the phone)."""
        with self._guard() as conn:
            conn.execute(
                "UPDATE previews SET count = count - 1 WHERE appid = ? AND day = ? AND count > 0",
                (appid, self.wechat_day()),
            )
