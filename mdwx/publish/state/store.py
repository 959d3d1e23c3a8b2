"""The state database: what mdwx has already sent to which WeChat account.

Re-running ``mdwx publish`` must not upload an image twice, create a second draft, or start a
video upload from scratch; that memory lives here, in one SQLite file per site
(``.mdwx/state.db``). Every row is keyed by appid so a sandbox run never pollutes the record of
a real account.

Why SQLite with WAL: several asyncio tasks of one process and several processes (a git hook
and a manual run) may use the file at once. WAL lets readers proceed while one writer commits,
and ``busy_timeout`` makes a second writer wait instead of failing with "database is locked".
Every write commits at once (autocommit), so a SIGKILL never loses more than the call in
flight; "intent" statuses (``uploading``, ``submitting``) are written *before* the network
call so a crash between request and answer is visible on the next run.

There is deliberately no column for tokens or secrets: the state file may be committed or
shared by accident and must leak nothing.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from mdwx.errors import StateError
from mdwx.install_hint import upgrade_hint
from mdwx.publish.state.bundles import BundleRecords
from mdwx.publish.state.damage import check_files, check_regular
from mdwx.publish.state.identity import IdentityRecords
from mdwx.publish.state.pending import PendingRecords
from mdwx.publish.state.post_inputs import PostInputsRecords
from mdwx.publish.state.reach import ReachRecords
from mdwx.publish.state.schema import (
    BUSY_TIMEOUT_MS,
    MIGRATIONS,
    SCHEMA_VERSION,
    UPLOAD_KINDS,
    WECHAT_TZ,
    ArticleRecord,
    SupersededRecord,
    UploadKind,
    UploadRecord,
    VideoRecord,
    state_error,
)
from mdwx.publish.state.sidedrafts import SideDraftRecords
from mdwx.publish.statuses import ARTICLE_STATUSES, ArticleStatus

__all__ = [
    "ARTICLE_STATUSES",
    "UPLOAD_KINDS",
    "ArticleRecord",
    "ArticleStatus",
    "State",
    "SupersededRecord",
    "UploadKind",
    "UploadRecord",
    "VideoRecord",
]


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class State(
    IdentityRecords,
    PendingRecords,
    ReachRecords,
    PostInputsRecords,
    BundleRecords,
    SideDraftRecords,
):
    """One open state database. Use :meth:`open`; a context manager closing the file.

    One connection serves every asyncio task of the process; calls are short and guarded by
    a lock, so worker threads (``asyncio.to_thread``) may use it too.
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        clock: Callable[[], datetime],
        backend: str = "media",
        lock: threading.RLock | None = None,
    ) -> None:
        self._conn = conn
        self.path = path
        self._clock = clock
        self._lock = lock or threading.RLock()
        #: Which API's articles this view reads and writes (uploads, videos and the daily
        #: submission count belong to the account and are shared by both).
        self.backend = backend

    def for_backend(self, backend: str) -> State:
        """A view of the same open database whose article records are ``backend``'s."""
        return State(self._conn, self.path, self._clock, backend, self._lock)

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def open(
        cls, path: Path, *, clock: Callable[[], datetime] | None = None, _in_place: bool = False
    ) -> State:
        """Open (creating if needed) and migrate the database at ``path``.

        ``clock`` returns an aware datetime; tests inject one to cross WeChat's midnight.
        """
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StateError(
                f"cannot create the folder for the state database: {exc.strerror}",
                path=path.parent,
                hint="set MDWX_STATE to a writable path",
            ) from exc
        if not _in_place and not path.exists() and not _has_wal(path):
            _create(cls, path, clock)  # whole, never seen half created by another process
        _refuse_truncated(path)
        check_files(path)  # before connecting: SQLite would drop a cut header or journal silently
        try:
            conn = sqlite3.connect(
                path,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                check_same_thread=False,
            )
        except sqlite3.Error as exc:
            raise state_error(exc, path) from exc
        conn.row_factory = sqlite3.Row
        state = cls(conn, path, clock or _utc_now)
        try:
            with state._guard():
                state._configure()
                state._migrate()
        except BaseException:
            conn.close()
            raise
        return state

    def _configure(self) -> None:
        self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        mode = self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StateError(
                f"cannot switch the state database to WAL mode (got {mode})",
                path=self.path,
                hint="put the state on a local disk, not a network share",
            )
        # FULL: an intent must be on disk before the network call it announces, or a power
        # loss could forget a request that was sent.
        self._conn.execute("PRAGMA synchronous = FULL")
        self._conn.execute("PRAGMA foreign_keys = ON")

    def _migrate(self) -> None:
        if self.schema_version == SCHEMA_VERSION:
            return
        # BEGIN IMMEDIATE takes the write lock first, so two processes opening a fresh file
        # at once migrate it once; the version is read again under the lock.
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            version = self.schema_version
            if version > SCHEMA_VERSION:
                raise StateError(
                    f"the state database has schema version {version}, newer than this mdwx"
                    f" understands ({SCHEMA_VERSION})",
                    path=self.path,
                    hint=upgrade_hint(),
                )
            for index in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[index].split(";"):
                    if statement.strip():
                        self._conn.execute(statement)
            self._conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self._conn.execute("COMMIT")
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise

    @property
    def schema_version(self) -> int:
        with self._guard():
            return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> State:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- helpers -------------------------------------------------------------------------

    @contextmanager
    def _guard(self) -> Iterator[sqlite3.Connection]:
        """Serialise access and turn SQLite failures into a StateError a person can act on."""
        with self._lock:
            try:
                yield self._conn
            except sqlite3.Error as exc:
                raise state_error(exc, self.path) from exc

    def _now(self) -> str:
        return self._clock().astimezone(timezone.utc).isoformat(timespec="seconds")

    def _one(self, sql: str, params: tuple[Any, ...]) -> sqlite3.Row | None:
        with self._guard() as conn:
            row: sqlite3.Row | None = conn.execute(sql, params).fetchone()
            return row

    def _write(self, sql: str, params: tuple[Any, ...], *, must_match: str | None = None) -> None:
        """Run one statement (committed at once); ``must_match`` names the row it needs."""
        with self._guard() as conn:
            changed = conn.execute(sql, params).rowcount
        if must_match is not None and changed == 0:
            raise StateError(f"the state database has no record of {must_match}", path=self.path)

    # -- uploads -------------------------------------------------------------------------

    def lookup_upload(self, appid: str, content_hash: str, kind: UploadKind) -> UploadRecord | None:
        _check_kind(kind)
        row = self._one(
            "SELECT * FROM uploads WHERE appid = ? AND content_hash = ? AND kind = ?",
            (appid, content_hash, kind),
        )
        return UploadRecord(**dict(row)) if row else None

    def record_upload(
        self,
        appid: str,
        content_hash: str,
        kind: UploadKind,
        *,
        url: str,
        media_id: str | None = None,
        size: int,
    ) -> None:
        _check_kind(kind)
        self._write(
            "INSERT INTO uploads (appid, content_hash, kind, url, media_id, size, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (appid, content_hash, kind) DO UPDATE"
            " SET url = excluded.url, media_id = excluded.media_id, size = excluded.size,"
            " created_at = excluded.created_at",
            (appid, content_hash, kind, url, media_id, size, self._now()),
        )

    # -- videos --------------------------------------------------------------------------

    def video(self, appid: str, file_sha1: str) -> VideoRecord | None:
        row = self._one(
            "SELECT * FROM videos WHERE appid = ? AND file_sha1 = ?", (appid, file_sha1)
        )
        if row is None:
            return None
        values = dict(row)
        values["finished"] = bool(values["finished"])
        return VideoRecord(**values)

    def start_video(
        self, appid: str, file_sha1: str, *, vid: str, filename: str, filesize: int
    ) -> None:
        """Record a fresh ``init_upload``; any earlier progress for the file is forgotten."""
        self._write(
            "INSERT OR REPLACE INTO videos (appid, file_sha1, vid, filename, filesize,"
            " blocks_confirmed, finished, media_id, status, wording, updated_at)"
            " VALUES (?, ?, ?, ?, ?, 0, 0, NULL, NULL, '', ?)",
            (appid, file_sha1, vid, filename, filesize, self._now()),
        )

    def confirm_block(self, appid: str, file_sha1: str, part_num: int) -> None:
        """Record that WeChat accepted block ``part_num`` (committed before the next block).

        ``blocks_confirmed`` stays contiguous: confirming part n needs parts 1..n-1 first;
        confirming an already confirmed part again is harmless.
        """
        record = self.video(appid, file_sha1)
        if record is None:
            raise StateError(f"the state database has no record of video {file_sha1}")
        if part_num > record.blocks_confirmed + 1:
            raise StateError(
                f"block {part_num} of video {record.filename} confirmed before block"
                f" {record.blocks_confirmed + 1}",
                path=self.path,
            )
        self._write(
            "UPDATE videos SET blocks_confirmed = MAX(blocks_confirmed, ?), updated_at = ?"
            " WHERE appid = ? AND file_sha1 = ?",
            (part_num, self._now(), appid, file_sha1),
        )

    def finish_video(self, appid: str, file_sha1: str) -> None:
        self._set_video(appid, file_sha1, "finished = 1", ())

    def set_video_media_id(self, appid: str, file_sha1: str, media_id: str) -> None:
        self._set_video(appid, file_sha1, "media_id = ?", (media_id,))

    def set_video_status(self, appid: str, file_sha1: str, status: int, wording: str) -> None:
        self._set_video(appid, file_sha1, "status = ?, wording = ?", (status, wording))

    def reset_video(self, appid: str, file_sha1: str) -> None:
        """Forget a video WeChat no longer knows (expired vid, deleted media)."""
        self._write("DELETE FROM videos WHERE appid = ? AND file_sha1 = ?", (appid, file_sha1))

    def _set_video(
        self, appid: str, file_sha1: str, assignments: str, values: tuple[object, ...]
    ) -> None:
        self._write(
            f"UPDATE videos SET {assignments}, updated_at = ? WHERE appid = ? AND file_sha1 = ?",
            (*values, self._now(), appid, file_sha1),
            must_match=f"video {file_sha1}",
        )

    # -- articles ------------------------------------------------------------------------

    def article(self, appid: str, source_path: str) -> ArticleRecord | None:
        row = self._one(
            "SELECT * FROM articles WHERE appid = ? AND backend = ? AND source_path = ?",
            (appid, self.backend, source_path),
        )
        return ArticleRecord(**dict(row)) if row else None

    def articles(self, appid: str) -> list[ArticleRecord]:
        with self._guard() as conn:
            rows = conn.execute(
                "SELECT * FROM articles WHERE appid = ? AND backend = ? ORDER BY source_path",
                (appid, self.backend),
            ).fetchall()
        return [ArticleRecord(**dict(row)) for row in rows]

    def begin_upload(self, appid: str, source_path: str, *, title: str, content_hash: str) -> None:
        """Mark that uploadnews (or update) is about to be sent: outcome unknown until recorded.

        A previous ``media_id`` is kept: after a crash it names the draft that may exist.
        """
        now = self._now()
        self._write(
            "INSERT INTO articles (appid, backend, source_path, content_hash, status, title, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, 'uploading', ?, ?, ?)"
            " ON CONFLICT (appid, backend, source_path) DO UPDATE SET status = 'uploading',"
            " content_hash = excluded.content_hash, title = excluded.title,"
            " updated_at = excluded.updated_at",
            (appid, self.backend, source_path, content_hash, title, now, now),
        )

    def begin_update(self, appid: str, source_path: str) -> None:
        """Mark that ``update`` of the unsubmitted article is about to be sent.

        Unlike uploadnews, update creates nothing: after a crash the next run repeats it.
        """
        self._set_article(appid, source_path, "status = 'updating'", ())

    def record_uploaded(
        self, appid: str, source_path: str, media_id: str, content_hash: str, title: str
    ) -> None:
        self._set_article(
            appid,
            source_path,
            "status = 'draft', media_id = ?, content_hash = ?, title = ?, url = NULL,"
            " submitted_at = NULL, published_at = NULL, publish_id = '', article_id = '',"
            " msg_data_id = ''",
            (media_id, content_hash, title),
        )

    def begin_submit(self, appid: str, source_path: str) -> None:
        self._set_article(appid, source_path, "status = 'submitting'", ())

    def record_submitted(
        self, appid: str, source_path: str, publish_id: str = "", msg_data_id: str = ""
    ) -> None:
        """The submit was taken; ``publish_id`` (draft API) is what to follow it by,
        ``msg_data_id`` what comments and analytics name its articles by."""
        self._set_article(
            appid,
            source_path,
            "status = 'submitted', submitted_at = ?,"
            " publish_id = CASE WHEN ? = '' THEN publish_id ELSE ? END,"
            " msg_data_id = CASE WHEN ? = '' THEN msg_data_id ELSE ? END",
            (self._now(), publish_id, publish_id, msg_data_id, msg_data_id),
        )

    def record_status(
        self,
        appid: str,
        source_path: str,
        status: ArticleStatus,
        url: str | None = None,
        article_id: str = "",
    ) -> None:
        """Record what WeChat said (publish/query, freepublish/get); ``published_at`` keeps
        the first time it was seen, ``article_id`` (draft API) the published article."""
        if status not in ARTICLE_STATUSES:
            raise ValueError(f"unknown article status {status!r}")
        published_at = self._now() if status == "published" else None
        self._set_article(
            appid,
            source_path,
            "status = ?, url = COALESCE(?, url), published_at = COALESCE(published_at, ?),"
            " article_id = CASE WHEN ? = '' THEN article_id ELSE ? END",
            (status, url, published_at, article_id, article_id),
        )

    def restore_article(self, appid: str, source_path: str, previous: ArticleRecord | None) -> None:
        """Undo an intent whose call failed for certain (WeChat refused it: nothing was done)."""
        if previous is None:
            self._write(
                "DELETE FROM articles WHERE appid = ? AND backend = ? AND source_path = ?",
                (appid, self.backend, source_path),
            )
            return
        self._set_article(
            appid,
            source_path,
            "status = ?, media_id = ?, content_hash = ?, title = ?, url = ?,"
            " publish_id = ?, article_id = ?",
            (
                previous.status,
                previous.media_id,
                previous.content_hash,
                previous.title,
                previous.url,
                previous.publish_id,
                previous.article_id,
            ),
        )

    def mark_deleted(self, appid: str, source_path: str) -> None:
        self._set_article(appid, source_path, "status = 'deleted'", ())

    def _set_article(
        self, appid: str, source_path: str, assignments: str, values: tuple[object, ...]
    ) -> None:
        self._write(
            f"UPDATE articles SET {assignments}, updated_at = ?"
            " WHERE appid = ? AND backend = ? AND source_path = ?",
            (*values, self._now(), appid, self.backend, source_path),
            must_match=f"article {source_path}",
        )

    # -- submissions ---------------------------------------------------------------------

    def wechat_day(self) -> str:
        """Today's date as WeChat counts its daily submission quota (Beijing time)."""
        return self._clock().astimezone(WECHAT_TZ).date().isoformat()

    def count_submissions_today(self, appid: str) -> int:
        row = self._one(
            "SELECT count FROM submissions WHERE appid = ? AND day = ?",
            (appid, self.wechat_day()),
        )
        return int(row["count"]) if row else 0

    def record_submission(self, appid: str) -> int:
        """Count one submit against today's quota; returns the new count for today."""
        day = self.wechat_day()
        self._write(
            "INSERT INTO submissions (appid, day, count) VALUES (?, ?, 1)"
            " ON CONFLICT (appid, day) DO UPDATE SET count = count + 1",
            (appid, day),
        )
        return self.count_submissions_today(appid)

    def reserve_submission(self, appid: str, limit: int) -> int | None:
        """Count one submit against today's (Beijing) quota of ``limit`` before it is sent, in
        one statement, so no two posts or processes take the same last one; the new count, or
        None when ``limit`` submits were counted today already (nothing may be sent)."""
        day = self.wechat_day()
        with self._guard() as conn:
            taken = conn.execute(
                "INSERT INTO submissions (appid, day, count) SELECT ?, ?, 1 WHERE ? > 0"
                " ON CONFLICT (appid, day) DO UPDATE SET count = count + 1 WHERE count < ?",
                (appid, day, limit, limit),
            ).rowcount
            if not taken:
                return None
            row = conn.execute(
                "SELECT count FROM submissions WHERE appid = ? AND day = ?", (appid, day)
            ).fetchone()
        return int(row["count"])

    def release_submission(self, appid: str) -> None:
        """Give back a reserved submit that was not taken (WeChat refused it, or it had been)."""
        with self._guard() as conn:
            conn.execute(
                "UPDATE submissions SET count = count - 1 WHERE appid = ? AND day = ?"
                " AND count > 0",
                (appid, self.wechat_day()),
            )


