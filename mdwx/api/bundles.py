"""The gate's 多图文 rules: a bundle is judged whole, before anything is sent.

Every door publishes through :func:`mdwx.api.aio.publish` (or :func:`mdwx.api.reach.gated`
for ``send`` and ``preview``), which call these after each post passed the gate:

- :func:`with_bundle_siblings` adds the other posts of each bundle named by the run's posts,
  or recorded for them in the state (a hook or ``--changed-since`` names only the changed
  post; the message is the whole bundle as written, and a bundle a post left is made anew);
- :func:`refuse_bundles` refuses every post of a bundle that cannot go out as one message
  (:func:`mdwx.publish.bundling.bundle_problem`, a bundle split across accounts or backends,
  a post of it that the gate refused), so no bundle is ever half sent.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mdwx.api.routed import gate_routes
from mdwx.errors import ConfigError, MdwxError
from mdwx.prepare import Prepared
from mdwx.publish.routing import routes
from mdwx.publish.sources import with_overrides

if TYPE_CHECKING:
    from mdwx.api.types import Options
    from mdwx.post_report import PostReport
    from mdwx.prepare import Prepared
    from mdwx.publish.routing import Route
    from mdwx.source.posts import Post as SitePost

_BUNDLE_LINE = re.compile(
    r"""^bundle\s*[:=]\s*["']?([\w.\-]{1,64})["']?\s*(?:#.*)?$""", re.M | re.U
)
_HEAD = 16_384  # front matter is at the top: bytes read of a sibling candidate


def bundle_named(post: SitePost) -> str:
    """The bundle of the post ("" for none, or when it cannot be read).

    The ``[bundles]`` table's that lists it, else the one its front matter names.
    """
    from mdwx.bundles.table import table_bundle

    listed = table_bundle(getattr(post.config, "bundles", {}) or {}, post.relative)
    if listed is not None:
        return listed[0]
    try:
        text = post.text if post.text is not None else _head(post.confined_path())
    except (MdwxError, OSError):
        return ""
    stripped = text.lstrip("\ufeff")
    fence = stripped[:3]
    if fence not in ("---", "+++"):
        return ""
    end = stripped.find("\n" + fence, 3)
    found = _BUNDLE_LINE.search(stripped[3 : end if end > 0 else len(stripped)])
    return found.group(1) if found else ""


def _head(path: Path) -> str:
    with open(path, "rb") as handle:
        return handle.read(_HEAD).decode("utf-8", errors="replace")


def recorded_bundles(post: SitePost) -> set[str]:
    """The bundles the state records the post in (it may have left one since).

    Read-only; nothing when the state does not exist yet or predates bundles.
    """
    import sqlite3

    path = post.config.state_path
    if not path.is_file():
        return set()
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            rows = conn.execute(
                "SELECT DISTINCT bundle FROM articles WHERE source_path = ? AND bundle != ''",
                (post.relative,),
            ).fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return set()
    return {str(row[0]) for row in rows}


def with_bundle_siblings(
    posts: list[SitePost], options: Options, *, recorded: bool = True
) -> list[SitePost]:
    """``posts`` and every other post of their sites naming one of their bundles, after them.

    Siblings come through the gate (:func:`mdwx.source.gate.admit`) from the site's folder,
    expanded by its include globs, with the call's overrides. ``recorded``: also the bundles
    the state last recorded each post in (publishing plans moves out of them; ``check``
    judges the bundles as written and reads no state).
    """
    from mdwx.source.gate import admit

    wanted: dict[Path, set[str]] = {}
    for post in posts:
        names = {bundle_named(post), *(recorded_bundles(post) if recorded else ())} - {""}
        if names:
            wanted.setdefault(post.config.root, set()).update(names)
    if not wanted:
        return posts
    have = {os.path.realpath(p.path) for p in posts}
    found = list(posts)
    for root, names in wanted.items():
        try:
            candidates = admit([root])
        except ConfigError:
            continue
        if candidates and candidates[0].config.bundles:  # the table names only site posts
            from mdwx.bundles.table import check_listed

            check_listed(candidates[0].config, {c.relative for c in candidates})
        for candidate in candidates:
            if os.path.realpath(candidate.path) not in have and bundle_named(candidate) in names:
                have.add(os.path.realpath(candidate.path))
                found.append(with_overrides(candidate, options))
    return found


