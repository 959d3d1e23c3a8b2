"""``status`` and ``delete``: what mdwx recorded of a post's articles, and asking WeChat.

``status`` reads the state and asks WeChat (``cgi-bin/publish/query``) for each recorded
article's live status, recording a final one (published, rejected) it learns; ``delete``
removes an article from the publishing library (``cgi-bin/publish/delete``) and records it.
The endpoints are those of the media API contract (``docs/wechat/media-api.md``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, cast

from mdwx.api.sendstatus import follow_sends
from mdwx.api.types import (
    Options,
    StatusReport,
    StatusRow,
    SupersededArticle,
)
from mdwx.errors import MdwxError
from mdwx.publish.backends import backend_name, make_backend
from mdwx.publish.connection import Connection, by_site, connect, open_state
from mdwx.publish.identity import Fingerprint, article_fingerprint, find_article, fingerprint
from mdwx.publish.plan import is_due
from mdwx.publish.routing import Route, account_options, by_account
from mdwx.publish.sources import site_posts
from mdwx.publish.state.store import State
from mdwx.publish.unchanged import UnchangedPosts
from mdwx.source import reading
from mdwx.wechat import RetryPolicy

if TYPE_CHECKING:
    from mdwx.publish.backends import Backend
    from mdwx.publish.identity import Fingerprint
    from mdwx.publish.sources import Sources
    from mdwx.publish.state.store import ArticleRecord
    from mdwx.publish.unchanged import UnchangedPosts
    from mdwx.publish.wechat_api import WeChatAPI
    from mdwx.source.model import Article
    from mdwx.source.posts import Post as SitePost


async def status(posts: Sources, options: Options | None = None) -> StatusReport:
    """Each post's recorded status, with WeChat's live status when it answers in time.

    WeChat is asked once per recorded article (``cgi-bin/publish/query``, the media API
    contract's 发布状态查询), each call given ``options.status_timeout`` seconds and no retry; once it
    failed to answer, later posts are not asked (their rows say so), so the call is bounded.
    A final status learnt (published, rejected) is recorded in the state. Without
    credentials the rows come from the record alone, each with an ``error`` saying why.
    Returns a :class:`StatusReport`; raises :class:`~mdwx.errors.ConfigError` for a path that
    does not exist and :class:`~mdwx.errors.StateError` for an unusable state database.
    """
    options = options or Options()
    report = StatusReport()
    now = options.now() if options.now else dt.datetime.now(dt.timezone.utc)
    # A post unchanged since its last publish is not parsed again: its accounts, identity and
    # publish_at are those that run kept (mdwx.publish.unchanged).
    inputs = UnchangedPosts(replace(options, dry_run=False, force=False, due=False))
    for group in by_site(site_posts(posts, options, need_path="ask for its status")):
        inputs.load(group)
        facts = _Facts(inputs)
        items = [
            item
            for post in group
            for item in inputs.routes(post, options, strict=False, read=facts.article)
        ]
        rows: list[StatusRow | None] = [None] * len(items)
        with open_state(group, report.notes, write=False) as state:
            for account, indexes in by_account(items):
                config = items[indexes[0]].post.config
                call = account_options(options, account, need_client=False)
                name = account.name if account else None
                async with connect(
                    config,
                    call,
                    need_client=False,
                    timeout=options.status_timeout,
                    retry=RetryPolicy(attempts=1),
                    account=name,
                ) as conn:
                    backend_label = backend_name(config, options.backend)
                    # Without credentials the rows are the record only: the backend is never asked.
                    backend = make_backend(backend_label, cast("WeChatAPI", conn.client), config)
                    found = await _status_rows(
                        [items[i].post for i in indexes],
                        state.for_backend(backend_label),
                        conn,
                        backend,
                        now,
                        facts,
                        options.concurrency or config.concurrency,
                    )
                for index, row in zip(indexes, found, strict=True):
                    row.account = name
                    rows[index] = row
            _pending(state, items, rows)
        report.posts += [
            row for row in rows if row is not None
        ]  # a post skipped for --account: no row
    return report


def _pending(state: State, items: list[Route], rows: list[StatusRow | None]) -> None:
    """Mark the rows of posts a publish run failed (retried by the next push)."""
    failed = {(p.source_path, p.account): p for p in state.pending()}
    for item, row in zip(items, rows, strict=True):
        record = failed.get((item.post.relative, item.name or "")) if row is not None else None
        if row is not None and record is not None:
            row.pending = {
                "reason": record.reason,
                "failures": record.failures,
                "since": record.first_failed_at,
            }


class _Facts:
    """What status needs of a post's front matter, each post read at most once.

    Kept by the post's last publish when it is unchanged since, else read here.
    """

    def __init__(self, inputs: UnchangedPosts) -> None:
        self.inputs = inputs
        self.articles: dict[Path, Article | None] = {}

    def article(self, post: SitePost) -> Article | None:
        if post.path not in self.articles:
            try:
                self.articles[post.path] = reading.read_post(post)
            except MdwxError:
                self.articles[post.path] = None
        return self.articles[post.path]

    def fingerprint(self, post: SitePost) -> Fingerprint:
        kept = self.inputs.known(post)
        if kept is not None:
            return Fingerprint(fingerprint(post).source_hash, str(kept.result.get("post_key", "")))
        article = self.article(post)
        return article_fingerprint(post, article) if article is not None else fingerprint(post)

    def publish_at(self, post: SitePost) -> dt.datetime | None:
        kept = self.inputs.known(post)
        if kept is not None:
            value = kept.result.get("publish_at")
            return dt.datetime.fromisoformat(value) if isinstance(value, str) else None
        article = self.article(post)
        return article.publish_at if article is not None else None


async def _status_rows(
    posts: list[SitePost],
    state: State,
    conn: Connection,
    backend: Backend,
    now: dt.datetime,
    facts: _Facts,
    concurrency: int,
) -> list[StatusRow]:
    """Each post's row from the record, then each recorded article's live status asked.

    WeChat is asked at most ``concurrency`` calls at once; rows stay in the order of the posts.
    """
    rows, asks = [], []
    for post in posts:
        try:
            post.source_bytes()  # the gate's rules: a refused post says so (read once, kept)
            refused = None
        except MdwxError as exc:
            refused = str(exc)
        found = find_article(state, conn.appid, post, facts.fingerprint(post))
        record = found.record
        key = record.source_path if record else post.relative
        row = StatusRow(
            path=str(post.path),
            status=record.status if record else "not published",
            media_id=record.media_id if record else None,
            url=record.url if record else None,
            renamed_from=found.renamed_from,
            superseded=[
                SupersededArticle(o.media_id, o.status, o.url, o.title)
                for o in state.superseded(conn.appid, key)
            ],
        )
        _schedule(row, facts.publish_at(post), now)
        row.sends = await follow_sends(state, conn.client, conn.appid, key)
        if refused is not None:
            row.error = refused
        elif row.sends and record and record.status == "published":
            pass  # a mass-sent draft: its sends above are its live status
        elif record and record.media_id and record.status != "deleted":
            if conn.client is None:
                row.error = "no WeChat credentials (set WECHAT_APPID and WECHAT_APPSECRET)"
            else:
                asks.append((row, record, key))
        rows.append(row)
    await _ask_live(asks, state, conn, backend, max(1, concurrency))
    return rows


async def _ask_live(
    asks: list[tuple[StatusRow, ArticleRecord, str]],
    state: State,
    conn: Connection,
    backend: Backend,
    concurrency: int,
) -> None:
    """Ask WeChat for each recorded article's live status, ``concurrency`` at a time.

    Once one call failed to answer, the calls not yet started are not made (their rows say
    so), so the whole is bounded by a few timeouts, as when asked one after the other.
    """
    gate = asyncio.Semaphore(concurrency)
    unreachable: list[str] = []

    async def ask(row: StatusRow, record: ArticleRecord, key: str) -> None:
        async with gate:
            if unreachable:
                row.error, row.not_asked = unreachable[0], True
                return
            try:
                live = await backend.progress(record)
            except MdwxError as exc:
                row.error = str(exc)
                unreachable.append(f"not asked: WeChat did not answer for an earlier post ({exc})")
                return
        row.live, row.url = live.live, live.url or row.url
        if live.final:
            state.record_status(conn.appid, key, live.status, live.url, live.article_id)
            row.status = live.status
        if live.error is not None:
            row.why = live.error.message

    await asyncio.gather(*(ask(*item) for item in asks))


def _schedule(row: StatusRow, publish_at: dt.datetime | None, now: dt.datetime) -> None:
    """Fill the row's ``publish_at`` and whether a publish run now would submit it (``due``)."""
    if publish_at is None:
        return
    row.publish_at = publish_at.isoformat()
    if row.status in ("not published", "draft", "uploading", "updating"):
        row.due = is_due(publish_at, now)
