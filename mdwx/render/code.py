"""Code: Pygments colours inline, whitespace WeChat cannot collapse, horizontal scrolling.

WeChat collapses spaces and drops newlines inside ``<pre>``/``<code>``, so a code block is a
``<section class="code">`` (``white-space:nowrap``) whose newlines are ``<br>``, whose tabs
advance to the next tab stop (``tab_width`` columns, 4 by default), and whose spaces
alternate ``&nbsp;`` and a plain space — never two collapsible spaces in a row, never one
at a line's start or end, so the browser keeps every one while the HTML stays small.
Tokens carry only ``color:#xxx`` (tokens in the block's own colour carry no span at all).
The fence language is looked up by name or alias, never guessed: an unknown one is plain
text and a warning. What the lexer returns must be the code itself: a lexer that drops or
rewrites text (or fails) leaves the block plain, with a warning, rather than lose content.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from mdwx import pygments_plugins

pygments_plugins.install()  # before Pygments: its plugin lookup loads when a name needs it

from pygments.lexer import Lexer  # noqa: E402
from pygments.lexers import get_lexer_by_name  # noqa: E402
from pygments.styles import get_style_by_name  # noqa: E402
from pygments.token import Token as PygmentsToken  # noqa: E402
from pygments.token import _TokenType  # noqa: E402
from pygments.util import ClassNotFound  # noqa: E402

from mdwx.assets.diagram import is_diagram_language  # noqa: E402
from mdwx.errors import RenderError  # noqa: E402
from mdwx.render.code_aliases import MORE_ALIASES, PLAIN_FILES  # noqa: E402
from mdwx.render.code_frame import frame, wants_line_numbers  # noqa: E402
from mdwx.render.context import context_of  # noqa: E402
from mdwx.render.render_rule import add_rules  # noqa: E402

_LANG_SPLIT = re.compile(r"[\s,{]")
#: Languages shown plain on purpose: text, logs and data (no warning).
_PLAIN = (
    frozenset(
        {
            "",
            "text",
            "plain",
            "plaintext",
            "txt",
            "nohighlight",
            "none",
            "output",
            "log",
            "logs",
            "csv",
            "tsv",
            "conf",
            "config",
            "cfg",
            "crontab",
            "math",
            "tree",
            "result",
            "stdout",
            "gdb",
        }
    )
    | PLAIN_FILES
)
#: Common fence names Pygments does not register, as the language it knows them by.
LANGUAGE_ALIASES = {
    "yml": "yaml",
    "env": "bash",
    "dotenv": "bash",
    "shell-session": "console",
    "bash-session": "console",
    "sh-session": "console",
    "shell-script": "bash",
    "ps": "powershell",
    "cmd": "batch",
    "kt": "kotlin",
    "gradle": "groovy",
    "vb": "vbnet",
    "jsonc": "json",
    "json5": "javascript",
    "plsql": "sql",
    "svg": "xml",
    "patch": "diff",
    "ml": "ocaml",
    "viml": "vim",
    "golang": "go",
    "c#": "csharp",
    "objective-c": "objc",
    "proto3": "protobuf",
    "dockerfile": "docker",
    "vue": "html",
    "wxml": "xml",
    "mathjax": "latex",
    "katex": "latex",
    **MORE_ALIASES,
}
_SHORT_HEX = re.compile(r"#([0-9a-f])\1([0-9a-f])\2([0-9a-f])\3")
_SPACES = re.compile(r" +")
DEFAULT_TAB_WIDTH = 4

Run = tuple[str | None, str]  # (colour or None for the block's own, text)


def fence_language(info: str) -> str:
    """The language word of a fence's info string (``rust,ignore`` and ``js {1,3}`` too)."""
    return _LANG_SPLIT.split(info.strip(), maxsplit=1)[0].lower() if info.strip() else ""


@lru_cache(maxsize=128)
def find_lexer(language: str) -> Lexer | None:
    """The lexer registered under ``language`` (name or alias), or None.

    Pygments' defaults are kept for ``ensurenl``: line-oriented lexers (console sessions,
    REPLs, literate sources) only read lines that end in a newline, so the text must end
    in one; :func:`lex` removes it again. Leading blank lines are kept (``stripnl=False``).
    """
    if language in _PLAIN:
        return None
    try:
        return get_lexer_by_name(LANGUAGE_ALIASES.get(language, language), stripnl=False)
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
        """The colour of ``ttype``, from its nearest ancestor the style defines.

        Lexers emit types no style lists (``Token.Literal.Scalar.Plain`` in YAML); like
        Pygments' own formatters, such a type takes the style of its parent.
        """
        colour = self._colours.get(ttype, "")
        if colour == "":
            styled = ttype
            while not self._style.styles_token(styled) and styled.parent is not None:
                styled = styled.parent
            value = self._style.style_for_token(styled)["color"]
            colour = None if not value or value == self.base else _short(f"#{value.lower()}")
            self._colours[ttype] = colour
        return colour


