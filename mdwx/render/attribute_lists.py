"""Goldmark attribute lists (Hugo) are attributes, never text: they are dropped silently.

``## Heading {#id .class}`` (Hugo's ``title`` attributes, on by default) and, on sites that
turn ``block`` attributes on, a line ``{.class style="…"}`` directly below a block. WeChat
keeps no ``class`` or ``id``, so nothing of them would survive the sanitizer anyway; the
render drops them as Hugo's page does not show them. Only a complete list counts: ``#id``,
``.class`` or ``key=value`` items inside braces, so prose such as ``{myVar}`` stays text.
Which kinds a post has comes from the source stage (``RenderContext.attribute_lists``).
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from mdwx.markdown.env import ENV_KEY
from mdwx.render.context import context_of

_ITEM = r"""(?:[#.][\w-]+|[\w-]+(?:=(?:"[^"\n]*"|'[^'\n]*'|[^\s"'{}]+))?)"""
_LIST = rf"\{{[ \t]*{_ITEM}(?:[ \t]+{_ITEM})*[ \t]*\}}"
_LIST_LINE = re.compile(rf"[ \t]*{_LIST}[ \t]*")
_TRAILING = re.compile(rf"[ \t]+{_LIST}[ \t]*$")
# At least one ``#id``, ``.class`` or ``key=value``: ``{word}`` or ``{a b}`` is prose.
_MARKED = re.compile(r"[{ \t][#.][\w-]|=")


def _is_list(text: str) -> bool:
    return bool(_LIST_LINE.fullmatch(text)) and bool(_MARKED.search(text))


def _drop_lists(state: StateCore) -> None:
    # A parse outside the pipeline (a bare parser, as the bounds tests use) has no context:
    # no generator asked for attribute lists, so there is nothing to drop.
    kinds = context_of(state.env).attribute_lists if ENV_KEY in state.env else frozenset()
    if not kinds:
        return
    tokens = state.tokens
    keep: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        inline = tokens[i + 1] if i + 1 < len(tokens) else None
        if token.type == "heading_open" and "heading" in kinds and inline is not None:
            _strip_heading(inline)
        elif token.type == "paragraph_open" and "block" in kinds and inline is not None:
            if _is_list(inline.content):  # a list line of its own: below a fence, a heading…
                i += 3  # paragraph_open, inline, paragraph_close
                continue
            _strip_last_line(inline)
        keep.append(token)
        i += 1
    state.tokens = keep


def _strip_heading(inline: Token) -> None:
    last = inline.children[-1] if inline.children else None
    if last is None or last.type != "text":
        return
    found = _TRAILING.search(last.content)
    if found is not None and _MARKED.search(found.group(0)):
        last.content = _TRAILING.sub("", last.content)
        inline.content = _TRAILING.sub("", inline.content)


def _strip_last_line(inline: Token) -> None:
    """A paragraph whose last line is an attribute list: that line and its break go."""
    children = inline.children or []
    if len(children) < 2 or children[-1].type != "text":
        return
    if children[-2].type not in ("softbreak", "hardbreak") or not _is_list(children[-1].content):
        return
    inline.children = children[:-2]
    inline.content = inline.content.rsplit("\n", 1)[0]


def attribute_lists_plugin(md: MarkdownIt) -> None:
    """Drop Goldmark attribute lists after the inline parse, where the post's site reads them."""
    md.core.ruler.after("inline", "mdwx_attribute_lists", _drop_lists)
