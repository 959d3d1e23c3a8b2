"""Shortcuts in ziamath's layout and drawing that draw the very same formula in less time.

Profiling a cold check of a formula-heavy site (``benchmarks/formulas.py --profile``) shows
most of the time in three places of ziamath 0.13, none of which changes a pixel:

- ``styles.parse_style`` copies the parent's whole style with ``dataclasses.asdict`` (a
  recursive deep copy) for every node, to read five plain values from it;
- ``Mrow._setup_single_line`` lays every child out twice, first only to measure the row's
  height without its stretchy operators (``nostretch``) so that fences can stretch to it;
  the measuring build is made of rows that measure their own children again, so each
  level of nesting doubles the work. The measured height is read by stretchy operators
  only (``Moperator._setup``): a row with none in it (no ``stretchy`` attribute, no text
  the operator dictionary lets stretch) is now laid out once; in a row where something may
  stretch, a child that lays out the same in both passes (nothing in it stretches, it does
  not read its left sibling) is built once, and a table (its cells built again otherwise)
  is placed as measured unless the margin it takes after a left fence is due;
- ``SimpleGlyph.svgsymbol`` writes a glyph's outline as SVG path text (thousands of
  number formats) each time a formula uses the glyph; a font's glyphs are made once and
  never change (``Font.glyph_fromid`` keeps them), so each glyph keeps its ``<symbol>``.

All are installed once (:func:`install`), only on the ziamath version they were written
against; with any other version ziamath runs as it is. The formula cache's key holds
ziamath's version, and tests/test_formula_speed.py checks that formulas come out byte for
byte the same with and without the shortcuts.
"""

from __future__ import annotations

import copy
from typing import Any

#: The ziamath release whose code the shortcuts mirror.
FOR_VERSION = "0.13"
_installed: dict[str, Any] = {}


def install() -> bool:
    """Put the shortcuts in place (idempotent); False when ziamath is another version."""
    if _installed:
        return True
    from importlib import metadata  # email, zipfile, csv: start-up only a formula pays

    try:
        if metadata.version("ziamath") != FOR_VERSION:
            return False
    except metadata.PackageNotFoundError:  # pragma: no cover - a dependency of mdwx
        return False
    import ziamath.nodes.mfrac
    import ziamath.nodes.mnode
    import ziamath.styles
    import ziamath.zmath
    from ziafont.glyph import SimpleGlyph
    from ziamath.nodes.mrow import Mrow

    _installed["parse_style"] = ziamath.styles.parse_style
    _installed["single_line"] = Mrow._setup_single_line
    _installed["svgsymbol"] = SimpleGlyph.svgsymbol
    SimpleGlyph.svgsymbol = _svgsymbol  # type: ignore[method-assign]
    for module in (ziamath.styles, ziamath.nodes.mnode, ziamath.nodes.mfrac, ziamath.zmath):
        module.parse_style = _parse_style  # type: ignore[attr-defined]
    Mrow._setup_single_line = _setup_single_line  # type: ignore[method-assign]
    return True


def uninstall() -> None:
    """ziamath as it came (for the comparison in the tests and the benchmark's baseline)."""
    if not _installed:
        return
    import ziamath.nodes.mfrac
    import ziamath.nodes.mnode
    import ziamath.styles
    import ziamath.zmath
    from ziafont.glyph import SimpleGlyph
    from ziamath.nodes.mrow import Mrow

    for module in (ziamath.styles, ziamath.nodes.mnode, ziamath.nodes.mfrac, ziamath.zmath):
        module.parse_style = _installed["parse_style"]  # type: ignore[attr-defined]
    SimpleGlyph.svgsymbol = _installed["svgsymbol"]  # type: ignore[method-assign]
    Mrow._setup_single_line = _installed["single_line"]  # type: ignore[method-assign]
    _installed.clear()


def _svgsymbol(self: Any) -> Any:
    """``SimpleGlyph.svgsymbol`` made once per glyph; each caller gets its own copy of the
    ``<symbol>`` (the outline inside it is shared: nothing changes it)."""
    made = self.__dict__.get("_mdwx_symbol")
    if made is None:
        made = self.__dict__["_mdwx_symbol"] = _installed["svgsymbol"](self)
    return copy.copy(made)


def _parse_style(element: Any, parent_style: Any = None) -> Any:
    """``ziamath.styles.parse_style`` reading the parent's five plain values directly."""
    if parent_style is None:
        return _installed["parse_style"](element, None)
    inherited = {
        "mathcolor": parent_style.mathcolor,
        "mathbackground": parent_style.mathbackground,
        "mathsize": parent_style.mathsize,
        "scriptlevel": parent_style.scriptlevel,
        "displaystyle": parent_style.displaystyle,
    }
    # One plain dict (the element's own attributes over the inherited values): what a
    # ChainMap of the two answers, at a fraction of its cost per lookup.
    return _styled(element, inherited | element.attrib, parent_style.mathvariant)


def _styled(element: Any, params: Any, parent_variant: Any) -> Any:
    """The body of ``parse_style`` after its parameters are gathered (same order, same rules)."""
    from ziamath.config import config
    from ziamath.styles import MathStyle, parse_displaystyle, parse_variant

    args: dict[str, Any] = {
        "mathcolor": params.get("mathcolor", config.math.color),
        "mathbackground": params.get("mathbackground", config.math.background),
        "mathsize": params.get("mathsize", ""),
        "scriptlevel": int(params.get("scriptlevel", 0)),
        "mathvariant": parse_variant(
            element.attrib.get("mathvariant", config.math.variant), parent_variant
        ),
        "displaystyle": parse_displaystyle(params),
    }
    for rule in str(params.get("style", "") or "").split(";"):
        if not rule:
            continue
        key, value = rule.split(":")
        if key.strip().lower() == "background":
            args["mathbackground"] = value.strip()
        elif key.strip().lower() == "color":
            args["mathcolor"] = value.strip()
    return MathStyle(**args)


