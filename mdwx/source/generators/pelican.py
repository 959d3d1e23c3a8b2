"""Pelican: articles under ``PATH``, a ``Key: value`` metadata header, ``{static}`` links.

Source: docs.getpelican.com/en/latest/content.html (file metadata: python-markdown's
``meta`` syntax, keys case-insensitive; ``Title``, ``Date``, ``Modified``, ``Tags``,
``Category``, ``Slug``, ``Author(s)``, ``Summary``, ``Status``; linking to internal content
and static files with ``{static}``, ``{attach}``, ``{filename}``) and /settings.html
(``PATH``, ``PAGE_PATHS``). The command line reads a post as the Pelican plugin
(:mod:`mdwx.integrations.pelican`) hands it over: the same header, the same mapping.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from mdwx.files.reader import consulted_text
from mdwx.source.front_keys import reaching_mdwx, renamed, silent_keys
from mdwx.source.generators.base import Generator, PostContext
from mdwx.source.generators.text import Rewrite, each_prose
from mdwx.source.generators.withheld import pelican_reason

#: Pelican's own metadata, and mdwx's keys it uses itself (``date``, ``tags``, ``lang``): silent.
SILENT = silent_keys("pelican")
#: python-markdown's ``meta`` extension, which Pelican's Markdown reader uses for the header.
_META = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
_META_MORE = re.compile(r"^[ ]{4,}(?P<value>.*)")
_BEGIN = re.compile(r"^-{3}(\s.*)?$")
_END = re.compile(r"^(-{3}|\.{3})(\s.*)?$")
#: ``{static}``, ``|static|`` (Pelican's older spelling) and the like where a URL starts.
_LINK = re.compile(
    r"(?P<lead>\]\(\s*<?|^\s*\[[^\]]+\]:\s*<?|\b(?:src|href)\s*=\s*[\"']?)"
    r"(?:\{|\|)(?P<kind>static|attach|filename|article)(?:\}|\|)(?P<target>[^\s)\"'>]*)"
)
#: Pelican metadata mapped to mdwx front matter; mdwx's own keys pass as they are.
RENAMED = renamed("pelican")
#: mdwx's keys a Pelican header hands on: every one but those Pelican uses itself.
PASSED = reaching_mdwx("pelican")
#: Keys whose value is a list: Pelican's header holds text, a list its items separated by commas
#: (as Pelican reads ``Tags`` and ``Authors``), YAML's brackets around them allowed.
LISTS = ("accounts",)
_PATH = re.compile(r"""^PATH\s*=\s*(?P<q>['"])(?P<path>[^'"\n]*)(?P=q)""", re.M)
_ARTICLE_EXCLUDES = re.compile(r"""^ARTICLE_EXCLUDES\s*=\s*[\[(](?P<items>[^\])\n]*)[\])]""", re.M)
_PAGE_PATHS = re.compile(r"""^PAGE_PATHS\s*=\s*\[(?P<items>[^\]\n]*)\]""", re.M)


def split_header(text: str) -> tuple[dict[str, str], str, int]:
    """Pelican's Markdown metadata header, the body after it and the body's first line (0-based).

    The header is python-markdown's ``meta`` syntax: ``Key: value`` lines from the top (an
    optional ``---`` first), values continued on lines indented four spaces, ended by a blank
    line or ``---``/``...``. Keys are lower-cased; continued values joined with newlines.
    """
    lines = text.splitlines(keepends=True)
    header: dict[str, str] = {}
    index, key = 0, None
    if lines and _BEGIN.match(lines[0].rstrip("\r\n")):
        index = 1
    while index < len(lines):
        line = lines[index].rstrip("\r\n")
        if not line.strip() or _END.match(line):
            index += 1
            break
        found = _META.match(line)
        more = _META_MORE.match(line) if key else None
        if found:
            key = found.group("key").lower()
            header[key] = found.group("value").strip()
        elif more and key:
            header[key] = f"{header[key]}\n{more.group('value').strip()}".strip()
        else:
            break
        index += 1
    if not header:
        return {}, text, 0
    return header, "".join(lines[index:]), index


def front_matter(
    header: Mapping[str, Any], *, slug: str | None = None, url: str | None = None
) -> dict[str, Any]:
    """mdwx's front matter from a Pelican header: renamed keys, the first of ``Authors``, the
    article's slug as Pelican settled it and, when the site has an absolute ``SITEURL``, the
    article's URL as ``source_url`` (WeChat's 阅读原文 link) unless the header gives one."""
    meta: dict[str, Any] = {}

    for key, value in header.items():
        name = RENAMED.get(key, key)
        # Every key of mdwx's own that Pelican does not use itself: the command line passes
        # the same (Pelican.front_matter), so the plugin and ``mdwx check`` read one post alike.
        if name in PASSED and name not in meta:
            meta[name] = _items(value) if name in LISTS and isinstance(value, str) else value
    if "author" not in meta and header.get("authors"):
        meta["author"] = str(header["authors"]).split(",")[0].strip()
    if slug and "slug" not in meta:
        meta["slug"] = slug
    if url and "source_url" not in meta:
        meta["source_url"] = url
    return meta


def _items(value: str) -> list[str]:
    """``blog, news`` or ``[blog, news]`` as ``["blog", "news"]`` (empty items dropped)."""
    text = value.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    return [
        item.strip().strip("'\"").strip()
        for item in text.split(",")
        if item.strip().strip("'\"").strip()
    ]


def resolve_links(body: str, folder: Path, content: Path, urls: Callable[[str], str | None]) -> str:
    """The body with Pelican's ``{static}``/``{attach}``/``{filename}`` link prefixes resolved.

    ``{static}`` and ``{attach}`` become the file's path relative to the article's folder
    (``/x`` is from the content folder, ``x`` from the article's): mdwx then finds, confines
    and uploads it like any relative image. ``{filename}``/``{article}`` become the URL
    ``urls`` gives for the content file, kept as written when it knows none. Fenced code is
    left alone, as Pelican leaves it.
    """

    def resolve(line: str) -> str:
        return _LINK.sub(lambda m: m.group("lead") + _target(m, folder, content, urls), line)

    # Code is where CommonMark (the renderer) finds it: the one fence scanner.
    return each_prose(
        body, lambda chunk, first: "\n".join(resolve(line) for line in chunk.split("\n"))
    )


def _target(
    found: re.Match[str], folder: Path, content: Path, urls: Callable[[str], str | None]
) -> str:
    target = found.group("target")
    path, _, fragment = target.partition("#")
    full = content / path.lstrip("/") if path.startswith("/") else folder / path
    if found.group("kind") in ("static", "attach"):
        relative = Path(os.path.relpath(full, folder)).as_posix()
        return relative + (f"#{fragment}" if fragment else "")
    url = urls(Path(os.path.relpath(full, content)).as_posix())
    return (url + (f"#{fragment}" if fragment else "")) if url else target


@lru_cache(maxsize=32)
def _settings(root: Path) -> tuple[Path, tuple[str, ...]]:
    """``(content folder, page folders)`` from ``pelicanconf.py``, read as text (never run)."""
    text = consulted_text(root / "pelicanconf.py") or ""  # capped, never a FIFO or device
    found = _PATH.search(text)
    content = (
        root / found.group("path")
        if found
        else (root / "content" if (root / "content").is_dir() else root)
    )
    pages = _PAGE_PATHS.search(text)
    folders = (
        tuple(re.findall(r"""['"]([^'"]+)['"]""", pages.group("items"))) if pages else ("pages",)
    )
    return content, folders


class Pelican(Generator):
    name = "pelican"
    silent_keys = SILENT

    def is_post(self, path: Path, root: Path) -> bool:
        content, pages = _settings(root)
        try:
            parts = path.relative_to(content).parts
        except ValueError:
            return False
        relative = "/".join(parts)
        return not any(p.startswith(".") for p in parts) and not any(
            relative.startswith(page.strip("/") + "/") for page in pages
        )

    def withheld(self, front: dict[str, Any], ctx: PostContext, now: datetime) -> str | None:
        content, _ = _settings(ctx.site_root)
        try:
            relative = ctx.path.relative_to(content).as_posix()
        except ValueError:
            return None
        text = consulted_text(ctx.site_root / "pelicanconf.py") or ""
        found = _ARTICLE_EXCLUDES.search(text)
        excludes = re.findall(r"""['"]([^'"]+)['"]""", found.group("items")) if found else []
        return pelican_reason(relative, excludes)

    def split(self, text: str) -> tuple[dict[str, Any], dict[str, int], str, int] | None:
        """The ``Key: value`` header Pelican reads (YAML front matter being read before)."""
        header, body, index = split_header(text)
        if not header:
            return None
        lines: dict[str, int] = {}
        for number, line in enumerate(text.split("\n")[:index], start=1):
            found = _META.match(line)
            if found:
                lines.setdefault(found.group("key").lower(), number)
        return dict(header), lines, body, index + 1

    def front_matter(
        self, front: dict[str, Any], lines: dict[str, int], ctx: PostContext
    ) -> tuple[dict[str, Any], dict[str, int]]:
        lowered = {str(k).lower(): v for k, v in front.items()}
        lowered_lines = {str(k).lower(): v for k, v in lines.items()}
        mapped = front_matter(
            {k: v for k, v in lowered.items() if k not in ("slug",)}, slug=lowered.get("slug")
        )
        mapped.update(
            {
                k: v
                for k, v in lowered.items()
                if k not in SILENT and k not in mapped and RENAMED.get(k, k) not in mapped
            }
        )
        if str(lowered.get("status", "")).strip().lower() == "draft":
            mapped["draft"] = True
        out_lines = {RENAMED.get(k, k): v for k, v in lowered_lines.items()}
        if "authors" in lowered_lines and "author" not in out_lines:
            out_lines["author"] = lowered_lines["authors"]
        return mapped, out_lines

    def body(self, text: str, ctx: PostContext) -> Rewrite:
        content, _ = _settings(ctx.site_root)
        text = resolve_links(text, ctx.path.parent, content, lambda relative: None)
        return super().body(text, ctx)

    def image_roots(self, name: str, ctx: PostContext) -> list[Path]:
        return [_settings(ctx.site_root)[0]] if name.startswith("/") else []
