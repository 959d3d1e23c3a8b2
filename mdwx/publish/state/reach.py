"""What the account commands read from (and add to) the state database.

A small interface over :class:`~mdwx.publish.state.store.State` so ``list``, ``reconcile``,
``materials``, ``comments`` and ``stats`` do not reach into its tables: the articles mdwx
knows (every backend, superseded ones too), the ``msg_data_id`` each submit or send answered
(comments and analytics are keyed by it and WeChat lists it nowhere later), the permanent
images mdwx uploaded, and forgetting one of those once it was deleted from the library.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mdwx.publish.state.schema import ArticleRecord, UploadRecord

if TYPE_CHECKING:
    from mdwx.publish.state.store import State

#: Statuses of an article that is (or may be) on WeChat: its materials are in use.
LIVE_STATUSES = ("uploading", "updating", "draft", "submitting", "submitted", "published")


@dataclass(frozen=True)
class KnownArticle:
    """An article the state records: the post's current one, or one a ``--force`` replaced."""

    source_path: str
    backend: str
    media_id: str
    article_id: str
    status: str
    title: str
    url: str | None
    msg_data_id: str = ""
    superseded: bool = False

    @property
    def live(self) -> bool:
        return self.status in LIVE_STATUSES


def record_msg_data_id(state: State, appid: str, source_path: str, msg_data_id: str) -> None:
    """Keep the ``msg_data_id`` WeChat answered for the post's article (submit or send)."""
    state._write("UPDATE articles SET msg_data_id = ? WHERE appid = ? AND backend = ? AND source_path = ?",
                 (str(msg_data_id), appid, state.backend, source_path))


def known_articles(state: State, appid: str) -> list[KnownArticle]:
    """Every article the state records for ``appid``, of every backend, current ones first."""
    with state._guard() as conn:
        current = conn.execute("SELECT * FROM articles WHERE appid = ? ORDER BY source_path", (appid,)).fetchall()
        old = conn.execute("SELECT * FROM superseded WHERE appid = ? ORDER BY source_path", (appid,)).fetchall()
    out = [KnownArticle(r["source_path"], r["backend"], r["media_id"] or "", r["article_id"], r["status"],
                        r["title"], r["url"], r["msg_data_id"]) for r in current]
    out += [KnownArticle(r["source_path"], r["backend"], r["media_id"], r["article_id"], r["status"], r["title"],
                         r["url"], superseded=True) for r in old]
    return out


def article_by_path(state: State, appid: str, source_path: str) -> ArticleRecord | None:
    """The post's current article in any backend (the state's backend first)."""
    record = state.article(appid, source_path)
    if record is not None:
        return record
    for backend in ("draft", "media"):
        found = state.for_backend(backend).article(appid, source_path)
        if found is not None:
            return found
    return None


def sent_articles(state: State, appid: str) -> list[KnownArticle]:
    """The articles with a ``msg_data_id`` (submitted through the draft API, or mass sent),
    and the rows of a ``mass_sends`` table when this state has one (kept by ``mdwx send``)."""
    found = [a for a in known_articles(state, appid) if a.msg_data_id]
    seen = {a.msg_data_id for a in found}
    return found + [a for a in _mass_sends(state, appid) if a.msg_data_id not in seen]


def _mass_sends(state: State, appid: str) -> list[KnownArticle]:
    """Rows of the mass-send record, read by the columns it has (it may be older or newer
    than this module): a send without a msg_data_id cannot be followed and is left out."""
    with state._guard() as conn:
        if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'mass_sends'").fetchone() is None:
            return []
        columns = {str(r[1]) for r in conn.execute("PRAGMA table_info(mass_sends)")}
        if "msg_data_id" not in columns:
            return []
        where = " WHERE appid = ?" if "appid" in columns else ""
        rows = conn.execute(f"SELECT * FROM mass_sends{where}", (appid,) if where else ()).fetchall()
    out = []
    for row in rows:
        data = dict(row)
        if not data.get("msg_data_id"):
            continue
        out.append(KnownArticle(str(data.get("source_path") or ""), "mass", str(data.get("media_id") or ""), "",
                                str(data.get("status") or "sent"), str(data.get("title") or ""), None,
                                str(data["msg_data_id"])))
    return out


def permanent_uploads(state: State, appid: str) -> list[UploadRecord]:
    """The uploads that made a permanent material (covers, animated GIFs): a media_id."""
    with state._guard() as conn:
        rows = conn.execute("SELECT * FROM uploads WHERE appid = ? AND media_id IS NOT NULL AND media_id != ''"
                            " ORDER BY created_at", (appid,)).fetchall()
    return [UploadRecord(**dict(row)) for row in rows]


def forget_upload(state: State, appid: str, media_id: str) -> None:
    """The material was deleted: a later publish uploads the picture again instead of
    naming a media_id WeChat no longer knows."""
    state._write("DELETE FROM uploads WHERE appid = ? AND media_id = ?", (appid, media_id))
