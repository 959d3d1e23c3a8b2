"""Pictures whose path holds spaces (Typora, Obsidian) are images; other spaced targets say why not."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.config import SiteConfig
from mdwx.document import AssetKind
from mdwx.markdown.image_spaces import PICTURE_EXTENSIONS
from mdwx.render import render_markdown

WORDS = st.text(alphabet="abcXYZ019-._是图片", min_size=1, max_size=8).filter(
    lambda w: w.strip(".")
)
SPACES = st.sampled_from([" ", "  ", " \t", "\t"])
PLACES = [
    "{}",
    "text {} text",
    "- item {}",
    "> {}",
    "# {}",
    "| a | b |\n|---|---|\n| {} | x |",
    "1. {}\n\n   more",
]


@st.composite
def spaced_paths(draw: st.DrawFn) -> str:
    """A relative path with at least one run of spaces inside a file or folder name."""
    words = draw(st.lists(WORDS, min_size=2, max_size=5))
    joins = [draw(SPACES | st.just("/")) for _ in words[1:]]
    if all(j == "/" for j in joins):
        joins[draw(st.integers(0, len(joins) - 1))] = draw(SPACES)
    path = words[0] + "".join(j + w for j, w in zip(joins, words[1:], strict=True))
    return path.replace("/.", "/x.").lstrip("/") or "x"


def _case(draw: st.DrawFn, text: str) -> str:
    return "".join(c.upper() if draw(st.booleans()) else c for c in text)


@st.composite
def image_lines(draw: st.DrawFn) -> tuple[str, str, bool]:
    """(Markdown, the path as written, whether it names a picture)."""
    path = draw(spaced_paths())
    picture = draw(st.booleans())
    extension = (
        draw(st.sampled_from(PICTURE_EXTENSIONS))
        if picture
        else draw(st.sampled_from(["pdf", "md", "txt", ""]))
    )
    target = f"{path}.{_case(draw, extension)}" if extension else path
    title = draw(st.sampled_from(["", ' "a title"', " 'another'"]))
    pad = draw(st.sampled_from(["", " "]))
    image = f"![{draw(st.sampled_from(['', 'alt', '图']))}]({pad}{target}{title}{pad})"
    return draw(st.sampled_from(PLACES)).format(image), target, picture


@settings(max_examples=250)
@given(image_lines())
def test_spaces_in_a_picture_path_make_an_image_else_a_warning(case: tuple[str, str, bool]) -> None:
    markdown, target, picture = case
    text = "First line.\n\n" + markdown + "\n"
    document = render_markdown(text, SiteConfig(root=Path("/site")), path=Path("/site/post.md"))
    visible = unescape(re.sub(r"<[^>]*>", " ", document.html))
    images = [a for a in document.assets if a.kind is AssetKind.IMAGE]
    warnings = [w for w in document.warnings if w.code == "image-not-understood"]
    if picture:
        assert [a.source for a in images] == [target]
        assert "![" not in visible and warnings == []
    else:
        assert images == [] and "![" in visible
        [warning] = warnings
        assert (
            warning.line == 3 + markdown[: markdown.index("![")].count("\n")
            and "spaces" in warning.message
        )


@settings(max_examples=60)
@given(st.lists(WORDS, min_size=1, max_size=3).map("/".join), st.sampled_from(PICTURE_EXTENSIONS))
def test_paths_without_spaces_are_read_by_commonmark_as_before(path: str, extension: str) -> None:
    document = render_markdown(
        f"![x]({path}.{extension})\n", SiteConfig(root=Path("/site")), path=Path("/site/post.md")
    )
    assert [a.source for a in document.assets] == [f"{path}.{extension}"]
    assert document.warnings == []


def test_code_spans_and_angle_brackets() -> None:
    config, path = SiteConfig(root=Path("/site")), Path("/site/post.md")
    assert render_markdown("`![](a b)` and `![](a b.png)`\n", config, path=path).warnings == []
    assert render_markdown("`![](a b.png)`\n", config, path=path).assets == []
    assert [a.source for a in render_markdown("![](<a b.png>)\n", config, path=path).assets] == [
        "a b.png"
    ]
