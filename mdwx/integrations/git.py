"""The posts a git range changed: what ``publish --changed-since`` / ``--git-range`` sends.

git itself is run (``git diff --name-status -M -z``); nothing here parses git's files. A post
counts as changed when its Markdown was added, modified, or renamed/copied (the new path: the
state's identity follows a rename to the same article by content hash or front-matter
``id``/``slug``, see :mod:`mdwx.publish.identity`), or when a local file it references (an
image, the cover, a video) changed while the Markdown did not. Deleted posts are reported,
never acted on.

Errors (:class:`mdwx.errors.ConfigError`, exit 2): not inside a git work tree, an unknown
revision, git missing.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mdwx.assets.local import resolve_local
from mdwx.errors import ConfigError, MdwxError
from mdwx.render import render_article
from mdwx.source import reading
from mdwx.source.gate import collect_posts
from mdwx.source.posts import POST_SUFFIXES

GIT_TIMEOUT = 60.0  # seconds for one git command (a diff of a large repository)
ZERO_SHA = frozenset({"0" * 40, "0" * 64})


@dataclass
class Changes:
    """What a range changed, as absolute paths in the work tree.

    ``posts``: posts to publish (sorted); ``deleted``: post files the range removed;
    ``renamed``: (old, new) pairs of renamed posts; ``by_asset``: post → the changed files it
    references that made it count (its Markdown unchanged).
    """

    posts: list[Path] = field(default_factory=list)
    deleted: list[Path] = field(default_factory=list)
    renamed: list[tuple[Path, Path]] = field(default_factory=list)
    by_asset: dict[Path, list[Path]] = field(default_factory=dict)


def run_git(args: Sequence[str], *, cwd: Path, what: str = "") -> str:
    """Run ``git ARGS`` in ``cwd``; its stdout. Failure is a ConfigError with git's own line."""
    env = dict(os.environ, LC_ALL="C", GIT_TERMINAL_PROMPT="0")
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, env=env, timeout=GIT_TIMEOUT
        )
    except FileNotFoundError:
        raise ConfigError(
            "git is not installed", hint="install git, or publish the posts by name"
        ) from None
    except subprocess.TimeoutExpired:
        raise ConfigError(
            f"git {' '.join(args[:2])} took more than {GIT_TIMEOUT:.0f} s", path=cwd
        ) from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        line = message[-1] if message else f"git exited with {done.returncode}"
        if "not a git repository" in line:
            raise ConfigError(
                "not inside a git repository",
                path=cwd,
                hint="run mdwx in the repository's work tree, or publish the posts by name",
            )
        raise ConfigError(f"{what or 'git ' + args[0]}: {line.removeprefix('fatal: ')}", path=cwd)
    return done.stdout.decode("utf-8", "surrogateescape")


def work_tree(folder: Path) -> Path:
    """The top of the git work tree holding ``folder``."""
    return Path(run_git(["rev-parse", "--show-toplevel"], cwd=folder).strip())


def verify_rev(rev: str, *, cwd: Path) -> str:
    """The commit ``rev`` names (full hex); unknown → ConfigError naming it."""
    if not rev or rev.startswith("-"):
        raise ConfigError(f"not a revision: {rev!r}")
    run_git(["rev-parse", "--show-toplevel"], cwd=cwd)  # "not a git repository" first
    try:
        return run_git(
            ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"], cwd=cwd
        ).strip()
    except ConfigError:
        raise ConfigError(
            f"unknown revision {rev!r}",
            path=cwd,
            hint="a commit, branch or tag this repository has (git fetch it first?)",
        ) from None


def empty_tree(cwd: Path) -> str:
    """The empty tree's id (SHA-1 or SHA-256 repositories alike): the base of a new branch."""
    done = subprocess.run(
        ["git", "hash-object", "-t", "tree", "--stdin"],
        cwd=cwd,
        input=b"",
        capture_output=True,
        timeout=GIT_TIMEOUT,
    )
    return done.stdout.decode().strip()


def parse_range(text: str) -> tuple[str, str]:
    """``A..B`` (or ``A...B``: from their merge base) → (A, B); a missing side is HEAD."""
    if "..." in text:
        base, _, tip = text.partition("...")
        return (f"{base or 'HEAD'}...{tip or 'HEAD'}", "")
    base, sep, tip = text.partition("..")
    if not sep:
        raise ConfigError(
            f"--git-range {text!r} is not a range", hint="write it as A..B, e.g. origin/main..HEAD"
        )
    return base or "HEAD", tip or "HEAD"


