"""The title finder parses only the opening of a post, and finds what a whole parse finds.

:func:`mdwx.markdown.syntax.first_h1` stops at the blank line after its first candidate line
(issue 19: each read of a post parsed all of it again). Every construct that spans lines or
depends on the next one — fences, math blocks, containers, HTML blocks, tables, link
reference definitions with multi-line titles, footnotes, quotes, lists, setext underlines —
is drawn here, with headings inside and after them, against the whole text's parse.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.markdown.syntax import _TITLES, _first_h1_in, first_h1

LINES = [
    "# Title",
    "# a | b",
    "#",
    "#\tTab",
    "   # Indented",
    "    # code",
    "> # Quoted",
    "- # Listed",
    "## Sub",
    "```",
    "~~~",
    "$$",
    "::: note",
    ":::",
    "!!! note",
    "    indented",
    "<div>",
    "</div>",
    "<!--",
    "-->",
    "<script>",
    "</script>",
    "| a | b |",
    "|---|---|",
    "--|--",
    "[ref]: /url 'title",
    "still title'",
    "[^1]: a note",
    "text",
    "Setext",
    "===",
    "---",
    "- item",
    "  continued",
    "> quote",
    "1. one",
    "",
    "",
    "",
    " ",
    "\t",
]
documents = st.lists(st.sampled_from(LINES), max_size=30).map("\n".join)


@settings(max_examples=500)
@given(documents)
def test_first_h1_of_the_opening_is_the_whole_texts(text: str) -> None:
    _TITLES.clear()
    assert first_h1(text) == _first_h1_in(text)


@settings(max_examples=100)
@given(documents, documents)
def test_many_candidates_inside_code_widen_to_the_whole_text(head: str, tail: str) -> None:
    text = head + "\n\n```\n" + "\n".join(["# comment", ""] * 6) + "\n```\n\n" + tail
    _TITLES.clear()
    assert first_h1(text) == _first_h1_in(text)
