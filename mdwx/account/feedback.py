"""What readers said and did: a post's comments (``comment/*``) and the analytics of the
articles mdwx sent (``datacube/getarticletotaldetail``).

Both are keyed by the ``msg_data_id`` WeChat answered when the article was submitted or
sent, which it lists nowhere later: mdwx keeps it in the state (since this version), so a
post published earlier, or by hand, has none and says so. Comments address a message's
articles **from 0**; analytics name them ``"<msg_data_id>_<n>"`` with ``n`` from 1. Only
verified accounts have either (48001 otherwise); 88000 means the article's comments are not
open. See ``docs/account.md``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from mdwx.account.addressing import article_paths, comment_address
from mdwx.account.policy import explained
from mdwx.account.session import open_account
from mdwx.account.types import CommentRow, CommentsReport, StatsReport, StatsRow
from mdwx.errors import ConfigError, MdwxError
from mdwx.publish.run_options import RunOptions
from mdwx.publish.sources import site_posts
from mdwx.wechat.reach_models import Analytics

if TYPE_CHECKING:
    from mdwx.publish.state.store import State

COMMENT_ACTIONS = ("list", "open", "close", "reply", "elect", "unelect", "delete", "unreply")
#: Days of analytics a ``stats`` call may span, asked one day per call (the old per-article
#: endpoints allowed one day per call; the current pages state no span, so mdwx stays safe).
MAX_STATS_DAYS = 90
STATS_CONCURRENCY = 4
BEIJING = dt.timezone(dt.timedelta(hours=8))


class NoMessageError(MdwxError):
    """The post's article has no recorded ``msg_data_id``: comments cannot be addressed."""

    code = "no_msg_data_id"


async def comments(
    post: Path,
    options: RunOptions | None = None,
    *,
    action: str = "list",
    comment_id: int | None = None,
    text: str = "",
    index: int | None = None,
) -> CommentsReport:
    """Do ``action`` on the comments of ``post``'s article, then list them.

    The article is the post's place in its newest recorded 群发, else in its submitted
    draft (:func:`mdwx.account.addressing.comment_address`); ``index`` (from 0) names
    another article of that message. Raises :class:`NoMessageError` when mdwx has no
    msg_data_id for the post,
    :class:`~mdwx.wechat.errors.PermissionDenied` for 48001 and 88000 (with the fix).
    """
    if action not in COMMENT_ACTIONS:
        raise ConfigError(f"action is one of {COMMENT_ACTIONS}")
    options = options or RunOptions()
    site_post = site_posts([post], options, need_path="address its comments")[0]
    async with open_account(site_post.config.root, options) as session:
        rel = site_post.relative
        record = session.state.article_any_backend(session.appid, rel)
        address = comment_address(rel, record, session.state.mass_sends(session.appid, rel))
        if address is None:
            raise NoMessageError(
                "mdwx has no msg_data_id for this post's article, and comments are keyed by it",
                path=site_post.path,
                hint="comments belong to a 群发 message (`mdwx send POST`) or to an article "
                'published through the draft box (backend = "draft"); an article of the media '
                "backend, or one whose 群发 was deleted, has none, and WeChat offers no call to "
                "look it up later",
            )
        assert session.client is not None
        index = address.index if index is None else index
        report = CommentsReport(str(site_post.path), address.msg_data_id, index, address.source)
        try:
            report.done = await _act(
                session.client, address.msg_data_id, index, action, comment_id, text
            )
            await _fill(session.client, report)
        except MdwxError as exc:
            raise explained(exc) from None
    return report


async def _act(
    client: object, msg_data_id: str, index: int, action: str, comment_id: int | None, text: str
) -> str | None:
    if action == "list":
        return None
    if action in ("open", "close"):
        await getattr(client, f"comment_{action}")(msg_data_id, index)
        return f"comments {'opened' if action == 'open' else 'closed'}"
    if comment_id is None:
        raise ConfigError(f"{action} needs a comment's user_comment_id")
    if action == "reply":
        await client.comment_reply(msg_data_id, index, comment_id, text)  # type: ignore[attr-defined]
        return f"replied to comment {comment_id}"
    method = {
        "elect": "comment_markelect",
        "unelect": "comment_unmarkelect",
        "delete": "comment_delete",
        "unreply": "comment_reply_delete",
    }[action]
    await getattr(client, method)(msg_data_id, index, comment_id)
    return f"{action}: comment {comment_id}"


