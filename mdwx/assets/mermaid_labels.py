"""Label text the mermaid engine would lose, written in mermaid's own entity codes first.

Mermaid reads its source as syntax and then its labels as HTML, so some characters a
writer means as text never reach the picture (measured on the engine mdwx draws with,
``mermaidx``; see docs/diagrams.md):

- **flowchart** (``graph``/``flowchart``) node and edge labels: ``>`` vanishes (``a > b``
  shows ``a b``, ``x -> y`` shows ``x - y``), ``<x>`` is taken for a tag and removed, and an
  HTML entity is decoded (``&lt;`` shows ``<``);
- **sequence** message, note and block texts: ``#`` starts a comment (the rest of the line is
  lost) and ``;`` ends the statement (``&amp;`` is a syntax error);
- **mindmap** node text: ``<x>`` is taken for a tag and removed, an entity is decoded.

Each is rewritten in the code mermaid decodes back to the character (``#gt;``, ``#lt;``,
``#amp;``, ``#35;``, ``#59;``), only inside label text, never in the syntax around it; a
code the writer wrote (``#gt;``) keeps its meaning, and so does ``<br>``, mermaid's line
break. The flowchart and mindmap engines draw only ``#lt;``, ``#gt;`` and ``#amp;``: any other
code the writer wrote (``#quot;``, ``#35;``, ``#9829;``) would be drawn as ``&quot;``, so it is
given as its character — ASCII punctuation, which may be syntax there (``"`` ends a quoted
label, ``;`` a statement), as a private-use stand-in that :func:`restore_stand_ins` turns back
into the character in the drawn SVG.
:data:`LOST` declares the characters per diagram kind, :func:`escape_labels` applies them.
Where mermaid draws no code for a character (``;`` in a state description splits it, ``#`` in
a user journey starts a comment), :func:`unwritable` finds it for a warning at its line.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

#: Per diagram kind, each character its labels lose and the code mermaid draws it from.
LOST: dict[str, dict[str, str]] = {
    "flowchart": {">": "#gt;", "<": "#lt;", "&": "#amp;"},
    "sequence": {"#": "#35;", ";": "#59;"},
    "mindmap": {">": "#gt;", "<": "#lt;", "&": "#amp;"},
}

#: The first word of a diagram (after front matter, directives and comments) → its kind.
_KINDS = {
    "graph": "flowchart",
    "flowchart": "flowchart",
    "sequencediagram": "sequence",
    "mindmap": "mindmap",
}

# A code mermaid decodes (``#gt;``, ``#35;``), kept as written.
_CODE = re.compile(r"#(?:[A-Za-z]+|\d+);")
#: Kinds whose engine draws a code other than ``#lt;``/``#gt;``/``#amp;`` literally.
_LITERAL_CODES = ("flowchart", "mindmap")
#: ASCII character ``c`` a writer's code names, in those kinds, goes to mermaid as
#: ``chr(STAND_IN + ord(c))`` (plane 15, private use): no syntax, restored in the SVG.
STAND_IN = 0xF0000
_STAND_INS = re.compile(f"[{chr(STAND_IN)}-{chr(STAND_IN + 0x7F)}]")
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
# Flowchart lines that carry no labels of this kind (styles, classes, clicks, comments).
_DIRECTIVE = re.compile(r"^\s*(%%|classDef\b|class\b|style\b|linkStyle\b|click\b|direction\b)")
_SUBGRAPH = re.compile(r"^(\s*subgraph\s+(?:[^\s\[]+\s*\[)?)(.*?)(\]?\s*)$")
_PIPED = re.compile(r"\|([^|]*)\|")
# A node's shape around an unquoted label, right after the node's id: A[..], A(..), A{..},
# A((..)), A[[..]], A[(..)], A([..]), A{{..}}, A[/../], A>..] (the id has no - = . so an
# arrow's > is never an opener).
_SHAPE = re.compile(
    r"(?<=[\w\u0080-\U0010ffff])"
    r"(\(\(\(|\(\(|\(\[|\[\[|\[\(|\[/|\[\\|\{\{|[\[({>])"
    r"([^\"\[\](){}|]*?)"
    r"(\)\)\)|\)\)|\]\)|\]\]|\)\]|/\]|\\\]|\}\}|[\])}])"
)
# ``A -- text --> B`` and its dotted and thick forms: the text between the two halves.
_INLINE_EDGE = re.compile(r"(?<![-=.<])(--|==|-\.)(?![-=.>])(\s[^|]*?\s)(-->|==>|\.->|---|===|\.-)")
_SEQUENCE_TEXT = re.compile(
    r"^(\s*(?:[^:\n]*?(?:->>|-->>|->|-->|-x|--x|-\)|--\))[^:\n]*|note\s[^:\n]*)):(.*)$",
    re.IGNORECASE,
)
_SEQUENCE_BLOCK = re.compile(
    r"^(\s*(?:loop|alt|else|opt|par|and|critical|option|break|rect)\b)(.*)$", re.IGNORECASE
)


def diagram_kind(source: str) -> str | None:
    """The kind of a mermaid diagram (a key of :data:`LOST`), or None for another kind."""
    body = re.sub(r"\A\s*---\n.*?\n---\s*\n", "", source, flags=re.DOTALL)
    for line in body.splitlines():
        words = line.split()
        if not words or words[0].startswith("%%"):
            continue
        return _KINDS.get(words[0].lower())
    return None


def escape_text(text: str, kind: str) -> str:
    """Label ``text`` with each character :data:`LOST` lists for ``kind`` written as its
    code; codes already written and ``<br>`` line breaks are kept."""
    lost = LOST[kind]
    kept = re.compile(f"{_CODE.pattern}|{_BREAK.pattern}", re.IGNORECASE)
    out, start = [], 0
    for found in kept.finditer(text):
        out.append("".join(lost.get(c, c) for c in text[start : found.start()]))
        out.append(_written_code(found.group(0), kind))
        start = found.end()
    out.append("".join(lost.get(c, c) for c in text[start:]))
    return "".join(out)


def _written_code(code: str, kind: str) -> str:
    """A code (or ``<br>``) the writer wrote, as ``kind``'s engine draws it as meant."""
    if kind not in _LITERAL_CODES or not code.startswith("#"):
        return code
    char = html.unescape(("&#" if code[1].isdigit() else "&") + code[1:])
    if len(char) != 1:  # no such entity: drawn as written
        return code
    if char in LOST[kind]:
        return LOST[kind][char]
    if ord(char) < 0x80 and not char.isalnum():
        return chr(STAND_IN + ord(char))
    return char


