"""What is in the account: the draft box, the published articles (发表记录) and mdwx's own
record of sends, each joined with the post it came from; and ``reconcile``, which finds the
articles carrying mdwx's mark that the state does not record.

WeChat lists drafts (``draft/batchget``) and free-published articles
(``freepublish/batchget``), not mass sends: those exist only in mdwx's state. A row is joined
to its post by the state (its ``media_id``/``article_id``), else by the mark in its content
(:mod:`mdwx.publish.marker`), which names the site and the post. See ``docs/account.md``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mdwx.account.policy import POLICY_48001, explaining
from mdwx.account.recorded import MEDIA_UNLISTED, media_rows, recorded_item
from mdwx.account.session import AccountSession, open_account
from mdwx.account.types import AccountItem, AccountListing, Orphan, ReconcileReport
from mdwx.errors import MdwxError
from mdwx.publish.identity import article_fingerprint
from mdwx.publish.marker import Mark, Marked, post_mark, read_mark, record_adopted
from mdwx.publish.run_options import RunOptions
from mdwx.publish.sources import site_posts
from mdwx.publish.state.reach import KnownArticle
from mdwx.source.reading import read_post
from mdwx.wechat.errors import PermissionDenied

if TYPE_CHECKING:
    from mdwx.source.posts import Post as SitePost

PAGE = 20
#: Pages read of each list at most (2,000 drafts or articles): bounds a call on a huge account.
MAX_PAGES = 100
KINDS = ("drafts", "published", "sent")


@dataclass(frozen=True)
class Seen:
    """An article of the account as a listing shows it, with its mark when it has one."""

    item: AccountItem
    mark: Mark | None  # its first article's
    marks: tuple[Mark | None, ...] = ()  # every article's, in order (a 多图文 has several)
    titles: tuple[str, ...] = ()


async def account_list(
    folder: Path,
    options: RunOptions | None = None,
    *,
    kinds: tuple[str, ...] = KINDS,
    limit: int = 200,
) -> AccountListing:
    """The account's drafts, published articles and recorded sends (``kinds``), newest first,
    at most ``limit`` of each, joined with the site's posts.

    Raises :class:`~mdwx.wechat.errors.PermissionDenied` (48001: an unverified account's
    published list), :class:`~mdwx.errors.ConfigError` without credentials.
    """
    listing = AccountListing()
    async with open_account(folder, options) as session:
        posts, _ = _post_marks(session, folder, options or RunOptions())
        # A 多图文's posts share its media_id: the row names its 头条's post (index 0).
        ordered = sorted(session.state.known_articles(session.appid), key=lambda a: -a.bundle_index)
        known = {key: a for a in ordered for key in (a.media_id, a.article_id) if key}
        with explaining():
            if "drafts" in kinds:
                seen, listing.totals["drafts"] = await _drafts(session, limit)
                listing.items += [_joined(s, posts, known) for s in seen]
            if "published" in kinds:
                # Asked for everything, an account without the published list still lists the rest.
                found = await _unless_denied(
                    _published(session, limit), listing.notes, optional=len(kinds) > 1
                )
                if found is not None:
                    listing.items += [_joined(s, posts, known) for s in found[0]]
                    listing.totals["published"] = found[1]
        media, note = media_rows(
            session.state.known_articles(session.appid), kinds, session.backend
        )
        if note is not None:
            listing.items += media
            listing.totals["media"] = len(media)
            listing.notes.append(note)
        if "sent" in kinds:
            sent = [recorded_item(a, "sent") for a in session.state.sent_articles(session.appid)]
            listing.items += sent
            listing.totals["sent"] = len(sent)
    return listing


async def reconcile(
    folder: Path, options: RunOptions | None = None, *, apply: bool = False
) -> ReconcileReport:
    """The account's marked drafts and published articles that the state does not record.

    Each is matched to its post by the mark: the newest orphan of a post the state has no
    article for (or only an interrupted upload, a lost ``draft/add`` answer) is adopted, so
    the next publish updates it; other orphan drafts of a post are second copies, deleted;
    a published orphan is adopted the same way but never deleted here (a reader may have it
    open: delete it in the console). An orphan of no post of this site is kept (another
    site may use the account). With ``apply`` the actions are carried out, else only listed.
    """
    report = ReconcileReport(applied=apply)
    async with open_account(folder, options) as session:
        if session.backend == "media":
            report.notes.append(MEDIA_UNLISTED)
        posts, bundles = _post_marks(session, folder, options or RunOptions())
        known = {
            key
            for a in session.state.known_articles(session.appid)
            for key in (a.media_id, a.article_id)
            if key
        }
        with explaining():
            seen = (await _drafts(session, PAGE * MAX_PAGES))[0]
            published = await _unless_denied(
                _published(session, PAGE * MAX_PAGES), report.notes, optional=True
            )
        seen += published[0] if published is not None else []
        orphans = [s for s in seen if s.mark is not None and _id(s.item) not in known]
        orphans.sort(key=lambda s: s.item.update_time, reverse=True)
        adopted: set[str] = set()
        for found in orphans:
            places = [(i, posts.get(m.key), m) for i, m in enumerate(found.marks) if m is not None]
            paths = [path for _, path, _ in places if path is not None]
            action = _action(session, paths, found, adopted)
            if apply and action == "adopt":
                for index, path, mark in places:
                    if path is not None:
                        _adopt(session, path, found, index, mark, bundles.get(path, ""))
                action = "adopted"
            elif apply and action == "delete" and session.client is not None:
                await session.client.draft_delete(found.item.media_id)
                action = "deleted"
            path = paths[0] if paths else None
            report.orphans.append(
                Orphan(
                    found.item.kind,
                    found.item.media_id or found.item.article_id,
                    found.item.title,
                    path,
                    action,
                    found.item.article_id,
                    found.item.update_time,
                )
            )
    return report


async def _unless_denied(
    listing: Awaitable[tuple[list[Seen], int]], notes: list[str], *, optional: bool
) -> tuple[list[Seen], int] | None:
    """The published list; None (and a note) when the account may not read it and it was
    not the one thing asked for (48001: unverified since July 2025)."""
    try:
        return await listing
    except PermissionDenied as exc:
        if not optional or exc.errcode != 48001:
            raise
        notes.append("the published list (freepublish/batchget) answered 48001: " + POLICY_48001)
        return None


def _action(session: AccountSession, paths: list[str], found: Seen, adopted: set[str]) -> str:
    """adopt, delete or keep (see :func:`reconcile`); ``adopted`` collects the posts given one.

    ``paths``: the site's posts whose marks the orphan's articles carry (a 多图文 carries
    several, adopted together, each at its place)."""
    if not paths:
        return "keep"
    records = [session.state.article(session.appid, path) for path in paths]
    # "uploading": a draft/add whose answer was lost (a media_id there is an older article's)
    lost = any(r is None or r.status in ("deleted", "uploading") for r in records)
    if lost and not adopted.intersection(paths):
        adopted.update(paths)
        return "adopt"
    return "delete" if found.item.kind == "draft" else "keep"


def _adopt(
    session: AccountSession, path: str, found: Seen, index: int, mark: Mark, bundle: str
) -> None:
    """Record article ``index`` of the orphan as the post's (at its place in a 多图文)."""
    record_adopted(
        session.state,
        session.appid,
        path,
        Marked(
            found.item.media_id or found.item.article_id,
            "draft" if found.item.kind == "draft" else "published",
            mark.version,
            found.titles[index] if index < len(found.titles) else found.item.title,
            found.item.url or None,
            found.item.article_id,
        ),
    )
    if bundle and len(found.marks) > 1:
        session.state.place_in_bundle(session.appid, path, bundle, index)


