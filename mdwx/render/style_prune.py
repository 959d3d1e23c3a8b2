"""Drop every inline declaration a browser would apply anyway, and write the rest shortest.

WeChat counts the HTML, and after inlining most of it is ``style`` attributes repeating
what the element already has: ``font-weight:bold`` on ``<strong>``, ``font-style:italic``
on ``<em>``, ``display:block`` on ``<section>``, or the colour of a reference number inside
a link span of that colour. One walk over the tags keeps, per open element, the value of
each inherited property as far as it is known, and removes a declaration when

- the property is inherited, the element has no user-agent rule for it, and the value
  equals the parent's (only for values that inherit as written: no ``em`` or ``%``); or
- the value is the element's user-agent default (``font-weight`` on ``<strong>`` only where
  the parent is not bold: the default there is *bolder*).

What is left is written in its shortest form (``0.5px`` → ``.5px``, ``0px`` → ``0``,
``bold`` → ``700``, ``border:none`` → ``border:0``, a lone ``overflow-x:auto`` →
``overflow:auto``, which computes the same). A ``<span>`` left with no attribute is
removed with its end tag. The root element keeps its inherited values: WeChat's page has styles of
its own beyond the initial weight and style of text. Unknown values (relative sizes,
user-agent colours of links) never match.
"""

from __future__ import annotations

import re
from functools import lru_cache

from mdwx.css_refusal import declarations

# One known-value table of inherited properties: a sorted tuple of (property, value).
State = tuple[tuple[str, str], ...]

INHERITED = frozenset(
    {
        "color",
        "font-family",
        "font-size",
        "font-style",
        "font-weight",
        "font-variant",
        "line-height",
        "letter-spacing",
        "word-spacing",
        "text-align",
        "text-indent",
        "text-transform",
        "white-space",
        "word-break",
        "overflow-wrap",
        "word-wrap",
        "visibility",
        "direction",
        "border-collapse",
        "cursor",
    }
)
UNKNOWN = "?"
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# Inherited properties the user agent sets on an element (so its value is not the parent's).
UA_INHERITED: dict[str, dict[str, str]] = {
    **{h: {"font-weight": "700", "font-size": UNKNOWN} for h in _HEADINGS},
    "th": {"font-weight": "700", "text-align": UNKNOWN},
    "b": {"font-weight": UNKNOWN},
    "strong": {"font-weight": UNKNOWN},
    **{tag: {"font-style": "italic"} for tag in ("em", "i", "cite", "var", "dfn", "address")},
    **{
        tag: {"font-family": UNKNOWN, "font-size": UNKNOWN} for tag in ("code", "kbd", "samp", "tt")
    },
    "pre": {"font-family": UNKNOWN, "font-size": UNKNOWN, "white-space": "pre"},
    **{tag: {"white-space": "pre-wrap"} for tag in ("textarea", "listing", "xmp", "plaintext")},
    **{tag: {"font-size": UNKNOWN} for tag in ("small", "big", "sub", "sup")},
    "a": {"color": UNKNOWN, "cursor": UNKNOWN},
    "mark": {"color": UNKNOWN},
    "center": {"text-align": UNKNOWN},
    "caption": {"text-align": UNKNOWN},
    "nobr": {"white-space": UNKNOWN},
}
_BLOCKS = frozenset(
    {
        "section",
        "div",
        "p",
        "blockquote",
        "figure",
        "figcaption",
        "header",
        "footer",
        "article",
        "aside",
        "nav",
        "main",
        "address",
        "hr",
        "pre",
        "ul",
        "ol",
        "dl",
        "dd",
        "dt",
        "center",
        *_HEADINGS,
    }
)
# Non-inherited user-agent defaults: (element, property) → value.
UA_DEFAULTS: dict[tuple[str, str], str] = {
    **{(tag, "display"): "block" for tag in _BLOCKS},
    **{(tag, "text-decoration"): "line-through" for tag in ("s", "strike", "del")},
    **{(tag, "text-decoration"): "underline" for tag in ("u", "ins")},
    ("sup", "vertical-align"): "super",
    ("sub", "vertical-align"): "sub",
    # Elements the user agent gives no box spacing (unlike <p>, <blockquote>, <ul>, <figure>).
    **{(tag, side): "0" for tag in ("section", "div", "span") for side in ("margin", "padding")},
}
VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }
)

