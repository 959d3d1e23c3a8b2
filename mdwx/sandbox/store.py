"""The sandbox's model of one WeChat account: tokens, images, videos, articles, quota.

Everything lives in SQLite — ``:memory:`` by default, a file when ``state_path`` is set — so a
``mdwx sandbox`` started later serves what ``mdwx publish --sandbox`` stored. One connection
and one lock: uvicorn's thread writes while the test thread reads.

Read API for assertions: :meth:`Store.articles`, :meth:`Store.article`, :meth:`Store.images`,
:meth:`Store.image_urls`, :meth:`Store.videos`, :meth:`Store.video_ids`,
:meth:`Store.submission_count`, :meth:`Store.token_count`; the draft box:
:meth:`Store.drafts`, :meth:`Store.draft`, :meth:`Store.publications`,
:meth:`Store.publication`.
"""

from __future__ import annotations

import json
import re
import secrets
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mdwx.errors import StateError

from .control import Control
from .draftstore import DRAFT_SCHEMA, DraftStoreMixin
from .massstore import MASS_SCHEMA, MassStoreMixin
from .reachstore import REACH_SCHEMA, ReachStoreMixin
from .records import (
    STATUS_DRAFT,
    STATUS_PUBLISHED,
    STATUS_REJECTED,
    STATUS_REVIEW,
    ArticleRecord,
    ImageRecord,
)
from .videostore import VideoStoreMixin

_SCHEMA = """
CREATE TABLE IF NOT EXISTS tokens (token TEXT PRIMARY KEY, chain TEXT NOT NULL,
    issued REAL NOT NULL, expires REAL NOT NULL, superseded REAL);
CREATE TABLE IF NOT EXISTS images (id TEXT PRIMARY KEY, media_id TEXT UNIQUE, kind TEXT,
    ext TEXT, mime TEXT, size INTEGER, width INTEGER, height INTEGER, sha1 TEXT, data BLOB,
    created REAL);
CREATE TABLE IF NOT EXISTS videos (vid TEXT PRIMARY KEY, filename TEXT, filesha TEXT,
    filesize INTEGER, created REAL, finished INTEGER NOT NULL DEFAULT 0, media_id TEXT UNIQUE,
    title TEXT, video_desc TEXT, cover_url TEXT, tags TEXT, declare_ori INTEGER, saved REAL,
    final_status INTEGER);
CREATE TABLE IF NOT EXISTS blocks (vid TEXT, part_num INTEGER, sha1 TEXT, size INTEGER,
    data BLOB, PRIMARY KEY (vid, part_num));
CREATE TABLE IF NOT EXISTS articles (media_id TEXT PRIMARY KEY, created INTEGER, items TEXT,
    state TEXT, submitted REAL, reject INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS submissions (media_id TEXT, at REAL, day TEXT);
"""

#: WeChat's quota day is Beijing time.
_BEIJING = 8 * 3600


def quota_day(t: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(t + _BEIJING))


_TABLES = {
    match.group(1): [
        word
        for word in (p.split()[0] for p in match.group(2).split(",") if p.split())
        if re.fullmatch(r"[a-z_][a-z0-9_]*", word)
    ]  # columns, not "PRIMARY KEY (a, b)"
    for match in re.finditer(
        r"CREATE TABLE IF NOT EXISTS (\w+) \((.*?)\);",
        _SCHEMA + DRAFT_SCHEMA + REACH_SCHEMA + MASS_SCHEMA,
        re.DOTALL,
    )
}


def _open(path: Path | None) -> sqlite3.Connection:
    """The sandbox database, created if needed; a folder that cannot be written, a file
    that is not a database or one whose tables are not the sandbox's is a one-line
    :class:`~mdwx.errors.StateError` naming the file (it holds only emulated data, so the
    hint is to delete it)."""
    where = path or Path(":memory:")
    hint = "delete it: the sandbox then starts with an empty account"
    try:
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(str(path) if path else ":memory:", check_same_thread=False)
    except OSError as exc:
        raise StateError(
            f"cannot create the sandbox database: {exc.strerror}",
            path=where,
            hint="make the site folder writable",
        ) from exc
    except sqlite3.Error as exc:
        raise StateError(
            f"cannot open the sandbox database: {exc}",
            path=where,
            hint="make the site folder writable",
        ) from exc
    try:
        with db:
            db.executescript(_SCHEMA + DRAFT_SCHEMA + REACH_SCHEMA + MASS_SCHEMA)
        for table, columns in _TABLES.items():
            db.execute(f"SELECT {', '.join(columns)} FROM {table} LIMIT 0")
    except sqlite3.OperationalError as exc:
        db.close()
        if "readonly" in str(exc) or "unable to open" in str(exc):
            raise StateError(
                f"cannot write the sandbox database ({exc})",
                path=where,
                hint="make the site folder writable",
            ) from exc
        raise StateError(
            f"not a sandbox database: its tables differ ({exc})", path=where, hint=hint
        ) from exc
    except sqlite3.DatabaseError as exc:
        db.close()
        raise StateError(f"not a sandbox database ({exc})", path=where, hint=hint) from exc
    return db


