"""A code the writer typed in a flowchart or mindmap label (``#quot;``, ``#35;``, ``#9829;``)
draws as its character, as in a sequence diagram — the engine itself decodes only ``#lt;``,
``#gt;`` and ``#amp;`` there and drew ``&quot;`` (mdwx/assets/mermaid_labels.py)."""

from __future__ import annotations

import html
import re
import string
from html.entities import codepoint2name

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.assets.mermaid_labels import escape_text, restore_stand_ins

#: Characters a writer may give as a code: ASCII punctuation (syntax in a label), letters,
#: CJK, symbols.
_MEANT = string.punctuation + "aZ5 中图é♥—"
# What the flowchart engine decodes; every other code it draws as written.
_ENGINE = {"#lt;": "<", "#gt;": ">", "#amp;": "&"}
# The syntax a code's character must never become in the source given to the engine.
_SYNTAX = set('"|[](){};#<>&')


def _code(char: str, named: bool) -> str:
    name = codepoint2name.get(ord(char))
    return f"#{name};" if named and name else f"#{ord(char)};"


def _engine_draws(source: str) -> str:
    """What the flowchart engine draws of label text (measured: only its three codes)."""
    return re.sub(r"#(?:lt|gt|amp);", lambda found: _ENGINE[found.group(0)], source)


@settings(max_examples=80)
@given(
    parts=st.lists(
        st.tuples(st.sampled_from(_MEANT), st.booleans(), st.text("abc 中", max_size=3)),
        min_size=1,
        max_size=5,
    ),
    kind=st.sampled_from(("flowchart", "mindmap")),
)
def test_a_typed_code_draws_as_its_character_and_never_becomes_syntax(
    parts: list[tuple[str, bool, str]], kind: str
) -> None:
    label = "".join(_code(char, named) + text for char, named, text in parts)
    meant = "".join(char + text for char, _, text in parts)
    given_to_engine = escape_text(label, kind)
    assert not (_SYNTAX & set(_engine_draws(given_to_engine)) - set("<>&"))
    assert restore_stand_ins(html.escape(_engine_draws(given_to_engine))) == html.escape(meant)


def test_sequence_codes_are_left_to_the_engine_which_draws_them() -> None:
    text = "#quot;hi#quot; #35; #9829;"
    assert escape_text(text, "sequence") == text


def test_an_unknown_code_is_kept_as_written() -> None:
    assert escape_text("#nosuchname; x", "flowchart") == "#nosuchname; x"


def test_the_reported_flowchart_draws_quotes_tags_and_symbols() -> None:
    pytest.importorskip("mermaidx")
    from mdwx.assets.diagram import _mermaid_svg

    source = 'graph TD\n  A["A #quot;quoted#quot; #lt;tag#gt; #35; #9829;"] -->|#quot;hi#quot;| B\n'
    texts = re.findall(r"<text\b[^>]*>(.*?)</text>", _mermaid_svg(source, "sans-serif"), re.S)
    drawn = "".join(html.unescape(re.sub(r"<[^>]+>", "", t)) for t in texts)
    assert '"quoted"' in drawn and "<tag>" in drawn and "# ♥" in drawn and '"hi"' in drawn
    assert "&" not in drawn
