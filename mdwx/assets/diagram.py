"""Diagram code (```` ```mermaid ````) becomes a PNG, without a browser or the network.

WeChat shows no script, so a diagram must reach it as a picture. Each diagram language has
one :class:`DiagramRenderer` in :data:`RENDERERS`: a function from the diagram's source to
SVG markup, and the distribution that provides it. The SVG is then drawn by the same
rasteriser as SVG pictures (:func:`mdwx.assets.formula.rasterize_svg`: made safe, size
capped) on a white background (WeChat's dark mode shows pictures as they are), with its text
in a system CJK font, so Chinese labels are drawn and never boxes. Adding a language is one
entry in :data:`RENDERERS` (and the fence name is then a diagram everywhere: render, check,
build, preview, publish).

Mermaid is drawn by ``mermaidx`` (the ``mdwx[diagrams]`` extra): mermaid.js's own parser and
layout in an embedded QuickJS engine. It is asked for plain ``<text>`` labels (mermaid's
default puts labels in ``<foreignObject>`` HTML, which no SVG rasteriser draws), and is given
the source with the label characters it would lose written in its own entity codes
(:mod:`mdwx.assets.mermaid_labels`: ``a > b`` is drawn as written).

Layout has no time bound of its own, so it runs in a child process killed after
``limits.diagram_seconds`` (:mod:`mdwx.assets.diagram_worker`); a diagram over it is not drawn.
Typesetting is slow (a second or more a diagram; the engine's start costs a few more), so
each distinct diagram is typeset once per process and its PNG and CSS size kept in the
content-addressed disk cache that formulas use (:mod:`mdwx.assets.formula_cache`), keyed by
the language, the source, the renderer's version and the font: a second build typesets
nothing. See docs/diagrams.md.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

# The formula and SVG stack (Pillow, ElementTree, ziamath) and the worker (subprocess) are
# imported where a picture is drawn: every build with a code fence imports this module for
# is_diagram_language (issue 19).
from mdwx.assets import formula_cache
from mdwx.assets.formula_cache import SCALE, TypesetFormula
from mdwx.config_tables import Limits
from mdwx.document import Asset, AssetKind
from mdwx.errors import AssetError
from mdwx.install_hint import install_hint

# Changed when the same source draws another picture (2: label text escaped, mermaid_labels;
# 3: a flowchart's or mindmap's own codes drawn as their characters).
MAGIC = "MDWX-DIAGRAM-3"
# A diagram is drawn on white: dark text on a transparent picture would vanish in dark mode.
DIAGRAM_BACKGROUND = "#ffffff"
# The longest diagram source drawn: layout time grows with it, and no readable diagram is longer.
MAX_DIAGRAM_CHARS = 50_000
# Seconds one diagram may take to lay out, by default (``limits.diagram_seconds`` in mdwx.toml).
DIAGRAM_SECONDS = Limits().diagram_seconds
# Characters a CJK font must have to draw the labels (as for formulas and covers).
CJK_PROBE = "是的一中文"


@dataclass(frozen=True)
class DiagramRenderer:
    """How one diagram language becomes SVG.

    ``to_svg`` takes the source as written and the font family for its text, and returns SVG
    markup; it raises :class:`AssetError` for source it cannot draw and ``ImportError`` when
    ``package`` (installed with the mdwx extra ``extra``) is missing. It runs in a child
    process (:mod:`mdwx.assets.diagram_worker`, killed after the time limit), so it must be a
    module-level function or a :func:`functools.partial` of one.
    """

    language: str
    package: str
    extra: str
    to_svg: Callable[[str, str], str]


def _mermaid_svg(source: str, font_family: str) -> str:
    import mermaidx

    from mdwx.assets.diagram_errors import parse_problem
    from mdwx.assets.mermaid_labels import escape_labels, restore_stand_ins

    config = {
        "htmlLabels": False,
        "fontFamily": font_family,
        **{kind: {"htmlLabels": False} for kind in ("flowchart", "class", "state")},
    }
    try:
        svg = str(mermaidx.render(escape_labels(source), config=config).svg())
    except RuntimeError as exc:  # mermaid's parse and layout errors (MermaidRenderError too)
        message = str(exc).removeprefix("Mermaid rendering failed: ")
        raise parse_problem(message, source) or AssetError(_reason(message)) from exc
    return restore_stand_ins(svg)


#: Diagram languages by fence name: the one seam a new language (Graphviz ``dot``…) plugs into.
RENDERERS: dict[str, DiagramRenderer] = {
    "mermaid": DiagramRenderer("mermaid", "mermaidx", "diagrams", _mermaid_svg),
}


def is_diagram_language(language: str) -> bool:
    """Whether a fence of this language is drawn as a picture."""
    return language in RENDERERS


@functools.cache
def cjk_family() -> str:
    """The family name of the first system font drawing CJK text ("" when there is none)."""
    from PIL import ImageFont

    from mdwx.assets.cover import has_glyphs, system_fonts

    for path in system_fonts():
        if has_glyphs(path, CJK_PROBE):
            try:
                return str(ImageFont.truetype(str(path), 16).getname()[0])
            except OSError:
                continue
    return ""


def font_stack() -> str:
    """The CSS font family of diagram text: the CJK font first, then any sans-serif."""
    family = cjk_family()
    return f'"{family}", sans-serif' if family else "sans-serif"


def renderer_version(renderer: DiagramRenderer) -> str:
    from importlib import metadata  # start-up every command would pay (issue 19)

    try:
        return metadata.version(renderer.package)
    except metadata.PackageNotFoundError:
        return ""


def cache_key(language: str, source: str) -> str:
    """SHA-256 of everything that decides the picture: language, source, renderer, font, scale."""
    renderer = RENDERERS[language]
    recipe = [
        MAGIC,
        language,
        renderer_version(renderer),
        font_stack(),
        str(SCALE),
        DIAGRAM_BACKGROUND,
        source,
    ]
    return hashlib.sha256("\0".join(recipe).encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=256)
def typeset_diagram(language: str, source: str, seconds: float = DIAGRAM_SECONDS) -> TypesetFormula:
    """The diagram's PNG (2x, white) and CSS size (``depth`` 0): from memory, disk or drawn now.

    Drawing takes at most ``seconds`` (in a child process, killed after that). Raises
    :class:`AssetError` (not cached, so a later run with more time tries again) when the
    renderer is not installed, cannot draw the source or takes too long; the message says
    which and why.
    """
    key = cache_key(language, source)
    cached = formula_cache.read(key)
    if cached is not None:
        return cached
    result = typeset_uncached(language, source, seconds)
    formula_cache.write(key, result)
    return result


def typeset_uncached(
    language: str, source: str, seconds: float = DIAGRAM_SECONDS
) -> TypesetFormula:
    """Draw the diagram now, with no cache (see :func:`typeset_diagram`)."""
    renderer = RENDERERS[language]
    if len(source) > MAX_DIAGRAM_CHARS:
        raise AssetError(
            f"{language} diagram is longer than {MAX_DIAGRAM_CHARS:,} characters",
            hint="split it into smaller diagrams",
        )
    from mdwx.assets import diagram_worker

    try:
        svg = diagram_worker.draw_svg(renderer.to_svg, source, font_stack(), seconds)
    except ImportError as exc:
        raise AssetError(
            f"{language} diagrams need the {renderer.package} package, not installed",
            hint=install_hint(renderer.extra),
        ) from exc
    from mdwx.assets.formula import rasterize_svg
    from mdwx.assets.svg import parse_svg, svg_size

    width, height = svg_size(parse_svg(svg))
    png = rasterize_svg(
        svg.encode("utf-8"),
        source=f"{language} diagram",
        width=round(width * SCALE),
        background=DIAGRAM_BACKGROUND,
    )
    return TypesetFormula(png, round(width, 1), round(height, 1), 0.0)


def typeset_png(asset: Asset) -> bytes:
    """The PNG of a picture mdwx draws itself (a FORMULA or DIAGRAM asset); AssetError if it cannot."""
    if asset.kind is AssetKind.DIAGRAM:
        return render_diagram(asset.language, asset.source)
    from mdwx.assets.formula import render_formula

    return render_formula(asset.source, display=asset.display)


def render_diagram(language: str, source: str) -> bytes:
    """The diagram's PNG; :class:`AssetError` when it cannot be drawn."""
    return typeset_diagram(language, source).png


def diagram_style(language: str, source: str, seconds: float = DIAGRAM_SECONDS) -> str:
    """CSS showing the PNG at the diagram's own width, never wider than the article."""
    typeset = typeset_diagram(language, source, seconds)
    return f"width:{typeset.width:g}px;max-width:100%;height:auto"


def _reason(message: str, limit: int = 200) -> str:
    """The renderer's complaint on one line: where (its first line) and what (its last)."""
    # mermaid counts lines of its own preamble: a line number would point at the wrong line.
    message = re.sub(r" on line \d+", "", message.removeprefix("Error: "))
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    text = " ".join(dict.fromkeys([*lines[:1], *lines[-1:]])) or "the renderer gave no reason"
    return text if len(text) <= limit else text[: limit - 1] + "…"
