"""The article as WeChat's dark mode shows it: colours converted per element, not inverted.

WeChat's reader does not invert a page. It walks the article and converts each inline colour
by what it is (its public rules: the ``mp-darkmode`` project; see docs/themes.md):

- a **background** that is white or a light grey has its lightness mirrored onto the dark
  page (#191919); any other background brighter than a limit (perceived brightness 190 of
  255) is dimmed to that limit, hue kept; a background already dark is kept, only lifted
  to a minimum lightness (22 %) so it stays a block against the page;
- a **text** (or border) colour is left alone when it already stands out from the background
  behind it (a difference of at least 65 in perceived brightness), or is near-white;
  otherwise its lightness is mirrored (dark grey text becomes light grey) and, if that is not
  enough, its brightness set at that distance from the background; text on the page itself
  is never brighter than WeChat's dark text (white at 60 %);
- an element whose background changed and that sets no colour gets the converted colour of
  the text it inherits, since the old one was chosen for the light background;
- pictures are shown as they are.

Perceived brightness is the W3C's ``(299 R + 587 G + 114 B) / 1000``. Everything here is pure
(strings in, strings out); the preview shows :func:`dark_html` when its dark toggle is on, and
the contrast check (:mod:`.contrast`) measures themes in it too.
"""

from __future__ import annotations

import colorsys
import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from html import escape

from mdwx.render.colours import (
    RGB,  # noqa: E402
    hex_colour,
    parse_colour,
)
from mdwx.render.tag_tree import Element, element_tree, soup_tree

LIGHT_PAGE: RGB = (255, 255, 255)
LIGHT_TEXT: RGB = (51, 51, 51)  # the themes' body text when none is set (#333)
DARK_PAGE: RGB = (25, 25, 25)  # WeChat's dark page, #191919
DARK_TEXT: RGB = (163, 163, 163)  # WeChat's dark text, white at 60 % over the dark page
WHITE_LIKE = 250.0  # perceived brightness from which a colour counts as white
MAX_BACKGROUND = 190.0  # the brightest a coloured background may stay
MIN_DIFFERENCE = 65.0  # text at least this much brighter or darker than its background reads
LIGHT_BACKGROUND = 100.0  # a background at least this bright takes dark text
GREY_LIGHTNESS = 0.40  # a grey lighter than this (HSL) is mirrored; text darker than it too
MIN_LIGHTNESS = 0.22  # a dark background is lifted to this lightness (HSL)

_COLOUR = re.compile(
    r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b|rgba?\([^)]*\)|\b(?:white|black)\b", re.IGNORECASE
)
_ALPHA = re.compile(r"rgba\([^,]+,[^,]+,[^,]+,\s*([\d.]+)\s*\)", re.IGNORECASE)
_BACKGROUND = ("background", "background-color")
_FOREGROUND = (
    "color",
    "border",
    "border-top",
    "border-right",
    "border-bottom",
    "border-left",
    "border-color",
    "border-top-color",
    "border-right-color",
    "border-bottom-color",
    "border-left-color",
    "outline",
    "outline-color",
    "text-decoration",
    "text-decoration-color",
    "box-shadow",
    "-webkit-text-fill-color",
)
_KEPT_TAGS = frozenset({"img", "svg", "video", "iframe", "mpvoice", "mp-miniprogram"})


def brightness(rgb: RGB) -> float:
    """Perceived brightness, 0 (black) to 255 (white)."""
    return (rgb[0] * 299 + rgb[1] * 587 + rgb[2] * 114) / 1000


def _hls(rgb: RGB) -> tuple[float, float, float]:
    return colorsys.rgb_to_hls(*(c / 255 for c in rgb))


def _rgb(h: float, lightness: float, s: float) -> RGB:
    r, g, b = colorsys.hls_to_rgb(h, max(0.0, min(1.0, lightness)), s)
    return round(r * 255), round(g * 255), round(b * 255)


