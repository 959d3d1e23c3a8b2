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
from typing import TYPE_CHECKING, TypeVar

from mdwx.bundles.keys import UNNUMBERED
from mdwx.bundles.table import table_line
from mdwx.errors import Diagnostic, MdwxError

E = TypeVar("E", bound=MdwxError)

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


def member_refusals(
    bundle: Bundle, problem: MdwxError, culprit: str | None = None
) -> dict[Path, MdwxError]:
    """The error each post of a refused ``bundle`` reports, by post path.

    The post ``problem`` is placed at keeps it; every other post gets its own error under its
    own path, saying its bundle is refused and why (``problem`` and where it is). ``culprit``:
    the site path of a post of the bundle the gate refused (``problem`` then is about it, and
    it has its own error already).
    """
    found: dict[Path, MdwxError] = {}
    named = f"its bundle {bundle.name!r} is refused because"
    for prepared in bundle.prepared:
        path = prepared.post.path
        if culprit is None and problem.path == str(path):
            found[path] = problem
            continue
        if culprit is not None:
            why = f"{named} its post {culprit} is refused (a message goes out whole)"
        else:
            where = _site_relative(bundle, problem)
            why = f"{named} of {where}: {_reason(bundle, problem)}"
        found[path] = BundleError(
            why, path=path, line=prepared.article.key_lines.get("bundle"), hint=problem.hint
        )
    return found


def _reason(bundle: Bundle, problem: MdwxError) -> str:
    """``problem``'s message said of the bundle ("it has 9 posts", not "bundle 'w' has …")."""
    named = f"bundle {bundle.name!r}"
    if problem.message.startswith(f"{named}: "):
        return problem.message[len(named) + 2 :]
    if problem.message.startswith(f"{named} "):
        return "it" + problem.message[len(named) :]
    return problem.message


def named_bundle(name: str, paths: Sequence[Path], root: Path) -> str:
    """``bundle 'weekly' (posts/a.md, posts/b.md)``: a bundle and its posts in message order,
    each as a path in its site, for a message about the whole bundle."""
    shown = []
    for path in paths:
        try:
            shown.append(path.relative_to(root).as_posix())
        except ValueError:
            shown.append(path.as_posix())
    return f"bundle {name!r} ({', '.join(shown)})"


def whole_bundle_error(problem: E, name: str, paths: Sequence[Path], root: Path) -> E:
    """``problem``, met by a step of a whole bundle (its draft, its 群发), said of the bundle:
    its message led by the bundle's name and every post, placed at the first post (the 头条,
    where the bundle's message starts). An error a member already placed is left as it is."""
    if problem.path is None:
        problem.message = f"{named_bundle(name, paths, root)}: {problem.message}"
        problem.at(paths[0])
    return problem


def _site_relative(bundle: Bundle, problem: MdwxError) -> str:
    """Where ``problem`` is, as a path in the bundle's site (with its line)."""
    if problem.path is None:
        return "the bundle"
    place = Path(problem.path)
    try:
        shown = place.relative_to(bundle.root).as_posix()
    except ValueError:
        shown = place.name
    return f"{shown}:{problem.line}" if problem.line else shown


def digest_warning_needed(bundle_size: int, prepared: Prepared) -> bool:
    """Whether the post's own digest is dropped: WeChat keeps digests only for one-article
    drafts, so a bundle of 2+ sends none (a digest made from the body is dropped silently)."""
    return (
        bundle_size >= 2
        and prepared.article.digest_given
        and prepared.article.post_type != "images"
    )


DIGEST_DROPPED = "bundle-digest-dropped"


def note_digest_dropped(bundle: Bundle) -> list[Diagnostic]:
    """Add the ``bundle-digest-dropped`` warning to each post of ``bundle`` whose digest
    WeChat drops (:func:`digest_warning_needed`); the warnings added, none twice.

    Said where check, build and publish all pass (the gate's bundle stage), under the post's
    own path as every other warning of the post.
    """
    size = len(bundle.prepared)
    added = []
    for prepared in bundle.prepared:
        if not digest_warning_needed(size, prepared) or any(
            d.code == DIGEST_DROPPED for d in prepared.diagnostics
        ):
            continue
        found = Diagnostic(
            "the digest is dropped: WeChat keeps a digest only for a draft of one article, "
            f"and this post is one of {size} in bundle {bundle.name!r}",
            path=str(prepared.article.path),
            line=prepared.article.key_lines.get("digest"),
            code=DIGEST_DROPPED,
        )
        prepared.diagnostics.append(found)
        added.append(found)
    return added
