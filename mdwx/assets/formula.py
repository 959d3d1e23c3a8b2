"""Vector to raster: SVG images and TeX formulas become PNG without a browser.

WeChat keeps only images uploaded through its own endpoints and only JPEG/PNG for body
images, so SVG files and math must be rasterised before upload. ``resvg`` (through
``resvg_py``) renders SVG; ``ziamath`` typesets TeX into SVG with its bundled STIX Two
Math font, so formulas look the same on every machine and need no LaTeX install.

Typesetting is the slow part of a build (milliseconds a formula, for thousands of them), so
each distinct formula is typeset once per process and its PNG and size are kept in a disk cache
keyed by content hash (:mod:`mdwx.assets.formula_cache`): a second build of the same post
typesets nothing. Making a formula is two steps, laying it out (TeX → SVG, which gives its
size) and drawing it (SVG → PNG, about half the time): what a post needs before its pictures
are uploaded or written is only the first (:func:`laid_out`); the picture is drawn from the
cached layout when asked for (:func:`typeset_formula`).
Both libraries are imported on first use, so commands that meet no formula never load them.
"""

from __future__ import annotations

import functools
import re
import tempfile
import xml.etree.ElementTree as ET
from functools import cache
from typing import Any

from defusedxml import DefusedXmlException

from mdwx.assets import (
    formula_cache,
    formula_fonts,
    formula_lines,
    formula_speed,
    formula_time,
)
from mdwx.assets.formula_cache import (
    FORMULA_BACKGROUND,
    SCALE,
    TEXT_PX,
    ZIAMATH_PX,
    FormulaLayout,
    TypesetFormula,
)
from mdwx.assets.metadata import looks_like_svg as looks_like_svg  # its old home
from mdwx.assets.svg import DEFAULT_SIZE, check_raster_size, parse_svg, safe_svg, svg_size
from mdwx.errors import AssetError

# Without a width in the SVG, browsers default to 300 px; so do we.
DEFAULT_SVG_WIDTH = 300.0

# A ceiling on any raster we make from SVG (even when no width is asked for).
MAX_SVG_RASTER_WIDTH = 4096
# latex2mathml keeps a command it does not know as an identifier spelled with a backslash.
_UNKNOWN_COMMAND = re.compile(r"<mi>(\\[A-Za-z]+)</mi>")


def svg_intrinsic_width(svg: str) -> float:
    """The SVG's own width in px: its ``width`` (with units), else from its viewBox, else 300.

    Used to pick a raster width before rendering, so a huge declared size is never drawn
    at full scale first. Unparseable markup gives the default (rasterising reports it).
    """
    try:
        root = parse_svg(svg)
    except (ET.ParseError, DefusedXmlException):
        return DEFAULT_SVG_WIDTH
    if svg_size(root) == DEFAULT_SIZE and not root.get("width"):  # no size at all
        return DEFAULT_SVG_WIDTH
    return svg_size(root)[0]


def check_svg(data: bytes, *, source: str, max_width: int | None) -> None:
    """Everything :func:`rasterize_svg` would refuse, without drawing: markup, references,
    and the raster size at the width an upload would use (``max_width``, the target's)."""
    svg, own_width, own_height = safe_svg(data, source=source)
    width = round(own_width * SCALE)
    width = max(1, min(width, max_width or MAX_SVG_RASTER_WIDTH, MAX_SVG_RASTER_WIDTH))
    check_raster_size(width, max(1, round(width * own_height / own_width)), source=source)
    # What the renderer refuses whatever the size (a <use> cycle, too many nodes): drawn small.
    _draw(svg, 8, max(1, min(round(8 * own_height / own_width), 64)), source=source)


@cache
def _nowhere() -> str:
    """An empty folder for resvg's ``resources_dir``: relative references would resolve there.

    :func:`~mdwx.assets.svg.safe_svg` already refused them all; this is the second lock on the same
    door (resvg otherwise resolves them against the current directory). Removed at exit.
    """
    folder = tempfile.TemporaryDirectory(prefix="mdwx-svg-")
    _KEEP.append(folder)
    return folder.name


_KEEP: list[tempfile.TemporaryDirectory[str]] = []


def rasterize_svg(
    data: bytes, *, source: str, width: int | None = None, background: str | None = None
) -> bytes:
    """Render SVG markup to PNG bytes, ``width`` px wide (default: 2x its own width, capped),
    on ``background`` (a CSS colour; default: transparent).

    The markup is made safe first (:func:`mdwx.assets.svg.safe_svg`: no reference outside itself
    but ``data:`` images) and the raster's width × height is capped before drawing.
    Invalid, referencing or oversized SVG raises :class:`AssetError` naming ``source``.
    """
    svg, own_width, own_height = safe_svg(data, source=source)
    if width is None:
        width = round(own_width * SCALE)
    width = max(1, min(width, MAX_SVG_RASTER_WIDTH))
    height = max(1, round(width * own_height / own_width))
    check_raster_size(width, height, source=source)
    return _draw(svg, width, height, source=source, background=background)


