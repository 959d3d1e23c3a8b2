"""A mermaid diagram that cannot be parsed is reported at its faulty line of the post (not the
fence's), with what mermaid found and expected whole, and a hint
(mdwx/assets/diagram_errors.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx import api
from mdwx.assets.diagram_errors import parse_problem, source_line
from tests.factories import write_tree

#: Lines mermaid does not count, before or among a diagram's statements.
_UNCOUNTED = st.sampled_from(("%% a comment", '  %%{init: {"theme": "dark"}}%%'))
_STATEMENT = st.sampled_from(("A --> B", "B --> C[x]", "C -.-> D", ""))


@settings(max_examples=80)
@given(
    front=st.booleans(),
    before=st.lists(_UNCOUNTED | st.just(""), max_size=3),
    body=st.lists(st.tuples(_STATEMENT, st.lists(_UNCOUNTED, max_size=1)), max_size=5),
    data=st.data(),
)
def test_mermaids_line_maps_back_to_the_line_it_parsed(
    front: bool, before: list[str], body: list[tuple[str, list[str]]], data: st.DataObject
) -> None:
    """Model: mermaid parses the lines left once front matter, directives, comments and
    leading blank lines are gone; its line N is the N-th of those, and one past the last
    statement is that statement."""
    lines = (["---", "title: t", "---"] if front else []) + before + ["graph TD"]
    counted = [len(lines) - 1]
    for statement, uncounted in body:
        counted.append(len(lines))
        lines.append(statement)
        lines.extend(uncounted)
    engine_line = data.draw(st.integers(1, len(counted) + 2))
    last = max(n for n, at in enumerate(counted) if lines[at])  # past it: the last statement
    expected = counted[min(engine_line - 1, last)]
    assert source_line("\n".join(lines), engine_line) == expected


def test_the_message_keeps_what_mermaid_got_and_a_hint() -> None:
    message = (
        "Error: Parse error on line 3:\n... --> BB --> C[bad \"q\"]\n---^\nExpecting 'SQE', "
        + ", ".join(f"'T{n}'" for n in range(40))
        + ", got 'STR'"
    )
    problem = parse_problem(message, 'graph TD\nA --> B\nB --> C[bad "q"]')
    assert problem is not None and problem.source_line == 2
    assert "got 'STR' where mermaid expects 'SQE', 'T0', 'T1', 'T2', …" in problem.message
    assert problem.hint is not None and "#quot;" in problem.hint
    assert parse_problem("Error: something else", "graph TD") is None


def test_the_reported_diagram_is_warned_at_its_faulty_line(tmp_path: Path) -> None:
    pytest.importorskip("mermaidx")
    post = '---\ntitle: mm\n---\n\nText.\n\n```mermaid\ngraph TD\nA --> B\nB --> C[bad "q"]\n```\n'
    site = write_tree(tmp_path, {"mdwx.toml": 'author = "me"\n', "posts/mm3.md": post})
    (report,) = api.check(site).posts
    (drawn,) = [d for d in report.diagnostics if d.code == "diagram-not-drawn"]
    assert drawn.line == 10 and "got 'STR'" in drawn.message and drawn.hint