def _short(colour: str) -> str:
    return _SHORT_HEX.sub(r"#\1\2\3", colour) if len(colour) == 7 else colour


@lru_cache(maxsize=16)
def palette(style_name: str) -> Palette:
    return Palette(style_name)


def lex(code: str, lexer: Lexer) -> list[tuple[_TokenType, str]] | None:
    """``lexer``'s tokens for ``code`` (no final newline), or None when they are not ``code``.

    The tokens' text joined must be ``code`` exactly: Pygments adds a final newline (taken
    off again here) and drops a leading byte-order mark; a lexer bug could lose more.
    """
    try:
        tokens = list(lexer.get_tokens(code))
    except Exception:  # noqa: BLE001 - a third-party lexer bug must not stop a publish
        return None
    if tokens and tokens[-1][1].endswith("\n"):
        ttype, value = tokens.pop()
        if value != "\n":
            tokens.append((ttype, value[:-1]))
    text = "".join(value for _, value in tokens)
    if code.startswith("\ufeff") and text == code[1:]:  # Pygments drops a leading BOM
        tokens.insert(0, (PygmentsToken.Text, "\ufeff"))
        text = code
    return tokens if text == code else None


def _advance(text: str, column: int) -> int:
    newline = text.rfind("\n")
    return column + len(text) if newline < 0 else len(text) - newline - 1


def expand_tabs(text: str, column: int, tab_width: int) -> tuple[str, int]:
    """``text`` with each tab advanced to the next tab stop, starting at ``column``.

    Returns the expanded text and the column after it (tokens are expanded one by one,
    so the column carries over from token to token).
    """
    if "\t" not in text:
        return text, _advance(text, column)
    parts = text.split("\t")
    out = [parts[0]]
    column = _advance(parts[0], column)
    for part in parts[1:]:
        pad = tab_width - column % tab_width
        out.append(" " * pad + part)
        column = _advance(part, column + pad)
    return "".join(out), column


def plain_spaces(text: str) -> set[int]:
    """Positions of the spaces of ``text`` that may stay plain; the others become ``&nbsp;``.

    In each run of spaces every other one is plain, starting with the first unless the run
    starts a line, and the run's last space is never plain when it ends a line: the
    browser then collapses none of them.
    """
    plain: set[int] = set()
    for match in _SPACES.finditer(text):
        start, end = match.span()
        first = start if start > 0 and text[start - 1] != "\n" else start + 1
        last = end - 1 if end < len(text) and text[end] != "\n" else end - 2
        plain.update(range(first, last + 1, 2))
    return plain


def _encode(text: str, offset: int, plain: set[int]) -> str:
    """Escape ``text`` (at ``offset`` of the block): newlines as ``<br>``, spaces as planned."""
    out = []
    position = 0
    for match in _SPACES.finditer(text):
        out.append(escape(text[position : match.start()], quote=False))
        out.append("".join(" " if offset + i in plain else "&nbsp;" for i in range(*match.span())))
        position = match.end()
    out.append(escape(text[position:], quote=False))
    return "".join(out).replace("\n", "<br>")


def _runs(
    tokens: list[tuple[_TokenType, str]], colours: Palette | None, tab_width: int
) -> list[Run]:
    """Tokens as runs of one colour, tabs expanded; whitespace joins the run it follows."""
    runs: list[Run] = []
    current: str | None = None
    parts: list[str] = []
    column = 0
    for ttype, value in tokens:
        value, column = expand_tabs(value, column, tab_width)
        colour = current if colours is None or value.isspace() else colours.colour(ttype)
        if colour != current and parts:
            runs.append((current, "".join(parts)))
            parts = []
        current = colour
        parts.append(value)
    if parts:
        runs.append((current, "".join(parts)))
    return runs


def block_colour(runs: list[Run], theme_colour: str | None) -> tuple[str | None, list[Run]]:
    """The colour the block itself should carry, and the runs recoloured against it.

    A run in the block's colour needs no span, so the block takes the colour most runs have
    (the theme's ``theme_colour`` unless another is more frequent); the runs in the theme's
    colour then carry it on a span of their own. Returns None when the theme's colour stays.
    """
    if theme_colour is None:
        return None, runs
    theme_colour = _short(theme_colour.lower())
    runs = [(None if colour == theme_colour else colour, text) for colour, text in runs]
    counts: dict[str | None, int] = {}
    for colour, _ in runs:
        counts[colour] = counts.get(colour, 0) + 1
    best = max(counts, key=lambda colour: (counts[colour], colour is None))
    if best is None:
        return None, runs
    recoloured: list[Run] = []
    for colour, text in runs:
        colour = None if colour == best else (theme_colour if colour is None else colour)
        if recoloured and recoloured[-1][0] == colour:
            recoloured[-1] = (colour, recoloured[-1][1] + text)
        else:
            recoloured.append((colour, text))
    return best, recoloured


