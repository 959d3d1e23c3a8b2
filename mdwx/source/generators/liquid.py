"""Liquid-style tags shared by Jekyll (Liquid) and Hexo (Nunjucks): ``{% tag %}`` and ``{{ expr }}``.

Block tags that become Markdown (``highlight``/``codeblock`` → fenced code, ``raw`` → its text,
``comment`` → nothing) are converted; every other tag or expression is removed with a warning
naming its line, so no template syntax reaches a published article.
"""

from __future__ import annotations

import re
from typing import Any

from mdwx.source.generators.base import Generator, PostContext, split_args
from mdwx.source.generators.text import (
    block_tags,
    blocks,
    closes,
    fence_for,
    fence_opener,
    regions,
    sub_prose,
)

_HIGHLIGHT_OPEN = re.compile(r"^\s*\{%-?\s*(?:highlight|codeblock)\b(?P<args>[^%\n]*?)\s*-?%\}\s*$")
_HIGHLIGHT_CLOSE = re.compile(r"^\s*\{%-?\s*end(?:highlight|codeblock)\s*-?%\}\s*$")
_RAW_LINE = re.compile(r"^\s*\{%-?\s*raw\s*-?%\}\s*$")
_ENDRAW_LINE = re.compile(r"^\s*\{%-?\s*endraw\s*-?%\}\s*$")
_LINK_TAG = re.compile(
    r"\[(?P<text>(?:[^\[\]\\\n]|\\.){0,256})\]\(\s*\{%-?\s*(?:post_url|link|post_path|post_link)\b[^%\n]*-?%\}\s*\)"
)
_TAGS = re.compile(
    r"\{%-?[ \t]*(?P<name>\w+)(?!\w)(?P<args>(?:[^{%\n]|%(?!\})){0,256}?)[ \t]*-?%\}"
    r"|\{\{-?[ \t]*(?P<expr>(?:[^{}\n]|\}(?!\})){0,256}?)[ \t]*-?\}\}"
)
_REGIONS = {
    "raw": (re.compile(r"\{%-?\s*raw\s*-?%\}"), re.compile(r"\{%-?\s*endraw\s*-?%\}")),
    "comment": (re.compile(r"\{%-?\s*comment\s*-?%\}"), re.compile(r"\{%-?\s*endcomment\s*-?%\}")),
    "note": (re.compile(r"\{#"), re.compile(r"#\}")),  # Nunjucks comments
}
_URL_FILTER = re.compile(
    r"""^(?P<q>["'])(?P<path>[^"']*)(?P=q)\s*\|\s*(?:relative_url|absolute_url|url_for|"""
    r"""prepend:\s*site\.(?:base)?url)\s*$"""
)
_SITE_PREFIX = re.compile(r"^(?:site\.(?:baseurl|url)|config\.root|config\.url)$")


class Liquid(Generator):
    """Jekyll's and Hexo's shared handling of template tags in posts."""

    tag_name = "Liquid"

    def fences(self, text: str, ctx: PostContext) -> str:
        return block_tags(_raw_fences(text), _HIGHLIGHT_OPEN, _HIGHLIGHT_CLOSE, _highlight)

    def prose(self, chunk: str, first_line: int, ctx: PostContext) -> str:
        chunk = sub_prose(_LINK_TAG, lambda m, line: m.group("text"), chunk, first_line)
        out: list[str] = []
        position, line = 0, first_line
        for kind, start, inner_start, inner_end, end in regions(chunk, _REGIONS):
            out.append(self._tags(chunk[position:start], line, ctx))
            line += chunk.count("\n", position, end)
            inner = chunk[inner_start:inner_end]
            out.append(inner if kind == "raw" else "\n" * chunk.count("\n", start, end))
            position = end
        out.append(self._tags(chunk[position:], line, ctx))
        return self.images("".join(out), first_line, ctx)

    def _tags(self, text: str, first_line: int, ctx: PostContext) -> str:
        return sub_prose(
            _TAGS, lambda m, line: self._tag(m, ctx.file_line(line), ctx), text, first_line
        )

    def _tag(self, match: re.Match[str], line: int, ctx: PostContext) -> str:
        if match.group("expr") is not None:
            return self.expression(match.group("expr").strip(), line, ctx)
        name = match.group("name")
        if name in ("raw", "endraw"):
            return ""  # the other half sits across a fence: the tag alone means nothing
        converted = self.tag(name, match.group("args").strip(), line, ctx)
        if converted is not None:
            return converted
        if not name.startswith("end"):
            ctx.warn(
                line,
                f"{self.tag_name} tag {{% {name} %}} removed: WeChat cannot show it",
                code="shortcode-removed",
            )
        return ""

    def tag(self, name: str, args: str, line: int, ctx: PostContext) -> str | None:
        """Markdown for an inline tag this generator knows, or None to drop it with a warning."""
        return None

    def expression(self, expr: str, line: int, ctx: PostContext) -> str:
        if _SITE_PREFIX.match(expr) or re.fullmatch(r"(?:site|config)\.(?:base)?url\s*\|.*", expr):
            return ""  # the site's URL prefix before an absolute path: the path is what matters
        url = _URL_FILTER.match(expr)
        if url:
            return url.group("path")
        page = re.fullmatch(r"(?:page|post)\.(\w+)", expr)
        value: Any = ctx.front.get(page.group(1)) if page else None
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value)
        ctx.warn(
            line,
            f"{self.tag_name} expression {{{{ {expr} }}}} removed: WeChat cannot show it",
            code="shortcode-removed",
        )
        return ""


def _highlight(match: re.Match[str], inner: list[str]) -> tuple[str, str]:
    positional, named = split_args(match.group("args"))
    language = named.get("lang") or next(
        (p for p in positional if p not in ("linenos", "mark")), ""
    )
    if "lang" not in named and match.group(0).lstrip("{%- ").startswith("codeblock"):
        language = ""  # Hexo: {% codeblock title lang:x %} — a bare word is the title
    fence = fence_for(inner)
    return fence + re.sub(r"[^\w+#.-]", "", language), fence


def _raw_fences(text: str) -> str:
    """A fence whose first and last inner lines are ``{% raw %}`` / ``{% endraw %}`` (Liquid
    protecting code from itself): the tags go, the code and its line numbers stay."""
    lines = text.split("\n")
    for is_code, start, end in blocks(lines):
        last = end - 1
        opener = fence_opener(lines[start])
        if (
            is_code
            and last - start >= 3
            and opener
            and _RAW_LINE.match(lines[start + 1])
            and _ENDRAW_LINE.match(lines[last - 1])
            and closes(lines[last], opener[0])
        ):
            lines[start], lines[start + 1] = "", lines[start]
            lines[last - 1], lines[last] = lines[last], ""
    return "\n".join(lines)
