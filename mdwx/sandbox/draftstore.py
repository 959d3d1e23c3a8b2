"""Draft-box part of the sandbox model: drafts (``draft/*``) and publications
(``freepublish/*``).

Kept apart from :mod:`.store` only for size; it shares the Store's connection and lock. A
submitted draft leaves the box (its row stays, ``state='submitted'``, so tests can see
where it went); the publication keeps a copy of its articles. A publication's outcome and
``fail_idx`` are fixed when it is submitted, from the settings of that moment, and revealed
once ``publish_seconds`` have passed — as WeChat decides while the client polls.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from .records import DraftRecord, PublicationRecord

if TYPE_CHECKING:
    from .control import Control

DRAFT_SCHEMA = """
CREATE TABLE IF NOT EXISTS drafts (media_id TEXT PRIMARY KEY, created INTEGER,
    updated INTEGER, items TEXT, state TEXT);
CREATE TABLE IF NOT EXISTS publications (publish_id TEXT PRIMARY KEY, msg_data_id INTEGER,
    article_id TEXT UNIQUE, media_id TEXT, items TEXT, submitted REAL, outcome INTEGER,
    fail_idx TEXT, deleted TEXT NOT NULL DEFAULT '[]', banned INTEGER NOT NULL DEFAULT 0);
"""

#: publish_status values (docs/wechat/draft-api.md).
PUBLISHING, SUCCESS, DELETED, BANNED = 1, 0, 5, 6
_FAIL_IDX_OUTCOMES = (2, 4)


class DraftStoreMixin:
    """Draft-box methods of :class:`~mdwx.sandbox.store.Store`."""

    control: Control

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:  # provided by Store
        raise NotImplementedError

    # --- drafts -----------------------------------------------------------------------
    def add_draft(self, items: list[dict[str, object]]) -> str:
        media_id = secrets.token_urlsafe(32)
        t = int(self.control.now())
        with self._tx() as db:
            db.execute(
                "INSERT INTO drafts VALUES (?,?,?,?,'draft')",
                (media_id, t, t, json.dumps(items, ensure_ascii=False)),
            )
        return media_id

    def set_draft_items(self, media_id: str, items: list[dict[str, object]]) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE drafts SET items=?, updated=? WHERE media_id=?",
                (json.dumps(items, ensure_ascii=False), int(self.control.now()), media_id),
            )

    def delete_draft(self, media_id: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE drafts SET state='deleted' WHERE media_id=?", (media_id,))

    def draft(self, media_id: str, *, any_state: bool = False) -> DraftRecord | None:
        """The draft ``media_id`` while it is in the box (any state with ``any_state``)."""
        with self._tx() as db:
            row = db.execute("SELECT * FROM drafts WHERE media_id=?", (media_id,)).fetchone()
        if row is None or (row["state"] != "draft" and not any_state):
            return None
        return _draft_record(row)

    def drafts(self, *, any_state: bool = False) -> list[DraftRecord]:
        """The draft box, most recently changed first (as ``draft/batchget`` lists it)."""
        with self._tx() as db:
            rows = db.execute("SELECT * FROM drafts ORDER BY updated DESC, rowid DESC").fetchall()
        return [_draft_record(r) for r in rows if any_state or r["state"] == "draft"]

    # --- publications -----------------------------------------------------------------
    def submit_draft(self, media_id: str) -> PublicationRecord:
        """Take the draft out of the box and start publishing it."""
        s = self.control.settings
        draft = self.draft(media_id)
        assert draft is not None
        fail_idx: list[int] = []
        if s.publish_outcome in _FAIL_IDX_OUTCOMES:
            count = len(draft.items)
            chosen = [i for i in s.publish_fail_idx if i <= count]
            fail_idx = sorted(set(chosen)) or list(range(1, count + 1))
        publish_id = str(2_247_483_648 + secrets.randbelow(10**9))
        msg_data_id = 2_247_483_648 + secrets.randbelow(10**9)
        with self._tx() as db:
            db.execute("UPDATE drafts SET state='submitted' WHERE media_id=?", (media_id,))
            db.execute(
                "INSERT INTO publications (publish_id, msg_data_id, article_id, media_id, items,"
                " submitted, outcome, fail_idx) VALUES (?,?,?,?,?,?,?,?)",
                (
                    publish_id,
                    msg_data_id,
                    secrets.token_urlsafe(24),
                    media_id,
                    json.dumps(draft.items, ensure_ascii=False),
                    self.control.now(),
                    s.publish_outcome,
                    json.dumps(fail_idx),
                ),
            )
        return self.publication(publish_id)  # type: ignore[return-value]

    def publication(self, publish_id: str) -> PublicationRecord | None:
        with self._tx() as db:
            row = db.execute(
                "SELECT * FROM publications WHERE publish_id=?", (publish_id,)
            ).fetchone()
        return self._publication_record(row) if row else None

    def publication_by_article_id(self, article_id: str) -> PublicationRecord | None:
        """The publication whose article is ``article_id`` — only once it succeeded: before
        that, and for failed jobs, WeChat knows no such article."""
        with self._tx() as db:
            row = db.execute(
                "SELECT * FROM publications WHERE article_id=?", (article_id,)
            ).fetchone()
        record = self._publication_record(row) if row else None
        return record if record is not None and record.succeeded else None

    def publications(self) -> list[PublicationRecord]:
        """Every submission, newest first."""
        with self._tx() as db:
            rows = db.execute(
                "SELECT * FROM publications ORDER BY submitted DESC, rowid DESC"
            ).fetchall()
        return [self._publication_record(r) for r in rows]

    def delete_published(self, article_id: str, numbers: list[int]) -> None:
        """Mark articles ``numbers`` (from 1) of a publication deleted; not reversible."""
        with self._tx() as db:
            row = db.execute(
                "SELECT deleted FROM publications WHERE article_id=?", (article_id,)
            ).fetchone()
            deleted = sorted(set(json.loads(row["deleted"])) | set(numbers))
            db.execute(
                "UPDATE publications SET deleted=? WHERE article_id=?",
                (json.dumps(deleted), article_id),
            )

    def ban_publication(self, article_id: str) -> bool:
        """The system bans a published article (publish_status 6); False if unknown."""
        with self._tx() as db:
            cursor = db.execute(
                "UPDATE publications SET banned=1 WHERE article_id=?", (article_id,)
            )
        return cursor.rowcount > 0

    def _publication_record(self, row: sqlite3.Row) -> PublicationRecord:
        items = json.loads(row["items"])
        deleted = json.loads(row["deleted"])
        return PublicationRecord(
            publish_id=row["publish_id"],
            msg_data_id=row["msg_data_id"],
            article_id=row["article_id"],
            media_id=row["media_id"],
            submitted_at=row["submitted"],
            publish_status=self._publish_status(row, len(items), len(deleted)),
            fail_idx=json.loads(row["fail_idx"]),
            deleted=deleted,
            items=items,
        )

    def _publish_status(self, row: sqlite3.Row, count: int, deleted: int) -> int:
        if self.control.now() - row["submitted"] < self.control.settings.publish_seconds:
            return PUBLISHING
        outcome = int(row["outcome"])
        if outcome != SUCCESS:
            return outcome
        if row["banned"]:
            return BANNED
        return DELETED if deleted >= count else SUCCESS


def _draft_record(row: sqlite3.Row) -> DraftRecord:
    return DraftRecord(
        media_id=row["media_id"],
        created=row["created"],
        updated=row["updated"],
        state=row["state"],
        items=json.loads(row["items"]),
    )