def refuse_bundles(
    items: Sequence[Route], found: list[Prepared | MdwxError | None], options: Options
) -> None:
    """Mark every route of a bundle that cannot go out as one message with its error.

    ``found`` is the gate's verdict per route (as :func:`mdwx.api.aio._gate` returns it),
    changed in place.
    """
    from mdwx.publish.backends import backend_name
    from mdwx.publish.bundling import (
        BundleError,
        bundle_problem,
        bundles_of,
        member_refusals,
        note_digest_dropped,
        split_problem,
    )

    by_path: dict[Path, Prepared] = {}
    destinations: dict[Path, set[tuple[str, str]]] = {}
    for item, verdict in zip(items, found, strict=True):
        if isinstance(verdict, Prepared):
            by_path.setdefault(item.post.path, verdict)
            destinations.setdefault(item.post.path, set()).add(
                (
                    item.account.name if item.account else "",
                    backend_name(item.post.config, options.backend),
                )
            )
    refused: dict[Path, MdwxError] = {}
    for bundle in bundles_of(list(by_path.values())):
        backends = {b for path in bundle.paths for _, b in destinations[path]}
        problem = split_problem(bundle, {p: frozenset(d) for p, d in destinations.items()}) or next(
            (e for b in sorted(backends) if (e := bundle_problem(bundle, b)) is not None), None
        )
        failed = None if problem else _failed_member(items, found, bundle.name, bundle.root)
        if failed is not None:
            problem = BundleError(
                f"its post {failed} is refused", hint=f"fix {failed} first: its own line says why"
            )
        if problem is None:
            note_digest_dropped(bundle)  # the bundle goes out: said by check and publish alike
            continue
        # Each post's own line: the refused one keeps its error, the others say why.
        refused.update(member_refusals(bundle, problem, failed))
    for index, item in enumerate(items):
        if item.post.path in refused and isinstance(found[index], Prepared):
            found[index] = refused[item.post.path]


def _failed_member(
    items: Sequence[Route], found: list[Prepared | MdwxError | None], name: str, root: Path
) -> str | None:
    """A post of bundle ``name`` (site ``root``) that the gate refused, by its site path."""
    for item, verdict in zip(items, found, strict=True):
        if (
            isinstance(verdict, MdwxError)
            and item.post.config.root == root
            and bundle_named(item.post) == name
        ):
            return item.post.relative
    return None


def check_bundles(
    posts: Sequence[SitePost], reports: Sequence[PostReport], options: Options
) -> None:
    """``check``'s view of the bundle rules, so it fails exactly where ``publish`` would.

    A report of a post whose bundle ``publish`` would refuse fails with the same error; the
    bundles are judged whole (with their siblings, which are read, not reported).
    """
    if not any(bundle_named(post) for post in posts):
        return
    items: list[Route] = []
    found: list[Prepared | MdwxError | None] = []
    for post in with_bundle_siblings(list(posts), options, recorded=False):
        taken = [item for item in routes(post, options) if item.skipped is None]
        try:
            ready: list[Prepared | MdwxError | None] = (
                list(gate_routes(taken, options)) if taken else []
            )
        except ConfigError:
            raise
        except MdwxError as exc:
            ready = [exc] * len(taken)
        items += taken
        found += ready
    before = list(found)
    refuse_bundles(items, found, options)
    refused = {
        item.post.path: verdict
        for item, verdict, was in zip(items, found, before, strict=True)
        if isinstance(verdict, MdwxError) and verdict is not was
    }
    said = {
        item.post.path: [d for d in verdict.diagnostics if d.code == "bundle-digest-dropped"]
        for item, verdict in zip(items, found, strict=True)
        if isinstance(verdict, Prepared)
    }
    for post, report in zip(posts, reports, strict=True):
        if post.path in refused and report.error is None:
            report.fail(refused[post.path])
        elif report.error is None:
            report.diagnostics += [
                d for d in said.get(post.path, ()) if d not in report.diagnostics
            ]
