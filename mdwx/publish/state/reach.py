"""What the account commands read from (and add to) the state database.

A mixin of :class:`mdwx.publish.state.store.State`, so ``list``, ``reconcile``,
``materials``, ``comments`` and ``stats`` do not reach into its tables: the articles mdwx
knows (every backend, superseded ones too), the ``msg_data_id`` each submit or send answered
(comments and analytics are keyed by it and WeChat lists it nowhere later), the permanent
images mdwx uploaded, and forgetting one of those once it was deleted from the library.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from mdwx.publish.state.masssends import MassRecords
from mdwx.publish.state.schema import ArticleRecord, UploadRecord

#: Statuses of an article that is (or may be) on WeChat: its materials are in use.
LIVE_STATUSES = ("uploading", "updating", "draft", "submitting", "submitted", "published")


@dataclass(frozen=True)
class KnownArticle:
    """An article the state records: the post's current one, one a ``--force`` replaced, or
    a mass send (``backend`` "mass")."""

    source_path: str
    backend: str
    media_id: str
    article_id: str
    status: str
    title: str
    url: str | None
    msg_data_id: str = ""
    superseded: bool = False
    bundle_index: int = 0  # its place in its draft (a 多图文's articles share one media_id)

    @property
    def live(self) -> bool:
        return self.status in LIVE_STATUSES


class ReachRecords(MassRecords):
    """Methods over the articles, uploads and sends for the account commands; needs State's
    helpers."""

    backend: str
    _guard: Callable[[], AbstractContextManager[sqlite3.Connection]]
    _write: Callable[..., None]
    side_drafts: Callable[..., list[Any]]  # SideDraftRecords's, mixed into State beside this

    def article(self, appid: str, source_path: str) -> ArticleRecord | None:  # provided by State
        raise NotImplementedError

    def for_backend(self, backend: str) -> Any:  # provided by State
        raise NotImplementedError

    def known_articles(self, appid: str) -> list[KnownArticle]:
        """Every article the state records for ``appid``, of every backend, current ones first."""
        with self._guard() as conn:
            current = conn.execute(
                "SELECT * FROM articles WHERE appid = ? ORDER BY source_path", (appid,)
            ).fetchall()
            old = conn.execute(
                "SELECT * FROM superseded WHERE appid = ? ORDER BY source_path", (appid,)
            ).fetchall()
        out = [
            KnownArticle(
                r["source_path"],
                r["backend"],
                r["media_id"] or "",
                r["article_id"],
                r["status"],
                r["title"],
                r["url"],
                r["msg_data_id"],
                bundle_index=r["bundle_index"],
            )
            for r in current
        ]
        out += [
            KnownArticle(
                r["source_path"],
                r["backend"],
                r["media_id"],
                r["article_id"],
                r["status"],
                r["title"],
                r["url"],
                superseded=True,
            )
            for r in old
        ]
        return out + self._side_articles(appid)

    def _side_articles(self, appid: str) -> list[KnownArticle]:
        """The side drafts (:mod:`mdwx.publish.state.sidedrafts`) still in the box, one row per
        post of each (``backend`` "side:" + the API's), so ``list`` names their posts and
        ``reconcile`` does not take them for orphans."""
        return [
            KnownArticle(path, "side:" + s.backend, s.media_id, "", "draft", s.title, None)
            for s in self.side_drafts(appid)
            if s.status == "draft" and s.media_id
            for path in s.sources
        ]

    def article_any_backend(self, appid: str, source_path: str) -> ArticleRecord | None:
        """The post's current article in any backend (this view's backend first)."""
        record = self.article(appid, source_path)
        for backend in ("draft", "media"):
            if record is None:
                record = self.for_backend(backend).article(appid, source_path)
        return record

    def sent_articles(self, appid: str) -> list[KnownArticle]:
        """The recorded 群发 sends, one row each (publishing is not sending: a submitted
        article reaches no follower, so it is never listed here)."""
        return self._mass_sends(appid)

    def messages(self, appid: str) -> list[KnownArticle]:
        """Everything with a ``msg_data_id`` (comments and analytics are keyed by it): the
        articles submitted through the draft API, and the 群发 sends."""
        found = [a for a in self.known_articles(appid) if a.msg_data_id]
        seen = {a.msg_data_id for a in found}
        return found + [a for a in self._mass_sends(appid) if a.msg_data_id not in seen]

    def _mass_sends(self, appid: str) -> list[KnownArticle]:
        """The recorded 群发 sends (:mod:`mdwx.publish.state.masssends`), one row each, named
        by the send's first post (its 头条): a send without a msg_data_id cannot be followed
        and is left out."""
        return [
            KnownArticle(
                send.sources[0] if send.sources else "",
                "mass",
                send.media_id,
                "",
                send.msg_status or send.status,
                "",
                None,
                send.msg_data_id,
            )
            for send in self.mass_sends(appid)
            if send.msg_data_id
        ]

    def permanent_uploads(self, appid: str) -> list[UploadRecord]:
        """The uploads that made a permanent material (covers, animated GIFs): a media_id."""
        with self._guard() as conn:
            rows = conn.execute(
                "SELECT * FROM uploads WHERE appid = ? AND media_id IS NOT NULL AND media_id != ''"
                " ORDER BY created_at",
                (appid,),
            ).fetchall()
        return [UploadRecord(**dict(row)) for row in rows]

    def forget_upload(self, appid: str, media_id: str) -> None:
        """The material was deleted: a later publish uploads the picture again instead of
        naming a media_id WeChat no longer knows."""
        self._write("DELETE FROM uploads WHERE appid = ? AND media_id = ?", (appid, media_id))
