"""Lists keep their markers, numbers and nesting in WeChat: markers are text, indents are sections."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.render_helpers import render


def _items(html: str) -> list[str]:
    """The visible text of each item line, tags removed (a block starts or ends a line)."""
    text = re.sub(r"<(?:/section|/p|section|p)\b[^>]*>", "\n", html)
    text = re.sub(r"<[^>]+>", "", text)
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_bullets_are_text_markers_and_no_list_tags_remain(tmp_path: Path) -> None:
    html = render("- one\n- two\n", tmp_path).html
    assert _items(html) == ["• one", "• two"]
    assert "<ul" not in html and "<li" not in html


def test_ordered_list_keeps_its_start_number(tmp_path: Path) -> None:
    html = render("7. seven\n8. eight\n9. nine\n", tmp_path).html
    assert _items(html) == ["7. seven", "8. eight", "9. nine"]


@settings(max_examples=60)
@given(
    start=st.integers(0, 999_999_999),
    count=st.integers(1, 4),
    nested=st.booleans(),
    delimiter=st.sampled_from(".)"),
)
def test_ordered_list_numbers_from_its_start_whatever_it_is(
    start: int, count: int, nested: bool, delimiter: str
) -> None:
    """Every start markdown allows (0 to 9 digits), top level or nested, counts on from itself."""
    items = "".join(f"{start if i == 0 else 1}{delimiter} item{i}\n" for i in range(count))
    # (a list not starting at 1 cannot interrupt a paragraph: a blank line opens it)
    text = (
        ("- outer\n\n" + "".join(f"  {line}\n" for line in items.splitlines())) if nested else items
    )
    lines = _items(render(text, Path("/nonexistent-site")).html)
    numbered = [line for line in lines if "item" in line]
    assert numbered == [f"{start + i}. item{i}" for i in range(count)]


def test_nested_levels_are_indented_with_their_own_markers(tmp_path: Path) -> None:
    html = render("- a\n  - b\n    - c\n- d\n", tmp_path).html
    assert _items(html) == ["• a", "◦ b", "▪ c", "• d"]
    # each item's text column is indented; a nested list sits in its parent item's column
    assert html.count("padding-left:1.5em") == 4 and html.count("margin-left:-1.5em") == 4


def test_loose_list_markers_go_inside_the_first_paragraph(tmp_path: Path) -> None:
    html = render("1. first\n\n   more\n\n2. second\n", tmp_path).html
    assert '#07a35a">1. </span>first</p>' in html
    assert _items(html) == ["1. first", "more", "2. second"]


def test_task_items_show_checkboxes_as_text(tmp_path: Path) -> None:
    html = render("- [ ] todo\n- [x] done\n", tmp_path).html
    assert _items(html) == ["☐ todo", "☑ done"]
    assert "<input" not in html


def test_item_starting_with_code_still_gets_its_marker(tmp_path: Path) -> None:
    html = render("1. ```\n   x\n   ```\n", tmp_path).html
    assert _items(html)[0].startswith("1.")


@settings(max_examples=60)
@given(
    start=st.sampled_from([0, 1, 7, 9, 95, 998, 123456]),
    count=st.integers(1, 12),
    theme=st.sampled_from(["default", "elegant", "github"]),
    task=st.booleans(),
    loose=st.booleans(),
)
def test_every_marker_hangs_exactly_its_items_indent(
    start: int, count: int, theme: str, task: bool, loose: bool
) -> None:
    """A marker's negative margin is its item's left padding, whatever the widest number."""
    gap = "\n" if loose else ""
    text = "".join(f"{start + i}. {'[ ] ' if task else ''}item{i}\n{gap}" for i in range(count))
    html = render(text, Path("/nonexistent-site"), theme=theme).html
    items = re.findall(
        r'padding-left:([\d.]+em)"><(?:p style="[^"]*"><)?span style="[^"]*margin-left:-([\d.]+em)',
        html,
    )
    assert len(items) == count
    assert all(pad == hang for pad, hang in items)
    assert len({pad for pad, _ in items}) == 1  # one text column per list
