"""``build`` over many posts: each post in an output folder of its own, progress reported.

Posts sharing a slug would overwrite each other's ``OUT/<slug>/``; :func:`output_folders`
gives each one its own folder, the same for the same posts whatever order they come in.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from mdwx.build import build_post
from mdwx.diagnostics import Diagnostic
from mdwx.errors import MdwxError
from mdwx.post_report import PostReport
from mdwx.prepare import Prepared, prepare
from mdwx.source import reading
from mdwx.source.posts import Post


def build_posts(
    posts: list[Post],
    out_dir: Path,
    progress: Callable[[Post, int, int], None] | None = None,
    *,
    prepare_with: Callable[..., Prepared] = prepare,
) -> list[PostReport]:
    """:func:`build_post` for each post, each in a folder of its own (see :func:`output_folders`).

    ``progress(post, done, total)`` hears of each post built; ``prepare_with`` prepares each
    (as for :func:`mdwx.build.check_post`).
    """
    folders = output_folders(posts)
    reports = []
    for done, post in enumerate(posts, start=1):
        folder, note = folders.get(post.path, (None, None))
        report = build_post(post, out_dir, folder, prepare_with=prepare_with)
        reports.append(with_identity(report, folders))
        if progress is not None:
            progress(post, done, len(posts))
    return reports


def with_identity(report: PostReport, folders: dict[Path, tuple[str, str | None]]) -> PostReport:
    """``report`` naming the post's final identity: its folder from :func:`output_folders`
    as its ``slug``, and the collision note as a ``slug-collision`` warning. ``check`` and
    ``build`` both report through here, so both say the same identity for the same posts."""
    folder, note = folders.get(report.path, (None, None))
    if folder is not None and report.slug is not None:
        report.slug = folder
    if note:
        report.diagnostics.append(Diagnostic(note, str(report.path), code="slug-collision"))
    return report


def output_folders(posts: list[Post]) -> dict[Path, tuple[str, str | None]]:
    """Each post's output folder name and, for a post that could not have its slug, a note.

    Posts sharing a slug (``_posts/2011-11-04-basis.md`` and ``_posts/2011-11-06-basis.md``
    are both ``basis``) would overwrite each other: the first by its path relative to the site
    root keeps the slug, the next take ``slug-2``, ``slug-3`` … (the first free), so the same
    posts always land in the same folders. Posts that cannot be read are left out (they fail).
    """
    slugs: dict[Path, str] = {}
    for post in posts:
        try:
            slugs[post.path] = reading.read_post(post).slug
        except MdwxError:
            continue
    return folders_for(slugs, {post.path: post.relative for post in posts})


def folders_for(
    slugs: dict[Path, str], relative: dict[Path, str]
) -> dict[Path, tuple[str, str | None]]:
    """:func:`output_folders` from each post's slug (``slugs``, by path) and its path relative
    to its site root (``relative``), for a caller that has read the posts already."""
    order = sorted(slugs, key=lambda path: (slugs[path], relative[path]))
    taken = set(slugs.values())
    first: dict[str, Path] = {}
    folders: dict[Path, tuple[str, str | None]] = {}
    for path in order:
        slug = slugs[path]
        if slug not in first:
            first[slug] = path
            folders[path] = (slug, None)
            continue
        number = 2
        while f"{slug}-{number}" in taken:
            number += 1
        folder = f"{slug}-{number}"
        taken.add(folder)
        folders[path] = (
            folder,
            f"shares the slug {slug!r} with {first[slug]}: built into {folder}/ instead",
        )
    return folders
