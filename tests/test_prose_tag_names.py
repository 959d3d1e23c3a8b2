"""A tag name written in prose never hides prose, wherever it stands and whatever real
elements of the same name come later (GFM's rule: an element never swallows Markdown
outside its own HTML block or inline span); a complete media element that is removed says
so at its line."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.config import SiteConfig
from mdwx.render import render_markdown
from mdwx.render.sanitize import DROP_WITH_CONTENT, MEDIA

NAMES = sorted(DROP_WITH_CONTENT)
# CommonMark's HTML block kind 1: a line starting with one of these runs to its closing tag,
# so there a real element later in the post makes the whole stretch raw HTML, by the spec.
KIND_ONE = ("script", "style", "textarea", "pre")
LINE_FORMS = ["{}", "- {}", "> {}", "1. {}", "## {}", "| {} | x |\n|---|---|\n| y | z |"]


def _cased(draw: st.DrawFn, name: str) -> str:
    return "".join(c.upper() if draw(st.booleans()) else c for c in name)


@st.composite
def prose_with_tag_names(draw: st.DrawFn) -> tuple[str, list[str]]:
    """(Markdown, its prose words): lines of words, tag names between words, real elements
    of the same names in their own blocks or later in the same line."""
    words: list[str] = []
    blocks: list[str] = []
    for line_number in range(draw(st.integers(1, 6))):
        line: list[str] = []
        if draw(st.integers(0, 3)) == 0:  # a tag name opening the line: an HTML block start
            line.append(f"<{_cased(draw, draw(st.sampled_from(NAMES)))}>")
        for word_number in range(draw(st.integers(1, 6))):
            word = f"w{line_number}x{word_number}"
            words.append(word)
            line.append(word)
            if draw(st.integers(0, 2)) == 0:
                name = draw(st.sampled_from(NAMES))
                attributes = draw(st.sampled_from(["", ' class="c"', " src=x"]))
                line.append(f"<{_cased(draw, name)}{attributes}>")
        if draw(st.booleans()):  # a complete element later in the same paragraph
            name = draw(st.sampled_from(NAMES))
            line.append(f"<{name} src=x>gone</{_cased(draw, name)}>")
        blocks.append(draw(st.sampled_from(LINE_FORMS)).format(" ".join(line)))
        if draw(st.booleans()):  # a complete element in a block of its own
            name = draw(st.sampled_from(NAMES))
            blocks.append(f"<{name} src=x>\ngone\n</{name}>")
    separator = draw(st.sampled_from(["\n\n", "\n"]))
    return separator.join(blocks) + "\n", words


def _visible(html: str) -> str:
    return unescape(re.sub(r"<[^>]*>", " ", html))


@settings(max_examples=100)
@given(prose_with_tag_names())
def test_every_prose_word_survives_tag_names_and_later_real_elements(
    case: tuple[str, list[str]],
) -> None:
    text, words = case
    document = render_markdown(text, SiteConfig(root=Path("/site")), path=Path("/site/p.md"))
    shown = _visible(document.html)
    missing = [word for word in words if word not in shown]
    assert missing == [], text
    assert "mdwx-hidden" not in document.html and "mdwx-unclosed" not in document.html


@settings(max_examples=40)
@given(
    name=st.sampled_from(sorted(MEDIA)),
    place=st.sampled_from(["{}", "text {} more", "- {}", "> {}", "<div>\n{}\n</div>"]),
    lines_before=st.integers(0, 3),
    data=st.data(),
)
def test_a_removed_media_element_is_said_at_its_line(
    name: str, place: str, lines_before: int, data: st.DataObject
) -> None:
    element = f'<{_cased(data.draw, name)} src="clip.mp4" controls>fallback</{name}>'
    text = "first\n\n" * lines_before + place.format(element) + "\n\nafter\n"
    document = render_markdown(text, SiteConfig(root=Path("/site")), path=Path("/site/p.md"))
    assert "fallback" not in document.html
    [warning] = [w for w in document.warnings if w.code == "media-removed"]
    assert warning.line == 1 + 2 * lines_before
    assert f"<{name}>" in warning.message  # and what to do instead:
    assert "![title](clip.mp4)" in warning.message or "link to it" in warning.message
    assert "after" in _visible(document.html)


def test_the_reported_example_keeps_everything_between() -> None:
    text = (
        "Embed with an <iframe> tag.\n\nThis paragraph stays.\n\n"
        '<iframe src="https://v.example/x"></iframe>\n\nAnd this one.\n'
    )
    document = render_markdown(text, SiteConfig(root=Path("/site")), path=Path("/site/p.md"))
    shown = " ".join(_visible(document.html).split())
    assert shown == "Embed with an <iframe> tag. This paragraph stays. And this one."
    codes = sorted(w.code for w in document.warnings)
    assert codes == ["media-removed", "unclosed-hidden"]
