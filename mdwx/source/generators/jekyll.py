"""Jekyll: ``_posts/YYYY-MM-DD-slug.md``, images under the site folder, Liquid tags.

Source: jekyllrb.com/docs/posts/ (file names ``YEAR-MONTH-DAY-title.MARKUP``, ``.md`` and
``.markdown`` both, ``published: false``), /docs/liquid/tags/
(``highlight``, ``link``, ``post_url``, ``raw``), /docs/liquid/filters/ (``relative_url``).
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import yaml

from mdwx.errors import MdwxError
from mdwx.files.reader import read_config_text
from mdwx.source.front_keys import silent_keys
from mdwx.source.generators.base import PostContext, html_or_markdown, split_args
from mdwx.source.generators.liquid import Liquid
from mdwx.source.generators.text import sub_prose
from mdwx.source.generators.withheld import jekyll_reason
from mdwx.source.yaml_load import load as load_yaml

#: Jekyll's own page keys and those of its common themes (declared in
#: :mod:`mdwx.source.front_keys`): read silently.
SILENT = silent_keys("jekyll")
_DATED = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}-(?P<slug>.+)$")
#: A single-dollar formula on one line: ``$…$``, neither ``$$`` nor an escaped ``\$``.
_SINGLE_DOLLAR = re.compile(r"(?<![\\$])\$(?!\$)(?P<tex>(?:\\.|[^$\\\n]){1,2000})(?<!\s)\$(?!\$)")
#: kramdown's backslash escapes (``Kramdown::Parser::Kramdown::ESCAPED_CHARS``).
_KRAMDOWN_ESCAPE = re.compile(r"""\\([\\.*_+`<>()\[\]{}#!:|"'$=-])""")
_SKIP = {"_site", "_drafts", "vendor", "node_modules", ".jekyll-cache", ".bundle"}


class Jekyll(Liquid):
    name = "jekyll"
    tag_name = "Liquid"
    silent_keys = SILENT

    def is_post(self, path: Path, root: Path) -> bool:
        try:
            parts = path.relative_to(root).parts
        except ValueError:
            return False
        if "_posts" not in parts[:-1] or _SKIP & set(parts) or path.name.startswith("_"):
            return False
        # A post's file name is YEAR-MONTH-DAY-title.MARKUP: Jekyll skips any other file in
        # _posts (a writer's template.md), and shows nothing of it.
        return bool(_DATED.match(path.stem))

    def slug(self, path: Path) -> str:
        dated = _DATED.match(path.stem)
        return dated.group("slug") if dated else path.stem

    def front_matter(
        self, front: dict[str, object], lines: dict[str, int], ctx: PostContext
    ) -> tuple[dict[str, object], dict[str, int]]:
        """A post without a title takes Jekyll's: its file name's slug, titleized
        (``2011-11-04-basis-of-go.md`` → "Basis Of Go", Jekyll's ``Utils.titleize_slug``)."""
        mapped, out_lines = super().front_matter(front, lines, ctx)
        if front.get("title") in (None, "") and _DATED.match(ctx.path.stem):
            mapped["title"] = " ".join(word.capitalize() for word in self.slug(ctx.path).split("-"))
        return mapped, out_lines

    def image_roots(self, name: str, ctx: PostContext) -> list[Path]:
        return [ctx.site_root] if name.startswith("/") else []

    def withheld(self, front: dict[str, object], ctx: PostContext, now: datetime) -> str | None:
        dated = re.match(r"^(\d{4}-\d{1,2}-\d{1,2})-", ctx.path.stem)
        allow = _site_config(ctx.site_root / "_config.yml").get("future") is True
        return jekyll_reason(front, dated.group(1) if dated else None, now, allow=allow)

    def tag(self, name: str, args: str, line: int, ctx: PostContext) -> str | None:
        found = _include_image(args) if name == "include" else None
        return html_or_markdown(ctx, line, *found) if found else None

    def prose(self, chunk: str, first_line: int, ctx: PostContext) -> str:
        self.note_html_blocks(chunk, first_line, ctx)
        if ctx.math and "\\" in chunk:
            chunk = sub_prose(_SINGLE_DOLLAR, _unescape_math, chunk, first_line)
        return super().prose(chunk, first_line, ctx)

    def locate(self, reference: str, ctx: PostContext) -> Path | None:
        baseurl = _baseurl(ctx.site_root / "_config.yml")
        if baseurl and reference.startswith(baseurl + "/"):
            reference = reference[len(baseurl) :]
        return super().locate(reference, ctx)


@lru_cache(maxsize=16)
def _site_config(config: Path) -> dict[str, object]:
    """``_config.yml`` as a mapping, or {} when missing or unreadable."""
    try:
        data = load_yaml(read_config_text(config))
    except (MdwxError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def _baseurl(config: Path) -> str:
    """``baseurl`` from ``_config.yml`` ("/blog"), or "" when unset or unreadable."""
    value = _site_config(config).get("baseurl")
    return "/" + value.strip("/") if isinstance(value, str) and value.strip("/") else ""


def _unescape_math(match: re.Match[str], line: int) -> str:
    r"""A ``$…$`` formula as MathJax gets it from kramdown, Jekyll's Markdown: kramdown's math
    is ``$$…$$`` only, kept verbatim; a single-dollar span is text to kramdown, so its
    backslash escapes are resolved first (``\\{`` → ``\{``, ``\|`` → ``|``, ``\_`` → ``_``)
    and the theme's MathJax reads the result (kramdown.gettalong.org/syntax.html#math-blocks)."""
    return "$" + _KRAMDOWN_ESCAPE.sub(r"\1", match.group("tex")) + "$"


_IMAGE_EXT = re.compile(r"\.(?:png|jpe?g|gif|webp|bmp|svg|avif)(?:[?#].*)?$", re.I)


def _include_image(args: str) -> tuple[str, str, str] | None:
    """``{% include figure.html image_path="/a.png" caption="…" %}`` (Minimal Mistakes and
    the common ``image.html`` includes) as ``(src, alt, caption)``, or None for other includes."""
    _, named = split_args(args)
    src = next(
        (
            named[k]
            for k in ("image_path", "src", "image", "url", "file", "path")
            if k in named and _IMAGE_EXT.search(named[k])
        ),
        None,
    )
    if src is None:
        return None
    caption = named.get("caption") or named.get("description") or named.get("title") or ""
    return src, named.get("alt") or caption, caption
