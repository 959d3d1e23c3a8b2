"""多图文 bundles, offline: which posts form one message, in which order, and what is refused.

Posts of one site naming the same ``bundle`` (front matter, :mod:`mdwx.bundles.keys`)
become one draft of several articles, ordered by ``bundle_index`` then by path; the first is
the 头条. Refused before anything is sent (docs/reach.md, "多图文"): more than
:data:`MAX_ARTICLES` posts, news posts mixed with image posts, the media backend (its
``publish/uploadnews`` sends one article at a time), and a bundle whose posts go to different
accounts or backends (one draft lives in one account). Nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from mdwx.bundles.keys import UNNUMBERED
from mdwx.bundles.table import table_line
from mdwx.errors import MdwxError

if TYPE_CHECKING:
    from mdwx.prepare import Prepared

#: Articles one WeChat message (one draft) holds: a 头条 and up to 7 次条.
MAX_ARTICLES = 8


class BundleError(MdwxError):
    """A bundle WeChat cannot take as one message; raised before anything is sent."""

    code = "bundle"


@dataclass
class Bundle:
    """The posts of one bundle in message order (``prepared`` in the same order)."""

    name: str
    root: Path
    prepared: list[Prepared] = field(default_factory=list)

    @property
    def paths(self) -> list[Path]:
        return [p.post.path for p in self.prepared]


def order_key(prepared: Prepared) -> tuple[int, str]:
    """Message order: ``bundle_index`` (absent: last), then the post's path in its site."""
    index = prepared.article.bundle_index
    return (UNNUMBERED if index is None else index, prepared.post.relative)


def bundles_of(prepared: Sequence[Prepared]) -> list[Bundle]:
    """The bundles among ``prepared`` (posts with a ``bundle``), each in message order; posts
    without one, and those with ``draft: true``, are in none."""
    found: dict[tuple[Path, str], Bundle] = {}
    for item in prepared:
        name = item.article.bundle
        if not name or item.article.draft:
            continue
        key = (item.post.config.root, name)
        found.setdefault(key, Bundle(name, item.post.config.root)).prepared.append(item)
    for bundle in found.values():
        bundle.prepared.sort(key=order_key)
    return list(found.values())


def _declared(bundle: Bundle) -> tuple[Path, int | None]:
    """Where the bundle is declared: its ``[bundles]`` entry in mdwx.toml, else its first
    post's ``bundle:`` line."""
    first = bundle.prepared[0]
    return table_line(first.post.config, bundle.name) or (
        first.post.path,
        first.article.key_lines.get("bundle"),
    )


def bundle_problem(bundle: Bundle, backend: str) -> BundleError | None:
    """Why ``bundle`` cannot go out as one draft through ``backend``, or None."""
    first = bundle.prepared[0]
    count = len(bundle.prepared)
    named = f"bundle {bundle.name!r}"
    if backend != "draft":
        path, line = _declared(bundle)
        return BundleError(
            f"{named}: the {backend} backend publishes one article at a time and cannot send a 多图文 "
            "message",
            path=path,
            line=line,
            hint='publish bundles with backend = "draft" (the draft box takes several articles in '
            "one draft), or take these posts out of the bundle",
        )
    if count > MAX_ARTICLES:
        return BundleError(
            f"{named} has {count} posts; one WeChat message holds at most {MAX_ARTICLES} articles "
            f"(a 头条 and {MAX_ARTICLES - 1} 次条)",
            path=first.post.path,
            line=first.article.key_lines.get("bundle"),
            hint=f"split it into two bundles of at most {MAX_ARTICLES}",
        )
    types = {p.article.post_type for p in bundle.prepared}
    if len(types) > 1:
        images = next(p for p in bundle.prepared if p.article.post_type == "images")
        return BundleError(
            f"{named} mixes articles with image posts (type: images); a WeChat message is all "
            "articles or all image posts",
            path=images.post.path,
            line=images.article.key_lines.get("type"),
            hint="put the image posts into a bundle of their own",
        )
    return None


def split_problem(
    bundle: Bundle, destinations: dict[Path, frozenset[tuple[str, str]]]
) -> BundleError | None:
    """A bundle whose posts go to different (account, backend) sets, or None.

    ``destinations``: per post path, the (account, backend) pairs its routes go to.
    """
    seen = {destinations.get(path, frozenset()) for path in bundle.paths}
    if len(seen) <= 1:
        return None
    first = bundle.prepared[0]
    where = " vs ".join(
        sorted(", ".join(f"{a or 'default'}/{b}" for a, b in sorted(s)) or "none" for s in seen)
    )
    return BundleError(
        f"bundle {bundle.name!r} is split across accounts or backends ({where}); one message lives "
        "in one account",
        path=first.post.path,
        line=first.article.key_lines.get("bundle"),
        hint="give every post of the bundle the same accounts: (and backend), or publish them with "
        "--account NAME",
    )


def digest_warning_needed(bundle_size: int, prepared: Prepared) -> bool:
    """Whether the post's own digest is dropped: WeChat keeps digests only for one-article
    drafts, so a bundle of 2+ sends none (a digest made from the body is dropped silently)."""
    return (
        bundle_size >= 2
        and prepared.article.digest_given
        and prepared.article.post_type != "images"
    )