class Store(VideoStoreMixin, DraftStoreMixin, ReachStoreMixin, MassStoreMixin):
    """The account model; all methods are thread-safe."""

    def __init__(self, control: Control, path: Path | None = None) -> None:
        self.control = control
        #: Base URL used by :meth:`image_urls`; set by the server (or the first request).
        self.base_url: str | None = None
        self._lock = threading.RLock()
        self._db = _open(Path(path) if path is not None else None)
        self._db.row_factory = sqlite3.Row

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock, self._db:
            yield self._db

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # --- tokens -----------------------------------------------------------------------
    def issue_token(self, chain: str, *, force: bool = True) -> tuple[str, int]:
        """A token of ``chain`` ("token" or "stable") and its ``expires_in``.

        ``force=False`` (stable_token) returns the current token while it is valid; a new
        token supersedes the chain's previous one, which keeps working for ``token_grace``.
        """
        s = self.control.settings
        t = self.control.now()
        with self._tx() as db:
            if not force:
                row = db.execute(
                    "SELECT token, expires FROM tokens WHERE chain=? AND superseded IS NULL"
                    " AND expires>? ORDER BY issued DESC LIMIT 1",
                    (chain, t),
                ).fetchone()
                if row:
                    return row["token"], max(1, int(row["expires"] - t))
            db.execute(
                "UPDATE tokens SET superseded=? WHERE chain=? AND superseded IS NULL", (t, chain)
            )
            token = secrets.token_urlsafe(96)
            db.execute(
                "INSERT INTO tokens VALUES (?,?,?,?,NULL)", (token, chain, t, t + s.token_ttl)
            )
        return token, s.token_ttl

    def check_token(self, token: str) -> int:
        """0 when ``token`` is usable, else WeChat's errcode (40001 unknown or overwritten
        past the grace period, 42001 expired)."""
        grace = self.control.settings.token_grace
        t = self.control.now()
        with self._tx() as db:
            row = db.execute(
                "SELECT expires, superseded FROM tokens WHERE token=?", (token,)
            ).fetchone()
        if row is None:
            return 40001
        if row["superseded"] is not None and t >= row["superseded"] + grace:
            return 40001
        if t >= row["expires"]:
            return 42001
        return 0

    def expire_tokens(self) -> None:
        """Every token issued so far answers 42001 from now on."""
        t = self.control.now()
        with self._tx() as db:
            db.execute("UPDATE tokens SET expires=? WHERE expires>?", (t, t))

    def token_count(self) -> int:
        """How many tokens were issued (lets tests check that a client caches its token)."""
        with self._tx() as db:
            return int(db.execute("SELECT COUNT(*) FROM tokens").fetchone()[0])

    # --- images -----------------------------------------------------------------------
    def add_image(
        self, kind: str, data: bytes, ext: str, mime: str, size: tuple[int, int], sha1: str
    ) -> ImageRecord:
        """Store an upload; add_material kinds get a media_id, body images do not."""
        image_id = uuid.uuid4().hex
        media_id = secrets.token_urlsafe(32) if kind != "body" else None
        with self._tx() as db:
            db.execute(
                "INSERT INTO images VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    image_id,
                    media_id,
                    kind,
                    ext,
                    mime,
                    len(data),
                    size[0],
                    size[1],
                    sha1,
                    data,
                    self.control.now(),
                ),
            )
        return self.image(image_id)  # type: ignore[return-value]

    def image(self, image_id: str) -> ImageRecord | None:
        with self._tx() as db:
            row = db.execute("SELECT * FROM images WHERE id=?", (image_id,)).fetchone()
        return _image_record(row) if row else None

    def image_by_media_id(self, media_id: str) -> ImageRecord | None:
        with self._tx() as db:
            row = db.execute("SELECT * FROM images WHERE media_id=?", (media_id,)).fetchone()
        return _image_record(row) if row else None

    def image_data(self, image_id: str) -> tuple[bytes, str] | None:
        """The bytes and content type of an image, for ``GET /mmbiz/<id>.<ext>``."""
        with self._tx() as db:
            row = db.execute("SELECT data, mime FROM images WHERE id=?", (image_id,)).fetchone()
        return (bytes(row["data"]), row["mime"]) if row else None

    def images(self, kind: str | None = None) -> list[ImageRecord]:
        """All images in upload order, optionally only one kind ("image", "thumb", "body")."""
        with self._tx() as db:
            rows = db.execute("SELECT * FROM images ORDER BY created, rowid").fetchall()
        return [_image_record(r) for r in rows if kind is None or r["kind"] == kind]

    def image_urls(self) -> list[str]:
        """The URL of every image, as the sandbox issued them (paths if no base is known)."""
        base = self.base_url or ""
        return [base + img.path for img in self.images()]

    # --- articles ---------------------------------------------------------------------
    def add_article(self, items: list[dict[str, object]]) -> tuple[str, int]:
        media_id = secrets.token_urlsafe(32)
        created = int(self.control.now())
        with self._tx() as db:
            db.execute(
                "INSERT INTO articles (media_id, created, items, state) VALUES (?,?,?,?)",
                (media_id, created, json.dumps(items, ensure_ascii=False), "draft"),
            )
        return media_id, created

    def set_items(self, media_id: str, items: list[dict[str, object]]) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE articles SET items=? WHERE media_id=?",
                (json.dumps(items, ensure_ascii=False), media_id),
            )

    def delete_article(self, media_id: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE articles SET state='deleted' WHERE media_id=?", (media_id,))

    def submit(self, media_id: str, reject: bool) -> None:
        """Mark submitted and count it against the day's quota (deleting never refunds)."""
        t = self.control.now()
        with self._tx() as db:
            db.execute(
                "UPDATE articles SET state='submitted', submitted=?, reject=? WHERE media_id=?",
                (t, int(reject), media_id),
            )
            db.execute("INSERT INTO submissions VALUES (?,?,?)", (media_id, t, quota_day(t)))

    def submission_count(self, day: str | None = None) -> int:
        """Submissions on ``day`` ("YYYY-MM-DD", Beijing time; default today)."""
        with self._tx() as db:
            row = db.execute(
                "SELECT COUNT(*) FROM submissions WHERE day=?",
                (day or quota_day(self.control.now()),),
            ).fetchone()
        return int(row[0])

    def article(self, media_id: str, *, include_deleted: bool = False) -> ArticleRecord | None:
        with self._tx() as db:
            row = db.execute("SELECT * FROM articles WHERE media_id=?", (media_id,)).fetchone()
        if row is None or (row["state"] == "deleted" and not include_deleted):
            return None
        return self._article_record(row)

    def articles(self, *, include_deleted: bool = False) -> list[ArticleRecord]:
        """Items of the publish library in upload order (deleted ones left out by default)."""
        with self._tx() as db:
            rows = db.execute("SELECT * FROM articles ORDER BY created, rowid").fetchall()
        return [self._article_record(r) for r in rows if include_deleted or r["state"] != "deleted"]

    def _article_record(self, row: sqlite3.Row) -> ArticleRecord:
        return ArticleRecord(
            media_id=row["media_id"],
            created=row["created"],
            state=row["state"],
            status=self._article_status(row),
            submitted_at=row["submitted"],
            items=json.loads(row["items"]),
        )

    def _article_status(self, row: sqlite3.Row) -> str:
        if row["submitted"] is None:
            return STATUS_DRAFT
        if self.control.now() - row["submitted"] < self.control.settings.review_seconds:
            return STATUS_REVIEW
        return STATUS_REJECTED if row["reject"] else STATUS_PUBLISHED


def _image_record(row: sqlite3.Row) -> ImageRecord:
    return ImageRecord(
        id=row["id"],
        kind=row["kind"],
        media_id=row["media_id"],
        ext=row["ext"],
        mime=row["mime"],
        size=row["size"],
        width=row["width"],
        height=row["height"],
        sha1=row["sha1"],
        path=f"/mmbiz/{row['id']}.{row['ext']}",
    )
