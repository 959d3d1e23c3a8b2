"""Empty lines in a formula, laid out as MathJax and KaTeX lay them out instead of failing.

Writers end a display formula's last line with ``\\\\`` out of habit, start one with it, or
double it (``\\\\\\\\``: a Markdown escape that MkDocs' arithmatex hands to MathJax as it
is). latex2mathml writes each ``\\\\`` outside an environment as ``<mspace
linebreak="newline"/>``, and ziamath lays out an empty line, or a table row whose cells are
all empty, with the "nothing seen yet" bounds it starts from (±9999): the picture's size is
invalid and the formula cannot be drawn, although every generator's math renderer shows it.

Here, before layout: a line break opening or closing a row is dropped (a trailing ``\\\\``
adds nothing to the last line, as in LaTeX's own arrays), an empty line between two breaks
and an all-empty table row hold an empty ``<mspace/>`` (zero size: a line of no height,
still spaced by the font's leading). MathML without these shapes is returned unchanged,
so every formula that was drawn before is drawn byte for byte the same.
"""

from __future__ import annotations

import re

_BREAK = r'<mspace linebreak="newline"\s*/>'
# A break right after an element opens (not a self-closing one) or right before one closes.
_OPENING_BREAK = re.compile(rf"(<[A-Za-z][^<>]*[^/<>]>)\s*{_BREAK}")
_CLOSING_BREAK = re.compile(rf"{_BREAK}\s*(?=</)")
_DOUBLE_BREAK = re.compile(rf"({_BREAK})(?=\s*{_BREAK})")
_EMPTY_CELL = r"<mtd(?:\s[^<>]*)?(?:/>|>\s*</mtd>)"
_EMPTY_ROW = re.compile(rf"<mtr(?:\s[^<>]*)?>(?:\s*{_EMPTY_CELL})+\s*</mtr>")
_CELL = re.compile(_EMPTY_CELL)
_EMPTY_SPACE = "<mspace />"


def without_empty_lines(mathml: str) -> str:
    """``mathml`` with no empty line for the layout to meet (see the module's docstring)."""
    if "newline" in mathml:
        previous = None
        while previous != mathml:  # "\\ \\ a": the second break opens the row once the first goes
            previous = mathml
            mathml = _OPENING_BREAK.sub(r"\1", mathml)
            mathml = _CLOSING_BREAK.sub("", mathml)
        mathml = _DOUBLE_BREAK.sub(rf"\1{_EMPTY_SPACE}", mathml)
    if "<mtd" in mathml:
        mathml = _EMPTY_ROW.sub(_filled_row, mathml)
    return mathml


def _filled_row(match: re.Match[str]) -> str:
    return _CELL.sub(lambda cell: _filled_cell(cell.group(0)), match.group(0))


def _filled_cell(cell: str) -> str:
    opening = cell[:-2].rstrip() + ">" if cell.endswith("/>") else cell[: cell.index(">") + 1]
    return f"{opening}{_EMPTY_SPACE}</mtd>"
