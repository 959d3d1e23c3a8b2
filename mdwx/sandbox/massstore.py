"""Mass-send part of the sandbox model: followers, tags, 群发 sends, previews, the inbox.

Kept apart from :mod:`.store` only for size; it shares the Store's connection and lock.
A send's fate is fixed when it is taken, from the settings of that moment: whether 群发保护
holds it for an administrator (``mass_protection``, sends to all only), when the
administrator confirms (``mass_confirm_seconds``; never when that is past
``mass_confirm_timeout``: the send then fails) and how long it stays ``SENDING``
(``mass_send_seconds``); ``message/mass/get`` reveals it as the sandbox clock passes.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .control import Control

MASS_SCHEMA = """
CREATE TABLE IF NOT EXISTS mass_sends (msg_id INTEGER PRIMARY KEY, msg_data_id INTEGER,
    media_id TEXT, items TEXT, to_all INTEGER, tag_id INTEGER, recipients TEXT,
    clientmsgid TEXT, created REAL, confirm_at REAL, fail_at REAL, send_seconds REAL,
    deleted TEXT NOT NULL DEFAULT '[]');
CREATE TABLE IF NOT EXISTS previews (msg_id INTEGER PRIMARY KEY, openid TEXT, media_id TEXT,
    items TEXT, at REAL);
"""

SEND_SUCCESS, SENDING, SEND_FAIL, DELETE = "SEND_SUCCESS", "SENDING", "SEND_FAIL", "DELETE"
#: A 服务号 follower receives at most this many mass messages a calendar month.
SERVICE_MONTHLY = 4
#: A clientmsgid is remembered this long (45065); a repeat sooner than the retry gap is 45066.
CLIENTMSGID_MEMORY = 24 * 3600
CLIENTMSGID_RETRY_GAP = 60
_BEIJING = 8 * 3600
#: The sandbox's tags: id → (name, how many of the first followers carry it).
STAR_TAG, READERS_TAG = 2, 100


def follower_openid(number: int) -> str:
    """The OpenID of follower ``number`` (from 1): 28 characters, as WeChat's look."""
    return "o" + hashlib.sha1(f"sandbox-follower-{number}".encode()).hexdigest()[:27]


def follower_wxname(number: int) -> str:
    """The 微信号 of follower ``number`` (from 1): ``reader1``, ``reader2``…"""
    return f"reader{number}"


def _day(t: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(t + _BEIJING))


def _month(t: float) -> str:
    return _day(t)[:7]


@dataclass(frozen=True)
class MassRecord:
    """A mass send as the sandbox keeps it; ``msg_status`` as ``message/mass/get`` would
    answer at the time it was read. ``deleted`` lists removed articles (from 1)."""

    msg_id: int
    msg_data_id: int
    media_id: str
    to_all: bool
    tag_id: int | None
    recipients: list[str]
    clientmsgid: str
    created: float
    msg_status: str
    items: list[dict[str, object]] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class InboxMessage:
    """What one follower's phone received: a preview or a mass message."""

    kind: str  # "preview" or "mass"
    openid: str
    msg_id: int
    media_id: str
    titles: list[str]
    time: float
    deleted: list[int] = field(default_factory=list)


