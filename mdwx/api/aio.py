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
import contextlib
from collections.abc import Container
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from mdwx.api.bundles import refuse_bundles, with_bundle_siblings
from mdwx.api.deletion import delete, delete_all
from mdwx.api.offline import build_sync, check_sync
from mdwx.api.routed import check_fetched_covers, gate_routes, resolve_credentials
from mdwx.api.sendplan import QuotaExceeded, check_plan
from mdwx.api.status import status
from mdwx.api.types import (
    BuildReport,
    CheckReport,
    Options,
    PublishReport,
    SandboxInfo,
)
from mdwx.build import check_post
from mdwx.diagnostics import Diagnostic
from mdwx.errors import ConfigError, MdwxError
from mdwx.files.used_files import noting
from mdwx.prepare import Prepared
from mdwx.publish.connection import (
    SANDBOX_POLL,
    by_site,
    connect,
    open_state,
    sandbox_folder,
)
from mdwx.publish.publisher import Publisher, front_matter_title
from mdwx.publish.results import PostResult
from mdwx.publish.routing import Route, by_account
from mdwx.publish.sources import Source, Sources, site_posts
from mdwx.publish.state.outcomes import remember_outcomes, remember_run_failure
from mdwx.publish.unchanged import UnchangedPosts
from mdwx.source.article import EmptyPost
from mdwx.source.posts import Post as SitePost

if TYPE_CHECKING:
    from mdwx.accounts import Account
    from mdwx.prepare import Prepared
    from mdwx.publish.results import PostResult
    from mdwx.publish.state.post_inputs import PostInputs
    from mdwx.publish.state.store import State

__all__ = [
    "Source",
    "Sources",
    "build",
    "check",
    "delete",
    "delete_all",
    "publish",
    "site_posts",
    "status",
]


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


async def publish(posts: Sources, options: Options | None = None) -> PublishReport:
    """Upload each post's images, cover and videos, upload the article, submit it.

    Per post: read, render and check offline; load every asset (so an invalid post sends
    nothing); upload what the state database does not already hold; upload the article, or
    update its unsubmitted copy; submit it (unless ``draft``); with ``wait`` follow review.
    The state is written before and after each call that creates something, so a run
    stopped at any instant is finished by the next without a duplicate article. Unchanged
    posts send nothing. Endpoints, from the media API contract (``docs/wechat/media-api.md``):
    ``cgi-bin/media/uploadimg`` (body images), ``cgi-bin/material/add_material`` (cover),
    ``cgi-bin/material/upload_video`` (chunked videos), ``cgi-bin/publish/uploadnews`` /
    ``update`` / ``submit`` / ``query``.

    Returns a :class:`PublishReport` (one result per post, in order); a post that failed
    has ``error`` set and the others go on. Raises :class:`ConfigError` for missing
    credentials or a wrong config, :class:`~mdwx.errors.StateError` for an unusable state
    and :class:`~mdwx.api.sendplan.QuotaExceeded` when the run would submit more articles to
    an account than it has left today (:mod:`mdwx.api.sendplan`); each before anything is sent.
    """
    options = options or Options()
    site = with_bundle_siblings(site_posts(posts, options, need_path="publish"), options)
    report = PublishReport()
    # The whole run is decided before the first request: routes, every account's
    # credentials, and each post checked as each of its accounts sees it.
    inputs = UnchangedPosts(options)  # what each post used in its last successful run
    runs = []
    for group in by_site(site):
        inputs.load(group)
        runs.append((group, [item for post in group for item in inputs.routes(post, options)]))
    try:
        accounts = resolve_credentials([item for _, items in runs for item in items], options)
    except ConfigError as exc:  # nothing was sent: each post it was to send is retried
        if not options.dry_run:
            for group, items in runs:
                with open_state(group, report.notes) as state:
                    remember_run_failure(state, _to_retry(items, inputs.find(items)), exc)
        raise
    gated = []
    for _, items in runs:
        kept = inputs.find(
            items
        )  # posts unchanged since their last successful run: not gated again
        gated.append((items, kept, await _gate(items, options, inputs, skip=kept)))
    for items, _, verdicts in gated:  # a 多图文 bundle is judged whole (mdwx.api.bundles)
        refuse_bundles(items, verdicts, options)
    with contextlib.ExitStack() as stack:
        # Every site's state is opened (a locked or damaged one stops the run) and the whole
        # plan is checked against each account's quota before the first request.
        states = [
            stack.enter_context(open_state(group, report.notes, write=not options.dry_run))
            for group, _ in runs
        ]
        try:
            await check_plan(
                [(items, ready) for items, _, ready in gated], states, accounts, options
            )
        except QuotaExceeded as exc:  # nothing was sent: each post it was to send is retried
            if not options.dry_run:
                for state, (items, kept, _) in zip(states, gated, strict=True):
                    remember_run_failure(state, _to_retry(items, kept), exc)
            raise
        for (items, kept, ready), state in zip(gated, states, strict=True):
            report.posts += await _send_site(
                items, ready, kept, state, accounts, options, report, inputs
            )
    return report


