"""Video part of the sandbox model: chunked uploads, saved videos and their review.

Kept apart from :mod:`.store` only for size; it shares the Store's connection and lock.
Block bytes are kept until ``upload_finish`` checks the whole-file SHA-1, then dropped.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from .records import VideoRecord

if TYPE_CHECKING:
    from .control import Control


class VideoStoreMixin:
    """Video methods of :class:`~mdwx.sandbox.store.Store`."""

    control: Control

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:  # provided by Store
        raise NotImplementedError

    def init_video(self, filename: str, filesha: str, filesize: int) -> str:
        """Start an upload; the vid looks like WeChat's (``wxv_`` + 18 digits)."""
        vid = "wxv_" + str(10**17 + secrets.randbelow(9 * 10**17))
        with self._tx() as db:
            db.execute(
                "INSERT INTO videos (vid, filename, filesha, filesize, created) VALUES (?,?,?,?,?)",
                (vid, filename, filesha.lower(), filesize, self.control.now()),
            )
        return vid

    def video_row(self, vid: str) -> dict[str, Any] | None:
        with self._tx() as db:
            row = db.execute("SELECT * FROM videos WHERE vid=?", (vid,)).fetchone()
        return dict(row) if row else None

    def block_sha(self, vid: str, part_num: int) -> str | None:
        with self._tx() as db:
            row = db.execute(
                "SELECT sha1 FROM blocks WHERE vid=? AND part_num=?", (vid, part_num)
            ).fetchone()
        return row["sha1"] if row else None

    def put_block(self, vid: str, part_num: int, sha1: str, data: bytes) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO blocks VALUES (?,?,?,?,?)",
                (vid, part_num, sha1, len(data), data),
            )

    def part_numbers(self, vid: str) -> set[int]:
        with self._tx() as db:
            rows = db.execute("SELECT part_num FROM blocks WHERE vid=?", (vid,)).fetchall()
        return {r["part_num"] for r in rows}

    def assembled(self, vid: str) -> tuple[int, str]:
        """Total size and SHA-1 of the blocks in part order, streamed block by block."""
        digest = hashlib.sha1()
        total = 0
        for chunk in self._block_data(vid):
            digest.update(chunk)
            total += len(chunk)
        return total, digest.hexdigest()

    def _block_data(self, vid: str) -> Iterator[bytes]:
        with self._tx() as db:
            nums = [
                r[0]
                for r in db.execute(
                    "SELECT part_num FROM blocks WHERE vid=? ORDER BY part_num", (vid,)
                )
            ]
        for num in nums:
            with self._tx() as db:
                row = db.execute(
                    "SELECT data FROM blocks WHERE vid=? AND part_num=?", (vid, num)
                ).fetchone()
            yield bytes(row["data"] or b"")

    def finish_video(self, vid: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE videos SET finished=1 WHERE vid=?", (vid,))
            db.execute("UPDATE blocks SET data=NULL WHERE vid=?", (vid,))

    def save_video(self, vid: str, meta: dict[str, Any], final_status: int) -> str:
        """Give a finished upload a media_id and start its review (idempotent per vid)."""
        row = self.video_row(vid)
        if row and row["media_id"]:
            return str(row["media_id"])
        media_id = secrets.token_urlsafe(32)
        with self._tx() as db:
            db.execute(
                "UPDATE videos SET media_id=?, title=?, video_desc=?, cover_url=?, tags=?,"
                " declare_ori=?, saved=?, final_status=? WHERE vid=?",
                (
                    media_id,
                    meta["title"],
                    meta.get("video_desc", ""),
                    meta.get("cover_url"),
                    json.dumps(meta.get("tags", []), ensure_ascii=False),
                    int(meta.get("declare_ori", 0)),
                    self.control.now(),
                    final_status,
                    vid,
                ),
            )
        return media_id

    def video_by_media_id(self, media_id: str) -> VideoRecord | None:
        with self._tx() as db:
            row = db.execute("SELECT vid FROM videos WHERE media_id=?", (media_id,)).fetchone()
        return self.video(row["vid"]) if row else None

    def video(self, vid: str) -> VideoRecord | None:
        row = self.video_row(vid)
        if row is None:
            return None
        return VideoRecord(
            vid=row["vid"],
            filename=row["filename"],
            filesize=row["filesize"],
            filesha=row["filesha"],
            finished=bool(row["finished"]),
            parts=len(self.part_numbers(vid)),
            media_id=row["media_id"],
            title=row["title"],
            cover_url=row["cover_url"],
            tags=json.loads(row["tags"]) if row["tags"] else [],
            status=self._video_status(row),
        )

    def videos(self) -> list[VideoRecord]:
        """All video uploads in init order."""
        with self._tx() as db:
            vids = [r[0] for r in db.execute("SELECT vid FROM videos ORDER BY created, rowid")]
        return [v for v in (self.video(vid) for vid in vids) if v is not None]

    def video_ids(self) -> list[str]:
        return [v.vid for v in self.videos()]

    def _video_status(self, row: dict[str, Any]) -> int | None:
        """4 (transing) for the first half of ``video_review_seconds``, then 0 (checking),
        then the final status fixed when the video was saved."""
        if row["saved"] is None:
            return None
        elapsed = self.control.now() - row["saved"]
        review = self.control.settings.video_review_seconds
        if elapsed >= review:
            return int(row["final_status"])
        return 4 if elapsed < review / 2 else 0