def _id(item: AccountItem) -> str:
    return item.media_id or item.article_id


def _post_marks(
    session: AccountSession, folder: Path, options: RunOptions
) -> tuple[dict[str, str], dict[str, str]]:
    """Mark key → the site-relative path of each post of the site (through the gate), and
    each post's 多图文 bundle name (posts in none are left out)."""
    try:
        posts: list[SitePost] = site_posts([session.config.root], options)
    except MdwxError:
        return {}, {}
    marks, bundles = {}, {}
    for post in posts:
        try:
            article: Any = read_post(post)
        except MdwxError:
            article = None
        print_ = article_fingerprint(post, article)
        key = post_mark(post.config.root, print_.post_key or post.relative, print_.source_hash).key
        marks[key] = post.relative
        if getattr(article, "bundle", ""):
            bundles[post.relative] = article.bundle
    return marks, bundles


async def _drafts(session: AccountSession, limit: int) -> tuple[list[Seen], int]:
    assert session.client is not None
    seen: list[Seen] = []
    total = 0
    for page in range(MAX_PAGES):
        answer = await session.client.draft_batchget(page * PAGE, PAGE)
        total = answer.total_count
        for draft in answer.items:
            first = draft.news_item[0] if draft.news_item else None
            item = AccountItem(
                "draft",
                first.title if first else "",
                media_id=draft.media_id,
                url=first.url if first else "",
                update_time=draft.update_time,
                status="draft",
            )
            seen.append(_seen(item, draft.news_item))
        if (page + 1) * PAGE >= min(total, limit):
            break
    return seen[:limit], total


async def _published(session: AccountSession, limit: int) -> tuple[list[Seen], int]:
    assert session.client is not None
    seen: list[Seen] = []
    total = 0
    for page in range(MAX_PAGES):
        answer = await session.client.freepublish_batchget(page * PAGE, PAGE)
        total = answer.total_count
        for article in answer.items:
            first = article.news_item[0] if article.news_item else None
            if first is None or all(i.is_deleted for i in article.news_item):
                continue
            item = AccountItem(
                "published",
                first.title,
                article_id=article.article_id,
                url=first.url,
                update_time=article.update_time,
                status="published",
            )
            seen.append(_seen(item, article.news_item))
        if (page + 1) * PAGE >= min(total, limit):
            break
    return seen[:limit], total


def _seen(item: AccountItem, articles: Sequence[Any]) -> Seen:
    marks = tuple(read_mark(a.content) for a in articles)
    return Seen(item, marks[0] if marks else None, marks, tuple(a.title for a in articles))


def _joined(seen: Seen, posts: dict[str, str], known: dict[str, KnownArticle]) -> AccountItem:
    record = known.get(_id(seen.item))
    path = record.source_path if record else posts.get(seen.mark.key) if seen.mark else None
    return replace(
        seen.item,
        path=path,
        marked=seen.mark is not None,
        msg_data_id=record.msg_data_id if record else "",
    )
