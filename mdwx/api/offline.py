"""``check`` and ``build`` without an event loop: the offline half of the library API.

What :func:`mdwx.api.check` and :func:`mdwx.api.build` run (and :mod:`mdwx.api.aio` runs in
a worker thread). Kept apart from :mod:`.aio` so that an offline command imports only the
reading, rendering and checking stages — never asyncio, the state store, the HTTP client or
the publishing plan (``tests/test_offline_imports.py`` guards that list).
"""

from __future__ import annotations

import functools
from pathlib import Path

from mdwx.api.bundles import check_bundles
from mdwx.api.routed import prepare_routed, skipped_report
from mdwx.api.types import BuildReport, CheckReport, Options
from mdwx.build import check_post
from mdwx.build_many import build_posts, folders_for, with_identity
from mdwx.errors import MdwxError
from mdwx.post_report import PostReport
from mdwx.publish.sources import Sources, site_posts
from mdwx.source.posts import Post
from mdwx.source.reading import read_post

__all__ = ["build_sync", "check_sync"]


def check_sync(posts: Sources, options: Options) -> CheckReport:
    """Validate posts offline: what :func:`mdwx.api.check` runs (see it for the contract)."""
    # Every account the post goes to, with its limits and its backend's offline rules; a post
    # for other accounts than --account names is skipped, as publish skips it.
    chosen = site_posts(posts, options)
    reports = []
    checked: list[tuple[Post, PostReport]] = []
    for done, post in enumerate(chosen, start=1):
        report = skipped_report(post, options)
        if report is None:
            report = check_post(
                post, prepare_with=functools.partial(prepare_routed, options=options)
            )
            checked.append((post, report))
        reports.append(report)
        if options.events is not None:
            options.events.on_checked(post, done, len(chosen))
    # The identity build gives each post (slug-2 for a second 'slug'), reported by check too.
    folders = folders_for(
        {post.path: slug for post, report in checked if (slug := _slug(post, report))},
        {post.path: post.relative for post in chosen},
    )
    for _, report in checked:
        with_identity(report, folders)
    check_bundles(chosen, reports, options)  # 多图文: judged whole, as publish judges them
    return CheckReport(reports)


def _slug(post: Post, report: PostReport) -> str | None:
    """The post's slug as ``build`` numbers it.

    A post refused after it was read (a missing picture) keeps its slug in build's
    numbering, so check counts it too.
    """
    if report.slug is not None:
        return report.slug
    try:
        return read_post(post).slug
    except MdwxError:
        return None


def build_sync(posts: Sources, options: Options) -> BuildReport:
    """Render posts offline to files: what :func:`mdwx.api.build` runs (see it for the contract)."""
    out_dir = Path(options.out_dir).resolve()
    events = options.events
    found = site_posts(posts, options)
    skipped = {post.path: report for post in found if (report := skipped_report(post, options))}
    built = iter(
        build_posts(
            [post for post in found if post.path not in skipped],
            out_dir,
            events.on_checked if events is not None else None,
            prepare_with=functools.partial(prepare_routed, options=options),
        )
    )
    reports = [skipped[post.path] if post.path in skipped else next(built) for post in found]
    check_bundles(found, reports, options)  # 多图文: judged whole and warned of, as check does
    return BuildReport(reports)
