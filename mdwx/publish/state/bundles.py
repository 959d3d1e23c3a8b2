"""The state's view of 多图文 bundles: each post's place in its bundle's shared draft.

A mixin of :class:`mdwx.publish.state.store.State`. A bundle's articles are the rows of
``articles`` whose ``bundle`` names it; they share the draft's ``media_id`` and each keeps
its ``bundle_index`` (from 0, as ``draft/update`` takes it). So the state maps every post
to (media_id, index), and the bundle as WeChat holds it is read back from those rows
(docs/reach.md, "多图文").
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager

from mdwx.publish.state.schema import ArticleRecord


class BundleRecords:
    """Reads and writes of bundle places; needs State's helpers and ``backend``."""

    backend: str
    _guard: Callable[[], AbstractContextManager[sqlite3.Connection]]
    _write: Callable[..., None]
    _now: Callable[[], str]

    def bundle_members(self, appid: str, name: str) -> list[ArticleRecord]:
        """The recorded articles of bundle ``name`` (this backend's), by their draft index."""
        with self._guard() as conn:
            rows = conn.execute(
                "SELECT * FROM articles WHERE appid = ? AND backend = ? AND bundle = ?"
                " ORDER BY bundle_index, source_path",
                (appid, self.backend, name),
            ).fetchall()
        return [ArticleRecord(**dict(row)) for row in rows]

    def place_in_bundle(self, appid: str, source_path: str, name: str, index: int) -> None:
        """Record that the post's article is article ``index`` (from 0) of bundle ``name``'s
        draft ("" and 0: the post is in no bundle)."""
        self._write(
            "UPDATE articles SET bundle = ?, bundle_index = ?, updated_at = ?"
            " WHERE appid = ? AND backend = ? AND source_path = ?",
            (name, index, self._now(), appid, self.backend, source_path),
            must_match=f"article {source_path}",
        )

    def forget_article(self, appid: str, source_path: str) -> None:
        """Drop the post's article record: its draft was deleted (a bundle made anew without it)."""
        self._write(
            "DELETE FROM articles WHERE appid = ? AND backend = ? AND source_path = ?",
            (appid, self.backend, source_path),
        )
