"""Liquid-style tags shared by Jekyll (Liquid) and Hexo (Nunjucks): ``{% tag %}`` and ``{{ expr }}``.

Block tags that become Markdown (``highlight``/``codeblock`` → fenced code, ``raw`` → its text,
``comment`` → nothing) are converted; every other tag or expression is removed with a warning
naming its line, so no template syntax reaches a published article.
"""

from __future__ import annotations

import re
from typing import Any

from mdwx.generators.base import Generator, PostContext, split_args
from mdwx.generators.text import block_tags, blocks, closes, fence_for, fence_opener, sub_prose

_HIGHLIGHT_OPEN = re.compile(r"^\s*\{%-?\s*(?:highlight|codeblock)\b(?P<args>[^%\n]*?)\s*-?%\}\s*$")
_HIGHLIGHT_CLOSE = re.compile(r"^\s*\{%-?\s*end(?:highlight|codeblock)\s*-?%\}\s*$")
_RAW_LINE = re.compile(r"^\s*\{%-?\s*raw\s*-?%\}\s*$")
_ENDRAW_LINE = re.compile(r"^\s*\{%-?\s*endraw\s*-?%\}\s*$")
_LINK_TAG = re.compile(
    r"\[(?P<text>(?:[^\]\\\n]|\\.)*)\]\(\s*\{%-?\s*(?:post_url|link|post_path|post_link)\b[^%\n]*-?%\}\s*\)")
_TAGS = re.compile(
    r"\{%-?\s*raw\s*-?%\}(?P<raw>[\s\S]*?)\{%-?\s*endraw\s*-?%\}"
    r"|\{%-?\s*comment\s*-?%\}[\s\S]*?\{%-?\s*endcomment\s*-?%\}"
    r"|\{#[\s\S]*?#\}"
    r"|\{%-?\s*(?P<name>\w+)(?P<args>(?:[^%\n]|%(?!\}))*?)\s*-?%\}"
    r"|\{\{-?\s*(?P<expr>(?:[^}\n]|\}(?!\}))*?)\s*-?\}\}")
_URL_FILTER = re.compile(r"""^(?P<q>["'])(?P<path>[^"']*)(?P=q)\s*\|\s*(?:relative_url|absolute_url|url_for|"""
                         r"""prepend:\s*site\.(?:base)?url)\s*$""")
_SITE_PREFIX = re.compile(r"^(?:site\.(?:baseurl|url)|config\.root|config\.url)$")


class Liquid(Generator):
    """Jekyll's and Hexo's shared handling of template tags in posts."""

    tag_name = "Liquid"

    def fences(self, text: str, ctx: PostContext) -> str:
        return block_tags(_raw_fences(text), _HIGHLIGHT_OPEN, _HIGHLIGHT_CLOSE, _highlight)

    def prose(self, chunk: str, first_line: int, ctx: PostContext) -> str:
        chunk = self.block_rewrites(chunk)
        chunk = sub_prose(_LINK_TAG, lambda m, line: m.group("text"), chunk, first_line)
        chunk = sub_prose(_TAGS, lambda m, line: self._tag(m, ctx.file_line(line), ctx), chunk, first_line)
        return self.images(chunk, first_line, ctx)

    def block_rewrites(self, chunk: str) -> str:
        """Paired block tags that become Markdown blocks, line for line."""
        return chunk

    def _tag(self, match: re.Match[str], line: int, ctx: PostContext) -> str:
        if match.group("raw") is not None:
            return match.group("raw")
        if match.group("expr") is not None:
            return self.expression(match.group("expr").strip(), line, ctx)
        name = match.group("name")
        if name is None:
            return ""  # {% comment %} … {% endcomment %}, {# … #}
        if name in ("raw", "endraw"):
            return ""  # the other half sits across a fence: the tag alone means nothing
        converted = self.tag(name, match.group("args").strip(), line, ctx)
        if converted is not None:
            return converted
        if not name.startswith("end"):
            ctx.warn(line, f"{self.tag_name} tag {{% {name} %}} removed: WeChat cannot show it")
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
        ctx.warn(line, f"{self.tag_name} expression {{{{ {expr} }}}} removed: WeChat cannot show it")
        return ""


def _highlight(match: re.Match[str], inner: list[str]) -> tuple[str, str]:
    positional, named = split_args(match.group("args"))
    language = named.get("lang") or next((p for p in positional if p not in ("linenos", "mark")), "")
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
        if (is_code and last - start >= 3 and fence_opener(lines[start]) and _RAW_LINE.match(lines[start + 1])
                and _ENDRAW_LINE.match(lines[last - 1]) and closes(lines[last], fence_opener(lines[start])[0])):
            lines[start], lines[start + 1] = "", lines[start]
            lines[last - 1], lines[last] = lines[last], ""
    return "\n".join(lines)