class MassStoreMixin:
    """Mass-send methods of :class:`~mdwx.sandbox.store.Store`."""

    control: Control

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:  # provided by Store
        raise NotImplementedError

    # --- followers and tags -----------------------------------------------------------
    def followers(self) -> list[tuple[str, str]]:
        """(openid, 微信号) of every follower, in order."""
        count = self.control.settings.followers
        return [(follower_openid(n), follower_wxname(n)) for n in range(1, count + 1)]

    def follower(self, *, openid: str | None = None, wxname: str | None = None) -> str | None:
        """The OpenID of the follower named by ``wxname`` (wins) or ``openid``, else None."""
        for oid, name in self.followers():
            if (wxname is not None and name == wxname) or (wxname is None and oid == openid):
                return oid
        return None

    def tags(self) -> dict[int, tuple[str, list[str]]]:
        """tag id → (name, OpenIDs): 星标组 holds the first follower, 读者 the first half."""
        openids = [oid for oid, _ in self.followers()]
        return {
            STAR_TAG: ("星标组", openids[:1]),
            READERS_TAG: ("读者", openids[: (len(openids) + 1) // 2]),
        }

    # --- sends ------------------------------------------------------------------------
    def add_mass_send(
        self,
        media_id: str,
        items: list[dict[str, object]],
        recipients: list[str],
        *,
        to_all: bool,
        tag_id: int | None,
        clientmsgid: str,
    ) -> MassRecord:
        s, t = self.control.settings, self.control.now()
        confirm_at = fail_at = None
        if s.mass_protection and to_all:
            if s.mass_confirm_seconds <= s.mass_confirm_timeout:
                confirm_at = t + s.mass_confirm_seconds
            else:
                fail_at = t + s.mass_confirm_timeout
        msg_id = 1_000_000_000 + secrets.randbelow(10**9)
        with self._tx() as db:
            db.execute(
                "INSERT INTO mass_sends (msg_id, msg_data_id, media_id, items, to_all, tag_id,"
                " recipients, clientmsgid, created, confirm_at, fail_at, send_seconds)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    msg_id,
                    2_247_483_648 + secrets.randbelow(10**9),
                    media_id,
                    json.dumps(items, ensure_ascii=False),
                    int(to_all),
                    tag_id,
                    json.dumps(recipients),
                    clientmsgid,
                    t,
                    confirm_at,
                    fail_at,
                    s.mass_send_seconds,
                ),
            )
        found = self.mass_send(msg_id)
        assert found is not None
        return found

    def mass_send(self, msg_id: int) -> MassRecord | None:
        with self._tx() as db:
            row = db.execute("SELECT * FROM mass_sends WHERE msg_id=?", (msg_id,)).fetchone()
        return self._mass_record(row) if row else None

    def mass_sends(self) -> list[MassRecord]:
        """Every send taken, oldest first."""
        with self._tx() as db:
            rows = db.execute("SELECT * FROM mass_sends ORDER BY created, rowid").fetchall()
        return [self._mass_record(r) for r in rows]

    def mass_by_clientmsgid(self, clientmsgid: str) -> MassRecord | None:
        """The send taken under ``clientmsgid`` in the last 24 hours, else None."""
        since = self.control.now() - CLIENTMSGID_MEMORY
        with self._tx() as db:
            row = db.execute(
                "SELECT * FROM mass_sends WHERE clientmsgid=? AND created>? ORDER BY created DESC",
                (clientmsgid, since),
            ).fetchone()
        return self._mass_record(row) if row else None

    def delete_mass_articles(self, msg_id: int, numbers: list[int]) -> None:
        with self._tx() as db:
            row = db.execute("SELECT deleted FROM mass_sends WHERE msg_id=?", (msg_id,)).fetchone()
            deleted = sorted(set(json.loads(row["deleted"])) | set(numbers))
            db.execute(
                "UPDATE mass_sends SET deleted=? WHERE msg_id=?", (json.dumps(deleted), msg_id)
            )

    def take_draft(self, media_id: str) -> None:
        """A sent draft leaves the box (its row stays, ``state='sent'``)."""
        with self._tx() as db:
            db.execute("UPDATE drafts SET state='sent' WHERE media_id=?", (media_id,))

    def history(self) -> list[MassRecord]:
        """The account's message list as followers see it: sends to all that did not fail."""
        return [m for m in self.mass_sends() if m.to_all and m.msg_status != SEND_FAIL]

    def sends_today(self) -> int:
        """Sends taken today (Beijing time) that have not failed: a 订阅号's quota is one."""
        today = _day(self.control.now())
        return sum(
            1 for m in self.mass_sends() if _day(m.created) == today and m.msg_status != SEND_FAIL
        )

    def received_this_month(self, openid: str) -> int:
        """Mass messages ``openid`` got this calendar month (Beijing time)."""
        month = _month(self.control.now())
        return sum(
            1
            for m in self.mass_sends()
            if openid in m.recipients and _month(m.created) == month and m.msg_status != SEND_FAIL
        )

    def _mass_record(self, row: sqlite3.Row) -> MassRecord:
        items = json.loads(row["items"])
        deleted = json.loads(row["deleted"])
        return MassRecord(
            msg_id=row["msg_id"],
            msg_data_id=row["msg_data_id"],
            media_id=row["media_id"],
            to_all=bool(row["to_all"]),
            tag_id=row["tag_id"],
            recipients=json.loads(row["recipients"]),
            clientmsgid=row["clientmsgid"] or "",
            created=row["created"],
            msg_status=self._mass_status(row, len(items), len(deleted)),
            items=items,
            deleted=deleted,
        )

    def _mass_status(self, row: sqlite3.Row, count: int, deleted: int) -> str:
        if count and deleted >= count:
            return DELETE
        now = self.control.now()
        if row["fail_at"] is not None:
            return SEND_FAIL if now >= row["fail_at"] else SENDING
        start = row["confirm_at"] if row["confirm_at"] is not None else row["created"]
        return SENDING if now < start + row["send_seconds"] else SEND_SUCCESS

    # --- previews and the inbox -------------------------------------------------------
    def add_preview(self, openid: str, media_id: str, items: list[dict[str, object]]) -> int:
        msg_id = 1_000_000_000 + secrets.randbelow(10**9)
        with self._tx() as db:
            db.execute(
                "INSERT INTO previews VALUES (?,?,?,?,?)",
                (
                    msg_id,
                    openid,
                    media_id,
                    json.dumps(items, ensure_ascii=False),
                    self.control.now(),
                ),
            )
        return msg_id

    def previews_today(self) -> int:
        today = _day(self.control.now())
        with self._tx() as db:
            rows = db.execute("SELECT at FROM previews").fetchall()
        return sum(1 for r in rows if _day(r["at"]) == today)

    def inbox(self, openid: str | None = None) -> list[InboxMessage]:
        """What followers' phones received (one follower's with ``openid``), oldest first:
        previews, and mass messages once their send is not failed."""
        with self._tx() as db:
            rows = db.execute("SELECT * FROM previews ORDER BY at, rowid").fetchall()
        out = [
            InboxMessage(
                "preview",
                r["openid"],
                r["msg_id"],
                r["media_id"],
                [str(i.get("title", "")) for i in json.loads(r["items"])],
                r["at"],
            )
            for r in rows
            if openid is None or r["openid"] == openid
        ]
        for m in self.mass_sends():
            if m.msg_status in (SEND_FAIL, SENDING):
                continue
            titles = [str(i.get("title", "")) for i in m.items]
            out += [
                InboxMessage("mass", oid, m.msg_id, m.media_id, titles, m.created, m.deleted)
                for oid in m.recipients
                if openid is None or oid == openid
            ]
        return sorted(out, key=lambda message: message.time)
