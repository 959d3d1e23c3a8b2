"""The gate: the one function every door turns its input into posts through.

::

    CLI paths ─────────────┐
    --changed-since/-range ┤  (git names posts as the work tree holds them, links unresolved)
    pre-push/post-receive ─┤  (run ``mdwx publish PATHS``)
    pre-commit, Action ────┤  (run ``mdwx check/publish PATHS``)
    mdwx.api paths ────────┼──▶ admit() ──▶ Post(path, config) ──▶ Post.source_bytes()
    mdwx.api Post(text) ───┤    site root     (root decided)        confined, one name,
    MkDocs, Pelican pages ─┤    per post                            regular file, capped,
    live preview ──────────┘                                        read once per run

:func:`admit` decides each post's site root and config; :meth:`Post.source_bytes
<mdwx.source.posts.Post.source_bytes>` (and :meth:`~mdwx.source.posts.Post.confined_path`)
applies the confinement rules of :mod:`mdwx.files.reader` when the post is first read, so
a refused post is reported as that post's failure, whichever door it came through. A new
door must call :func:`admit` (or :func:`~mdwx.source.gate.collect_posts`, its name for
paths) and read the post only through the post; see ``docs/reliability.md``.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mdwx.config import SiteConfig
from mdwx.errors import ConfigError
from mdwx.source.generators import site_for
from mdwx.source.generators.detect import generator_at
from mdwx.source.generators.vault_tree import read_alone_as_vault, read_as_vault
from mdwx.source.posts import POST_SUFFIXES, Post
from mdwx.source.site import load_config

UNNAMED_POST = "post.md"  # what an in-memory post without a path is called, in the current folder


@dataclass(frozen=True)
class InMemory:
    """A post held in memory, as a door hands it to the gate.

    ``path`` (None: ``post.md`` in the current folder) is where the post lives or would live;
    ``root`` names its site root. Without ``root`` the site is found from ``path`` as for a
    file, and a post with no site marker above it (``mdwx.toml``, ``pyproject.toml`` with
    ``[tool.mdwx]``, a git work tree) whose folder is ``/`` or a home folder is refused: that
    folder would become the site, every file in it readable by the post. With ``root``, a
    relative ``path`` is taken relative to it.
    """

    text: str
    path: str | os.PathLike[str] | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)
    root: str | os.PathLike[str] | None = None


Source = str | os.PathLike[str] | InMemory


def admit(sources: Sequence[Source]) -> list[Post]:
    """Every door's posts: paths (files, or folders expanded by the site's globs) and posts
    held in memory, each with the config of its site; a file named twice counts once.

    Raises :class:`ConfigError` (exit 2) for nothing given, a path that does not exist or
    holds a NUL character (:func:`path_text`), no posts found, or an in-memory post without a
    site it may own (see :class:`InMemory`).
    The per-post rules (confinement, regular files, one name, caps) are the post's: they
    refuse it when it is read, so a folder with one bad post still reports the others.
    """
    if not sources:
        raise ConfigError("no post or folder given", hint="e.g. mdwx build posts/")
    posts: list[Post] = []
    seen: set[Path] = set()  # real paths: two names for one file are one post
    configs: dict[Path, SiteConfig] = {}
    for source in sources:
        for named in (source.path, source.root) if isinstance(source, InMemory) else (source,):
            if named is not None:
                path_text(named)
        found = (
            [_in_memory(source)] if isinstance(source, InMemory) else _from_path(source, configs)
        )
        for post in found:
            real = Path(os.path.realpath(post.path))
            if real not in seen:
                seen.add(real)
                posts.append(post)
    if not posts:
        raise ConfigError(
            "no Markdown posts found",
            path=", ".join(str(s) for s in sources),
            hint="posts are *.md files matching the site's include globs",
        )
    return posts


def path_text(raw: str | os.PathLike[str] | bytes) -> str:
    """``raw`` as text, refused when no file can have that name: a NUL character ends a name
    for the operating system (Python raises ``ValueError: embedded null byte`` deep inside
    ``stat``), so every door's path is checked here first. Raises :class:`ConfigError`
    naming the path with the NUL shown as ``\\x00``."""
    text = os.fsdecode(os.fspath(raw))
    if "\x00" in text:
        raise ConfigError(
            "a path cannot hold a NUL character (\\x00)", path=text.replace("\x00", "\\x00")
        )
    return text


def _from_path(raw: str | os.PathLike[str], configs: dict[Path, SiteConfig]) -> list[Post]:
    path = Path(raw).expanduser()
    if not path.exists():
        raise ConfigError("no such file or folder", path=os.fspath(raw))
    # Absolute but not resolved: the site is the one the path is written in, so a link inside
    # it that leads elsewhere is judged against this site (Post.confined_path).
    path = Path(os.path.abspath(path))
    config = _config_for(path, configs)
    found = _expand(Path(os.path.realpath(path)), config) if path.is_dir() else [path]
    # Each post's site root comes from where the post is, never from the argument that named
    # it: the folder's config only chose which files are posts. An unmarked Obsidian vault is
    # the exception: its notes' own folders mark nothing, and the vault is the site.
    posts = [Post(item, _config_for(item, configs)) for item in found]
    if path.is_dir():
        return read_as_vault(posts, config, _unmarked)
    # A note named alone is read as its site's folder run reads it (one rule, any door).
    return [read_alone_as_vault(posts[0], lambda: _site_notes(posts[0].config, configs))]


def _site_notes(config: SiteConfig, configs: dict[Path, SiteConfig]) -> list[Post]:
    """The posts a run over ``config``'s root would read (none for a root too wide to walk:
    ``/`` or a home folder)."""
    if _too_wide(config.root):
        return []
    root = Path(os.path.realpath(config.root))
    return [Post(item, _config_for(item, configs)) for item in _expand(root, config)]


def _unmarked(config: SiteConfig) -> bool:
    """Whether ``config``'s root is a folder only by default: no marker names it."""
    return not _marked(config) and generator_at(config.root) is None