def _setup_single_line(self: Any, line: list[Any], **kwargs: Any) -> None:
    """``Mrow._setup_single_line``, without the measuring pass for a row where nothing can
    stretch (the row height it measures is read only by stretchy operators), and where
    something can, with the children that come out the same in both passes built once."""
    from ziafont.fonttypes import BBox
    from ziamath.nodes.mnode import Mnode
    from ziamath.nodes.nodetools import elementtext

    built: dict[int, Any] = {}
    tables: dict[int, Any] = {}
    if any(_may_stretch(child) for child in line):
        kwargs["rowymin"], kwargs["rowymax"] = _height_nostretch(self, line, built, tables, kwargs)
    ymax, ymin = -9999.0, 9999.0
    x = xmin = xmax = 0.0
    for index, child in enumerate(line):
        if child.tag == "mo" and elementtext(child) == "":
            continue
        node = built.get(index)
        if node is None and index in tables and _table_margin_unchanged(self, child):
            node = tables[index]
        if node is None:
            node = Mnode.fromelement(child, parent=self, **kwargs)
        self.nodes.append(node)
        self.nodexy.append((x, 0))
        xmax = max(xmax, x + node.bbox.xmax)
        xmin = min(nxy[0] + n.bbox.xmin for nxy, n in zip(self.nodexy, self.nodes, strict=True))
        ymax = max(ymax, node.bbox.ymax)
        ymin = min(ymin, node.bbox.ymin)
        x += node.xadvance()
    self.bbox = BBox(xmin, xmax, ymin, ymax)
    self._xadvance = x


def _height_nostretch(
    row: Any,
    line: list[Any],
    built: dict[int, Any],
    tables: dict[int, Any],
    kwargs: dict[str, Any],
) -> tuple[float, float]:
    """``Mrow._get_height_nostretch``, building each child that lays out the same in both
    passes only once, for real, and keeping it in ``built`` for the placing pass.

    ziamath lays every child out twice: first a copy with ``nostretch`` to measure the row,
    then the element itself, now knowing the row's height. A child with nothing that can
    stretch ignores both, and one that never asks for its left sibling (the only thing that
    differs between the passes: nothing is placed yet while measuring) comes out the same.
    A table (often hundreds of cells) reads its left sibling only for a margin after a left
    fence: its measuring build goes to ``tables``, to be placed as it is where that margin
    is not due (:func:`_table_margin_unchanged`).
    """
    import xml.etree.ElementTree as ET

    from ziamath.nodes.mnode import Mnode
    from ziamath.nodes.nodetools import elementtext

    ymax, ymin = -9999, 9999
    measuring = dict(kwargs, nostretch=True)
    for index, child in enumerate(line):
        if child.tag == "mo" and elementtext(child) == "":
            continue
        if _same_in_both_passes(child):
            node = built[index] = Mnode.fromelement(child, parent=row, **kwargs)
        else:
            node = Mnode.fromelement(ET.fromstring(ET.tostring(child)), parent=row, **measuring)
            if child.tag == "mtable" and not _may_stretch(child):
                tables[index] = node
        ymax = max(ymax, node.bbox.ymax)
        ymin = min(ymin, node.bbox.ymin)
    return ymin, ymax


# Children whose layout reads the row's placed nodes (their left sibling: fractions, numbers,
# tables, fences) or that become operators (identifiers spelled like one).
_SIBLING_READERS = frozenset({"mo", "mi", "mn", "mfrac", "mtable", "mfenced"})


def _same_in_both_passes(element: Any) -> bool:
    """Whether ``element`` lays out the same while the row is measured and when it is placed:
    nothing in it may stretch, it does not read its left sibling, and nothing in it is a left
    fence or ``mfenced`` (an operator that reads its parent's left sibling)."""
    from ziamath import operators

    if element.tag in _SIBLING_READERS or _may_stretch(element):
        return False
    return not any(
        node.tag == "mfenced" or (node.text or "").strip() in operators.leftfences
        for node in element.iter()
    )


def _table_margin_unchanged(row: Any, table: Any) -> bool:
    """Whether the table ``table`` placed next in ``row`` gets no extra left margin: the
    condition of ``Mtable._setup`` (an array after a left fence), which the measuring build
    saw false, having no left sibling."""
    from ziamath import operators

    try:
        left = row.nodes[-1]
        if left.mtag == "mrow" and left.nodes:
            left = left.nodes[-1]
    except (IndexError, AttributeError):
        return True
    try:
        return not (
            left.string in operators.leftfences
            and table.get("displaystyle") not in [True, "true"]
            and table[0][0].get("columnalign") is not None
        )
    except (AttributeError, IndexError):
        return True


def _may_stretch(element: Any) -> bool:
    """Whether ``element`` or anything in it may become a stretchy operator: a ``stretchy``
    attribute other than "false", or the text of an operator that stretches in any form
    (an identifier too: ziamath turns identifiers spelled like operators into operators)."""
    for node in element.iter():
        flag = node.get("stretchy")
        if flag is not None and flag != "false":
            return True
        if (
            flag is None
            and node.tag in ("mo", "mi")
            and (node.text or "").strip() in _stretchy_texts()
        ):
            return True
    return False


def _stretchy_texts() -> frozenset[str]:
    if "stretchy" not in _installed:
        from ziamath import operators

        _installed["stretchy"] = frozenset(
            name
            for (name, _), params in operators.operators.items()
            if params.get("stretchy", "false") != "false"
        )
    stretchy: frozenset[str] = _installed["stretchy"]
    return stretchy
