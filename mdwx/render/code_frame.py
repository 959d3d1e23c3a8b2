"""How a code block is framed, apart from its colours: a Pygments style of the site's choice,
line numbers, a Mac-style window header, wrapping instead of scrolling.

- ``code_style`` (mdwx.toml) picks any Pygments style whatever the theme; the block then takes
  that style's background and text colour too, so a dark style never lands on a light box.
- Line numbers (``code_line_numbers = true``, or ``{linenos}`` in one fence's info string) sit
  in a column of their own beside the code: selecting and copying the code does not take them,
  and only the code column scrolls sideways, so the numbers stay in view.
- ``code_header = true`` draws three window dots above the code with CSS (an image would be
  uploaded to the account's library once per post).
- ``code_wrap = true`` wraps long lines instead of scrolling (without line numbers: a wrapped
  line would no longer face its number).
All of it is inline ``style`` on the block's own elements (structure, not theme): it works
with every theme, and the theme's colours are inherited.
"""

from __future__ import annotations

import re

_LINENOS = re.compile(r"\{[^}]*\blinenos\b[^}]*\}|\blinenos\b")
DOTS = ("#ff5f56", "#ffbd2e", "#27c93f")
_DOT = (
    "display:inline-block;width:12px;height:12px;border-radius:6px;margin-right:8px;background:{}"
)
HEADER = (
    '<section style="margin:0 0 10px;line-height:12px;white-space:nowrap">'
    + "".join(f'<span style="{_DOT.format(colour)}"></span>' for colour in DOTS)
    + "</section>"
)
NUMBERS = (
    "flex:none;margin-right:12px;padding-right:10px;text-align:right;opacity:.45;user-select:none;"
    "-webkit-user-select:none;border-right:1px solid currentColor"
)
SCROLLING = "flex:auto;min-width:0;overflow-x:auto;white-space:nowrap"
WRAPPING = "white-space:normal;overflow-wrap:anywhere;word-break:break-all"


def wants_line_numbers(info: str, default: bool) -> bool:
    """``{linenos}`` (or ``linenos``) in a fence's info string, else the site's setting."""
    return default or bool(_LINENOS.search(info))


def frame(inner: str, *, numbers: bool, header: bool, wrap: bool) -> tuple[str, str]:
    """The block's extra inline style and its content around ``inner`` (the highlighted code)."""
    style = ""
    if wrap:  # a wrapped line would no longer face its number: no numbers then
        style = WRAPPING
    elif numbers:
        count = inner.count("<br>") + 1
        column = "<br>".join(str(n) for n in range(1, count + 1))
        inner = (
            f'<section style="display:flex"><section style="{NUMBERS}">{column}</section>'
            f'<section style="{SCROLLING}">{inner}</section></section>'
        )
    if header:
        inner = HEADER + inner
    return style, inner