def _in_memory(source: InMemory) -> Post:
    if not isinstance(source.text, str):
        raise ConfigError(f"Post.text must be a string, not {type(source.text).__name__}")
    named = Path(source.path if source.path is not None else UNNAMED_POST).expanduser()
    if source.root is not None:
        root = Path(os.path.realpath(Path(source.root).expanduser()))
        if not root.is_dir():
            raise ConfigError("the post's site root is not a folder", path=os.fspath(source.root))
        config = load_config(root)
        if config.root != root:  # a root named is the root, whatever marks a folder above it
            config = SiteConfig(root=root)
        path = Path(os.path.abspath(root / named))
    else:
        path = Path(os.path.abspath(named))
        config = load_config(path)
        if (
            config.root == Path(os.path.realpath(path.parent))
            and not _marked(config)
            and _too_wide(config.root)
        ):
            raise ConfigError(
                f"an in-memory post in {config.root} has no site folder of its own",
                path=path,
                hint="name its site: Post(text, path=..., root=SITE_FOLDER)",
            )
    return Post(path, config, source.text, dict(source.meta))


def _marked(config: SiteConfig) -> bool:
    """Whether the site root was chosen by a marker, not as the post's folder by default."""
    return config.config_path is not None or (config.root / ".git").exists()


def _too_wide(folder: Path) -> bool:
    """``/`` or a home folder: no post's site root by default."""
    home = Path(os.path.realpath(os.path.expanduser("~")))
    return (
        folder == Path(folder.anchor)
        or folder == home
        or folder == Path("/root")
        or folder.parent in (Path("/home"), Path("/Users"))
    )


def _config_for(path: Path, cache: dict[Path, SiteConfig]) -> SiteConfig:
    folder = path if path.is_dir() else path.parent
    if folder not in cache:
        cache[folder] = load_config(path)
    return cache[folder]


def _expand(folder: Path, config: SiteConfig) -> list[Path]:
    found = []
    site = site_for(folder, config)  # Hugo's content/, Jekyll's _posts …: the generator says
    exclude = site.exclude(config.exclude) if site else config.exclude
    include = site.include(config.include) if site else config.include
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() not in POST_SUFFIXES or not path.is_file():
            continue
        rel = _relative(path, config.root)
        if (
            _matches(rel, include)
            and not _matches(rel, exclude)
            and (not site or site.is_post(path))
        ):
            found.append(path)
    return found


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


def _matches(relative: str, patterns: Iterable[str]) -> bool:
    """Glob match where ``**/`` may also match nothing (``**/*.md`` matches ``a.md``)."""
    for pattern in patterns:
        if fnmatch.fnmatchcase(relative, pattern):
            return True
        if pattern.startswith("**/") and fnmatch.fnmatchcase(relative, pattern[3:]):
            return True
    return False


def collect_posts(paths: Sequence[str | Path]) -> list[Post]:
    """Expand ``paths`` (files and folders) into posts through the gate (:func:`admit`).

    A path that does not exist is a usage error (:class:`~mdwx.errors.ConfigError`).
    """
    return admit(paths)