def with_brightness(target: float, rgb: RGB) -> RGB:
    """``rgb`` scaled to perceived brightness ``target``, its hue kept as far as it can be:
    what a channel cannot take (past 255 or below 0) the others make up."""
    ratio = target / (brightness(rgb) or 1)
    values = [min(255.0, c * ratio) for c in rgb] if brightness(rgb) else [target] * 3
    for _ in range(3):
        short = target - (values[0] * 299 + values[1] * 587 + values[2] * 114) / 1000
        free = [i for i, v in enumerate(values) if (v < 255 if short > 0 else v > 0)]
        if abs(short) < 0.5 or not free:
            break
        step = short * 1000 / sum(_WEIGHTS[i] for i in free)
        for i in free:
            values[i] = max(0.0, min(255.0, values[i] + step))
    return round(values[0]), round(values[1]), round(values[2])


_WEIGHTS = (299, 587, 114)


@lru_cache(maxsize=4096)
def dark_background(rgb: RGB) -> RGB:
    """What a background colour becomes in WeChat's dark mode."""
    h, lightness, s = _hls(rgb)
    if (s == 0 and lightness > GREY_LIGHTNESS) or brightness(rgb) > WHITE_LIKE:
        return _rgb(0, min(1.0, 1 + _hls(DARK_PAGE)[1] - lightness), 0)
    if brightness(rgb) > MAX_BACKGROUND:
        return with_brightness(MAX_BACKGROUND, rgb)
    if lightness < MIN_LIGHTNESS:
        return _rgb(h, MIN_LIGHTNESS, s)
    return rgb


@lru_cache(maxsize=4096)
def dark_text(rgb: RGB, background: RGB) -> RGB:
    """What a text (or border) colour becomes over ``background``, a dark-mode background."""
    most = brightness(DARK_TEXT) - brightness(DARK_PAGE)
    behind = brightness(background)
    for _ in range(2):  # mirroring the lightness once is as far as the rule goes
        text = brightness(rgb)
        if text >= WHITE_LIKE:
            return rgb
        if abs(behind - text) > most and behind <= brightness(DARK_PAGE) + 2:
            return with_brightness(most + behind, rgb)
        if abs(behind - text) >= MIN_DIFFERENCE:
            return rgb
        h, lightness, s = _hls(rgb)
        if behind >= LIGHT_BACKGROUND:
            if lightness > 0.9 - GREY_LIGHTNESS:
                rgb = _rgb(h, 0.9 - lightness, s)
                continue
            return with_brightness(min(most, behind - MIN_DIFFERENCE), rgb)
        if lightness <= GREY_LIGHTNESS:
            rgb = _rgb(h, 0.9 - lightness, s)
            continue
        return with_brightness(min(most, behind + MIN_DIFFERENCE), rgb)
    return rgb


def _transparent(token: str) -> bool:
    alpha = _ALPHA.match(token)
    return alpha is not None and float(alpha.group(1)) < 0.05


def _first_colour(value: str) -> RGB | None:
    for match in _COLOUR.finditer(value):
        if not _transparent(match.group(0)):
            return parse_colour(match.group(0))
    return None


def _recolour(value: str, convert: Callable[[RGB], RGB]) -> str:
    def one(match: re.Match[str]) -> str:
        rgb = parse_colour(match.group(0))
        return (
            hex_colour(convert(rgb)) if rgb and not _transparent(match.group(0)) else match.group(0)
        )

    return _COLOUR.sub(one, value)


@lru_cache(maxsize=8192)
def _declarations(style: str) -> tuple[tuple[str, str], ...]:
    """``style``'s ``(name, value)`` pairs in order, names lower-cased (a theme repeats a few
    styles on thousands of elements, hence the cache)."""
    pairs = []
    for declaration in style.split(";"):
        name, colon, value = declaration.partition(":")
        if colon and name.strip():
            pairs.append((name.strip().lower(), value.strip()))
    return tuple(pairs)


@lru_cache(maxsize=8192)
def dark_style(style: str, text: RGB, background: RGB) -> tuple[str, RGB, RGB]:
    """One element's ``style`` in dark mode, given the light text colour it inherits and the
    dark background behind it; also the light text and dark background its children inherit."""
    declarations = _declarations(style)
    light_text, dark_behind, own_colour, changed = text, background, False, False
    out = []
    for name, value in declarations:
        if name in _BACKGROUND and "url(" not in value.lower():
            light_bg = _first_colour(value)
            if light_bg is not None:
                dark_behind = dark_background(light_bg)
                value, changed = _recolour(value, dark_background), True
        out.append([name, value])
        if name == "color":
            own_colour = True
            light_text = _first_colour(value) or light_text
    for pair in out:
        name, value = pair
        if name in _FOREGROUND:
            pair[1] = _recolour(value, lambda rgb: dark_text(rgb, dark_behind))
    if changed and not own_colour:
        out.append(["color", hex_colour(dark_text(light_text, dark_behind))])
    return ";".join(f"{name}:{value}" for name, value in out), light_text, dark_behind


