"""Reaching followers from the library: a post on a phone (``message/mass/preview``).

Both preview and 群发 start the same way (:func:`drafted`): the posts pass the one gate
(:func:`mdwx.publish.sources.site_posts`, :func:`mdwx.api.routed.gate_routes`), the account and
its credentials are resolved, and only then is anything sent — each post uploaded or
updated as an unsubmitted article by the publishing pipeline (run as ``publish --draft``;
an unchanged post sends nothing and keeps its draft). ``docs/reach.md`` says what WeChat
allows.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from mdwx.api.bundles import refuse_bundles, with_bundle_siblings
from mdwx.api.routed import check_fetched_covers, gate_routes, resolve_credentials
from mdwx.errors import ConfigError, MdwxError
from mdwx.publish.bundleplan import REMAKE
from mdwx.publish.connection import SANDBOX_POLL, by_site, connect, open_state
from mdwx.publish.mass import (
    PREVIEW_DAILY_LIMIT,
    PREVIEW_WARN_MARGIN,
    Recipient,
    parse_recipient,
    previews_left,
)
from mdwx.publish.plan import UNCHANGED, UPDATE, UPLOAD
from mdwx.publish.publisher import Publisher
from mdwx.publish.routing import Route, account_options, routes
from mdwx.publish.sidedraft import drop_side_drafts, needs_side_draft, note_side, side_draft
from mdwx.publish.sources import site_posts
from mdwx.wechat.errors import OutcomeUnknown, TransportError, WeChatError

if TYPE_CHECKING:
    from mdwx.api.types import Options
    from mdwx.config import SiteConfig
    from mdwx.prepare import Prepared
    from mdwx.publish.connection import Connection
    from mdwx.publish.results import PostResult
    from mdwx.publish.sources import Sources
    from mdwx.publish.state.store import ArticleRecord, State
    from mdwx.source.posts import Post as SitePost


class ReachError(MdwxError):
    """A preview or send mdwx refuses before sending it.

    No quota left, a post that is no longer a draft, posts for several accounts.
    """

    code = "reach"


@dataclass
class Drafted:
    """The posts as unsubmitted articles of one account, with the open connection."""

    conn: Connection
    state: State  # the backend's view
    appid: str
    backend: str
    account: str | None
    config: SiteConfig
    posts: list[SitePost]
    results: list[PostResult]
    records: list[ArticleRecord]
    publisher: Publisher  # the run's Publisher: it makes a side draft when one is needed
    #: The message's draft left the box (published or sent): a side draft stands in for it.
    side: bool = False
    side_media_id: str = ""  # the side draft in the box, once :func:`in_box` put it there
    side_uploaded: bool = False

    async def in_box(self) -> str:
        """The ``media_id`` of the message's draft in the box.

        The posts' own draft, or their side draft (reused while they are unchanged, else
        uploaded). Raises :class:`ReachError` for a published post edited since.
        """
        if not self.side:
            media_id = self.records[0].media_id
            assert media_id
            for message, code in await drop_side_drafts(  # of a version published earlier
                self.publisher.backend, self.state, self.appid, [p.relative for p in self.posts]
            ):
                self.results[0].warn(message, code=code)
            return media_id
        if self.side_media_id:
            return self.side_media_id
        for post, record, result in zip(self.posts, self.records, self.results, strict=True):
            if UNCHANGED not in result.steps:
                error = not_a_draft(record, post.path)
                assert error is not None
                raise error
        order = sorted(range(len(self.posts)), key=lambda i: self.records[i].bundle_index)
        media_id, plan, warnings = await side_draft(
            self.publisher, [self.posts[i] for i in order], [self.records[i] for i in order]
        )
        self.side_media_id, self.side_uploaded = media_id, plan.media_id != media_id
        note_side(self.results[0], plan, self.side_uploaded)
        for message, code in warnings:
            self.results[0].warn(message, code=code)
        return media_id


def one_account(items: Sequence[Route], verb: str) -> str | None:
    """The single account the routes go to (a preview or a send is one account's act).

    Raises :class:`ConfigError` naming them when there are several.
    """
    names = sorted(
        {str(item.name) for item in items if item.skipped is None and item.error is None}, key=str
    )
    if len(names) > 1:
        raise ConfigError(
            f"the posts go to several accounts ({', '.join(names)}); {verb} one at a time",
            hint="name one with --account NAME",
        )
    taken = [item for item in items if item.skipped is None and item.error is None]
    return taken[0].name if taken else None


def not_a_draft(record: ArticleRecord | None, path: Path) -> ReachError | None:
    """Why the post has no draft in the box to preview or send (None: it has one).

    A published or sent post that is unchanged gets a side draft instead
    (:mod:`mdwx.publish.sidedraft`); this is the refusal for one edited since.
    """
    if record is not None and record.status == "draft" and record.media_id:
        return None
    status = record.status if record is not None else "not uploaded"
    return ReachError(
        f"its article is {status} and the post changed since: a preview or a 群发 of a "
        "published post shows what was published, and this post is no longer that",
        path=path,
        hint="publish the edit first (`mdwx publish --force --draft PATH` makes a new "
        "draft of it), or undo the edit to preview or send the published version",
    )


def _was_sent(state: State, appid: str, record: ArticleRecord | None) -> bool:
    return record is not None and any(
        s.media_id == record.media_id and s.status != "sending"
        for s in state.mass_sends(appid, record.source_path)
    )


async def gated(
    paths: Sources, options: Options, verb: str
) -> tuple[str | None, list[Route], list[Prepared]]:
    """The account, the routes taken and each post prepared, before the first request.

    Every offline check and every credential is settled here. Raises the first problem found.
    """
    site = with_bundle_siblings(site_posts(paths, options, need_path=verb), options)
    if len(by_site(site)) > 1:
        raise ConfigError(f"{verb} takes the posts of one site at a time")
    items = [item for post in site for item in routes(post, options)]
    for item in items:
        if item.error is not None:
            raise item.error
    name = one_account(items, verb)
    taken = [item for item in items if item.skipped is None]
    if not taken:
        raise ConfigError(f"no post to {verb}: every post is for another account")
    resolve_credentials(items, options)
    ready, ordered = [], []
    for path in dict.fromkeys(item.post.path for item in taken):  # each post gated on its own
        mine = [item for item in taken if item.post.path == path]
        ready += gate_routes(mine, options)
        ordered += mine
    taken = ordered
    await check_fetched_covers(taken, ready, options)
    verdicts: list[Prepared | MdwxError | None] = list(ready)
    refuse_bundles(taken, verdicts, options)  # a 多图文 bundle goes out whole or not at all
    for verdict in verdicts:
        if isinstance(verdict, MdwxError):
            raise verdict
    bundles = {(p.post.config.root, p.article.bundle) for p in ready}
    one_bundle = len(bundles) == 1 and all(name for _, name in bundles)
    if len({item.post.path for item in taken}) > 1 and not one_bundle:
        raise ConfigError(
            f"{verb} takes one post, or the posts of one bundle: each 群发 is one message",
            hint="name one post, or give the posts of one bundle (bundle: in front matter)",
        )
    return name, taken, ready


@contextlib.asynccontextmanager
async def drafted(
    paths: Sources, options: Options, *, verb: str, resend: bool = False
) -> AsyncIterator[Drafted]:
    """The posts as unsubmitted articles of one account, with the open connection.

    Gate the posts, resolve the account, then upload or update each as an unsubmitted
    article. With ``resend`` a post whose draft mdwx already mass-sent passes too (a re-run
    of a send learns it was sent). Raises the first post's error (nothing more is sent once
    one fails), :class:`ConfigError` for the site or the credentials.
    """
    name, taken, ready = await gated(paths, options, verb)
    account = taken[0].account
    posts = [item.post for item in taken]
    notes: list[str] = []
    with open_state(posts, notes) as state:
        acc = account_options(options, account, need_client=True)
        async with connect(posts[0].config, acc, need_client=True, account=name) as conn:
            sandbox_poll = SANDBOX_POLL if options.sandbox else None
            run = replace(  # a draft to send: uploaded now, never submitted nor waited for
                options,
                draft=True,
                wait=False,
                dry_run=False,
                force=False,
                due=False,
                poll_interval=sandbox_poll,
                video_poll_interval=sandbox_poll,
            )
            publisher = Publisher(conn.client, state, conn.appid, run, options.events)
            publisher.ready.update(
                {item.post.path: p for item, p in zip(taken, ready, strict=True)}
            )
            results = await publisher.publish_all(posts)
            for result in results:
                if result.error is not None:
                    raise result.error
            view = publisher.state
            records = [view.article(conn.appid, post.relative) for post in posts]
            side = needs_side_draft(records)  # published or sent: a side draft stands in
            for post, record, result in zip(posts, records, results, strict=True):
                error = not_a_draft(record, post.path)
                passes = side and UNCHANGED in result.steps
                resent = resend and _was_sent(view, conn.appid, record)
                if error is not None and not passes and not resent:
                    raise error
            backend = publisher.backend.name if publisher.backend else "media"
            yield Drafted(
                conn,
                view,
                conn.appid,
                backend,
                name,
                posts[0].config,
                posts,
                results,
                [r for r in records if r is not None],
                publisher,
                side,
            )


@dataclass
class PreviewResult:
    """What ``mdwx preview POST --phone`` did: the draft (``media_id``) sent to ``to``.

    ``uploaded`` is False when the unchanged post reused its draft; ``previews_left`` is
    today's previews left for the account (of about 100).
    """

    path: str
    title: str | None
    media_id: str
    to: str
    msg_id: str
    uploaded: bool
    previews_used: int
    previews_left: int
    account: str | None = None
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        """What ``preview --phone --json`` prints."""
        return {
            "path": self.path,
            "title": self.title,
            "media_id": self.media_id,
            "to": self.to,
            "msg_id": self.msg_id,
            "uploaded": self.uploaded,
            "account": self.account,
            "previews": {"used_today": self.previews_used, "left_today": self.previews_left},
            "warnings": list(self.warnings),
            "error": None,
        }


def preview_recipient(
    config: SiteConfig, account: str | None, *, wxname: str | None, openid: str | None
) -> Recipient:
    """Whom a preview goes to: ``--phone``/``--openid``, else ``preview_to``.

    The account's ``preview_to`` wins over the site's. Raises :class:`ConfigError` when
    none is set.
    """
    if wxname and openid:
        raise ConfigError("give --phone or --openid, not both")
    if wxname:
        return parse_recipient(wxname, where="--phone")
    if openid:
        return Recipient(openid=parse_recipient(f"openid:{openid}", where="--openid").openid)
    chosen = config.accounts.get(account) if account else None
    configured = (chosen.preview_to if chosen is not None else None) or config.preview_to
    if not configured:
        raise ConfigError(
            "no recipient: give a 微信号 or OpenID, or set preview_to",
            hint='preview_to = "your-wechat-id" or "openid:o…" in mdwx.toml (or the account\'s '
            "[accounts.NAME] table)",
        )
    return parse_recipient(configured, where="preview_to")


async def phone_preview(
    path: Path, options: Options, *, wxname: str | None = None, openid: str | None = None
) -> PreviewResult:
    """Send one post to a follower's phone with ``message/mass/preview``.

    The post is uploaded as a draft if needed (unchanged: the same draft is sent again, nothing
    re-uploaded). mdwx counts today's previews per account (Beijing time) and refuses the
    101st before sending it. Raises :class:`ReachError`, :class:`ConfigError`, the post's own
    error, or the :class:`~mdwx.wechat.errors.WeChatError` of the call (43004 not a
    follower, 45009 the day's previews used up, 48001 an unverified account).
    """
    async with drafted([path], options, verb="preview") as done:
        who = preview_recipient(done.config, done.account, wxname=wxname, openid=openid)
        reserved = done.state.reserve_preview(done.appid, PREVIEW_DAILY_LIMIT)
        if reserved is None:
            raise ReachError(
                f"today's {PREVIEW_DAILY_LIMIT} previews are used up for this account",
                path=path,
                hint="WeChat allows about 100 a day; it resets at 00:00 Beijing time",
            )
        used = reserved
        result = done.results[0]
        try:
            media_id = await done.in_box()  # a published post: its side draft
        except BaseException:
            done.state.release_preview(done.appid)
            raise
        assert done.conn.client is not None  # connected with need_client
        try:
            msg_id = await done.conn.client.mass_preview(
                media_id, towxname=who.wxname, touser=who.openid
            )
        except (OutcomeUnknown, TransportError):  # it may have reached the phone: it stays counted
            raise
        except WeChatError:  # refused for certain: nothing reached the phone
            done.state.release_preview(done.appid)
            raise
        report = PreviewResult(
            path=str(done.posts[0].path),
            title=result.title,
            media_id=media_id,
            to=str(who),
            msg_id=msg_id,
            uploaded=any(_uploads(r.steps) for r in done.results) or done.side_uploaded,
            previews_used=used,
            previews_left=previews_left(used),
            account=done.account,
            warnings=list(result.warnings),
        )
        if report.previews_left <= PREVIEW_WARN_MARGIN:
            report.warnings.append(f"{report.previews_left} previews left today for this account")
        return report


def _uploads(steps: Sequence[str]) -> bool:
    """Whether a post's steps put (or changed) its article in the box.

    ``uploadnews``, ``update``, and a bundle's ``uploadnews|remake|update bundle article N``.
    """
    return any(step.split(" ", 1)[0] in (UPLOAD, UPDATE, REMAKE) for step in steps)
