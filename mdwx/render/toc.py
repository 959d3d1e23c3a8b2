"""A table of contents where the post writes ``[TOC]``, ``[[toc]]`` or ``${toc}`` on its own line.

The spellings are those of the peer tools (Typora and Markdown Here, VuePress, doocs/md). WeChat
rejects in-page anchors, so the contents list is text only: one line per heading of the
article, indented by level, styled by the theme (``.toc``, ``.toc-title``, ``.toc-item``,
``.toc-2`` … ``.toc-6``). The title follows the article's language.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType

from mdwx.render.callouts import language_family
from mdwx.render.context import context_of

_MARKER = re.compile(r"\[toc\]|\[\[toc\]\]|\$\{toc\}", re.I)
TITLES = {"en": "Contents", "zh": "目录"}


def _plain(inline: Token) -> str:
    return "".join(
        c.content for c in inline.children or () if c.type in ("text", "code_inline")
    ).strip()


def _contents(state: StateCore) -> None:
    """Replace each marker paragraph with a ``toc`` token listing every heading (level, text)."""
    tokens = state.tokens
    markers = [
        i
        for i in range(len(tokens) - 2)
        if tokens[i].type == "paragraph_open"
        and tokens[i + 1].type == "inline"
        and _MARKER.fullmatch(tokens[i + 1].content.strip())
    ]
    if not markers:
        return
    headings = [
        (int(tokens[i].tag[1]), _plain(tokens[i + 1]))
        for i in range(len(tokens) - 1)
        if tokens[i].type == "heading_open" and tokens[i + 1].type == "inline"
    ]
    for i in reversed(markers):
        toc = Token("toc", "section", 0, map=tokens[i].map, block=True)
        toc.meta = {"headings": [h for h in headings if h[1]]}
        tokens[i : i + 3] = [toc]


def _render(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: EnvType) -> str:
    headings = (tokens[idx].meta or {}).get("headings", [])
    if not headings:
        return ""
    top = min(level for level, _ in headings)
    title = TITLES[language_family(context_of(env).lang)]
    items = "".join(
        f'<p class="toc-item toc-{level - top + 1}">{escape(text, quote=False)}</p>\n'
        for level, text in headings
    )
    return f'<section class="toc"><p class="toc-title">{title}</p>\n{items}</section>\n'


def toc_syntax(md: MarkdownIt) -> None:
    """The marker as syntax (so a digest does not read "[TOC]" as text)."""
    md.core.ruler.after("inline", "toc", _contents)


def toc_plugin(md: MarkdownIt) -> None:
    """How the contents list renders."""
    md.add_render_rule("toc", _render)
