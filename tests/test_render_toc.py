"""``[TOC]`` / ``[[toc]]`` / ``${toc}`` become a text-only contents list of the headings."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.render_helpers import render, tags

MARKERS = ["[TOC]", "[toc]", "[[toc]]", "[[TOC]]", "${toc}", "${TOC}"]
HEADING_TEXT = (
    st.text(st.sampled_from("第一章节 ABCxyz12"), min_size=1, max_size=10)
    .map(str.strip)
    .filter(bool)
)


def _contents(html: str) -> list[str]:
    block = re.search(
        r'<section style="[^"]*"><p style="[^"]*">(目录|Contents)</p>(.*?)</section>', html
    )
    assert block is not None, html
    return [
        re.sub(r"<[^>]+>", "", item) for item in re.findall(r"<p[^>]*>(.*?)</p>", block.group(2))
    ]


@settings(max_examples=80)
@given(
    marker=st.sampled_from(MARKERS),
    headings=st.lists(st.tuples(st.integers(1, 4), HEADING_TEXT), min_size=1, max_size=6),
    where=st.integers(0, 6),
    styled=st.booleans(),
)
def test_the_contents_list_names_every_heading_in_order_as_text(
    marker: str, headings: list[tuple[int, str]], where: int, styled: bool
) -> None:
    blocks = [
        f"{'#' * level} {('**' + text + '**') if styled else text}\n\n正文。\n"
        for level, text in headings
    ]
    blocks.insert(min(where, len(blocks)), f"{marker}\n")
    html = render("\n".join(blocks), Path("/nonexistent-site")).html
    assert _contents(html) == [text for _, text in headings]
    assert marker not in html and all(name != "a" for name, _ in tags(html))


def test_a_marker_inside_a_sentence_stays_text_and_a_post_without_headings_shows_nothing() -> None:
    html = render("See [TOC] here.\n\n## A\n", Path("/nonexistent-site")).html
    assert "See [TOC] here." in html and "目录" not in html and "Contents" not in html
    assert render("[TOC]\n\nno headings\n", Path("/nonexistent-site")).html.count("TOC") == 0