def restore_stand_ins(svg: str) -> str:
    """``svg`` (drawn from :func:`escape_labels`'s source) with each stand-in for a writer's
    code turned back into its character, escaped for XML."""
    return _STAND_INS.sub(lambda found: html.escape(chr(ord(found.group(0)) - STAND_IN)), svg)


def escape_labels(source: str) -> str:
    """``source`` with the label text of a flowchart or sequence diagram escaped
    (:func:`escape_text`); other kinds, and everything outside labels, as written."""
    kind = diagram_kind(source)
    if kind is None:
        return source
    rewrite = {"flowchart": _flowchart_line, "sequence": _sequence_line}.get(kind, _mindmap_line)
    lines = source.split("\n")
    start = _after_front_matter(lines)
    return "\n".join(lines[:start] + [rewrite(line) for line in lines[start:]])


def _after_front_matter(lines: list[str]) -> int:
    """The index of the first line after a ``---`` front matter block (its YAML is config,
    not labels), or 0."""
    if not lines or lines[0].strip() != "---":
        return 0
    return next((n + 1 for n in range(1, len(lines)) if lines[n].strip() == "---"), 0)


def _within(pattern: re.Pattern[str], group: int, kind: str) -> Callable[[re.Match[str]], str]:
    def replace(found: re.Match[str]) -> str:
        start, end = found.start(group) - found.start(), found.end(group) - found.start()
        whole = found.group(0)
        return whole[:start] + escape_text(whole[start:end], kind) + whole[end:]

    return replace


