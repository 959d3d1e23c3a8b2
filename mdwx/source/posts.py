"""A post of a site (:class:`Post`), as the gate (:mod:`mdwx.source.gate`) admits it.

:func:`collect_posts` is the gate for paths: a directory expands to its posts through the
site's include/exclude globs; a file is taken as named (even when the globs would skip it:
naming it is explicit). Drafts are skipped by the caller, not here, so ``check`` can still
validate them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mdwx.config import SiteConfig
from mdwx.errors import ArticleError
from mdwx.files.reader import check_file, confined
from mdwx.source.article import decode_source

POST_SUFFIXES = (".md", ".markdown")


@dataclass(frozen=True)
class Post:
    """One post of a site: a file, or text held in memory as if it were that file.

    ``text`` (when not None) is the post's source instead of the file's content, and
    ``meta`` overrides its front matter keys; ``path`` still names the post and locates its
    relative assets and its site (see :class:`mdwx.api.Post`). Posts are made by the gate
    (:func:`mdwx.source.gate.admit`), which decides ``config`` (the site root); the file is
    read once, on first use, through the confined reader, and its bytes kept for the run.
    """

    path: Path  # absolute
    config: SiteConfig
    text: str | None = None
    meta: Mapping[str, Any] | None = field(default=None, hash=False, compare=False)
    # The file's bytes once read (key "bytes"), shared by copies made with dataclasses.replace.
    read_cache: dict[str, bytes] = field(
        default_factory=dict, hash=False, compare=False, repr=False
    )
    # The post's path relative to each site root asked for, once per post: ``status`` and
    # ``publish`` ask five times per post, and each answer is a ``realpath`` (a stat per folder).
    relative_cache: dict[Path, str] = field(
        default_factory=dict, hash=False, compare=False, repr=False
    )

    def source_bytes(self) -> bytes:
        """The post's source as bytes: the text given, else the file's bytes, read once.

        Raises :class:`ArticleError` for a post the gate's rules refuse (see
        :meth:`confined_path`), a file over ``limits.markdown_bytes``, or a read error.
        """
        if self.text is not None:
            self.confined_path()
            return self.text.encode("utf-8")
        if "bytes" not in self.read_cache:
            from mdwx.files.reader import read_file
            from mdwx.source.article import too_large

            limit = self.config.limits.markdown_bytes
            self.read_cache["bytes"] = read_file(
                self.confined_path(),
                limit=limit,
                error=ArticleError,
                too_large=too_large(self.path, limit),
            )
        return self.read_cache["bytes"]

    def source_text(self) -> str:
        """The post's source as text, after the gate's rules (see :meth:`confined_path`).

        The text given, else the file's bytes read once and decoded from UTF-8. Raises
        :class:`ArticleError`.
        """
        if self.text is not None:
            self.confined_path()
            return self.text

        return decode_source(self.source_bytes(), self.path)

    @property
    def relative(self) -> str:
        """The post's path relative to its site root, posix style: its identity in the state.

        Found once per post and site root (a run does not move its posts).
        """
        root = self.config.root
        if root not in self.relative_cache:
            try:
                found = Path(os.path.realpath(self.path)).relative_to(root).as_posix()
            except ValueError:
                found = self.path.as_posix()
            self.relative_cache[root] = found
        return self.relative_cache[root]

    def confined_path(self) -> Path:
        """The file to read: the post's real path, a regular file inside the site root.

        A post that is (or sits behind) a symbolic link leading outside the site, a FIFO,
        device or socket, or a file with another hard link, raises :class:`ArticleError`, as
        an image would: publishing must not read files the site does not hold. A post held in
        memory is judged by the file at its path when there is one (a MkDocs page that is a
        link leading outside is refused), else only by where its path leads.
        """
        if self.text is not None and not os.path.lexists(self.path):
            if not confined(
                self.path, self.config.root
            ):  # a linked folder, or a path beside the root named
                raise ArticleError(
                    f"outside the site folder {self.config.root}",
                    path=self.path,
                    hint="give the post a path inside its site",
                )
            return self.path
        check_file(self.path, error=ArticleError, root=self.config.root, single_link=True)
        return Path(os.path.realpath(self.path))