async def _fill(client: object, report: CommentsReport) -> None:
    begin = 0
    while True:
        page = await client.comment_list(report.msg_data_id, report.index, begin=begin)  # type: ignore[attr-defined]
        report.total = page.total
        report.comments += [
            CommentRow(
                c.user_comment_id,
                c.content,
                c.create_time,
                c.elected,
                c.reply.content if c.reply else None,
            )
            for c in page.comments
        ]
        begin += len(page.comments)
        if not page.comments or begin >= page.total or begin >= 10_000:
            return


def stats_range(
    since: dt.date | None, until: dt.date | None, today: dt.date
) -> tuple[dt.date, dt.date]:
    """The days asked: ``since`` (default: 7 days ago) to ``until`` (default and at most:
    yesterday, Beijing time), at most :data:`MAX_STATS_DAYS`. Raises ConfigError otherwise."""
    until = min(until or today - dt.timedelta(days=1), today - dt.timedelta(days=1))
    since = since or until - dt.timedelta(days=6)
    if since > until:
        raise ConfigError(f"--since {since} is after the last day with figures ({until})")
    if (until - since).days >= MAX_STATS_DAYS:
        raise ConfigError(
            f"at most {MAX_STATS_DAYS} days at once ({since} to {until} is {(until - since).days + 1})"
        )
    return since, until


async def stats(
    folder: Path,
    options: RunOptions | None = None,
    *,
    posts: list[Path] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> StatsReport:
    """Reads, shares, 在看, likes and comments of each article published from ``since`` to
    ``until`` (``getarticletotaldetail``: each summed over up to 30 days), joined with the
    posts mdwx sent; with ``posts``, only theirs. Raises ConfigError for a bad range,
    PermissionDenied (48001) for an unverified account."""
    options = options or RunOptions()
    now = options.now() if options.now else dt.datetime.now(dt.timezone.utc)
    first, last = stats_range(since, until, now.astimezone(BEIJING).date())
    report = StatsReport(first.isoformat(), last.isoformat())
    async with open_account(folder, options) as session:
        client = session.client
        assert client is not None
        by_article = _article_paths(session.state, session.appid)
        wanted = _wanted(posts, options, by_article) if posts else None
        gate = asyncio.Semaphore(STATS_CONCURRENCY)

        async def day(when: dt.date) -> Analytics:
            async with gate:
                return await client.datacube("getarticletotaldetail", when, when)

        days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
        try:
            answers = [await day(days[0])]  # a refusal (48001) ends the call before the rest start
            answers += await asyncio.gather(*(day(d) for d in days[1:]))
        except MdwxError as exc:
            raise explained(exc) from None
        for answer in answers:
            report.is_delay = report.is_delay or answer.is_delay
            for row in answer.rows:
                if wanted is not None and (row.msg_data_id, row.index) not in wanted:
                    continue
                report.rows.append(
                    StatsRow(
                        row.msgid,
                        row.title,
                        row.ref_date,
                        by_article.get((row.msg_data_id, row.index)),
                        row.read_user,
                        row.share_user,
                        row.zaikan_user,
                        row.like_user,
                        row.comment_count,
                    )
                )
    return report


def _article_paths(state: State, appid: str) -> dict[tuple[str, int], str]:
    paths = {a.source_path for a in state.known_articles(appid) if a.msg_data_id}
    records = [(path, state.article_any_backend(appid, path)) for path in sorted(paths)]
    return article_paths(state.mass_sends(appid), records)


def _wanted(
    posts: list[Path], options: RunOptions, by_article: dict[tuple[str, int], str]
) -> set[tuple[str, int]]:
    paths = {p.relative for p in site_posts(posts, options, need_path="show its figures")}
    return {key for key, path in by_article.items() if path in paths}