def _flowchart_line(line: str) -> str:
    if _DIRECTIVE.match(line):
        return line
    group = _SUBGRAPH.match(line)
    if group is not None and '"' not in line:  # subgraph ID [title], or a bare title
        return group.group(1) + escape_text(group.group(2), "flowchart") + group.group(3)
    # Quoted labels first: their text may hold brackets and pipes; the other patterns then
    # see the quotes' codes, which have none of their delimiters.
    parts = re.split(r'("[^"]*")', line)
    for index, part in enumerate(parts):
        if index % 2:
            parts[index] = '"' + escape_text(part[1:-1], "flowchart") + '"'
        else:
            part = _PIPED.sub(_within(_PIPED, 1, "flowchart"), part)
            part = _SHAPE.sub(_within(_SHAPE, 2, "flowchart"), part)
            parts[index] = _INLINE_EDGE.sub(_within(_INLINE_EDGE, 2, "flowchart"), part)
    return "".join(parts)


# A mindmap node: its id (no spaces, brackets or characters to escape), the shape around its
# text (``((…))``, ``[…]``, ``(…)``, ``))…((``, ``)…(``, ``{{…}}``) or none, and the text.
_MINDMAP_NODE = re.compile(
    r"^(\s*[^\s\[\](){}<>&]*(?:\(\(|\)\)|\{\{|[\[()])?)(.*?)((?:\)\)|\(\(|\}\}|[\])(])?\s*)$"
)


def _mindmap_line(line: str) -> str:
    stripped = line.lstrip()
    if not stripped or stripped.startswith(("%%", "::")) or stripped.lower() == "mindmap":
        return line  # a comment, an ::icon() or :::class line, the diagram's first line
    node = _MINDMAP_NODE.match(line)
    if node is None:
        return line
    return node.group(1) + escape_text(node.group(2), "mindmap") + node.group(3)


def _sequence_line(line: str) -> str:
    found = _SEQUENCE_TEXT.match(line) or _SEQUENCE_BLOCK.match(line)
    if found is None or line.lstrip().startswith("%%"):
        return line
    return (
        found.group(1)
        + (":" if found.re is _SEQUENCE_TEXT else "")
        + escape_text(found.group(2), "sequence")
    )


#: Per diagram kind (its first word, lower case), characters of its text mermaid can be given
#: in no code, and what happens to them.
UNWRITABLE: dict[str, dict[str, str]] = {
    "statediagram": {";": "ends the description: the rest becomes another state"},
    "statediagram-v2": {";": "ends the description: the rest becomes another state"},
    "journey": {"#": "starts a comment: the rest of the line is not drawn"},
}


def unwritable(source: str) -> list[tuple[int, str]]:
    """``(line index in source, message)`` for each label character mermaid would lose and
    can be given in no code (:data:`UNWRITABLE`): the writer's to rephrase."""
    lines = source.split("\n")
    start = _after_front_matter(lines)
    first = next(
        (
            line.split()[0]
            for line in lines[start:]
            if line.split() and not line.lstrip().startswith("%%")
        ),
        "",
    )
    lost = UNWRITABLE.get(first.lower(), {})
    found = []
    for index in range(start, len(lines)):
        text = lines[index]
        if text.lstrip().startswith("%%") or ":" not in text and first.lower() != "journey":
            continue
        label = text.split(":", 1)[1] if first.lower() != "journey" else text.split(":", 1)[0]
        for char, happens in lost.items():
            if char in _CODE.sub("", label):
                found.append((index, f"mermaid label has {char!r}, which {happens}"))
    return found