def _check_kind(kind: str) -> None:
    if kind not in UPLOAD_KINDS:
        raise ValueError(f"unknown upload kind {kind!r}; expected one of {UPLOAD_KINDS}")


#: SQLite message fragments → (what happened, what the user can do about it).


def _refuse_truncated(path: Path) -> None:
    """A state file that exists but is empty was truncated (a crash, a full disk, a bad
    copy), not never used: SQLite would take it as a new database and every post would be
    published again. Refuse it; deleting the file is the explicit way to start afresh.

    mdwx never leaves an empty state file while creating one (:func:`_create` puts a whole
    database in place at once), so an empty file is always damage, whatever the timing.
    """
    try:
        if check_regular(path).st_size > 0 or _has_wal(path):
            return
    except FileNotFoundError:
        return  # a new database: created below
    except OSError:
        return  # unreadable: sqlite3.connect reports it in its own words
    raise StateError(
        "the state database is empty (0 bytes): it was truncated, so mdwx no longer knows"
        " what it published",
        path=path,
        hint=f"restore it from a backup; or, to start afresh (posts already published would"
        f" be published again as new articles), delete it: rm {path}",
    )


def _create(cls: type[State], path: Path, clock: Callable[[], datetime] | None) -> None:
    """Put a new, migrated database at ``path`` in one step: built under a private name
    beside it, then hard-linked into place, which fails if another process got there first
    (its database is then used). So no process ever sees a state file half created; where
    the file system has no hard links, the database is created in place as SQLite does."""
    scratch = path.with_name(f".{path.name}.new-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        with cls.open(scratch, clock=clock, _in_place=True):
            pass
        try:
            os.link(scratch, path)
        except FileExistsError:
            pass  # another mdwx process created it meanwhile: theirs is the state
        except OSError:
            pass  # no hard links here: sqlite3.connect creates it in place
    finally:
        for leftover in (scratch, *(Path(f"{scratch}{s}") for s in ("-wal", "-shm", "-journal"))):
            leftover.unlink(missing_ok=True)


def _has_wal(path: Path) -> bool:
    try:
        return Path(f"{path}-wal").stat().st_size > 0
    except OSError:
        return False
