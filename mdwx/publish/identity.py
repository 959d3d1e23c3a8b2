"""Which article a post is: the same one however the post is named, moved or renamed.

A post's key in the state is its path relative to the site root (:func:`mdwx.config.
find_site_root`), never relative to the folder typed on the command line. Two things can
still hide an earlier article from that key, and both are handled here rather than by
silently creating a second article on WeChat:

- the root moved up (an ``mdwx.toml`` added after publishing, or a post first published
  while its own folder was the root): a state database sits in a folder between the post and
  the root. Its records are taken over (:meth:`mdwx.publish.state.store.State.adopt`) and the file is
  renamed ``state.db.adopted``; when both files know the post as different articles mdwx
  stops and names the file.
- the post file was renamed or moved: an article whose post file is gone and which had the
  same file content (sha256) or the same front-matter ``id``/``slug`` is the post's article.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from mdwx.errors import MdwxError, StateError
from mdwx.publish.state.store import ArticleRecord, State
from mdwx.source import reading
from mdwx.source.posts import Post

ADOPTED_SUFFIX = ".adopted"


@dataclass(frozen=True)
class Fingerprint:
    """What identifies a post besides its path: file content and front-matter id/slug."""

    source_hash: str
    post_key: str


def fingerprint(post: Post, *, post_id: str = "", slug: str = "") -> Fingerprint:
    """``post_id``/``slug``: the front matter's explicit ``id`` or ``slug`` ("" when absent)."""
    try:
        data = post.source_bytes()
    except MdwxError:  # a post the gate refuses: it has no content to recognise it by
        data = b""
    key = f"id:{post_id}" if post_id else f"slug:{slug}" if slug else ""
    return Fingerprint(hashlib.sha256(data).hexdigest(), key)


def article_fingerprint(post: Post, article: object | None = None) -> Fingerprint:
    """The fingerprint with the front matter read (a post that does not parse: content only)."""
    if article is None:
        try:
            article = reading.read_post(post)
        except MdwxError:
            return fingerprint(post)
    return fingerprint(
        post,
        post_id=post_id(article),
        slug=getattr(article, "slug", "") if "slug" in getattr(article, "key_lines", {}) else "",
    )


def post_id(article: object) -> str:
    """The front matter's ``id`` (a string or a number), "" when absent."""
    value = getattr(article, "front_matter", {}).get("id")
    return (
        str(value)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value)
        else ""
    )


@dataclass(frozen=True)
class Found:
    record: ArticleRecord | None
    renamed_from: str | None = None  # the recorded path when the post was renamed or moved


def find_article(state: State, appid: str, post: Post, print_: Fingerprint) -> Found:
    """The post's article record: by its path, else the article of a renamed/moved post.

    Raises :class:`StateError` when several earlier articles match (the user must say).
    """
    record = state.article(appid, post.relative)
    if record is not None:
        return Found(record)
    root = post.config.root
    candidates = [
        r
        for r in state.identity_matches(
            appid, source_hash=print_.source_hash, post_key=print_.post_key
        )
        if not (root / r.source_path).exists()
    ]
    if not candidates:
        return Found(None)
    by_key = [r for r in candidates if print_.post_key and r.post_key == print_.post_key]
    if len(by_key) == 1:
        return Found(by_key[0], by_key[0].source_path)
    if len(candidates) == 1:
        return Found(candidates[0], candidates[0].source_path)
    names = ", ".join(r.source_path for r in candidates)
    raise StateError(
        f"this post matches several earlier articles whose files are gone ({names})",
        path=post.path,
        hint="give the post a unique `id:` in its front matter, or restore the old files",
    )


def hidden_states(posts: Iterable[Post]) -> list[tuple[Path, str, str]]:
    """State files a root change would hide, as (file, prefix, below) for :meth:`State.adopt`.

    Below the root: a state file in a folder between a post and its root (``prefix``: that
    folder, relative to the root). Above the root: a state file in a folder above it whose
    records may name posts of this site (``below``: the root, relative to that folder).
    """
    found: dict[Path, tuple[str, str]] = {}
    for post in posts:
        if post.config.state_file is not None:  # one state file chosen for every site
            return []
        root = post.config.root
        for folder in (post.path.parent, *post.path.parent.parents):
            if folder == root or not folder.is_relative_to(root):
                break
            candidate = folder / ".mdwx" / "state.db"
            if candidate.is_file() and candidate != post.config.state_path:
                found[candidate] = (folder.relative_to(root).as_posix(), "")
        for folder in root.parents:
            candidate = folder / ".mdwx" / "state.db"
            if candidate.is_file():
                found[candidate] = ("", root.relative_to(folder).as_posix())
    return [(path, prefix, below) for path, (prefix, below) in sorted(found.items())]


def adopt_hidden_states(state: State, posts: Iterable[Post]) -> list[str]:
    """Take over earlier records a root change would hide; returns notes for the user."""
    notes = []
    for path, prefix, below in hidden_states(posts):
        try:
            State.open(path).close()  # bring it to this schema version before reading it
            count = state.adopt(path, prefix=prefix, below=below)
        except StateError as exc:
            if not below or "different article" in exc.message:
                raise
            # A file above the site that cannot be read may belong to another site: say so.
            notes.append(f"could not look for this site's earlier records in {path}: {exc.message}")
            continue
        if below:
            if count:
                notes.append(
                    f"moved {count} article record(s) of this site from {path} (the site root "
                    f"is now {state.path.parent.parent})"
                )
            continue
        _retire(path)
        notes.append(
            f"took over {count} article record(s) from {path} (the site root is now "
            f"{state.path.parent.parent}); the old file is kept as {path.name}{ADOPTED_SUFFIX}"
        )
        notes += _move_sandbox(path.parent / "sandbox.db", state.path.parent / "sandbox.db")
    return notes


def _move_sandbox(old: Path, new: Path) -> list[str]:
    """The in-process sandbox's data follows its records (else they would name articles it lacks)."""
    if not old.is_file():
        return []
    if new.exists():
        return [
            f"{old} holds in-process sandbox articles the records taken over refer to, but {new} "
            "exists too; `mdwx publish --sandbox` uses the latter"
        ]
    try:
        for suffix in ("-wal", "-shm"):
            Path(f"{old}{suffix}").unlink(missing_ok=True)
        old.rename(new)
        marker = old.with_name("sandbox.appid")  # the sandbox instance's AppID goes with it
        if marker.is_file():
            marker.rename(new.with_name("sandbox.appid"))
    except OSError as exc:
        raise StateError(
            f"cannot move the in-process sandbox's data to the site root: {exc.strerror}",
            path=old,
            hint=f"move it to {new} by hand",
        ) from None
    return [f"moved the in-process sandbox's data from {old} to {new}"]


def _retire(path: Path) -> None:
    try:
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.rename(path.with_name(path.name + ADOPTED_SUFFIX))
    except OSError as exc:
        raise StateError(
            f"took over its records but cannot rename it: {exc.strerror}",
            path=path,
            hint="move the file aside by hand",
        ) from None
