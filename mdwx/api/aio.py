"""The library API, async: ``await check(...)``, ``build``, ``publish``, ``status``, ``delete``.

For callers with an event loop (an async web app, a CI tool). :mod:`mdwx.api` has the same
functions for synchronous callers (MkDocs, Pelican, git hooks). Each takes posts as paths
(files, or folders expanded through the site's ``include``/``exclude`` globs) or in-memory
:class:`~mdwx.api.types.Post` values, and one :class:`~mdwx.api.types.Options`.

Errors: a post that fails (invalid front matter, content over WeChat's size limit, an
image that cannot be made to fit, a refused upload) is reported in its result, and the
other posts go on. What makes every post fail is raised: :class:`~mdwx.errors.ConfigError`
(the site's config, missing credentials, a path that does not exist) and
:class:`~mdwx.errors.StateError` (the state database is unusable).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from mdwx.api.accounts import Route, account_options, by_account, routes
from mdwx.api.connection import (
    SANDBOX_POLL,
    by_site,
    connect,
    open_state,
    sandbox_folder,
)
from mdwx.api.inputs import Source, Sources, site_posts
from mdwx.api.status import delete, status
from mdwx.api.types import (
    BuildReport,
    CheckReport,
    Options,
    PublishReport,
    SandboxInfo,
)
from mdwx.errors import ConfigError, MdwxError
from mdwx.source.posts import Post as SitePost

if TYPE_CHECKING:
    from mdwx.accounts import Account
    from mdwx.build import Prepared
    from mdwx.publish.results import PostResult
    from mdwx.publish.state.store import State

__all__ = ["Source", "Sources", "build", "check", "delete", "publish", "site_posts", "status"]



async def check(posts: Sources, options: Options | None = None) -> CheckReport:
    """Validate posts offline: front matter, limits, content size, local files.

    Nothing is written or sent. The render and checks run in a worker thread, so the event
    loop stays free. Returns a :class:`CheckReport`; raises :class:`ConfigError` when the
    site's config is wrong (no post can pass) or a path does not exist.
    """
    return await asyncio.to_thread(check_sync, posts, options or Options())


async def build(posts: Sources, options: Options | None = None) -> BuildReport:
    """Render posts offline to ``options.out_dir/<slug>/content.html`` and ``preview.html``.

    ``content.html`` is the exact ``content`` publish would send, with local file URLs;
    ``preview.html`` shows it in a phone-width frame. Content over the size limit is still
    written (to see what to cut) and the report carries the breach. Runs in a worker thread.
    Returns a :class:`BuildReport`; raises :class:`ConfigError` as :func:`check` does.
    """
    return await asyncio.to_thread(build_sync, posts, options or Options())


def check_sync(posts: Sources, options: Options) -> CheckReport:
    """:func:`check` without an event loop (what :func:`mdwx.api.check` runs)."""
    from mdwx.build import check_post

    # With an account, its backend's own checks too (the draft API's limits and post types).
    return CheckReport([check_post(post, also=_backend_check(post, options) if options.account else None)
                        for post in _for_account(site_posts(posts, options), options)])


def _backend_check(post: SitePost, options: Options) -> Callable[[Prepared], None]:
    """The check the post's backend makes before sending; it never touches its client."""
    from typing import cast

    from mdwx.publish.backends import backend_name, make_backend
    from mdwx.publish.wechat_api import WeChatAPI

    return make_backend(backend_name(post.config, options.backend), cast(WeChatAPI, None), post.config).check


def build_sync(posts: Sources, options: Options) -> BuildReport:
    """:func:`build` without an event loop (what :func:`mdwx.api.build` runs)."""
    from mdwx.build import build_post

    out_dir = Path(options.out_dir).resolve()
    return BuildReport([build_post(post, out_dir) for post in _for_account(site_posts(posts, options), options)])


def _for_account(posts: list[SitePost], options: Options) -> list[SitePost]:
    """With ``options.account``: the posts as that account sees them (its limits and backend)."""
    from mdwx.api.accounts import named_account, on_account

    if not options.account:
        return posts
    return [on_account(post, named_account(post, options.account), options) for post in posts]


