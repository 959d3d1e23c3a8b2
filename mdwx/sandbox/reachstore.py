"""The account beyond publishing: the material library, sent messages and their comments.

Kept apart from :mod:`.store` for size; it shares the Store's connection and lock. A message
is known by its ``msg_data_id`` (what ``freepublish/submit`` and a mass send answer); its
articles are numbered from 0 for ``comment/*``. A comment's ``user_comment_id`` counts from 1
within its article, as WeChat's do. Readers' comments come from ``/_sandbox/add_comment`` (or
:meth:`ReachStoreMixin.add_comment`): the sandbox has no readers of its own.
"""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .control import Control
    from .massstore import MassRecord
    from .records import PublicationRecord

REACH_SCHEMA = """
CREATE TABLE IF NOT EXISTS comments (msg_data_id INTEGER, idx INTEGER, user_comment_id INTEGER,
    openid TEXT, content TEXT, create_time INTEGER, elected INTEGER NOT NULL DEFAULT 0,
    reply TEXT, reply_time INTEGER, deleted INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (msg_data_id, idx, user_comment_id));
CREATE TABLE IF NOT EXISTS comment_switch (msg_data_id INTEGER, idx INTEGER, open INTEGER,
    PRIMARY KEY (msg_data_id, idx));
"""

#: Library kinds as ``material/batchget_material`` names them → the sandbox's image kinds.
IMAGE_KINDS = ("image", "thumb")


@dataclass(frozen=True)
class CommentRecord:
    msg_data_id: int
    idx: int  # the article, from 0
    user_comment_id: int
    openid: str
    content: str
    create_time: int
    elected: bool
    reply: str | None
    reply_time: int | None


class ReachStoreMixin:
    """Material, message and comment methods of :class:`~mdwx.sandbox.store.Store`."""

    control: Control

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:  # provided by Store
        raise NotImplementedError

    def publications(self) -> list[PublicationRecord]:  # provided by DraftStoreMixin
        raise NotImplementedError

    if TYPE_CHECKING:  # provided by MassStoreMixin, which comes after this one in Store's MRO

        def mass_sends(self) -> list[MassRecord]: ...

    # --- material library -------------------------------------------------------------
    def library_images(self) -> list[sqlite3.Row]:
        """Permanent images (covers, add_material pictures), newest first."""
        with self._tx() as db:
            return db.execute(
                "SELECT id, media_id, ext, created FROM images WHERE kind IN (?, ?)"
                " ORDER BY created DESC, rowid DESC",
                IMAGE_KINDS,
            ).fetchall()

    def library_videos(self) -> list[sqlite3.Row]:
        """Saved videos (they have a media_id), newest first."""
        with self._tx() as db:
            return db.execute(
                "SELECT media_id, title, saved FROM videos WHERE media_id IS NOT NULL"
                " ORDER BY saved DESC, rowid DESC"
            ).fetchall()

    def delete_material(self, media_id: str) -> bool:
        """Remove a permanent image or video from the library; False if there is none."""
        with self._tx() as db:
            gone = db.execute(
                "DELETE FROM images WHERE media_id=? AND kind IN (?, ?)", (media_id, *IMAGE_KINDS)
            ).rowcount
            if not gone:
                gone = db.execute("DELETE FROM videos WHERE media_id=?", (media_id,)).rowcount
        return gone > 0

    # --- messages -----------------------------------------------------------------------
    def message_items(self, msg_data_id: int) -> list[dict[str, object]] | None:
        """The articles of the message ``msg_data_id`` (a successful publication, or a 群发
        that did not fail), else None."""
        for record in self.publications():
            if record.msg_data_id == msg_data_id and record.succeeded:
                return record.items
        for sent in self.mass_sends():
            if sent.msg_data_id == msg_data_id and sent.msg_status != "SEND_FAIL":
                return sent.items
        return None

    def comments_open(self, msg_data_id: int, idx: int) -> bool:
        with self._tx() as db:
            row = db.execute(
                "SELECT open FROM comment_switch WHERE msg_data_id=? AND idx=?", (msg_data_id, idx)
            ).fetchone()
        if row is not None:
            return bool(row["open"])
        items = self.message_items(msg_data_id) or []
        return idx < len(items) and bool(items[idx].get("need_open_comment"))

    def set_comments_open(self, msg_data_id: int, idx: int, is_open: bool) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO comment_switch VALUES (?,?,?)",
                (msg_data_id, idx, int(is_open)),
            )

    # --- comments -----------------------------------------------------------------------
    def add_comment(self, msg_data_id: int, idx: int, openid: str, content: str) -> int:
        """A reader's comment; its ``user_comment_id``."""
        with self._tx() as db:
            row = db.execute(
                "SELECT MAX(user_comment_id) FROM comments WHERE msg_data_id=? AND idx=?",
                (msg_data_id, idx),
            ).fetchone()
            number = int(row[0] or 0) + 1
            db.execute(
                "INSERT INTO comments (msg_data_id, idx, user_comment_id, openid, content,"
                " create_time) VALUES (?,?,?,?,?,?)",
                (msg_data_id, idx, number, openid, content, int(self.control.now())),
            )
        return number

    def comments(self, msg_data_id: int, idx: int) -> list[CommentRecord]:
        """The article's comments not deleted, oldest first."""
        with self._tx() as db:
            rows = db.execute(
                "SELECT * FROM comments WHERE msg_data_id=? AND idx=? AND deleted=0"
                " ORDER BY user_comment_id",
                (msg_data_id, idx),
            ).fetchall()
        return [
            CommentRecord(
                r["msg_data_id"],
                r["idx"],
                r["user_comment_id"],
                r["openid"],
                r["content"],
                r["create_time"],
                bool(r["elected"]),
                r["reply"],
                r["reply_time"],
            )
            for r in rows
        ]

    def change_comment(
        self,
        msg_data_id: int,
        idx: int,
        user_comment_id: int,
        assignments: str,
        values: tuple[Any, ...] = (),
    ) -> bool:
        """Apply ``assignments`` to a live comment; False if there is none."""
        with self._tx() as db:
            changed = db.execute(
                f"UPDATE comments SET {assignments} WHERE msg_data_id=? AND idx=? AND user_comment_id=?"
                " AND deleted=0",
                (*values, msg_data_id, idx, user_comment_id),
            ).rowcount
        return changed > 0

    def comment_count(self, msg_data_id: int, idx: int) -> int:
        return len(self.comments(msg_data_id, idx))
