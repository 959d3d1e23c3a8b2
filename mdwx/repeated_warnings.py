"""One warning per post for advice a post repeats (a docs page with 17 relative links).

A post's warnings of a :data:`GROUPED` code become one warning at the first occurrence's
line, saying how many there are, at which lines, and the first one in full. The same list
is what every output prints (human lines, ``--json``, the plugins' logs), so nothing is
counted twice; warnings of other codes, and errors, are kept as they are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from mdwx.errors import Diagnostic

#: Codes said once per post when repeated: what the group is, given its size.
GROUPED: dict[str, str] = {
    "relative-link": "{count} relative links dropped: they cannot work inside WeChat; "
    "their text is kept",
    "embed-as-name": "{count} Obsidian embeds of notes or files shown as their names: "
    "WeChat cannot embed them",
    "in-page-link": "{count} in-page links dropped (WeChat rejects anchors); their text is kept",
    "unclosed-hidden": "{count} tags ({names}) are not closed (or not opened) in their paragraph "
    "or HTML block: shown as text",
}
LINES_SHOWN = 10  # lines listed in a grouped warning; the rest are counted
NAMES_SHOWN = 5  # tag names listed in a grouped warning; the rest are counted
_LEADING_TAG = re.compile(r"<(/?[^<>\s]+)>")


def group_repeated(diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
    """``diagnostics`` with each :data:`GROUPED` code met more than once in one file said once.

    The grouped warning stands where the first occurrence stood; order is otherwise kept.
    """
    members: dict[tuple[str, str | None], list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        if not diagnostic.is_error and diagnostic.code in GROUPED:
            members.setdefault((diagnostic.code, diagnostic.path), []).append(diagnostic)
    out: list[Diagnostic] = []
    for diagnostic in diagnostics:
        group = members.get((diagnostic.code, diagnostic.path))
        if diagnostic.is_error or group is None or len(group) == 1:
            out.append(diagnostic)
        elif group[0] is diagnostic:
            out.append(_said_once(group))
    return out


def _said_once(group: Sequence[Diagnostic]) -> Diagnostic:
    first = group[0]
    lines = sorted({d.line for d in group if d.line is not None})
    listed = ", ".join(str(line) for line in lines[:LINES_SHOWN])
    if len(lines) > LINES_SHOWN:
        listed += f" and {len(lines) - LINES_SHOWN} more"
    where = f" at lines {listed}" if len(lines) > 1 else ""
    summary = GROUPED[first.code].format(count=len(group), names=_names(group))
    return replace(first, message=f"{summary}{where} (the first: {first.message})")


def _names(group: Sequence[Diagnostic]) -> str:
    """The tags a group's messages start with (``<head>``, ``<T>``), each once, in order."""
    names: list[str] = []
    for diagnostic in group:
        tag = _LEADING_TAG.match(diagnostic.message)
        if tag is not None and f"<{tag.group(1)}>" not in names:
            names.append(f"<{tag.group(1)}>")
    listed = ", ".join(names[:NAMES_SHOWN])
    if len(names) > NAMES_SHOWN:
        listed += f" and {len(names) - NAMES_SHOWN} more"
    return listed
