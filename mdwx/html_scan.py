"""Patterns for reading tags out of HTML text without misreading a quoted ``>``.

A quoted attribute value may hold ``>`` (and ``<``) as a literal character: the theme
inliner writes a formula's ``alt="x > 0"`` that way, and it is valid HTML. A scan that takes
``[^>]*`` for "the rest of the tag" ends the tag inside such a value, so whatever it does to
the tag (fill a formula's size, merge a ``style``, count text) goes wrong. Every pass that
scans tags with a regular expression builds it from these pieces instead.
"""

from __future__ import annotations

import re

#: The inside of a tag after its name, up to (not including) its closing ``>``: any
#: character but ``>`` and quotes, or a whole quoted value (which may hold ``>``).
IN_TAG = r"""(?:[^>"']|"[^"]*"|'[^']*')*"""
#: Any tag, comment-free: ``<`` then :data:`IN_TAG` then ``>``.
ANY_TAG = re.compile(rf"<{IN_TAG}>")
#: One attribute inside a start tag: its leading space, name, and raw value (quotes kept).
ATTRIBUTE = re.compile(r"""\s+([^\s"'<>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")


def start_tag(name: str) -> re.Pattern[str]:
    """A pattern for the start tags of element ``name``; group ``attrs`` is their attributes."""
    return re.compile(rf"<{re.escape(name)}\b(?P<attrs>{IN_TAG})>", re.IGNORECASE)


def attribute_spans(attrs: str) -> dict[str, re.Match[str]]:
    """Each attribute of a start tag's attribute text by its lower-cased name (first wins)."""
    found: dict[str, re.Match[str]] = {}
    for match in ATTRIBUTE.finditer(attrs):
        found.setdefault(match.group(1).lower(), match)
    return found


def unquoted(raw: str | None) -> str:
    """An attribute's raw value without its quotes (entities left as written)."""
    if raw and raw[0] in "\"'" and raw[-1] == raw[0] and len(raw) >= 2:
        return raw[1:-1]
    return raw or ""
