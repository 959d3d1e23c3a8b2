"""Inline the theme into ``style`` attributes and leave nothing WeChat would strip.

The renderer emits semantic HTML with classes; css_inline (Rust, one pass over the whole
document, a few per cent of the render time) applies the theme's CSS, and then one walk over
the tags removes every ``class`` and ``id``, except the contract's video iframe class, which
WeChat needs, and every declaration the browser would apply anyway (:mod:`.style_prune`).
Styles are compacted (``color: #333333`` → ``color:#333``) because WeChat's limits count
the HTML.
"""

from __future__ import annotations

import re
from functools import lru_cache

import css_inline

from mdwx.css_refusal import strip_refused
from mdwx.document import VIDEO_CLASS
from mdwx.render.style_prune import PAGE, VOID, State, collapses_newlines, is_block, prune_style
from mdwx.render.themes import Theme

# After css_inline's serializer every attribute is double-quoted with '"' escaped, so a tag
# is exactly this (text never holds a raw '<').
_TAG = re.compile(r'<(/?)([a-zA-Z][\w-]*)((?:\s+[^\s"=>/]+(?:="[^"]*")?)*)(\s*/?)>')
_ATTR = re.compile(r'\s+([^\s"=>/]+)(?:="([^"]*)")?')
_HEX6 = re.compile(r"#([0-9a-fA-F])\1([0-9a-fA-F])\2([0-9a-fA-F])\3\b")
_SPACES = re.compile(r"\s*([:;,])\s*")
_DIV = re.compile(r"<(/?)div\b")
_STYLE = re.compile(r' style="([^"]*)"')
_MARGIN = re.compile(r"(?:^|;)margin:")
# Text-level elements: a <p> may hold them (and a parser never closes a <p> at one).
PHRASING = frozenset(
    {
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "br",
        "cite",
        "code",
        "del",
        "dfn",
        "em",
        "i",
        "img",
        "ins",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
        "var",
        "wbr",
    }
)
# Elements that may hold a <p> directly.
FLOW_PARENTS = frozenset({"section", "blockquote"})


def compact_style(style: str) -> str:
    style = _SPACES.sub(r"\1", style.strip()).rstrip(";")
    return _HEX6.sub(r"#\1\2\3", style)


@lru_cache(maxsize=8192)
def _clean_tag_text(tag: str, name: str, attrs: str, parent: State) -> tuple[str, State]:
    """The start tag without class/id and with its style pruned; its children's known values.

    Cached: the same styled tag (``<p style=...>``) repeats hundreds of times.
    """
    name = name.lower()
    if not attrs:
        return tag, prune_style(name, "", parent)[1]
    parts = []
    state = prune_style(name, "", parent)[1]
    for attr in _ATTR.finditer(attrs):
        key, value = attr.group(1).lower(), attr.group(2)
        if key == "id" or (key == "class" and not (name == "iframe" and value == VIDEO_CLASS)):
            continue
        if key == "style" and value is not None:
            # The last door every style passes (theme, raw HTML, code colours): see
            # mdwx.css_refusal. Unchanged when nothing is refused.
            value, state = prune_style(name, compact_style(strip_refused(value)), parent)
            if not value:
                continue
        parts.append(f' {key}="{value}"' if value is not None else f" {key}")
    return f"<{name}{''.join(parts)}>", state


class _Open:
    """An open element: what its children inherit and what its end tag must become."""

    __slots__ = ("block", "dropped", "flow", "index", "known", "leaf", "name")

    def __init__(
        self, name: str, known: State, dropped: bool, block: bool, index: int, flow: bool
    ) -> None:
        self.name = name
        self.known = known  # inherited values known for the children
        self.dropped = dropped  # the start tag was removed, so is the end tag
        self.block = block
        self.index = index  # where its start tag is in the output
        self.flow = flow  # every ancestor may hold a <p>
        self.leaf = True  # nothing but text-level content so far


def clean_tags(html: str) -> str:
    """Walk every tag, keeping per open element what its children inherit.

    Whitespace between two block boundaries (``</p>`` and ``<p>``) goes too: it is not laid
    out where newlines collapse. A ``<section>`` that holds only text-level content and sets
    its own margin becomes a ``<p>`` (see :func:`_as_paragraph`).
    """
    out: list[str] = []
    stack: list[_Open] = []
    position = 0
    after_block = False
    for match in _TAG.finditer(html):
        start, position_after = match.span()
        text = html[position:start] if start != position else ""
        position = position_after
        closing, name, attrs, end = match.groups()
        name = name.lower()
        if closing:
            depth = _open_at(stack, name)
            block = depth is not None and stack[depth].block
            if text:
                _text(out, text, after_block and block, stack)
            after_block = block
            if depth is None:
                out.append(match.group(0))
                continue
            element = stack[depth]
            del stack[depth:]
            if not element.dropped:
                out.append(f"</{name}>" if not _as_paragraph(out, element) else "</p>")
            continue
        parent = stack[-1].known if stack else PAGE
        tag, state = _clean_tag_text(match.group(0), name, attrs, parent)
        block = is_block(name, tag)
        if text:
            _text(out, text, after_block and block, stack)
        after_block = block
        if name not in PHRASING:
            _not_leaf(stack)
        if name in VOID or (end and end.strip()):
            out.append(tag)
            continue
        drop = tag == "<span>"
        flow = not stack or (stack[-1].flow and stack[-1].name in FLOW_PARENTS)
        stack.append(_Open(name, state, drop, block, len(out), flow))
        if not drop:
            out.append(tag)
    _text(out, html[position:], False, stack)
    return "".join(out)


def _open_at(stack: list[_Open], name: str) -> int | None:
    """Where the innermost open ``name`` element is in ``stack`` (almost always the top)."""
    for depth in range(len(stack) - 1, -1, -1):
        if stack[depth].name == name:
            return depth
    return None


def _not_leaf(stack: list[_Open]) -> None:
    """A block opens: no open element is text-only any more (ancestors of a non-leaf are not)."""
    for element in reversed(stack):
        if not element.leaf:
            return
        element.leaf = False


def _as_paragraph(out: list[str], element: _Open) -> bool:
    """Turn a closing text-only ``<section>`` with its own margin into a ``<p>``; say if done.

    Six characters less per element, the same box: a ``<p>`` differs from a ``<section>``
    only by its user-agent margin, which the section's ``margin`` shorthand overrides, and
    a ``<p>`` may hold any text-level content. Only where every ancestor may hold a ``<p>``
    (sections and quotes), so a parser never closes anything early.
    """
    if element.name != "section" or not element.leaf or not element.flow:
        return False
    start = out[element.index]
    style = _STYLE.search(start)
    if style is None or not _MARGIN.search(style.group(1)):
        return False
    out[element.index] = "<p" + start[len("<section") :]
    return True


def _text(out: list[str], text: str, between_blocks: bool, stack: list[_Open]) -> None:
    if text and not (
        between_blocks and text.isspace() and collapses_newlines(stack[-1].known if stack else PAGE)
    ):
        out.append(text)


def inline_theme(html: str, theme: Theme) -> str:
    """Apply the theme's CSS inline, then drop classes and ids and compact the styles."""
    inlined = css_inline.inline_fragment(html, theme.css, load_remote_stylesheets=False)
    inlined = _DIV.sub(r"<\1section", inlined)
    return clean_tags(inlined)