def name_status(cwd: Path, base: str, tip: str) -> list[tuple[str, str, str]]:
    """(status letter, old path, new path) per changed file between two commits, paths
    relative to the work tree's top. Renames and copies carry both paths."""
    if "..." in base:
        left, _, right = base.partition("...")
        merge_base = run_git(
            ["merge-base", verify_rev(left, cwd=cwd), verify_rev(right, cwd=cwd)],
            cwd=cwd,
            what="merge-base",
        ).strip()
        base, tip = merge_base, verify_rev(right, cwd=cwd)
    else:
        base = base if base == empty_tree(cwd) else verify_rev(base, cwd=cwd)
        tip = verify_rev(tip, cwd=cwd)
    out = run_git(
        ["diff", "--name-status", "-M", "-z", "--no-ext-diff", base, tip, "--"],
        cwd=cwd,
        what="git diff",
    )
    fields = out.split("\0")
    rows: list[tuple[str, str, str]] = []
    i = 0
    while i < len(fields) and fields[i]:
        status = fields[i]
        letter = status[0]
        if letter in "RC":
            rows.append((letter, fields[i + 1], fields[i + 2]))
            i += 3
        else:
            rows.append((letter, fields[i + 1], fields[i + 1]))
            i += 2
    return rows


def changed_posts(folder: Path, base: str, tip: str = "HEAD") -> Changes:
    """The posts under ``folder`` (a site or a folder in it) that ``base``..``tip`` changed.

    Posts are judged by the site's include/exclude globs (as ``mdwx publish FOLDER`` would
    pick them) on the work tree as it is; a changed file that is no post (an image, a video)
    makes every post referencing it count.
    """
    folder = Path(os.path.abspath(folder))
    top = work_tree(folder if folder.is_dir() else folder.parent)
    rows = name_status(top, base, tip)
    try:
        # Keyed by the path as the work tree holds it, never by where a link leads: a pushed
        # link `posts/leak.md -> /srv/secret` stays that path, and the gate refuses it there.
        candidates = {_in_tree(p.path): p for p in collect_posts([folder])}
    except ConfigError as exc:
        if exc.message != "no Markdown posts found":
            raise
        candidates = {}
    changes = Changes()
    touched: set[Path] = set()
    for letter, old, new in rows:
        old_path, new_path = _in_tree(top / old), _in_tree(top / new)
        if letter == "D":
            if _looks_like_post(old_path, folder):
                changes.deleted.append(top / old)
            continue
        if new_path in candidates:
            if letter == "R" and old != new:
                changes.renamed.append((top / old, top / new))
            if new_path not in changes.posts:
                changes.posts.append(new_path)
        elif letter == "R" and _looks_like_post(old_path, folder):
            changes.deleted.append(top / old)  # renamed to a file that is no post
        elif not _looks_like_post(new_path, folder):  # a post the globs skip is no one's asset
            touched.add(Path(os.path.realpath(new_path)))  # as referenced_files gives them
    if touched:  # rendering every post to find who references what: only when a file changed
        for path, post in candidates.items():
            if path in changes.posts:
                continue
            hits = sorted(referenced_files(post) & touched)
            if hits:
                changes.posts.append(path)
                changes.by_asset[path] = hits
    changes.posts.sort()
    return changes


def _in_tree(path: Path) -> Path:
    """``path`` (absolute) with its folders resolved and the file itself (maybe a link) not,
    as the work tree's top (resolved, as git gives it) and the gate's posts both write it."""
    return Path(os.path.realpath(path.parent)) / path.name


def _looks_like_post(path: Path, folder: Path) -> bool:
    return path.suffix.lower() in POST_SUFFIXES and _in_tree(path).is_relative_to(
        Path(os.path.realpath(folder))
    )


def referenced_files(post: object) -> set[Path]:
    """The local files a post references (images, cover, videos), real paths; offline.

    A post that does not read or render references nothing here (publishing it reports why).
    """
    try:
        article = reading.read_post(post)  # type: ignore[arg-type]
        document = render_article(article, post.config)  # type: ignore[attr-defined]
    except MdwxError:
        return set()
    root = post.config.root  # type: ignore[attr-defined]
    sources = [
        a.reference_from(article.path)
        for a in document.assets
        if not a.is_remote and not a.is_data_uri and not a.is_typeset
    ]
    if article.cover and not article.cover.startswith(("http://", "https://", "//", "data:")):
        sources.append(article.cover)
    found = set()
    for source in sources:
        try:
            found.add(
                Path(
                    os.path.realpath(resolve_local(source, post_path=article.path, site_root=root))
                )
            )
        except MdwxError:
            continue
    return found


def describe(changes: Changes, root: Path) -> list[str]:
    """Lines telling the user what the range held besides the posts to publish."""
    lines = []
    for old, new in changes.renamed:
        lines.append(
            f"renamed: {_rel(old, root)} → {_rel(new, root)} (the same article when its content or "
            "front-matter id/slug is unchanged)"
        )
    for path, files in changes.by_asset.items():
        lines.append(
            f"{_rel(path, root)}: its file(s) changed: {', '.join(_rel(f, root) for f in files)}"
        )
    for path in changes.deleted:
        lines.append(
            f"deleted: {_rel(path, root)} (its article is left as it is; `mdwx delete` removes one)"
        )
    return lines


def _rel(path: Path, root: Path) -> str:
    try:
        return Path(os.path.realpath(path)).relative_to(Path(os.path.realpath(root))).as_posix()
    except ValueError:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            return str(path)
