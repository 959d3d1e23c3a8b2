"""``status`` and ``delete``: what mdwx recorded of a post's articles, and asking WeChat.

``status`` reads the state and asks WeChat (``cgi-bin/publish/query``) for each recorded
article's live status, recording a final one (published, rejected) it learns; ``delete``
removes an article from the publishing library (``cgi-bin/publish/delete``) and records it.
The endpoints are those of the media API contract (``wechat-media-api.md``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, cast

from mdwx.api.accounts import Route, account_options, by_account, named_account, on_account, routes
from mdwx.api.connection import Connection, by_site, connect, open_state, state_appid
from mdwx.api.types import (
    ConfirmDelete,
    DeleteResult,
    DeleteTarget,
    Options,
    StatusReport,
    StatusRow,
    SupersededArticle,
)
from mdwx.errors import MdwxError
from mdwx.publish.state.store import State

if TYPE_CHECKING:
    from mdwx.accounts import Account
    from mdwx.api.inputs import Sources
    from mdwx.publish.backends import Backend
    from mdwx.publish.wechat_api import WeChatAPI
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
    from mdwx.api.inputs import site_posts
    from mdwx.publish.backends import backend_name, make_backend
    from mdwx.wechat import RetryPolicy

    options = options or Options()
    report = StatusReport()
    now = options.now() if options.now else dt.datetime.now(dt.timezone.utc)
    for group in by_site(site_posts(posts, options, need_path="ask for its status")):
        items = [item for post in group for item in routes(post, options, strict=False)]
        rows: list[StatusRow | None] = [None] * len(items)
        with open_state(group, report.notes) as state:
            for account, indexes in by_account(items):
                config = items[indexes[0]].post.config
                call = account_options(options, account, need_client=False)
                name = account.name if account else None
                async with connect(config, call, need_client=False, timeout=options.status_timeout,
                                   retry=RetryPolicy(attempts=1), account=name) as conn:
                    backend_label = backend_name(config, options.backend)
                    # Without credentials the rows are the record only: the backend is never asked.
                    backend = make_backend(backend_label, cast("WeChatAPI", conn.client), config)
                    found = await _status_rows([items[i].post for i in indexes], state.for_backend(backend_label),
                                               conn, backend, now)
                for index, row in zip(indexes, found, strict=True):
                    row.account = name
                    rows[index] = row
            _pending(state, items, rows)
        report.posts += [row for row in rows if row is not None]  # a post skipped for --account: no row
    return report


def _pending(state: State, items: list[Route], rows: list[StatusRow | None]) -> None:
    """Mark the rows of posts a publish run failed (retried by the next push)."""
    failed = {(p.source_path, p.account): p for p in state.pending()}
    for item, row in zip(items, rows, strict=True):
        record = failed.get((item.post.relative, item.name or "")) if row is not None else None
        if row is not None and record is not None:
            row.pending = {"reason": record.reason, "failures": record.failures, "since": record.first_failed_at}


async def _status_rows(posts: list[SitePost], state: State, conn: Connection,
                       backend: Backend, now: dt.datetime) -> list[StatusRow]:
    from mdwx.publish.identity import article_fingerprint, find_article

    rows = []
    unreachable: str | None = None  # once WeChat failed to answer, the rest is not asked (bounded)
    for post in posts:
        found = find_article(state, conn.appid, post, article_fingerprint(post))
        record = found.record
        key = record.source_path if record else post.relative
        row = StatusRow(path=str(post.path), status=record.status if record else "not published",
                        media_id=record.media_id if record else None, url=record.url if record else None,
                        renamed_from=found.renamed_from,
                        superseded=[SupersededArticle(o.media_id, o.status, o.url, o.title)
                                    for o in state.superseded(conn.appid, key)])
        _schedule(row, post, now)
        if record and record.media_id and record.status != "deleted":
            if conn.client is None:
                row.error = "no WeChat credentials (set WECHAT_APPID and WECHAT_APPSECRET)"
            elif unreachable:
                row.error, row.not_asked = unreachable, True
            else:
                try:
                    live = await backend.progress(record)
                except MdwxError as exc:
                    row.error = str(exc)
                    unreachable = f"not asked: WeChat did not answer for an earlier post ({exc})"
                else:
                    row.live, row.url = live.live, live.url or row.url
                    if live.final:
                        state.record_status(conn.appid, key, live.status, live.url, live.article_id)
                        row.status = live.status
                    if live.error is not None:
                        row.why = live.error.message
        rows.append(row)
    return rows


def _schedule(row: StatusRow, post: SitePost, now: dt.datetime) -> None:
    """Fill the row's ``publish_at`` and whether a publish run now would submit it (``due``)."""
    from mdwx.build import read_post
    from mdwx.publish.plan import is_due

    try:
        publish_at = read_post(post).publish_at
    except MdwxError:
        return
    if publish_at is None:
        return
    row.publish_at = publish_at.isoformat()
    if row.status in ("not published", "draft", "uploading", "updating"):
        row.due = is_due(publish_at, now)


