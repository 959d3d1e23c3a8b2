"""One scanner of fenced code, CommonMark's: the title finder, the digest and the generators'
rewrites find code exactly where markdown-it's own CommonMark parse puts its fence tokens."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from mdwx.config import SiteConfig
from mdwx.markdown.syntax import fenced_code, first_h1
from mdwx.source.article import read_article_text
from mdwx.source.generators.text import blocks, each_prose

# Lines that open, close or only look like fences, in and out of containers, and headings.
LINES = [
    "```",
    "```py",
    "``` a`b",
    "````",
    "~~~",
    "~~~ x`y",
    "~~~~",
    "   ```",
    "    ```",
    "\t```",
    "```  ",
    "> ```",
    ">```",
    "- ```",
    "  ```",
    "1. ~~~",
    "<div>",
    "</div>",
    "<!--",
    "-->",
    "# Heading",
    "#  Title #",
    "   # Indented",
    "    # code",
    "> # Quoted",
    "- # Listed",
    "#",
    "Setext",
    "===",
    "## Sub",
    "text",
    "`` a ``",
    "",
    "",
    "- item",
    "  continued",
    "> quote",
]
documents = st.lists(st.sampled_from(LINES), max_size=24).map("\n".join)
COMMONMARK = MarkdownIt("commonmark")


def _fences(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(
        (t.map[0], t.map[1]) for t in COMMONMARK.parse(text) if t.type == "fence" and t.map
    )


@settings(max_examples=400)
@given(documents)
def test_fenced_code_is_where_commonmark_puts_fences(text: str) -> None:
    assert fenced_code(text) == _fences(text)
    code = [(start, end) for is_code, start, end in blocks(text.split("\n")) if is_code]
    assert tuple(code) == _fences(text)


@settings(max_examples=400)
@given(documents)
def test_the_title_is_commonmarks_first_top_level_h1(text: str) -> None:
    tokens = COMMONMARK.parse(text)
    expected = next(
        (
            (tokens[i + 1].content.strip(), t.map[0])
            for i, t in enumerate(tokens)
            if t.type == "heading_open"
            and t.tag == "h1"
            and t.level == 0
            and t.markup == "#"
            and tokens[i + 1].content.strip()
            and t.map
        ),
        None,
    )
    assert first_h1(text) == expected


@settings(max_examples=200)
@given(documents)
def test_rewrites_touch_only_lines_outside_commonmark_fences(text: str) -> None:
    lines = text.split("\n")
    inside = {n for start, end in _fences(text) for n in range(start, end)}
    changed = each_prose(
        text, lambda chunk, first: "\n".join(f"!{line}" for line in chunk.split("\n"))
    )
    for number, (before, after) in enumerate(zip(lines, changed.split("\n"), strict=True)):
        assert after == (before if number in inside else f"!{before}")


def test_a_backtick_fence_with_a_backtick_in_its_info_is_no_fence(tmp_path: Path) -> None:
    text = "``` a`b\n\n# Heading\n\nBody text.\n"
    article = read_article_text(text, tmp_path / "stem.md", SiteConfig(root=tmp_path))
    assert article.title == "Heading"
    fenced = read_article_text(
        "```\n# Not a title\n```\n\nBody.\n", tmp_path / "stem.md", SiteConfig(root=tmp_path)
    )
    assert fenced.title == "stem"