def highlight_block(
    code: str,
    language: str,
    style_name: str,
    tab_width: int = DEFAULT_TAB_WIDTH,
    warn: Callable[..., None] | None = None,
    theme_colour: str | None = None,
) -> tuple[str | None, str]:
    """The colour of the block (None: the theme's) and its inner HTML.

    Inner HTML: coloured spans, spaces, ``&nbsp;`` and ``<br>``. Trailing newlines of
    ``code`` are dropped; ``warn`` hears of a lexer that failed. With ``theme_colour`` (the
    theme's code block colour) the block may take the colour most of its tokens have.
    """
    code = code.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n")
    lexer = find_lexer(language)
    tokens = lex(code, lexer) if lexer is not None and code else None
    if lexer is not None and code and tokens is None and warn is not None:
        warn(f"the {language!r} highlighter failed on this code block: shown without highlighting")
    colours = palette(style_name) if tokens is not None else None
    runs = _runs(tokens if tokens is not None else [(PygmentsToken.Text, code)], colours, tab_width)
    colour, runs = block_colour(runs, theme_colour)
    text = "".join(value for _, value in runs)
    plain = plain_spaces(text)
    out = []
    offset = 0
    for run_colour, value in runs:
        html = _encode(value, offset, plain)
        offset += len(value)
        out.append(f'<span style="color:{run_colour}">{html}</span>' if run_colour else html)
    return colour, "".join(out)


def code_block_html(
    code: str,
    language: str,
    style_name: str,
    tab_width: int = DEFAULT_TAB_WIDTH,
    warn: Callable[..., None] | None = None,
    theme_colour: str | None = None,
    *,
    background: str | None = None,
    numbers: bool = False,
    header: bool = False,
    wrap: bool = False,
) -> str:
    """A code block: ``background`` (with ``theme_colour``) is the site's ``code_style``'s box;
    ``numbers``, ``header``, ``wrap`` frame it (:mod:`.code_frame`)."""
    colour, inner = highlight_block(code, language, style_name, tab_width, warn, theme_colour)
    extra, inner = frame(inner, numbers=numbers, header=header, wrap=wrap)
    styles = [f"background:{background}"] if background else []
    colour = colour or (theme_colour if background else None)
    styles += [f"color:{colour}"] if colour else []
    styles += [extra] if extra else []
    style = f' style="{";".join(styles)}"' if styles else ""
    return f'<section class="code"{style}>{inner}</section>'


def _fence(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    ctx = context_of(env)
    language = fence_language(token.info)
    if language == "miniprogram":
        from mdwx.render.miniprogram import card_html

        try:
            return card_html(token.content, ctx)
        except RenderError as exc:  # said with the post's other problems; the render goes on
            ctx.errors.append(exc)
            return ""
    if language == "math":
        from mdwx.render.media import formula_html

        return formula_html(token.content, ctx, display=True)

    if is_diagram_language(language):
        from mdwx.render.diagrams import diagram_html

        code = code_block_html(
            token.content,
            "text",
            ctx.pygments_style,
            ctx.config.tab_width,
            ctx.warn,
            ctx.code_colour,
            **_framing(ctx, token.info),
        )
        return diagram_html(token.content, language, ctx, code)
    if language not in _PLAIN and find_lexer(language) is None:
        ctx.warn(
            f"unknown code language {language!r}: shown without highlighting",
            code="unknown-language",
        )
    return code_block_html(
        token.content,
        language,
        ctx.pygments_style,
        ctx.config.tab_width,
        ctx.warn,
        ctx.code_colour,
        **_framing(ctx, token.info),
    )


def _framing(ctx: Any, info: str) -> dict[str, Any]:
    config = ctx.config
    return {
        "background": ctx.code_background,
        "header": config.code_header,
        "wrap": config.code_wrap,
        "numbers": wants_line_numbers(info, config.code_line_numbers),
    }


def _code_block(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    ctx = context_of(env)
    return code_block_html(
        tokens[idx].content,
        "",
        ctx.pygments_style,
        ctx.config.tab_width,
        theme_colour=ctx.code_colour if ctx.code_background else None,
        **_framing(ctx, ""),
    )


def _code_inline(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return f"<code>{escape(tokens[idx].content, quote=False)}</code>"


def code_plugin(md: MarkdownIt) -> None:
    """Render fences, indented code and inline code the WeChat way."""
    add_rules(
        md,
        {
            "fence": _fence,
            "code_block": _code_block,
            "code_inline": _code_inline,
        },
    )