async def delete(post: Sources, options: Options | None = None, *, article: str | None = None,
                 index: int = 0, confirm: ConfirmDelete | None = None) -> DeleteResult:
    """Delete a post's article from WeChat's publishing library and record it.

    ``post`` names one post (a path or an in-memory :class:`~mdwx.api.types.Post` with a
    path). ``article`` is the media_id of one of its articles (an earlier one a ``force``
    publish superseded; ``status`` lists them), default its current article. ``index`` is
    the article's position in the item, from 1; 0 deletes them all (mdwx publishes one
    article per item; the media API contract's ``cgi-bin/publish/delete`` and its FAQ).
    ``confirm``
    is asked with the :class:`DeleteTarget` before anything is sent; False cancels (the
    result then has ``deleted=False``). An article mdwx recorded as deleted is not sent
    again (``already_deleted``). Raises :class:`~mdwx.errors.MdwxError` when mdwx has no such
    article for the post, :class:`~mdwx.errors.ConfigError` for missing credentials, and
    WeChat's own errors (:class:`~mdwx.wechat.errors.WeChatError`) when it refuses.
    """
    from mdwx.api.inputs import site_posts
    from mdwx.publish.backends import backend_name, make_backend
    from mdwx.publish.identity import article_fingerprint, find_article

    options = options or Options()
    posts = site_posts(post, options, need_path="delete")
    if len(posts) != 1:
        raise MdwxError(f"delete takes one post, not {len(posts)}", hint="name one post file")
    target_post, account = _delete_route(posts[0], options)
    options = account_options(options, account, need_client=False)
    account_name = account.name if account else None
    notes: list[str] = []
    appid = state_appid(options, target_post.config, account_name)
    name = backend_name(target_post.config, options.backend)
    with open_state([target_post], notes) as all_state:
        state = all_state.for_backend(name)
        found = find_article(state, appid, target_post, article_fingerprint(target_post))
        record = found.record
        key = record.source_path if record else target_post.relative
        history = state.superseded(appid, key)
    targets = {o.media_id: (o.status, o.title, True) for o in history}
    handles = {o.media_id: (o.article_id, "") for o in history}  # the draft API's article_id, publish_id
    if record and record.media_id:
        targets[record.media_id] = (record.status, record.title, False)
        handles[record.media_id] = (record.article_id, record.publish_id)
    if article is None:
        if record is None or not record.media_id:
            raise MdwxError("mdwx has no article for this post", path=target_post.path,
                            hint="nothing to delete; `mdwx status` lists what was published")
        article = record.media_id
    elif article not in targets:
        known = ", ".join(targets) or "none"
        raise MdwxError(f"article {article} is not one of this post's articles (known: {known})",
                        path=target_post.path, hint="`mdwx status PATH` lists them")
    status_text, title, superseded = targets[article]
    result = DeleteResult(target_post.path, article, deleted=True, title=title, notes=tuple(notes))
    if status_text == "deleted":
        return DeleteResult(target_post.path, article, deleted=True, already_deleted=True, title=title,
                            notes=tuple(notes))
    target = DeleteTarget(target_post.path, article, title, status_text, superseded, tuple(notes))
    if confirm is not None and not confirm(target):
        return DeleteResult(target_post.path, article, deleted=False, title=title, notes=tuple(notes))
    options = account_options(options, account, need_client=True)
    async with connect(target_post.config, options, account=account_name) as conn:
        assert conn.client is not None  # need_client: a missing credential raised ConfigError
        article_id, publish_id = handles[article]
        await make_backend(name, conn.client, target_post.config).delete(
            article, status=status_text, article_id=article_id, publish_id=publish_id, index=index)
        # mdwx publishes one article per item (the contract's FAQ: index 1), so deleting
        # index 0 or 1 removes the post's article.
        with State.open(target_post.config.state_path) as all_state:
            state = all_state.for_backend(name)
            if superseded:
                state.mark_superseded_deleted(conn.appid, article)
            else:
                state.mark_deleted(conn.appid, key)
    return result


def _delete_route(post: SitePost, options: Options) -> tuple[SitePost, Account | None]:
    """The post as the account it is deleted from sees it, and that account.

    ``options.account``, else the one account its front matter lists. Raises
    :class:`MdwxError` when it lists several.
    """
    from mdwx.build import read_post

    if options.account:
        account = named_account(post, options.account)
        return on_account(post, account, options), account
    try:
        listed = read_post(post).accounts
    except MdwxError:
        listed = ()
    if len(listed) > 1:
        raise MdwxError(f"the post goes to accounts {', '.join(listed)}: say which to delete it from",
                        path=post.path, hint=f"mdwx delete --account {listed[0]} {post.path}")
    if listed:
        account = post.config.accounts[listed[0]]
        return on_account(post, account, options), account
    return post, None