async def _send_site(
    items: list[Route],
    ready: list[Prepared | MdwxError | None],
    kept: dict[int, PostInputs],
    state: State,
    accounts: dict[str | None, Options],
    options: Options,
    report: PublishReport,
    inputs: UnchangedPosts,
) -> list[PostResult]:
    """One site's routes sent account by account (the plan was checked); a result per route.

    ``kept`` holds the routes unchanged since their last successful run (replayed, not sent).
    """
    results = [_unsent(item) for item in items]
    appids: dict[str, str] = {}
    done: set[int] = set()  # routes whose account was sent to (their results are real)
    try:
        for account, indexes in by_account(items):
            prepared = {
                items[i].post.path: p for i in indexes if isinstance(p := ready[i], Prepared)
            }
            for index in indexes:
                if isinstance(error := ready[index], MdwxError):
                    results[index] = _refused(items[index], error)
            sending = [i for i in indexes if not isinstance(ready[i], MdwxError)]
            if not sending:
                continue
            unchanged = {items[i].post.path: kept[i] for i in sending if i in kept}
            sent = await _publish_to(
                account,
                [items[i].post for i in sending],
                state,
                accounts[account.name if account else None],
                report,
                prepared,
                (inputs, unchanged, appids),
            )
            for index, result in zip(sending, sent, strict=True):
                result.account = account.name if account else None
                results[index] = result
            done.update(indexes)
    except ConfigError as exc:  # the posts not yet sent are retried; the others keep theirs
        if not options.dry_run:
            remember_run_failure(state, _to_retry(items, kept, done), exc)
        raise
    if not options.dry_run:
        remember_outcomes(state, [i.post.relative for i in items], results)
        inputs.remember(state, items, results, appids, kept)
    return results


async def _gate(
    items: list[Route], options: Options, inputs: UnchangedPosts, skip: Container[int] = ()
) -> list[Prepared | MdwxError | None]:
    """Per route: its post prepared and checked, or why the post is refused.

    A post refused for one account is refused for all (:func:`mdwx.api.routed.gate_routes`),
    so no post is sent to some of its accounts only. None for a skipped or unreadable route,
    and for one in ``skip`` (unchanged since its last successful run, checked then).
    ``inputs`` notes the files each post uses.
    """
    found: list[Prepared | MdwxError | None] = [None] * len(items)
    by_post: dict[str, list[int]] = {}
    for index, item in enumerate(items):
        if item.skipped is None and item.error is None and index not in skip:
            by_post.setdefault(str(item.post.path), []).append(index)
    for indexes in by_post.values():
        try:
            taken = [items[i] for i in indexes]
            with noting(inputs.used_by(taken[0].post)):
                ready = gate_routes(taken, options)
            await check_fetched_covers(
                taken, ready, options
            )  # known once fetched: still before sending
            for index, prepared in zip(indexes, ready, strict=True):
                found[index] = prepared
        except ConfigError:
            raise
        except MdwxError as exc:
            for index in indexes:
                found[index] = exc
    return found


