"""Readable colours: WCAG 2 contrast of the text/background pairs a theme draws.

A theme's colours are checked where a reader meets them: the probe below holds one of each
kind of text (body, strong, link, headings, quote, code, callouts, table head, references,
captions) inside the containers they live in, the theme is inlined into it as into an
article, and each text's colour is paired with the nearest background behind it (white, the
page, where none is set). WCAG 2.x asks 4.5:1 for reading text; accents (a coloured strong
word, a link's colour, list markers, headings, captions) are held to its 3:1 for large or
bold text and marks.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from typing import TYPE_CHECKING

import css_inline

from mdwx.diagnostics import Diagnostic
from mdwx.render.colours import (
    HEX_COLOUR,
    RGB_COLOUR,
    contrast,
    hex_colour,
    parse_colour,
)

if TYPE_CHECKING:
    from mdwx.render.themes import Theme

MIN_RATIO = 4.5  # WCAG 2 AA, body text
MIN_ACCENT_RATIO = 3.0  # WCAG 2 AA for large or bold text and non-text marks: accents, headings
#: Kinds of text that are accents (a coloured word, a number, a mark, a heading), not reading text.
ACCENTS = frozenset(
    {
        "strong",
        "link",
        "reference number",
        "strikethrough",
        "list marker",
        "caption",
        "h1",
        "h2",
        "h3",
        "h4",
        "references title",
    }
    | {f"{kind} title" for kind in ("note", "tip", "important", "warning", "caution")}
)

PROBE = (
    '<section class="mdwx"><p data-probe="body text">text <strong data-probe="strong">s</strong> '
    '<span class="link" data-probe="link">l<sup class="ref" data-probe="reference number">[1]</sup></span> '
    '<code data-probe="inline code">c</code> <s data-probe="strikethrough">x</s></p>'
    '<h1 data-probe="h1">h</h1><h2 data-probe="h2">h</h2><h3 data-probe="h3">h</h3><h4 data-probe="h4">h</h4>'
    '<blockquote><p data-probe="quote">q</p></blockquote>'
    '<section class="code" data-probe="code block">x</section>'
    '<section class="list"><section class="li"><span class="marker" data-probe="list marker">1.</span>'
    "</section></section>"
    '<section class="table-wrap"><table><tr><th data-probe="table head">h</th></tr>'
    '<tr><td data-probe="table cell">d</td></tr></table></section>'
    '<section class="figure"><p class="caption" data-probe="caption">c</p></section>'
    + "".join(
        f'<section class="callout callout-{kind}"><p class="callout-title" data-probe="{kind} title">t</p>'
        f'<p data-probe="{kind} text">x</p></section>'
        for kind in ("note", "tip", "important", "warning", "caution")
    )
    + '<section class="notes"><p class="notes-title" data-probe="references title">r</p>'
    '<p data-probe="references">r</p></section></section>'
)


@dataclass(frozen=True)
class Pair:
    """One kind of text: its colour, the background behind it, their contrast ratio."""

    what: str
    colour: str
    background: str
    ratio: float


def _declared(style: str, names: tuple[str, ...]) -> str | None:
    found = None
    for declaration in style.split(";"):
        name, _, value = declaration.partition(":")
        if name.strip().lower() in names and value.strip():
            found = value.strip()
    return found


def _background(style: str) -> str | None:
    value = _declared(style, ("background", "background-color"))
    if value is None:
        return None
    match = HEX_COLOUR.search(value) or RGB_COLOUR.search(value)
    return match.group(0) if match else None


class _Pairs(HTMLParser):
    def __init__(self, page: str, text: str = "#333333") -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str, str]] = [("", text, page)]  # tag, colour, background
        self.pairs: list[Pair] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        style = values.get("style", "")
        _, colour, background = self.stack[-1]
        colour = _declared(style, ("color",)) or colour
        background = _background(style) or background
        self.stack.append((tag, colour, background))
        if "data-probe" in values:
            fg, bg = parse_colour(colour), parse_colour(background)
            if fg and bg:
                self.pairs.append(
                    Pair(values["data-probe"], colour, background, round(contrast(fg, bg), 2))
                )

    def handle_endtag(self, tag: str) -> None:
        while len(self.stack) > 1:
            if self.stack.pop()[0] == tag:
                break


def theme_pairs(css: str, page: str = "#ffffff", *, dark: bool = False) -> list[Pair]:
    """Every kind of text of the probe article in theme ``css`` on a ``page`` background;
    ``dark``: as WeChat's dark mode converts it (:mod:`.darkmode`), on its dark page."""
    html = css_inline.inline_fragment(PROBE, css, load_remote_stylesheets=False)
    parser = _Pairs(page)
    if dark:
        from mdwx.render.darkmode import DARK_PAGE, DARK_TEXT, dark_markup

        html = dark_markup(html)
        parser = _Pairs(hex_colour(DARK_PAGE), hex_colour(DARK_TEXT))
    parser.feed(html)
    parser.close()
    return parser.pairs


def minimum_for(what: str) -> float:
    """The ratio a kind of text must reach: 3:1 for accents, 4.5:1 for reading text."""
    return MIN_ACCENT_RATIO if what in ACCENTS else MIN_RATIO


def low_contrast(css: str, page: str = "#ffffff", *, dark: bool = False) -> list[Pair]:
    """The pairs of :func:`theme_pairs` below their :func:`minimum_for`."""
    return [
        pair for pair in theme_pairs(css, page, dark=dark) if pair.ratio < minimum_for(pair.what)
    ]


@lru_cache(maxsize=16)
def _low(css: str, dark: bool = False) -> tuple[Pair, ...]:
    return tuple(low_contrast(css, dark=dark))


def contrast_warnings(theme: Theme) -> list[Diagnostic]:
    """A ``low-contrast`` warning per kind of text ``theme`` draws below its minimum, naming
    the theme's file (a built-in: its name). Computed once per theme per process."""
    where = str(theme.path) if theme.path is not None else None
    return [
        Diagnostic(
            f"theme {theme.name!r}: {pair.what} {pair.colour} on {pair.background} has contrast "
            f"{pair.ratio}:1, below {minimum_for(pair.what)}:1 (WCAG){mode}",
            where,
            None,
            code="low-contrast",
            hint=hint,
        )
        for dark, mode, hint in (
            (False, "", "darken the text colour or lighten its background"),
            (
                True,
                " in WeChat's dark mode",
                "WeChat dims light backgrounds to a mid-tone there: give the text "
                "a colour further from the background's, or drop the background",
            ),
        )
        for pair in _low(theme.css, dark)
    ]
