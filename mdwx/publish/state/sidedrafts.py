"""Side drafts in the state database: a published or sent post back in the draft box.

A preview or a 群发 needs a draft still in the box; a post whose article was published (or
mass-sent) has none. mdwx then uploads a *side draft* (``docs/reach.md``, "Side drafts"):
the same articles again, recorded here beside the post's article record, which it never
replaces — ``publish`` never submits a side draft, and the post's ``media_id`` stays the
published one. One row per message: ``sources`` are the posts' paths in article order, a JSON list
(one post, or a 多图文 bundle's posts, 头条 first), ``version`` what they were when it was made
(:func:`side_version`), so an unchanged post reuses its side draft and a changed one replaces
it. A mixin of :class:`mdwx.publish.state.store.State`; ``backend`` is the view's.

Statuses: ``uploading`` (``draft/add`` sent, outcome unknown: the intent is written first;
``old_media_id`` keeps the draft it replaces), ``draft`` (in the box), ``sent`` (a 群发 took
it out of the box: kept so a re-run of that send knows it without uploading again).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Literal

SideDraftStatus = Literal["uploading", "draft", "sent"]


@dataclass(frozen=True)
class SideDraftRecord:
    """One side draft: the message ``sources`` (paths, 头条 first) as ``version`` in ``media_id``."""

    appid: str
    backend: str
    sources: tuple[str, ...]
    version: str
    media_id: str
    old_media_id: str
    status: SideDraftStatus
    title: str
    created_at: str
    updated_at: str

    @property
    def key(self) -> str:
        return side_key(self.sources)


def side_key(sources: Sequence[str]) -> str:
    """The row's key: the posts' paths in article order, as a JSON list (as a send's)."""
    return json.dumps(list(sources), ensure_ascii=False)


def side_version(versions: Sequence[tuple[str, str]]) -> str:
    """The message's version: each post's (path, content hash as published), in article order."""
    text = "\n".join(f"{path}\t{version}" for path, version in versions)
    return hashlib.sha256(text.encode()).hexdigest()[:40]


def _record(row: sqlite3.Row) -> SideDraftRecord:
    data = dict(row)
    try:  # written by mdwx or checked by an import; a hand-edited database may hold anything
        sources = json.loads(data["sources"])
    except ValueError:
        sources = []
    data["sources"] = tuple(str(s) for s in sources) if isinstance(sources, list) else ()
    return SideDraftRecord(**data)


class SideDraftRecords:
    """Reads and writes of the ``side_drafts`` table; needs State's helpers and ``backend``."""

    backend: str
    _guard: Callable[[], AbstractContextManager[sqlite3.Connection]]
    _write: Callable[..., None]
    _now: Callable[[], str]

    def side_draft(self, appid: str, sources: Sequence[str]) -> SideDraftRecord | None:
        """The side draft of exactly these posts in this order (this backend's), if any."""
        with self._guard() as conn:
            row = conn.execute(
                "SELECT * FROM side_drafts WHERE appid = ? AND backend = ? AND sources = ?",
                (appid, self.backend, side_key(sources)),
            ).fetchone()
        return _record(row) if row else None

    def side_drafts(self, appid: str, source_path: str | None = None) -> list[SideDraftRecord]:
        """The side drafts of ``appid`` (every backend's), or those holding ``source_path``."""
        with self._guard() as conn:
            rows = conn.execute(
                "SELECT * FROM side_drafts WHERE appid = ? ORDER BY sources, backend", (appid,)
            ).fetchall()
        found = [_record(row) for row in rows]
        return [s for s in found if source_path is None or source_path in s.sources]

    def begin_side_draft(
        self, appid: str, sources: Sequence[str], version: str, title: str
    ) -> None:
        """Write the intent before ``draft/add``: the draft it replaces stays named in
        ``old_media_id`` (deleted once the new one is recorded)."""
        now = self._now()
        self._write(
            "INSERT INTO side_drafts (appid, backend, sources, version, status, title,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, 'uploading', ?, ?, ?)"
            " ON CONFLICT (appid, backend, sources) DO UPDATE SET status = 'uploading',"
            " old_media_id = CASE WHEN side_drafts.status = 'draft' AND side_drafts.media_id != ''"
            " THEN side_drafts.media_id ELSE side_drafts.old_media_id END,"
            # a sent side draft left the box: its media_id names the sent article, never
            # a draft to delete (the media API's publish/delete would delete that article)
            " media_id = CASE WHEN side_drafts.status = 'sent' THEN '' ELSE side_drafts.media_id"
            " END, version = excluded.version, title = excluded.title,"
            " updated_at = excluded.updated_at",
            (appid, self.backend, side_key(sources), version, title, now, now),
        )

    def record_side_draft(
        self, appid: str, sources: Sequence[str], media_id: str, version: str
    ) -> None:
        """``draft/add`` answered ``media_id``: the side draft is in the box."""
        self._write(
            "UPDATE side_drafts SET status = 'draft', media_id = ?, version = ?, updated_at = ?"
            " WHERE appid = ? AND backend = ? AND sources = ?",
            (media_id, version, self._now(), appid, self.backend, side_key(sources)),
            must_match="side draft " + ", ".join(sources),
        )

    def restore_side_draft(
        self, appid: str, sources: Sequence[str], previous: SideDraftRecord | None
    ) -> None:
        """Undo an intent whose ``draft/add`` WeChat refused for certain (nothing was made)."""
        if previous is None:
            self.forget_side_draft(appid, sources)
            return
        self._write(
            "UPDATE side_drafts SET status = ?, media_id = ?, old_media_id = ?, version = ?,"
            " updated_at = ? WHERE appid = ? AND backend = ? AND sources = ?",
            (
                previous.status,
                previous.media_id,
                previous.old_media_id,
                previous.version,
                self._now(),
                appid,
                self.backend,
                side_key(sources),
            ),
        )

    def old_side_draft_deleted(self, appid: str, sources: Sequence[str]) -> None:
        """The draft the side draft replaced is gone from the box."""
        self._write(
            "UPDATE side_drafts SET old_media_id = '' WHERE appid = ? AND backend = ?"
            " AND sources = ?",
            (appid, self.backend, side_key(sources)),
        )

    def side_draft_sent(self, appid: str, media_id: str) -> None:
        """A 群发 took the side draft ``media_id`` out of the box."""
        self._write(
            "UPDATE side_drafts SET status = 'sent', updated_at = ? WHERE appid = ?"
            " AND backend = ? AND media_id = ?",
            (self._now(), appid, self.backend, media_id),
        )

    def forget_side_draft(self, appid: str, sources: Sequence[str]) -> None:
        """Drop the row: its draft was deleted (or never made)."""
        self._write(
            "DELETE FROM side_drafts WHERE appid = ? AND backend = ? AND sources = ?",
            (appid, self.backend, side_key(sources)),
        )
