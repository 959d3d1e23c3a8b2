"""The state's records of which article a post is (identity, renames, root changes) and of
the articles ``--force`` superseded. A mixin of :class:`mdwx.publish.state.store.State`, kept apart so the
core state module stays readable in one sitting.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from mdwx.errors import StateError
from mdwx.publish.state.schema import ArticleRecord, SupersededRecord


class IdentityRecords:
    """Methods over the ``articles`` and ``superseded`` tables; needs State's helpers."""

    path: Path
    backend: str
    _lock: threading.RLock
    _guard: Callable[[], AbstractContextManager[sqlite3.Connection]]
    _now: Callable[[], str]
    _write: Callable[..., None]
    _set_article: Callable[..., None]
    article: Callable[[str, str], ArticleRecord | None]

    def set_identity(
        self, appid: str, source_path: str, *, source_hash: str, post_key: str
    ) -> None:
        """Remember what the post file was, so a rename or move finds this article again."""
        self._set_article(
            appid, source_path, "source_hash = ?, post_key = ?", (source_hash, post_key)
        )

    def identity_matches(
        self, appid: str, *, source_hash: str, post_key: str
    ) -> list[ArticleRecord]:
        """Articles whose post had this file content or this front-matter id/slug."""
        with self._guard() as conn:
            rows = conn.execute(
                "SELECT * FROM articles WHERE appid = ? AND backend = ? AND ((source_hash != ''"
                " AND source_hash = ?) OR (post_key != '' AND post_key = ?)) ORDER BY source_path",
                (appid, self.backend, source_hash, post_key),
            ).fetchall()
        return [ArticleRecord(**dict(row)) for row in rows]

    def rename_article(self, appid: str, old: str, new: str) -> None:
        """Follow a renamed or moved post: its article and its history move to the new path."""
        with self._guard() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute(
                    "UPDATE articles SET source_path = ?, updated_at = ? WHERE appid = ?"
                    " AND backend = ? AND source_path = ?",
                    (new, self._now(), appid, self.backend, old),
                )
                conn.execute(
                    "UPDATE superseded SET source_path = ? WHERE appid = ? AND backend = ?"
                    " AND source_path = ?",
                    (new, appid, self.backend, old),
                )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def supersede(self, appid: str, source_path: str) -> None:
        """Keep the post's current article in the history before --force replaces it."""
        record = self.article(appid, source_path)
        if record is None or not record.media_id:
            return
        self._write(
            "INSERT OR REPLACE INTO superseded (appid, source_path, media_id, status, url, title,"
            " created_at, superseded_at, backend, article_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                appid,
                source_path,
                record.media_id,
                record.status,
                record.url,
                record.title,
                record.created_at,
                self._now(),
                self.backend,
                record.article_id,
            ),
        )

    def superseded(self, appid: str, source_path: str) -> list[SupersededRecord]:
        """The post's earlier articles, oldest first."""
        with self._guard() as conn:
            rows = conn.execute(
                "SELECT * FROM superseded WHERE appid = ? AND backend = ? AND source_path = ?"
                " ORDER BY superseded_at, rowid",
                (appid, self.backend, source_path),
            ).fetchall()
        return [SupersededRecord(**dict(row)) for row in rows]

    def drop_superseded(self, appid: str, media_id: str) -> None:
        """Undo :meth:`supersede` when the new article was refused: the old one stays current."""
        self._write("DELETE FROM superseded WHERE appid = ? AND media_id = ?", (appid, media_id))

    def mark_superseded_deleted(self, appid: str, media_id: str) -> None:
        self._write(
            "UPDATE superseded SET status = 'deleted' WHERE appid = ? AND media_id = ?",
            (appid, media_id),
            must_match=f"article {media_id}",
        )

    def adopt(self, other: Path, *, prefix: str = "", below: str = "") -> int:
        """Take over the records of another state database that a root change hid.

        ``prefix``: the other file's root was the folder ``prefix`` below this root (an
        ``mdwx.toml`` added above a published post, a post first published by its folder);
        all its records are copied, keys prefixed, and the caller retires the file.
        ``below``: this root is the folder ``below`` under the other file's root (an
        ``mdwx.toml`` added in a subfolder of a git repository); only the records of posts
        under ``below/`` are moved here (and removed there), keys shortened.
        Raises :class:`StateError` naming the other file when both know a post as different
        articles. Returns the number of articles taken over.
        """
        params: tuple[object, ...]
        key_params: tuple[str, ...]
        if below:
            start = len(below) + 2
            where, params = " WHERE substr(source_path, 1, ?) = ?", (start - 1, below + "/")
            key, key_params = f"substr(source_path, {start})", ()
        else:
            where, params = "", ()
            key = "(CASE WHEN ? = '' THEN source_path ELSE ? || '/' || source_path END)"
            key_params = (prefix, prefix)
        with self._guard() as conn:
            conn.execute("ATTACH DATABASE ? AS other", (str(other),))
            try:
                conflicts = conn.execute(
                    f"SELECT o.source_path FROM (SELECT appid, backend, media_id, source_path, {key} AS new_key"
                    f" FROM other.articles{where}) o JOIN main.articles m ON m.appid = o.appid"
                    " AND m.backend = o.backend"
                    " AND m.source_path = o.new_key WHERE COALESCE(m.media_id, '') != COALESCE(o.media_id, '')",
                    (*key_params, *params),
                ).fetchall()
                if (
                    below
                    and not conn.execute(
                        f"SELECT 1 FROM other.articles{where} LIMIT 1", params
                    ).fetchone()
                ):
                    return 0  # nothing of this site there
                if conflicts:
                    raise StateError(
                        f"{conflicts[0][0]} is recorded as a different article here and in {self.path}",
                        path=other,
                        hint="keep one of the two state files (move the other aside) and re-run",
                    )
                conn.execute("BEGIN IMMEDIATE")
                try:
                    # The other file may be older (fewer columns): copy the columns both have;
                    # a newer column takes its default.
                    theirs = {str(r[1]) for r in conn.execute("PRAGMA other.table_info(articles)")}
                    columns = [
                        str(r[1])
                        for r in conn.execute("PRAGMA main.table_info(articles)")
                        if str(r[1]) in theirs
                    ]
                    values = ", ".join(key if c == "source_path" else c for c in columns)
                    count = conn.execute(
                        f"INSERT OR IGNORE INTO main.articles ({', '.join(columns)})"
                        f" SELECT {values} FROM other.articles{where}",
                        (*key_params, *params),
                    ).rowcount
                    conn.execute(
                        f"INSERT OR IGNORE INTO main.superseded SELECT appid, {key}, media_id, status, url,"
                        f" title, created_at, superseded_at, backend, article_id FROM other.superseded{where}",
                        (*key_params, *params),
                    )
                    conn.execute("INSERT OR IGNORE INTO main.uploads SELECT * FROM other.uploads")
                    conn.execute("INSERT OR IGNORE INTO main.videos SELECT * FROM other.videos")
                    conn.execute(
                        "INSERT INTO main.submissions SELECT * FROM other.submissions WHERE true"
                        " ON CONFLICT (appid, day) DO UPDATE SET count = max(count, excluded.count)"
                    )
                    if below:  # moved, not copied: the other site must not answer for these posts
                        conn.execute(f"DELETE FROM other.articles{where}", params)
                        conn.execute(f"DELETE FROM other.superseded{where}", params)
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
            finally:
                conn.execute("DETACH DATABASE other")
        return count