def _draw(
    svg: str, width: int, height: int, *, source: str, background: str | None = None
) -> bytes:
    """PNG bytes of safe markup drawn at ``width`` × ``height`` px; AssetError if resvg refuses."""
    import resvg_py

    try:
        # Both sides given: resvg fits the drawing inside width x height, so the canvas stays
        # within the checked size even where its own idea of the SVG's size differs from ours.
        png = resvg_py.svg_to_bytes(
            svg_string=svg,
            width=width,
            height=height,
            resources_dir=_nowhere(),
            background=background,
        )
        return bytes(png)
    except (ValueError, RuntimeError) as exc:
        raise AssetError(f"{source}: invalid SVG ({exc}); check it opens in a browser") from exc


def _typeset(tex: str, *, display: bool) -> str:
    """TeX → SVG text; bad TeX raises AssetError naming it."""
    label = short_tex(tex)
    if not tex.strip():
        raise AssetError("empty formula: write some TeX between the dollar signs")
    import ziamath.zmath  # noqa: F401 - loaded before formula_speed patches it

    formula_speed.install()  # the same pictures, drawn faster (mdwx.assets.formula_speed)
    with formula_time.cpu_bound(label):  # its work grows faster than the formula
        return _typeset_bounded(tex, display=display, label=label)


def _typeset_bounded(tex: str, *, display: bool, label: str) -> str:
    import ziamath.zmath

    try:
        mathml = ziamath.tex.tex2mml(tex, inline=not display)
    except Exception as exc:  # latex2mathml raises many unrelated exception types
        raise AssetError(f"formula {label}: invalid TeX ({_reason(exc)})") from exc
    mathml = formula_lines.without_empty_lines(mathml)  # a trailing \\ is no empty line
    unknown = _UNKNOWN_COMMAND.search(mathml)
    if unknown:
        raise AssetError(
            f"formula {label}: unknown TeX command {unknown.group(1)}",
            hint="use a command the renderer knows, or write the formula as an image",
        )
    font = formula_fonts.math_font_key() if formula_fonts.has_cjk(tex) else None
    try:
        svg: str = ziamath.zmath.Math(mathml, font=font).svg()
        return svg
    except Exception as exc:  # a typesetting failure must name the TeX, whatever its type
        # The typesetter's own message (``max() arg is an empty sequence``) says nothing to
        # a writer: what it could not lay out is the formula's structure.
        raise AssetError(
            f"formula {label}: the typesetter cannot lay out this construct",
            hint="simplify the formula, or write it as an image",
        ) from exc


def _reason(exc: Exception) -> str:
    """A TeX parser's complaint in words: its message, else its exception's name spelled out."""
    if str(exc) and not str(exc).startswith(("(", "[", "{")):
        return str(exc)
    return re.sub(r"(?<!^)(?=[A-Z])", " ", type(exc).__name__.removesuffix("Error")).lower()


# Formulas the pool made (mdwx.assets.formula_pool), until typeset_formula/laid_out take them.
_DONE: dict[tuple[str, bool], TypesetFormula] = {}
_LAID: dict[tuple[str, bool], FormulaLayout] = {}
# Formulas the pool could not lay out: their error (message, hint), so this process need not
# load the typesetter only to say why.
_FAILED: dict[tuple[str, bool], tuple[str, str | None]] = {}
MAX_DONE = 20_000  # a few KB each: a ceiling whatever a caller does with them


@functools.lru_cache(maxsize=512)
def typeset_formula(tex: str, *, display: bool) -> TypesetFormula:
    """Typeset ``tex`` once: from this process's memo, the disk cache, or ziamath + resvg
    (only resvg when its layout is cached).

    Bad TeX raises :class:`AssetError` naming the formula (errors are not cached).
    """
    done = _DONE.pop((tex, display), None)
    if done is not None:
        return done
    key = cache_key(tex, display)
    cached = formula_cache.read(key)
    if cached is not None:
        return cached
    made = laid_out(tex, display=display)  # its layout: memo, disk cache or laid out now
    if isinstance(made, TypesetFormula):
        return made
    result = draw(made, tex)
    formula_cache.write(key, result)
    return result


@functools.lru_cache(maxsize=512)
def laid_out(tex: str, *, display: bool) -> FormulaLayout | TypesetFormula:
    """The formula as far as it is made: its picture when at hand, else its layout, laid out
    now (and cached) when neither is known. Both give the CSS size; nothing is drawn here.

    Bad TeX raises :class:`AssetError` naming the formula (errors are not cached).
    """
    failed = _FAILED.get((tex, display))
    if failed is not None:
        raise AssetError(failed[0], hint=failed[1])
    done = _DONE.get((tex, display)) or _LAID.pop((tex, display), None)
    if done is not None:
        return done
    key = cache_key(tex, display)
    cached = formula_cache.read_layout(key) or formula_cache.read(key)
    if cached is not None:
        return cached
    layout = layout_uncached(tex, display=display)
    formula_cache.write_layout(key, layout)
    return layout