_LEADING_ZERO = re.compile(r"(?<![\w.])0+\.(\d)")
_ZERO_UNIT = re.compile(r"(?<![\w.])0(?:px|em|rem|pt|vw|vh)(?![\w%])")
_RELATIVE = re.compile(r"(?:em|%|ex|ch|rem|vw|vh|smaller|larger)\b|calc\(|var\(", re.IGNORECASE)
_WEIGHTS = {"bold": "700", "normal": "400"}
_BORDERS = frozenset({"border", "border-top", "border-right", "border-bottom", "border-left"})


def split_declarations(style: str) -> list[tuple[str, str]]:
    """``a:b;c:d`` as ``[(a, b), (c, d)]``; ``;`` inside quotes or brackets does not split
    (:func:`mdwx.css_refusal.declarations`, the one scanner of ``style`` text)."""
    pairs = []
    for text in declarations(style):
        name, colon, value = text.partition(":")
        if colon and name.strip():
            pairs.append((name.strip().lower(), value.strip()))
    return pairs


def shortest(name: str, value: str) -> str:
    """The shortest spelling of ``value`` that means the same for property ``name``."""
    if "'" in value or '"' in value or "url(" in value.lower():
        return value
    if name == "font-weight":
        return _WEIGHTS.get(value.lower(), value)
    if name in _BORDERS and value.lower() == "none":
        return "0"
    return _ZERO_UNIT.sub("0", _LEADING_ZERO.sub(r".\1", value))


def _inherits_as_written(name: str, value: str) -> bool:
    """A value whose inherited (computed) value is the text itself, so equal text is equal."""
    if name in ("font-size", "letter-spacing", "word-spacing", "line-height", "text-indent"):
        return not _RELATIVE.search(value)
    return "var(" not in value.lower()


def _redundant(tag: str, name: str, value: str, parent: dict[str, str]) -> bool:
    if UA_DEFAULTS.get((tag, name)) == value.lower():
        return True
    if tag in ("strong", "b") and name == "font-weight":
        return value == "700" and parent.get("font-weight") == "400"
    ua = UA_INHERITED.get(tag, {})
    if name in ua:
        return ua[name] == value
    return name in INHERITED and parent.get(name) == value and _inherits_as_written(name, value)


@lru_cache(maxsize=8192)
def prune_style(tag: str, style: str, parent: State) -> tuple[str, State]:
    """``style`` of a ``tag`` child of an element with known values ``parent``, pruned.

    Returns the style to write (maybe empty) and the known values for the element's children.
    """
    known = dict(parent)
    child = dict(known)
    child.update(UA_INHERITED.get(tag, {}))
    if tag in ("strong", "b"):
        child["font-weight"] = "700" if known.get("font-weight") == "400" else UNKNOWN
    kept = []
    declarations = split_declarations(style)
    overflows = [name for name, _ in declarations if name.startswith("overflow")]
    for name, value in declarations:
        value = shortest(name, value)
        if name == "overflow-x" and value == "auto" and overflows == ["overflow-x"]:
            # overflow-y, left visible, computes to auto anyway (CSS Overflow 3 §3.1).
            name = "overflow"
        if name in INHERITED:
            child[name] = value if _inherits_as_written(name, value) else UNKNOWN
        if not _redundant(tag, name, value, known):
            kept.append(f"{name}:{value}")
    return ";".join(kept), tuple(sorted(child.items()))


# What is known above the document: the page's text is of normal weight and style (the
# initial values; WeChat's article container keeps them). Nothing else is assumed.
PAGE: State = (("font-style", "normal"), ("font-weight", "400"), ("white-space", "normal"))
# Elements that are blocks or table parts: whitespace between two of their tags is not laid
# out (when white-space collapses), so it can go.
BLOCK_BOUNDARIES = _BLOCKS | {
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "li",
    "caption",
    "colgroup",
    "col",
}


def is_block(name: str, style: str) -> bool:
    """Whether a ``name`` element with (pruned) ``style`` is laid out as a block or table part."""
    return (
        name in BLOCK_BOUNDARIES
        and "display:inline" not in style
        and "display:contents" not in style
    )


def collapses_newlines(state: State) -> bool:
    """Whether text under these known values collapses newlines (white-space normal/nowrap)."""
    return dict(state).get("white-space") in ("normal", "nowrap")