def _converted(root: Element, text: RGB) -> Iterator[tuple[Element, str]]:
    """Each element under ``root`` whose style dark mode changes, with its dark style: the
    children of an element in order, then each child's own, the last child first."""
    stack: list[tuple[Element, RGB, RGB]] = [(root, text, DARK_PAGE)]
    while stack:
        node, inherited, behind = stack.pop()
        for child in node.children:
            if child.name in _KEPT_TAGS:
                continue
            style = child.style
            child_text, child_behind = inherited, behind
            if style or node is root:
                converted, child_text, child_behind = dark_style(style, inherited, behind)
                if node is root and "color" not in dict(_declarations(converted)):  # on the page
                    converted += (
                        ";" if converted else ""
                    ) + f"color:{hex_colour(dark_text(inherited, behind))}"
                if converted != style:
                    yield child, converted
            stack.append((child, child_text, child_behind))


def dark_html(html: str, *, text: RGB = LIGHT_TEXT) -> str:
    """``html`` (inline-styled content) with every colour converted as WeChat's dark mode does.

    ``text`` is the light text colour the content inherits where it sets none. The page
    behind it is WeChat's dark page; pictures are untouched.
    """
    root, soup = soup_tree(html)
    for element, style in list(_converted(root, text)):
        element.tag["style"] = style
    return str(soup)


def dark_markup(html: str, *, text: RGB = LIGHT_TEXT) -> str:
    """:func:`dark_html`'s colours without its re-serialising: ``html`` as written, each
    changed element's start tag ending in one more ``style`` attribute, the dark one (a parser
    keeps the last of duplicates). What the contrast check reads; markup outside
    :func:`~mdwx.render.tag_tree.element_tree`'s shape is :func:`dark_html`'s."""
    root = element_tree(html)
    if root is None:
        return dark_html(html, text=text)
    marks = [
        (element.last, f' style="{escape(style)}"') for element, style in _converted(root, text)
    ]
    return _inserted(html, marks)


#: Marks an element of the preview whose colours dark mode changes (its number in ``dark_css``).
MARK = "data-dm"


def dark_mode(html: str, *, scope: str = "body.dark", text: RGB = LIGHT_TEXT) -> tuple[str, str]:
    """For a page that toggles: ``html`` with a :data:`MARK` on each element dark mode changes
    (the rest of the markup exactly as it was), and the CSS (under ``scope``) that gives those
    elements their dark colours.

    Only the preview uses it (the content sent to WeChat carries no marks): the light
    article stays as it is, and the toggle only adds a class, as WeChat's own script does.
    """
    root = element_tree(html) or soup_tree(html)[0]
    rules: list[str] = []
    marks: list[tuple[int, str]] = []
    for element, style in list(_converted(root, text)):
        changed = _changed(element.style, style)
        if not changed:  # only written differently (a repeated declaration): nothing to mark
            continue
        number = len(rules)
        marks.append((element.at + 1 + len(element.name), f' {MARK}="{number}"'))
        rules.append(f'{scope} [{MARK}="{number}"]{{{";".join(changed)}}}')
    return _inserted(html, marks), "\n".join(rules)


@lru_cache(maxsize=8192)
def _changed(light: str, dark: str) -> tuple[str, ...]:
    """The declarations of the ``dark`` style that differ from the ``light`` one, each made
    ``!important`` (the page's rule must beat the element's own ``style``)."""
    old = dict(_declarations(light))
    return tuple(
        f"{name}:{value}!important" for name, value in _declarations(dark) if old.get(name) != value
    )


def _inserted(html: str, marks: list[tuple[int, str]]) -> str:
    """``html`` with each ``(offset, text)`` of ``marks`` put in at its offset, in one join."""
    parts: list[str] = []
    last = 0
    for at, mark in sorted(marks):
        parts += (html[last:at], mark)
        last = at
    parts.append(html[last:])
    return "".join(parts)
