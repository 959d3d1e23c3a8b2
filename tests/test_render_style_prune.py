"""Smaller HTML, same look: pruned styles draw every character exactly as before (issue 7).

The check is a small cascade model written apart from :mod:`mdwx.render.style_prune`: each
visible character's colour, weight, style, size, family and line-height, computed by
inheritance plus the user-agent rules of the tags mdwx emits, must be the same with and
without pruning.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.render import inline_css
from mdwx.render.style_prune import prune_style, shortest, split_declarations
from tests.render_helpers import render, tags

PROPS = (
    "color",
    "font-weight",
    "font-style",
    "font-size",
    "font-family",
    "line-height",
    "text-align",
    "white-space",
    "letter-spacing",
)
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
VOID = {"br", "img", "hr", "wbr"}


def _weight(value: str) -> str:
    return {"bold": "700", "normal": "400"}.get(value, value)


class _Drawn(HTMLParser):
    """Every non-space character with the inherited values it is drawn with."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str]]] = [
            ("", {"font-weight": "400", "font-style": "normal"})
        ]
        self.chars: list[tuple[str, tuple[str, ...]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        parent = self.stack[-1][1]
        values = dict(parent)
        if tag in HEADINGS or tag == "th":
            values["font-weight"] = "700"
        if tag in ("strong", "b"):
            values["font-weight"] = "700" if parent.get("font-weight") == "400" else "bolder"
        if tag in ("em", "i"):
            values["font-style"] = "italic"
        if tag in HEADINGS or tag in ("sup", "sub", "small", "code"):
            values["font-size"] = f"ua-{tag}"
        if tag == "code":
            values["font-family"] = "ua-monospace"
        if tag == "a":
            values["color"] = "ua-link"
        if tag == "th":
            values["text-align"] = "ua-center"
        for name, value in split_declarations(dict(attrs).get("style") or ""):
            values[name] = _weight(value) if name == "font-weight" else shortest(name, value)
        if tag not in VOID:
            self.stack.append((tag, values))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                break

    def handle_data(self, data: str) -> None:
        values = self.stack[-1][1]
        drawn = tuple(values.get(name, "") for name in PROPS)
        self.chars.extend((char, drawn) for char in data if not char.isspace())


def drawn(html: str) -> list[tuple[str, tuple[str, ...]]]:
    parser = _Drawn()
    parser.feed(html)
    parser.close()
    return parser.chars


@contextmanager
def pruning_off() -> Iterator[None]:
    """Render as before pruning: styles only compacted."""
    original = inline_css.prune_style
    inline_css.prune_style = lambda tag, style, parent: (style, parent)  # type: ignore[assignment]
    inline_css._clean_tag_text.cache_clear()
    try:
        yield
    finally:
        inline_css.prune_style = original
        inline_css._clean_tag_text.cache_clear()


INLINE = st.sampled_from(
    [
        "plain words",
        "**bold**",
        "*italic*",
        "***both***",
        "`code`",
        "**`bold code`**",
        "[a link](https://example.com/a)",
        "https://example.com/bare",
        "~~gone~~",
        '<span style="font-weight:bold">raw bold</span>',
        '<strong style="font-weight:normal">light</strong>',
        '<span style="color:#07a35a">green</span>',
        '<em style="font-style:normal">upright</em>',
        '<span style="font-size:1.2em">bigger <span style="font-size:1.2em">again</span></span>',
        '<span style="line-height:2em">tall</span>',
        "中文**强调**文字",
        '<div style="margin:2px 0">raw block</div>',
        '<section style="margin:0;padding:0">bare</section>',
    ]
)
BLOCK = st.sampled_from(
    [
        "# {0}",
        "## {0} and {1}",
        "### {0}",
        "> {0}\n> {1}",
        "- {0}\n- {1}\n  - {0}",
        "1. {0}\n2. {1}",
        "| h {0} | h2 |\n|---|---|\n| {1} | x |",
        "{0} {1}",
        "> [!NOTE]\n> {0}",
        '![alt](p.png "{0}")',
        "```python\ndef f(x):\n    return {0!r}\n```",
        "[^1] {0}\n\n[^1]: {1}",
    ]
)
DOCUMENT = st.lists(
    st.tuples(BLOCK, INLINE, INLINE).map(lambda t: t[0].format(t[1], t[2])), min_size=1, max_size=6
).map("\n\n".join)


@settings(max_examples=60)
@given(markdown=DOCUMENT, theme=st.sampled_from(["default", "github", "elegant"]))
def test_pruned_html_draws_every_character_as_before(
    tmp_path_factory: pytest.TempPathFactory, markdown: str, theme: str
) -> None:
    root = tmp_path_factory.getbasetemp()
    with pruning_off():
        before = render(markdown, root, theme=theme).html
    after = render(markdown, root, theme=theme).html
    assert drawn(after) == drawn(before)
    assert len(after) <= len(before)


def test_no_declaration_repeats_what_the_element_already_has(tmp_path: Path) -> None:
    html = render(
        "**bold** and *em* [link](https://example.com)\n\n| a |\n|---|\n| b |\n\n## T\n", tmp_path
    ).html
    styles = {name: attrs.get("style", "") for name, attrs in tags(html)}
    assert "font-weight" not in styles["strong"] and "font-weight" not in styles["h2"]
    assert "font-weight" not in styles["th"] and "style" not in dict(tags(html))["em"]
    assert '<sup style="font-size:12px">[1]</sup></span>' in html  # the link's colour is inherited
    assert "display:block" not in html and "0.5px" not in html and "\n" not in html


def test_bold_inside_a_heading_keeps_its_weight() -> None:
    # Inside a bold parent <strong> would be "bolder" (900), so an explicit 700 stays.
    assert (
        prune_style("strong", "font-weight:bold", (("font-weight", "700"),))[0] == "font-weight:700"
    )
    assert prune_style("strong", "font-weight:bold", (("font-weight", "400"),))[0] == ""


def test_relative_sizes_are_never_taken_for_inherited() -> None:
    parent = prune_style("span", "font-size:1.2em;letter-spacing:.1em", ())[1]
    assert (
        prune_style("span", "font-size:1.2em;letter-spacing:.1em", parent)[0]
        == "font-size:1.2em;letter-spacing:.1em"
    )
    parent = prune_style("span", "font-size:14px;color:#333", ())[1]
    assert prune_style("span", "font-size:14px;color:#333", parent)[0] == ""
    assert prune_style("a", "color:#333", parent)[0] == "color:#333"  # links have their own colour


def test_shortest_forms() -> None:
    assert shortest("letter-spacing", "0.5px") == ".5px"
    assert shortest("margin", "0px 0 16px") == "0 0 16px"
    assert shortest("margin", "10px 0") == "10px 0"
    assert shortest("font-weight", "bold") == "700"
    assert shortest("border", "none") == "0"
    assert shortest("font-family", "'0.5 Sans'") == "'0.5 Sans'"
    assert split_declarations("a:b;background:url(data:x;y);c:'d;e'") == [
        ("a", "b"),
        ("background", "url(data:x;y)"),
        ("c", "'d;e'"),
    ]


def test_whitespace_between_inline_elements_is_kept(tmp_path: Path) -> None:
    html = render("*a*\n**b** `c`\n", tmp_path).html
    assert re.search(r"</em>\s<strong", html) and re.search(r"</strong> <code", html)


# The box tree a browser builds, as far as the <p>/<section> rewrite could change it: every
# block's margin and padding declarations and its place in the tree; <p> and <section> alike.
PHRASING = {
    "a",
    "b",
    "br",
    "code",
    "del",
    "em",
    "i",
    "img",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "u",
    "mark",
    "kbd",
    "ins",
    "q",
    "abbr",
    "cite",
    "dfn",
    "samp",
    "var",
    "time",
    "wbr",
    "bdi",
    "bdo",
}


class _Boxes(HTMLParser):
    """Block tags as ("open", spacing) / ("close",), checking every <p> as a parser would.

    A ``<p>`` the renderer writes must never be closed early by an HTML parser: nothing but
    text-level elements inside it, and only sections and quotes around it.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.boxes: list[tuple[str, ...]] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in PHRASING and "p" in self.stack:
            self.problems.append(f"<{tag}> inside a <p>")
        if tag == "p" and any(t not in ("section", "blockquote") for t in self.stack):
            self.problems.append(f"<p> inside {self.stack}")
        if tag in PHRASING:
            if tag not in VOID:
                self.stack.append(tag)
            return
        style = dict(attrs).get("style") or ""
        spacing = tuple(
            sorted(
                f"{n}:{v}"
                for n, v in split_declarations(style)
                if n.startswith(("margin", "padding")) and v != "0"
            )
        )
        if tag == "p" and not any(d.startswith("margin:") for d in spacing):
            self.problems.append(f"<p> without its own margin: {style!r}")
        name = "block" if tag in ("p", "section") else tag
        self.boxes.append(("open", name, *spacing))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass
            if tag not in PHRASING:
                self.boxes.append(("close",))


def boxes(html: str) -> tuple[list[tuple[str, ...]], list[str]]:
    parser = _Boxes()
    parser.feed(html)
    parser.close()
    return parser.boxes, parser.problems


@contextmanager
def paragraphs_off() -> Iterator[None]:
    original = inline_css._as_paragraph
    inline_css._as_paragraph = lambda out, element: False  # type: ignore[assignment]
    try:
        yield
    finally:
        inline_css._as_paragraph = original


@settings(max_examples=60)
@given(markdown=DOCUMENT, theme=st.sampled_from(["default", "github", "elegant"]))
def test_text_only_sections_become_paragraphs_with_the_same_boxes(
    tmp_path_factory: pytest.TempPathFactory, markdown: str, theme: str
) -> None:
    root = tmp_path_factory.getbasetemp()
    with paragraphs_off():
        before = render(markdown, root, theme=theme).html
    after = render(markdown, root, theme=theme).html
    after_boxes, problems = boxes(after)
    assert problems == []
    assert after_boxes == boxes(before)[0]
    assert drawn(after) == drawn(before)


def test_a_code_block_and_list_items_are_paragraphs_but_not_inside_a_paragraph(
    tmp_path: Path,
) -> None:
    html = render(
        '- a\n- b\n  - c\n\n```js\nx = 1\n```\n\nx <div style="margin:1px">y</div> z\n', tmp_path
    ).html
    assert html.count('<p style="margin:4px 0;padding-left:1.5em">') == 2  # "a" and "c"
    assert (
        '<section style="margin:4px 0;padding-left:1.5em"><span style="display:inline-block;min-width:1.5em;'
        'margin-left:-1.5em;color:#07a35a">• </span>b<section'
    ) in html
    assert '<p style="margin:0 0 16px;padding:12px 14px' in html
    # The theme's inliner parses as HTML5 does: the <div> closed the paragraph, and then
    # stands alone as text-only block with a margin.
    assert '<p style="margin:0 0 16px">x </p><p style="margin:1px">y</p> z' in html


def test_zero_spacing_on_a_section_and_lone_overflow_x() -> None:
    assert prune_style("section", "margin:0;padding-left:20px", ())[0] == "padding-left:20px"
    assert prune_style("p", "margin:0", ())[0] == "margin:0"  # a <p> has a user-agent margin
    assert prune_style("section", "overflow-x:auto", ())[0] == "overflow:auto"
    assert prune_style("section", "overflow-x:auto;overflow-y:hidden", ())[0] == (
        "overflow-x:auto;overflow-y:hidden"
    )
    assert prune_style("section", "overflow-x:hidden", ())[0] == "overflow-x:hidden"
