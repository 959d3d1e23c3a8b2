"""``delete`` and ``delete_all``: removing a post's article from WeChat and recording it.

``delete`` takes exactly one post: a folder or several posts is a usage error
(:class:`ConfigError`) naming ``delete_all`` (``mdwx delete --all``), which lists every
article it would delete — each post's current article, for each account the post went
to — asks once, resolves every account's credentials, and only then deletes. Endpoints:
the media API's ``cgi-bin/publish/delete``, or the draft API's ``draft/delete`` /
``freepublish/delete`` (see :mod:`mdwx.publish.backends`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, overload

from mdwx.api.types import ConfirmDelete, DeleteResult, DeleteTarget, Options
from mdwx.errors import ConfigError, MdwxError
from mdwx.publish.backends import backend_name, make_backend
from mdwx.publish.connection import connect, open_state, state_appid
from mdwx.publish.identity import article_fingerprint, find_article
from mdwx.publish.routing import account_options, named_account, on_account, routes
from mdwx.publish.sources import site_posts
from mdwx.source import reading

if TYPE_CHECKING:
    from mdwx.accounts import Account
    from mdwx.publish.sources import Sources
    from mdwx.source.posts import Post as SitePost

#: ``delete_all``'s confirmation: every article it would delete, asked once.
ConfirmDeleteAll = Callable[[list[DeleteTarget]], bool]
SEVERAL_HINT = (
    "name one post file, or delete every article of several posts with --all (mdwx.api.delete_all)"
)


@dataclass
class _Planned:
    """One article about to be deleted: where it is recorded, and what WeChat calls it."""

    post: SitePost  # as its account sees it
    account: Account | None
    backend: str
    key: str  # the post's key in the state
    target: DeleteTarget
    handles: tuple[str | None, str | None]  # (article_id, publish_id): the draft API's


async def delete(
    post: Sources,
    options: Options | None = None,
    *,
    article: str | None = None,
    index: int = 0,
    confirm: ConfirmDelete | None = None,
) -> DeleteResult:
    """Delete a post's article from WeChat's publishing library and record it.

    ``post`` names one post (a path or an in-memory :class:`~mdwx.api.types.Post` with a
    path); a folder or several posts raise :class:`ConfigError` (see :func:`delete_all`).
    ``article`` is the media_id of one of its articles (an earlier one a ``force`` publish
    superseded; ``status`` lists them), default its current article. ``index`` is the
    article's position in the item, from 1; 0 deletes them all (mdwx publishes one article
    per item; the media API contract's ``cgi-bin/publish/delete`` and its FAQ). ``confirm``
    is asked with the :class:`DeleteTarget` before anything is sent; False cancels (the
    result then has ``deleted=False``). An article mdwx recorded as deleted is not sent
    again (``already_deleted``). Raises :class:`~mdwx.errors.MdwxError` when mdwx has no such
    article for the post, :class:`~mdwx.errors.ConfigError` for missing credentials, and
    WeChat's own errors (:class:`~mdwx.wechat.errors.WeChatError`) when it refuses.
    """
    options = options or Options()
    one_post(post)
    posts = site_posts(post, options, need_path="delete")
    if len(posts) != 1:
        raise ConfigError(f"delete takes one post, not {len(posts)}", hint=SEVERAL_HINT)
    target_post, account = _delete_route(posts[0], options)
    planned = _plan(target_post, account, options, article)
    target = planned.target
    if target.status == "deleted":
        return DeleteResult(
            target.path,
            target.media_id,
            deleted=True,
            already_deleted=True,
            title=target.title,
            notes=target.notes,
        )
    if confirm is not None and not confirm(target):
        return DeleteResult(
            target.path, target.media_id, deleted=False, title=target.title, notes=target.notes
        )
    await _send(planned, account_options(options, account, need_client=True), index)
    return DeleteResult(
        target.path, target.media_id, deleted=True, title=target.title, notes=target.notes
    )


async def delete_all(
    posts: Sources,
    options: Options | None = None,
    *,
    index: int = 0,
    confirm: ConfirmDeleteAll | None = None,
) -> list[DeleteResult]:
    """Delete the current article of every post in ``posts`` (folders expanded).

    For each account each post goes to (front matter ``accounts``, narrowed by
    ``options.account``). Posts with no article recorded, or one recorded as deleted, are left out. Every
    account's credentials are resolved, then ``confirm`` is asked once with the whole list
    (False: nothing is deleted, every result has ``deleted=False``), before anything is
    sent. One result per article, in order. Raises as :func:`delete` does.
    """
    options = options or Options()
    plans = []
    for post in site_posts(posts, options, need_path="delete"):
        for route in routes(post, options):
            if route.skipped is not None:
                continue
            if route.error is not None:
                raise route.error
            planned = _plan(route.post, route.account, options, None, missing_ok=True)
            if planned is not None and planned.target.status != "deleted":  # None: nothing recorded
                plans.append(planned)
    resolved = {
        p.account.name if p.account else None: account_options(options, p.account, need_client=True)
        for p in plans
    }
    if not plans or (confirm is not None and not confirm([p.target for p in plans])):
        return [
            DeleteResult(
                p.target.path,
                p.target.media_id,
                deleted=False,
                title=p.target.title,
                notes=p.target.notes,
            )
            for p in plans
        ]
    results = []
    for planned in plans:
        await _send(planned, resolved[planned.account.name if planned.account else None], index)
        results.append(
            DeleteResult(
                planned.target.path,
                planned.target.media_id,
                deleted=True,
                title=planned.target.title,
                notes=planned.target.notes,
            )
        )
    return results


def one_post(post: Sources) -> None:
    """Raise :class:`ConfigError` unless ``post`` names one post: not a folder, not several."""
    items: Sequence[object] = post if isinstance(post, list | tuple) else [post]
    if len(items) != 1:
        raise ConfigError(f"delete takes one post, not {len(items)}", hint=SEVERAL_HINT)
    if isinstance(items[0], str | os.PathLike) and Path(items[0]).is_dir():
        raise ConfigError(
            "delete takes one post, not a folder", path=Path(items[0]), hint=SEVERAL_HINT
        )


@overload
def _plan(
    target_post: SitePost, account: Account | None, options: Options, article: str | None
) -> _Planned: ...


@overload
def _plan(
    target_post: SitePost,
    account: Account | None,
    options: Options,
    article: str | None,
    *,
    missing_ok: bool,
) -> _Planned | None: ...


def _plan(
    target_post: SitePost,
    account: Account | None,
    options: Options,
    article: str | None,
    *,
    missing_ok: bool = False,
) -> _Planned | None:
    """What deleting ``article`` (default: the post's current one) would delete; nothing sent.

    ``missing_ok``: None when mdwx recorded no article for the post, instead of MdwxError.
    """
    from mdwx.publish.sidedraft import side_notes

    options = account_options(options, account, need_client=False)
    notes: list[str] = []
    appid = state_appid(options, target_post.config, account.name if account else None)
    name = backend_name(target_post.config, options.backend)
    with open_state([target_post], notes) as all_state:
        state = all_state.for_backend(name)
        record = find_article(state, appid, target_post, article_fingerprint(target_post)).record
        key = record.source_path if record else target_post.relative
        history = state.superseded(appid, key)
        notes += side_notes(state, appid, key)
    targets = {o.media_id: (o.status, o.title, True) for o in history}
    handles: dict[str, tuple[str | None, str | None]] = {
        o.media_id: (o.article_id, "") for o in history
    }
    if record and record.media_id:
        targets[record.media_id] = (record.status, record.title, False)
        handles[record.media_id] = (record.article_id, record.publish_id)
    if article is None:
        if record is None or not record.media_id:
            if missing_ok:
                return None
            raise MdwxError(
                "mdwx has no article for this post",
                path=target_post.path,
                hint="nothing to delete; `mdwx status` lists what was published",
            )
        article = record.media_id
    elif article not in targets:
        known = ", ".join(targets) or "none"
        raise MdwxError(
            f"article {article} is not one of this post's articles (known: {known})",
            path=target_post.path,
            hint="`mdwx status PATH` lists them",
        )
    if record is not None and record.bundle and article == record.media_id:
        from mdwx.publish.bundling import BundleError

        raise BundleError(
            f"this post is article {record.bundle_index + 1} of bundle {record.bundle!r}, whose article "
            f"({record.status}) holds the bundle's other posts too: deleting it would delete them all",
            path=target_post.path,
            hint="remove bundle: from the post and publish the bundle (it is made anew without the post), "
            "or delete the draft in the draft box (草稿箱) and the bundle's records with it",
        )
    status_text, title, superseded = targets[article]
    target = DeleteTarget(target_post.path, article, title, status_text, superseded, tuple(notes))
    return _Planned(target_post, account, name, key, target, handles[article])


async def _send(planned: _Planned, options: Options, index: int) -> None:
    """Delete the planned article (``options`` with its account's credentials) and record it."""
    from mdwx.publish.sidedraft import delete_side_drafts

    post, target = planned.post, planned.target
    async with connect(
        post.config, options, account=planned.account.name if planned.account else None
    ) as conn:
        assert conn.client is not None  # need_client: a missing credential raised ConfigError
        article_id, publish_id = planned.handles
        await make_backend(planned.backend, conn.client, post.config).delete(
            target.media_id,
            status=target.status,
            article_id=article_id or "",
            publish_id=publish_id or "",
            index=index,
        )
        # mdwx publishes one article per item (the contract's FAQ: index 1), so deleting
        # index 0 or 1 removes the post's article.
        with open_state([post], []) as all_state:
            state = all_state.for_backend(planned.backend)
            if target.superseded:
                state.mark_superseded_deleted(conn.appid, target.media_id)
            else:
                state.mark_deleted(conn.appid, planned.key)
                await delete_side_drafts(  # the copies put in the box for a preview or a 群发
                    make_backend(planned.backend, conn.client, post.config),
                    state,
                    conn.appid,
                    planned.key,
                )


def _delete_route(post: SitePost, options: Options) -> tuple[SitePost, Account | None]:
    """The post as the account it is deleted from sees it, and that account.

    ``options.account``, else the one account its front matter lists. Raises
    :class:`MdwxError` when it lists several.
    """
    if options.account:
        account = named_account(post, options.account)
        return on_account(post, account, options), account
    try:
        listed = reading.read_post(post).accounts
    except MdwxError:
        listed = ()
    if len(listed) > 1:
        raise MdwxError(
            f"the post goes to accounts {', '.join(listed)}: say which to delete it from",
            path=post.path,
            hint=f"mdwx delete --account {listed[0]} {post.path}",
        )
    if listed:
        account = post.config.accounts[listed[0]]
        return on_account(post, account, options), account
    return post, None