def is_known(tex: str, display: bool, *, drawn: bool = True) -> bool:
    """Whether ``typeset_formula`` (``drawn``) or :func:`laid_out` would find the formula
    without laying it out."""
    item = (tex, display)
    if item in _DONE or item in _FAILED or (not drawn and item in _LAID):
        return True
    key = cache_key(tex, display)
    return formula_cache.exists(key) if drawn else formula_cache.layout_exists(key)


def cache_key(tex: str, display: bool) -> str:
    """The formula's disk-cache key; with CJK text, the font drawing it is part of the recipe."""
    text_font = formula_fonts.cjk_font_name() if formula_fonts.has_cjk(tex) else ""
    return formula_cache.cache_key(tex, display=display, text_font=text_font)


def remember(tex: str, display: bool, result: TypesetFormula | FormulaLayout | AssetError) -> None:
    """Hand ``typeset_formula`` or ``laid_out`` a formula made elsewhere, or the error laying
    it out raised there (bounded: the oldest go first)."""
    memo: dict[tuple[str, bool], Any] = (
        _DONE
        if isinstance(result, TypesetFormula)
        else _LAID
        if isinstance(result, FormulaLayout)
        else _FAILED
    )
    if len(memo) >= MAX_DONE:
        del memo[next(iter(memo))]
    if isinstance(result, AssetError):
        memo[(tex, display)] = (result.message, result.hint)
    else:
        memo[(tex, display)] = result


def typeset_uncached(tex: str, *, display: bool) -> TypesetFormula:
    """Typeset and rasterise ``tex`` now, with no cache; bad TeX raises :class:`AssetError`."""
    return draw(layout_uncached(tex, display=display), tex)


def layout_uncached(tex: str, *, display: bool) -> FormulaLayout:
    """Lay ``tex`` out as SVG now, with no cache, and check its raster's size; bad TeX or a
    picture too big to draw raises :class:`AssetError`."""
    svg = _typeset(tex, display=display)
    width, height, depth = _box(svg, tex)
    box = _VIEWBOX.search(svg)
    assert box is not None  # _box refused an SVG without one
    pixels = tuple(round(float(g) * SCALE) for g in box.groups()[2:])
    check_raster_size(*pixels, source=f"formula {short_tex(tex)}")
    return FormulaLayout(svg, width, height, depth, (pixels[0], pixels[1]))


def draw(layout: FormulaLayout, tex: str) -> TypesetFormula:
    """The PNG of a laid-out formula (``tex`` names it in an error)."""
    import resvg_py

    try:
        # A typeset formula is paths only (ziamath draws every glyph as an outline): resvg
        # need not list the system's fonts, as it otherwise does on every call (measured:
        # well under a millisecond even with 460 font files). The pixels are the same.
        png = resvg_py.svg_to_bytes(
            svg_string=layout.svg,
            zoom=SCALE,
            background=FORMULA_BACKGROUND,
            resources_dir=_nowhere(),
            skip_system_fonts=True,
        )
    except Exception as exc:
        raise AssetError(f"formula {short_tex(tex)}: could not be rasterised ({exc})") from exc
    return TypesetFormula(bytes(png), layout.width, layout.height, layout.depth)


def render_formula(tex: str, *, display: bool) -> bytes:
    """Typeset ``tex`` to a crisp PNG (2x, white background); bad TeX raises AssetError."""
    return typeset_formula(tex, display=display).png


_VIEWBOX = re.compile(r'viewBox="([-\d.]+) ([-\d.]+) ([\d.]+) ([\d.]+)"')


def formula_style(tex: str, *, display: bool) -> str:
    """The CSS that shows a formula's PNG at body-text size (and on the baseline, inline)."""
    width, height, depth = formula_box(tex, display=display)
    size = f"width:{width:g}px;height:{height:g}px"
    return size if display else f"{size};vertical-align:-{depth:g}px"


def formula_box(tex: str, *, display: bool) -> tuple[float, float, float]:
    """(width, height, depth below the baseline) in CSS px at body-text size.

    The PNG is drawn at SCALE× ziamath's size; the article must show it at text size, or
    an inline ``$x$`` looks twice too big.
    """
    made = laid_out(tex, display=display)
    return made.width, made.height, made.depth


def _box(svg: str, tex: str) -> tuple[float, float, float]:
    match = _VIEWBOX.search(svg)
    if match is None:  # pragma: no cover - ziamath always writes a viewBox
        raise AssetError(f"formula {short_tex(tex)}: no size in the typeset SVG")
    _, top, width, height = (float(g) for g in match.groups())
    scale = TEXT_PX / ZIAMATH_PX
    return round(width * scale, 1), round(height * scale, 1), round((height + top) * scale, 1)


def short_tex(tex: str, limit: int = 60) -> str:
    """The TeX for a one-line message, quoted: whitespace collapsed, long formulas shortened."""
    return repr(tex_snippet(tex, limit))


def tex_snippet(tex: str, limit: int = 60) -> str:
    """The TeX as written, on one line and at most ``limit`` characters."""
    text = " ".join(tex.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
