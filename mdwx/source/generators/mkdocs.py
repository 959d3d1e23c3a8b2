"""MkDocs: pages are the Markdown files under ``docs_dir``; page meta as YAML front matter or
MultiMarkdown-style ``Key: value`` lines (mkdocs.org/user-guide/writing-your-docs/#meta-data).

Source: mkdocs.org/user-guide/configuration/ (``docs_dir``, default ``docs``; files and
folders starting with ``.`` are ignored), /user-guide/writing-your-docs/ (meta-data, page
titles), squidfunk.github.io/mkdocs-material/reference/ (the Material theme's page keys).
A repository's ``README.md``, ``.github/`` or ``CONTRIBUTING.md`` beside ``docs_dir`` are
not pages, so ``mdwx check .`` from the project takes what the site would show.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from mdwx.files.reader import consulted_text
from mdwx.markdown.syntax import first_h1
from mdwx.source.front_keys import silent_keys
from mdwx.source.generators.base import Generator, PostContext
from mdwx.source.generators.mkdocs_nav import file_title, page_identity, site_nav_titles
from mdwx.source.generators.withheld import mkdocs_reason

#: Page meta MkDocs and Material use for themselves (:mod:`mdwx.source.front_keys` declares it):
#: their own keys, ``description`` (the digest when the page gives none) and mdwx's keys they
#: use too (``draft``, ``comments``, ``tags``, ``author``).
SILENT = silent_keys("mkdocs")
#: MkDocs' MultiMarkdown-style meta (mkdocs.utils.meta): ``Key: value`` lines from the top,
#: values continued on lines indented by four spaces or a tab, ended by a blank line.
_META = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
_META_MORE = re.compile(r"^(?:[ ]{4}|\t)\s*(?P<value>.*)")
_DOCS_DIR = re.compile(r"""^docs_dir\s*:\s*['"]?(?P<dir>[^'"#\n]+?)['"]?\s*(?:#.*)?$""", re.M)


@lru_cache(maxsize=32)
def docs_dir(root: Path) -> Path:
    """``root``'s pages folder: ``docs_dir`` of ``mkdocs.yml`` (read as text: the file may hold
    ``!!python/name`` tags a safe loader refuses), default ``docs``."""
    for name in ("mkdocs.yml", "mkdocs.yaml"):
        text = consulted_text(root / name)  # capped, never a FIFO or device
        if text is None:
            continue
        found = _DOCS_DIR.search(text)
        return root / (found.group("dir").strip() if found else "docs")
    return root / "docs"


#: ``KEY: |`` and the indented lines of its block (``exclude_docs``, ``draft_docs``).
_PATTERN_BLOCK = r"^{key}\s*:\s*[|>][+-]?[ \t]*(?:#.*)?\n(?P<block>(?:(?:[ \t]+.*)?\n?)*)"
#: Settings whose gitignore-style patterns name files ``mkdocs build`` leaves out.
_LEFT_OUT = ("exclude_docs", "draft_docs")


def left_out_patterns(root: Path) -> tuple[str, ...]:
    """The patterns of ``exclude_docs`` and ``draft_docs`` (MkDocs 1.6: built by ``serve``
    only) in ``mkdocs.yml``, read as text as :func:`docs_dir` reads it; () when unset.
    Remembered per file and its modification time."""
    for name in ("mkdocs.yml", "mkdocs.yaml"):
        try:
            stamp = (root / name).stat().st_mtime_ns
        except OSError:
            continue
        return _patterns(root / name, stamp)
    return ()


@lru_cache(maxsize=32)
def _patterns(path: Path, stamp: int) -> tuple[str, ...]:
    text = (consulted_text(path) or "").replace("\r\n", "\n")
    found: list[str] = []
    for key in _LEFT_OUT:
        block = re.search(_PATTERN_BLOCK.format(key=key), text, re.M)
        if block:
            found += [line.strip() for line in block.group("block").split("\n") if line.strip()]
    return tuple(found)


class MkDocs(Generator):
    name = "mkdocs"
    silent_keys = SILENT

    def is_post(self, path: Path, root: Path) -> bool:
        try:
            parts = path.relative_to(docs_dir(root)).parts
        except ValueError:
            return False
        return not any(part.startswith(".") for part in parts)

    def slug(self, path: Path) -> str:
        """The page's path under ``docs_dir`` (:func:`.mkdocs_nav.page_identity`)."""
        for parent in path.parents:
            if (parent / "mkdocs.yml").is_file() or (parent / "mkdocs.yaml").is_file():
                try:
                    return page_identity(path.relative_to(docs_dir(parent)).as_posix())
                except ValueError:
                    break
        return path.stem

    def front_matter(
        self, front: dict[str, Any], lines: dict[str, int], ctx: PostContext
    ) -> tuple[dict[str, Any], dict[str, int]]:
        """MkDocs' title (:mod:`.mkdocs_nav`): its nav title, over a ``title`` meta as MkDocs
        has it; without either and without an H1, its file name made readable."""
        mapped, out_lines = super().front_matter(front, lines, ctx)
        try:
            relative = ctx.path.relative_to(docs_dir(ctx.site_root)).as_posix()
        except ValueError:
            return mapped, out_lines
        title = site_nav_titles(ctx.site_root).get(relative)
        if title is None and isinstance(front.get("title"), str) and front["title"].strip():
            return mapped, out_lines
        if title is None:
            title = None if first_h1(ctx.body) else file_title(relative)
        if title:
            mapped["title"] = title
        return mapped, out_lines

    def split(self, text: str) -> tuple[dict[str, Any], dict[str, int], str, int] | None:
        """MkDocs' MultiMarkdown-style meta, read as MkDocs reads it (keys lower-cased, a key
        given twice or continued joined by a space), so the command line and the MkDocs
        plugin see one page alike. YAML front matter was read before."""
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        front: dict[str, Any] = {}
        key_lines: dict[str, int] = {}
        key, index = None, 0
        while index < len(lines):
            line = lines[index]
            if not line.strip():
                index += 1
                break
            found = _META.match(line)
            more = None if found else _META_MORE.match(line)
            if found:
                key, value = found.group("key").lower().strip(), found.group("value").strip()
                front[key] = f"{front[key]} {value}" if key in front else value
                key_lines.setdefault(key, index + 1)
            elif more and key:
                front[key] += f" {more.group('value').strip()}"
            else:
                break
            index += 1
        if not front:
            return None
        return front, key_lines, "\n".join(lines[index:]), index + 1

    def withheld(self, front: dict[str, Any], ctx: PostContext, now: datetime) -> str | None:
        try:
            relative = ctx.path.relative_to(docs_dir(ctx.site_root)).as_posix()
        except ValueError:
            return None
        return mkdocs_reason(relative, left_out_patterns(ctx.site_root))

    def image_roots(self, name: str, ctx: PostContext) -> list[Path]:
        return [docs_dir(ctx.site_root)] if name.startswith("/") else []
