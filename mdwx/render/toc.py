"""A table of contents where the post writes ``[TOC]``, ``[[toc]]`` or ``${toc}`` on its own line.

The spellings are those of the peer tools (Typora and Markdown Here, VuePress, doocs/md). WeChat
rejects in-page anchors, so the contents list is text only: one line per heading of the
article, indented by level, styled by the theme (``.toc``, ``.toc-title``, ``.toc-item``,
``.toc-2`` … ``.toc-6``). The title follows the article's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from mdwx.markdown.callouts import language_family
from mdwx.markdown.toc import toc_syntax
from mdwx.render.context import context_of
from mdwx.render.render_rule import add_rules

__all__ = ["TITLES", "toc_plugin", "toc_syntax"]

TITLES = {"en": "Contents", "zh": "目录"}


def _render(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
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


def toc_plugin(md: MarkdownIt) -> None:
    """How the contents list renders (the marker is read by :func:`toc_syntax`)."""
    add_rules(
        md,
        {
            "toc": _render,
        },
    )
