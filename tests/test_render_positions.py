"""Every image names its own line, in every context, and an empty target says so there.

markdown-it numbers blocks only; an image in the third line of a paragraph, a table row,
a list item or a footnote used to be reported at the block's first line (issue 7 item 9:
``![alt]()`` failed as ``.: not a file`` at an earlier link's line).
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.document import AssetKind
from mdwx.render.positions import EMPTY_TARGET
from tests.render_helpers import render

FILLER = [
    "plain words here",
    "a [link](https://example.com/x) in text",
    "some *emphasis* and `code`",
    "中文的句子",
    "text with $x^2$ math",
]


def _image(n: int, style: int) -> list[str]:
    """Image ``n`` as physical lines (one style has its alt text across two lines)."""
    return [
        [f"![pic {n}](img{n}.png)"],
        ["![multi", f"line {n}](img{n}.png)"],
        [f"[![a](img{n}.png)](https://e.com/{n})"],
        [f"**![b](img{n}.png)**"],
        [f'<img src="img{n}.png" alt="r">'],
    ][style]


@st.composite
def blocks(draw: st.DrawFn, n: int) -> tuple[list[str], int]:
    """(lines of one block containing image ``n``, index of the image's first line in it)."""
    kind = draw(
        st.sampled_from(
            [
                "para",
                "list",
                "nested",
                "quote",
                "table",
                "heading",
                "footnote",
                "admonition",
                "ordered",
            ]
        )
    )
    before = draw(st.lists(st.sampled_from(FILLER), max_size=3))
    after = draw(st.lists(st.sampled_from(FILLER), max_size=2))
    image = _image(n, draw(st.integers(0, 4)))
    if kind in ("table", "heading"):
        [single] = _image(n, draw(st.sampled_from([0, 2, 3, 4])))
        if kind == "heading":
            return [f"## Title {single}"], 0
        rows = [f"| r{i} | c |" for i in range(len(before))]
        return ["| a | b |", "|---|---|", *rows, f"| x | {single} |"], len(rows) + 2
    image = ["before " + image[0], *image[1:]]
    image[-1] += " after"
    if kind == "para":
        return [*before, *image, *after], len(before)
    prefix, head = {
        "list": ("  ", ["- first item"]),
        "ordered": ("   ", ["1. one", "2. two"]),
        "nested": ("    ", ["- outer", "  - inner"]),
        "quote": ("> ", []),
        "admonition": ("    ", ["!!! note"]),
        "footnote": ("    ", [f"[^f{n}]: note"]),
    }[kind]
    body = [f"{prefix}{line}" for line in [*before, *image, *after]]
    return [*head, *body], len(head) + len(before)


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, dict[str, int]]:
    count = draw(st.integers(1, 5))
    lines: list[str] = []
    expected: dict[str, int] = {}
    notes = []
    for n in range(count):
        block, at = draw(blocks(n))
        if block[0].startswith("[^f"):
            notes.append(n)
        expected[f"img{n}.png"] = len(lines) + at + 1
        lines += [*block, ""]
    if notes:  # footnote definitions need a reference to be rendered
        lines += [" ".join(f"see[^f{n}]" for n in notes), ""]
    return "\n".join(lines), expected


@settings(max_examples=150)
@given(documents())
def test_each_image_is_reported_at_its_own_line(doc: tuple[str, dict[str, int]]) -> None:
    text, expected = doc
    document = render(text, Path("/site"))
    found = {a.source: a.line for a in document.assets if a.source.startswith("img")}
    assert found == expected, text


@settings(max_examples=100)
@given(
    st.lists(st.sampled_from(FILLER), max_size=4),
    st.sampled_from(
        [
            "![alt]()",
            "![](<>)",
            "![a]( )",
            "![a](<  >)",
            "![x][r]",
            '<img src="">',
            "<img alt='no src'>",
            "[![a]()](https://e.com)",
        ]
    ),
)
def test_empty_image_target_is_named_at_its_line_and_left_out(
    before: list[str], image: str
) -> None:
    text = "\n".join([*before, image, "", "[r]: <>", ""])
    document = render(text, Path("/site"))
    messages = [(w.line, w.message) for w in document.warnings if w.message == EMPTY_TARGET]
    assert messages == [(len(before) + 1, EMPTY_TARGET)], (text, document.warnings)
    assert [a for a in document.assets if a.kind is AssetKind.IMAGE] == []
    assert 'src=""' not in document.html and "<img alt" not in document.html


def test_issue_example_names_the_image_line_not_the_earlier_link(tmp_path: Path) -> None:
    document = render("See [a link](http://example.com)\nand ![alt]() more\n", tmp_path)
    [warning] = document.warnings
    assert warning.line == 2 and "image has an empty target" in warning.message
