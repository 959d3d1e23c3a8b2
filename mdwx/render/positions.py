"""File lines for inline tokens, and images whose target is empty.

markdown-it gives line numbers (``map``) to blocks only, so a message about an image in a
paragraph that spans lines used to name the paragraph's first line — often the line of an
earlier link. This plugin records where each image, link, raw HTML and formula starts in
its inline source, then turns that into a line: the block's line plus the newlines before
it (``token.meta["line"]``, 0-based like ``map``). The renderer sets the context's line from
it, so assets and warnings name the line the author wrote them on — in lists, tables,
quotes, footnotes, headings alike. (A picture inside a multi-line raw HTML *block* is still
reported at the block's first line: the sanitizer sees the block as one fragment.)

An image with an empty target (``![alt]()``, ``![](<>)``, ``![a]( )``, a reference to
``[r]: <>``, ``<img src="">``) names no picture: it is left out with a warning at its line.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

# Inline rules whose tokens may carry an asset, a link or a message.
from mdwx.markdown.env import ENV_KEY
from mdwx.render.context import RenderContext, source_reference

# (Autolinks are left out: they are tried at nearly every position and carry no asset.)
LOCATED_RULES = ("link", "image", "html_inline", "math_inline")
EMPTY_TARGET = "image has an empty target: it is left out (write ![alt](path/to/picture.png))"
_NEWLINE = re.compile("\n")
_IMG_TAG = re.compile(r"<img\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.I)
_SRC = re.compile(r"""\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.I)


def _located(rule: Callable[[StateInline, bool], bool]) -> Callable[[StateInline, bool], bool]:
    def rule_with_offset(state: StateInline, silent: bool) -> bool:
        start, count = state.pos, len(state.tokens)
        matched = rule(state, silent)
        if matched and not silent:
            for token in state.tokens[count:]:
                if token.type != "text" and "offset" not in token.meta:
                    token.meta["offset"] = start
        return matched

    return rule_with_offset


def _line_of(newlines: list[int], offset: int) -> int:
    """How many newlines come before ``offset``."""
    return bisect.bisect_left(newlines, offset)


def _empty(target: str) -> bool:
    return not source_reference(target).strip()


def _raw_images_without_target(html: str) -> list[int]:
    """Offsets of ``<img>`` tags with no ``src`` or a blank one."""
    found = []
    for tag in _IMG_TAG.finditer(html):
        src = _SRC.search(tag.group(0))
        if src is None or not "".join(g or "" for g in src.groups()).strip():
            found.append(tag.start())
    return found


def locate_inline(state: StateCore) -> None:
    """Core rule: give located inline tokens their line; warn about empty image targets."""
    ctx: RenderContext | None = state.env.get(ENV_KEY) if isinstance(state.env, dict) else None
    for block in state.tokens:
        if block.map is None:
            continue
        if block.type == "html_block" and ctx is not None and "<img" in block.content.lower():
            lines = _newlines(block.content)
            for offset in _raw_images_without_target(block.content):
                ctx.warn(
                    EMPTY_TARGET,
                    code="empty-target",
                    line=ctx.line_offset + block.map[0] + _line_of(lines, offset),
                )
        if block.type != "inline" or not block.children:
            continue
        _locate_children(block.children, _newlines(block.content), block.map[0], ctx)


def _newlines(text: str) -> list[int]:
    return [m.start() for m in _NEWLINE.finditer(text)] if "\n" in text else []


def _locate_children(
    children: list[Token], newlines: list[int], first: int, ctx: RenderContext | None
) -> None:
    kept: list[Token] = []
    for token in children:
        offset = token.meta.get("offset") if token.meta else None
        if offset is not None:
            token.meta["line"] = line = first + _line_of(newlines, offset)
            if ctx is not None and _reports_empty_target(token, ctx, line):
                continue
        kept.append(token)
    children[:] = kept


def _reports_empty_target(token: Token, ctx: RenderContext, line: int) -> bool:
    """Warn about an image naming nothing; True when the token is to be dropped."""
    if token.type == "image" and _empty(str(token.attrGet("src") or "")):
        ctx.warn(EMPTY_TARGET, code="empty-target", line=ctx.line_offset + line)
        return True
    if token.type == "html_inline" and _raw_images_without_target(token.content):
        ctx.warn(EMPTY_TARGET, code="empty-target", line=ctx.line_offset + line)
    return False


def positions_plugin(md: MarkdownIt) -> None:
    """Record inline positions (must be used after every plugin adding inline rules)."""
    for rule in md.inline.ruler.__rules__:
        if rule.name in LOCATED_RULES:
            md.inline.ruler.at(rule.name, _located(rule.fn))
    md.core.ruler.after("inline", "mdwx_locate_inline", locate_inline)