async def publish(posts: Sources, options: Options | None = None) -> PublishReport:
    """Upload each post's images, cover and videos, upload the article, submit it.

    Per post: read, render and check offline; load every asset (so an invalid post sends
    nothing); upload what the state database does not already hold; upload the article, or
    update its unsubmitted copy; submit it (unless ``draft``); with ``wait`` follow review.
    The state is written before and after each call that creates something, so a run
    stopped at any instant is finished by the next without a duplicate article. Unchanged
    posts send nothing. Endpoints, from the media API contract (``wechat-media-api.md``):
    ``cgi-bin/media/uploadimg`` (body images), ``cgi-bin/material/add_material`` (cover),
    ``cgi-bin/material/upload_video`` (chunked videos), ``cgi-bin/publish/uploadnews`` /
    ``update`` / ``submit`` / ``query``.

    Returns a :class:`PublishReport` (one result per post, in order); a post that failed
    has ``error`` set and the others go on. Raises :class:`ConfigError` for missing
    credentials or a wrong config and :class:`~mdwx.errors.StateError` for an unusable state.
    """
    options = options or Options()
    site = site_posts(posts, options, need_path="publish")
    report = PublishReport()
    for group in by_site(site):
        items = [item for post in group for item in routes(post, options)]
        results = [_unsent(item) for item in items]
        # The state first: taking over a hidden state file may move the sandbox's data too.
        with open_state(group, report.notes) as state:
            for account, indexes in by_account(items):
                posts_for = [items[i].post for i in indexes]
                for index, result in zip(indexes, await _publish_to(account, posts_for, state, options, report),
                                         strict=True):
                    result.account = account.name if account else None
                    results[index] = result
        report.posts += results
    return report


def _unsent(item: Route) -> PostResult:
    """The result of a post that is not sent: skipped for this account, or unreadable."""
    from mdwx.publish.publisher import front_matter_title
    from mdwx.publish.results import PostResult

    result = PostResult(path=str(item.post.path), account=item.name)
    if item.error is not None:
        result.error, result.title = _every_error(item), front_matter_title(item.post)
    else:
        result.status = "skipped"
        result.actions.append(item.skipped or "skipped")
    return result


def _every_error(item: Route) -> MdwxError:
    """A refused post's error carrying all of its problems, as ``check`` finds them."""
    from mdwx.build import check_post

    assert item.error is not None
    try:
        found = check_post(item.post).error
    except ConfigError:
        return item.error
    return found or item.error


async def _publish_to(account: Account | None, posts: list[SitePost], state: State, options: Options,
                      report: PublishReport) -> list[PostResult]:
    """Publish ``posts`` (one site's, bound for one account) with one connection."""
    from mdwx.publish.publisher import Publisher
    from mdwx.publish.results import PublishOptions

    config = posts[0].config
    options = account_options(options, account, need_client=not options.dry_run)
    poll = options.poll_interval or (SANDBOX_POLL if options.sandbox else None)
    run = PublishOptions(draft=options.draft, wait=options.wait or options.sandbox, dry_run=options.dry_run,
                         force=options.force, concurrency=options.concurrency,
                         wait_timeout=options.wait_timeout, lock_timeout=options.lock_timeout,
                         fetch_transport=options.fetch_transport, backend=options.backend,
                         now=options.now, due=options.due)
    if poll:
        run.poll_interval = poll
        if options.sandbox:
            run.video_poll_interval = poll
    name = account.name if account else None
    async with connect(config, options, need_client=not options.dry_run, account=name) as conn:
        publisher = Publisher(conn.client, state, conn.appid, run, options.events)
        results = await publisher.publish_all(posts)
        if conn.sandbox is not None:
            server = conn.sandbox
            report.sandboxes.append(SandboxInfo(config.root, server.port, server.appid, server.base_url,
                                                sandbox_folder(config, name) / "sandbox.db"))
    return results


