"""The table-of-contents marker as syntax: ``[TOC]``, ``[[toc]]`` or ``${toc}`` on its own line.

A marker paragraph becomes one ``toc`` token listing every heading (level, text), so a digest
does not read "[TOC]" as text; how the list renders is :mod:`mdwx.render.toc`'s.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

_MARKER = re.compile(r"\[toc\]|\[\[toc\]\]|\$\{toc\}", re.I)


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


def toc_syntax(md: MarkdownIt) -> None:
    """The marker as syntax (so a digest does not read "[TOC]" as text)."""
    md.core.ruler.after("inline", "toc", _contents)
