"""Turn command-line paths into posts, each with the config of the site it belongs to.

A directory expands to its posts through the site's include/exclude globs; a file is taken
as named (even when the globs would skip it: naming it is explicit). Drafts are skipped by
the caller, not here, so ``check`` can still validate them.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mdwx.config import SiteConfig, load_config
from mdwx.errors import ArticleError, ConfigError
from mdwx.source.generators import site_for

POST_SUFFIXES = (".md", ".markdown")


@dataclass(frozen=True)
class Post:
    """One post of a site: a file, or text held in memory as if it were that file.

    ``text`` (when not None) is the post's source instead of the file's content, and
    ``meta`` overrides its front matter keys; ``path`` still names the post and locates its
    relative assets and its site (see :class:`mdwx.api.Post`).
    """

    path: Path  # absolute
    config: SiteConfig
    text: str | None = None
    meta: Mapping[str, Any] | None = field(default=None, hash=False, compare=False)

    def source_bytes(self) -> bytes:
        """The post's source as bytes: the text given, else the file's bytes (raises OSError)."""
        if self.text is not None:
            return self.text.encode("utf-8")
        return self.path.read_bytes()

    @property
    def relative(self) -> str:
        """The post's path relative to its site root, posix style: its identity in the state."""
        try:
            return Path(os.path.realpath(self.path)).relative_to(self.config.root).as_posix()
        except ValueError:
            return self.path.as_posix()

    def confined_path(self) -> Path:
        """The file to read: the post's real path, a regular file inside the site root.

        A post that is (or sits behind) a symbolic link leading outside the site
        raises :class:`ArticleError`, as an image would: publishing must not read files the
        site does not hold.
        """
        root = Path(os.path.realpath(self.config.root))
        real = Path(os.path.realpath(self.path))
        if not real.is_relative_to(root):
            raise ArticleError(f"a symbolic link leading outside the site folder {root}",
                               path=self.path, hint="copy the post into the site instead")
        if not real.is_file():
            raise ArticleError("not a regular file", path=self.path)
        return real


def collect_posts(paths: Sequence[str | Path]) -> list[Post]:
    """Expand ``paths`` into posts; a path that does not exist is a usage error."""
    if not paths:
        raise ConfigError("no post or folder given", hint="e.g. mdwx build posts/")
    posts: list[Post] = []
    seen: set[Path] = set()  # real paths: two names for one file are one post
    configs: dict[Path, SiteConfig] = {}
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            raise ConfigError("no such file or folder", path=raw)
        # Absolute but not resolved: the site is the one the path is written in, so a link
        # inside it that leads elsewhere is judged against this site (Post.confined_path).
        path = Path(os.path.abspath(path))
        config = _config_for(path, configs)
        found = _expand(Path(os.path.realpath(path)), config) if path.is_dir() else [path]
        for item in found:
            real = Path(os.path.realpath(item))
            if real not in seen:
                seen.add(real)
                # Each post's site root comes from where the post is, never from the argument
                # that named it: the folder's config only chose which files are posts.
                posts.append(Post(item, _config_for(item, configs)))
    if not posts:
        raise ConfigError("no Markdown posts found", path=", ".join(str(p) for p in paths),
                          hint="posts are *.md files matching the site's include globs")
    return posts


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
        if _matches(rel, include) and not _matches(rel, exclude) and (not site or site.is_post(path)):
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
