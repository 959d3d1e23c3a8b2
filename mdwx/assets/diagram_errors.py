"""A diagram the engine cannot parse, said so the writer can act on it: at the faulty line of
the post, with what the engine found there and what it expected, and a hint.

Mermaid numbers lines of the text it parses — the source without its ``---`` front matter,
``%%{…}%%`` directives, ``%%`` comment lines and leading blank lines (measured on the engine
mdwx draws with, ``mermaidx``) — so its line is mapped back to a line of the fence's source
(:func:`source_line`). See docs/diagrams.md.
"""

from __future__ import annotations

import re

from mdwx.errors import AssetError

_PARSE_ERROR = re.compile(r"Parse error on line (\d+)")
_EXPECTING = re.compile(r"Expecting (.+), got (\S+)\s*$", re.MULTILINE)
_COMMENT = re.compile(r"^\s*%%(?!\{).")
_DIRECTIVE = re.compile(r"^\s*%%\{.*\}%%\s*$")
#: Tokens named in a message before "…": the rest is mermaid's whole grammar at that place.
SHOWN_EXPECTED = 4
#: What the writer most likely meant, per token mermaid found where it expected another.
HINTS = {
    "'STR'": 'a label holding a " is written whole in quotes and its own quotes as #quot;: '
    'C["bad #quot;q#quot;"]',
    "'1'": "the diagram ends inside a statement: close its bracket, quote or block",
    "'EOF'": "the diagram ends inside a statement: close its bracket, quote or block",
}


class DiagramError(AssetError):
    """An :class:`AssetError` of a diagram's own text: ``source_line`` is the 0-based line of
    the diagram's source at fault (None when the engine names none)."""

    def __init__(
        self, message: str, *, hint: str | None = None, source_line: int | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.source_line = source_line


def source_line(source: str, engine_line: int) -> int:
    """The 0-based line of ``source`` that mermaid's 1-based ``engine_line`` names (the last
    statement's when it names one past it: the diagram ended early)."""
    lines = source.split("\n")
    start = 0
    if lines and lines[0].strip() == "---":
        start = next((n + 1 for n in range(1, len(lines)) if lines[n].strip() == "---"), 0)
    kept = [
        n
        for n in range(start, len(lines))
        if not (_COMMENT.match(lines[n]) or _DIRECTIVE.match(lines[n]))
    ]
    while kept and not lines[kept[0]].strip():
        kept.pop(0)
    if not kept:
        return 0
    # A line past the last statement (the diagram ended early): that statement is at fault.
    last = max((n for n, at in enumerate(kept) if lines[at].strip()), default=0)
    return kept[max(0, engine_line - 1 if engine_line - 1 <= last else last)]


def parse_problem(message: str, source: str) -> DiagramError | None:
    """The :class:`DiagramError` of mermaid's parse error ``message`` for ``source``, or None
    when the message is not a parse error."""
    found = _PARSE_ERROR.search(message)
    if found is None:
        return None
    line = source_line(source, int(found.group(1)))
    written = source.split("\n")[line].strip()
    shown = written if len(written) <= 60 else written[:59] + "…"
    expecting = _EXPECTING.search(message)
    if expecting is None:
        what = "mermaid cannot parse it"
        hint = None
    else:
        tokens = [token.strip() for token in expecting.group(1).split(",")]
        listed = ", ".join(tokens[:SHOWN_EXPECTED]) + (
            ", …" if len(tokens) > SHOWN_EXPECTED else ""
        )
        what = f"got {expecting.group(2)} where mermaid expects {listed}"
        hint = HINTS.get(expecting.group(2))
    return DiagramError(
        f"parse error on its line {line + 1}, {shown!r}: {what}",
        hint=hint or "see the syntax of this diagram kind at https://mermaid.js.org/intro/",
        source_line=line,
    )
