"""Code: Pygments colours inline, whitespace WeChat cannot collapse, horizontal scrolling.

WeChat collapses spaces and drops newlines inside ``<pre>``/``<code>``, so a code block is a
``<section class="code">`` whose spaces are ``&nbsp;`` (a tab is four), whose newlines are
``<br>``, and whose tokens carry only ``color:#xxx`` (tokens in the block's own colour carry
no span at all) to stay within WeChat's 20,000-character content limit. The fence language
is looked up by name or alias, never guessed: an unknown one is plain text and a warning.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.styles import get_style_by_name
from pygments.token import Token as PygmentsToken
from pygments.token import _TokenType
from pygments.util import ClassNotFound

from mdwx.render.context import context_of

_LANG_SPLIT = re.compile(r"[\s,{]")
_PLAIN = frozenset({"", "text", "plain", "plaintext", "txt", "nohighlight"})
_SHORT_HEX = re.compile(r"#([0-9a-f])\1([0-9a-f])\2([0-9a-f])\3")


def fence_language(info: str) -> str:
    """The language word of a fence's info string (``rust,ignore`` and ``js {1,3}`` too)."""
    return _LANG_SPLIT.split(info.strip(), maxsplit=1)[0].lower() if info.strip() else ""


@lru_cache(maxsize=128)
def find_lexer(language: str) -> Lexer | None:
    """The lexer registered under ``language`` (name or alias), or None."""
    if language in _PLAIN:
        return None
    try:
        return get_lexer_by_name(language, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


class Palette:
    """Token colours of one Pygments style; ``None`` where the block's colour applies."""

    def __init__(self, style_name: str) -> None:
        style = get_style_by_name(style_name)
        self.base = style.style_for_token(PygmentsToken)["color"]
        self._style = style
        self._colours: dict[_TokenType, str | None] = {}

    def colour(self, ttype: _TokenType) -> str | None:
        colour = self._colours.get(ttype, "")
        if colour == "":
            value = self._style.style_for_token(ttype)["color"]
            colour = None if not value or value == self.base else _short(f"#{value.lower()}")
            self._colours[ttype] = colour
        return colour


def _short(colour: str) -> str:
    return _SHORT_HEX.sub(r"#\1\2\3", colour) if len(colour) == 7 else colour


@lru_cache(maxsize=16)
def palette(style_name: str) -> Palette:
    return Palette(style_name)


def _text(value: str) -> str:
    """Escape and freeze whitespace so WeChat shows it as written."""
    value = escape(value, quote=False).replace("\t", "    ").replace(" ", "&nbsp;")
    return value.replace("\r", "").replace("\n", "<br>")


def highlight(code: str, language: str, style_name: str) -> str:
    """The inner HTML of a code block: coloured spans, ``&nbsp;`` and ``<br>``."""
    code = code.rstrip("\n")
    lexer = find_lexer(language)
    if lexer is None:
        return _text(code)
    colours = palette(style_name)
    out: list[str] = []
    run: list[str] = []
    current: str | None = None
    for ttype, value in lexer.get_tokens(code):
        colour = colours.colour(ttype) if not value.isspace() else current
        if colour != current:
            _flush(out, run, current)
            run, current = [], colour
        run.append(value)
    _flush(out, run, current)
    return "".join(out).removesuffix("<br>")


def _flush(out: list[str], run: list[str], colour: str | None) -> None:
    if not run:
        return
    text = _text("".join(run))
    out.append(f'<span style="color:{colour}">{text}</span>' if colour else text)


def code_block_html(code: str, language: str, style_name: str) -> str:
    return f'<section class="code">{highlight(code, language, style_name)}</section>\n'


def _fence(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
    token = tokens[idx]
    ctx = context_of(env)
    language = fence_language(token.info)
    if language == "miniprogram":
        from mdwx.render.miniprogram import card_html

        return card_html(token.content, ctx)
    if language == "math":
        from mdwx.render.media import formula_html

        return formula_html(token.content, ctx, display=True)
    if language not in _PLAIN and find_lexer(language) is None:
        ctx.warn(f"unknown code language {language!r}: shown without highlighting")
    return code_block_html(token.content, language, ctx.pygments_style)


def _code_block(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
    return code_block_html(tokens[idx].content, "", context_of(env).pygments_style)


def _code_inline(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
    return f"<code>{escape(tokens[idx].content, quote=False)}</code>"


def code_plugin(md: MarkdownIt) -> None:
    """Render fences, indented code and inline code the WeChat way."""
    md.add_render_rule("fence", _fence)
    md.add_render_rule("code_block", _code_block)
    md.add_render_rule("code_inline", _code_inline)