def _refused(item: Route, error: MdwxError) -> PostResult:
    """The result of a post the gate refused: failed, nothing sent.

    A generator site's stub page (:class:`~mdwx.source.article.EmptyPost`) is skipped with a
    warning instead.
    """
    if isinstance(error, EmptyPost):
        result = PostResult(
            path=str(item.post.path),
            account=item.name,
            status="skipped",
            actions=[f"skipped: {error.skipped_as}"],
        )
        result.add(Diagnostic(error.message, error.path, error.line, code=error.code))
        return result
    return PostResult(
        path=str(item.post.path),
        account=item.name,
        status="failed",
        error=error,
        title=front_matter_title(item.post),
    )


def _to_retry(
    items: list[Route], kept: Container[int], done: Container[int] = ()
) -> list[tuple[str, str]]:
    """The (path, account) of each route a stopped run would have sent.

    Not one unchanged since its last successful run (``kept``: nothing to send, its record
    stands), nor one already sent (``done``).
    """
    return [
        (item.post.relative, item.name or "")
        for index, item in enumerate(items)
        if index not in kept and index not in done and item.skipped is None
    ]


def _unsent(item: Route) -> PostResult:
    """The result of a post that is not sent: skipped for this account, or unreadable."""
    if isinstance(item.error, EmptyPost):  # a stub, or a post its generator would not publish
        return _refused(item, item.error)
    result = PostResult(path=str(item.post.path), account=item.name)
    if item.error is not None:
        result.error, result.title = _every_error(item), front_matter_title(item.post)
    else:
        result.status = "skipped"
        result.actions.append(item.skipped or "skipped")
    return result


def _every_error(item: Route) -> MdwxError:
    """A refused post's error carrying all of its problems, as ``check`` finds them."""
    assert item.error is not None
    try:
        found = check_post(item.post).error
    except ConfigError:
        return item.error
    return found or item.error


async def _publish_to(
    account: Account | None,
    posts: list[SitePost],
    state: State,
    options: Options,
    report: PublishReport,
    prepared: dict[Path, Prepared],
    unchanged: tuple[UnchangedPosts, dict[Path, PostInputs], dict[str, str]],
) -> list[PostResult]:
    """Publish ``posts`` (one site's, bound for one account) with one connection.

    ``options`` carries the account's credentials; ``prepared`` is the gate's work, by path;
    ``unchanged`` the run's :class:`UnchangedPosts`, the posts it skips, and where the
    account's appid is noted (by account name, "" for the call's credentials).
    """
    config = posts[0].config
    poll = options.poll_interval or (SANDBOX_POLL if options.sandbox else None)
    run = replace(  # the sandbox waits for its review, with its short polls
        options,
        wait=options.wait or options.sandbox,
        poll_interval=poll,
        video_poll_interval=poll if options.sandbox else options.video_poll_interval,
    )
    name = account.name if account else None
    async with connect(config, options, need_client=not options.dry_run, account=name) as conn:
        publisher = Publisher(conn.client, state, conn.appid, run, options.events)
        publisher.ready.update(prepared)
        publisher.inputs, skipping, appids = unchanged
        publisher.unchanged.update(skipping)
        appids[name or ""] = conn.appid
        results = await publisher.publish_all(posts)
        if conn.sandbox is not None:
            server = conn.sandbox
            report.sandboxes.append(
                SandboxInfo(
                    config.root,
                    server.port,
                    server.appid,
                    server.base_url,
                    sandbox_folder(config, name) / "sandbox.db",
                )
            )
    return results
