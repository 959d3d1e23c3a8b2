"""A tag name written in prose (``List<String>``, ``<T>``, ``<Pod>``, ``<meta>``, ``<p>``)
stays text, with an ``unclosed-hidden`` warning at its line; only a
complete element (opened and closed in its span, or a void element written with attributes)
loses its tags, and never its text. The grouped warning names the tags the post holds."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.config import SiteConfig
from mdwx.render import render_markdown
from mdwx.render.prose_tags import VOID
from mdwx.render.sanitize import ALLOWED, DROP_WITH_CONTENT, RENAMED
from mdwx.repeated_warnings import group_repeated

# Names mdwx does not keep as elements: HTML's own (void, raw-text, others) and unknown ones.
# The names it keeps (``<b>``, ``<p>``, ``<div>``…) render as elements, as in HTML.
KNOWN_NOT_KEPT = sorted(
    {"meta", "link", "input", "source", "wbr", "area", "base", "track", "embed"}
    | {"font", "head", "body", "html", "form", "label", "button", "details", "summary"}
    | {"script", "style", "title", "iframe", "textarea"} - ALLOWED - set(RENAMED)
)
# Names mdwx keeps as elements, written in prose (no closing tag in the span): text too.
KEPT_IN_PROSE = ["p", "b", "div", "span", "table", "code", "section", "a"]
UNKNOWN = ["String", "T", "Pod", "Object", "Integer", "my-tag", "K8s", "Vec"]
WORDS = ["使用", "保存数据", "是类型参数", "标签里写", "charset", "换行", "对象", "text", "值"]
LINE_FORMS = ["{}", "- {}", "> {}", "1. {}", "## {}", "| {} | x |\n|---|---|\n| y | z |"]


@st.composite
def prose_line(draw: st.DrawFn) -> tuple[str, str, bool]:
    """(a line of prose with tags, the text it must show, whether a tag shows as text)."""
    written: list[str] = [draw(st.sampled_from(WORDS))]
    shown: list[str] = list(written)
    as_text = False
    for _ in range(draw(st.integers(1, 5))):
        name = draw(st.sampled_from(KNOWN_NOT_KEPT + KEPT_IN_PROSE + UNKNOWN))
        attributes = draw(st.sampled_from(["", ' key="v"', " flag"]))
        tag = f"<{name}{attributes}>"
        if name.lower() in DROP_WITH_CONTENT or name.lower() not in VOID or not attributes:
            shown.append(tag)  # not an element: a name written in prose
            as_text = True
        written.append(tag)
        word = draw(st.sampled_from(WORDS))
        written.append(word)
        shown.append(word)
        if draw(st.integers(0, 3)) == 0 and name.lower() not in DROP_WITH_CONTENT:
            inner = draw(st.sampled_from(WORDS))  # a complete element: its tags go, not its text
            written.append(f"<{name}>{inner}</{name}>")
            shown.append(inner)
    glue = draw(st.sampled_from(["", " "]))
    return glue.join(written), glue.join(shown), as_text


def _visible(html: str) -> str:
    return "".join(unescape(re.sub(r"<[^>]*>", "", html)).split())


def _render(text: str):  # type: ignore[no-untyped-def]
    return render_markdown(text, SiteConfig(root=Path("/site")), path=Path("/site/p.md"))


@settings(max_examples=40)
@given(st.lists(st.tuples(prose_line(), st.sampled_from(LINE_FORMS)), min_size=1, max_size=4))
def test_every_prose_character_shows_or_its_line_is_warned(
    lines: list[tuple[tuple[str, str, bool], str]],
) -> None:
    blocks = [form.format(written) for (written, _, _), form in lines]
    text = "\n\n".join(blocks) + "\n"
    document = _render(text)
    visible = _visible(document.html)
    line = 1
    warned = {w.line for w in document.warnings if w.code == "unclosed-hidden"}
    for ((_, shown, as_text), _), block in zip(lines, blocks, strict=True):
        assert "".join(shown.split()) in visible, text
        if as_text:
            assert line in warned, (text, document.warnings)
        line += block.count("\n") + 2


def test_the_reported_posts_keep_their_text() -> None:
    text = (
        "使用 List<String> 和 Map<String, Integer> 保存数据，<T> 是类型参数。\n\n"
        "在 <meta> 标签里写 charset，用 <br> 换行，<Pod> 是 K8s 对象。\n"
    )
    document = _render(text)
    visible = _visible(document.html)
    assert "使用List<String>和Map<String,Integer>保存数据，<T>是类型参数。" in visible
    assert "在<meta>标签里写charset，用换行，<Pod>是K8s对象。" in visible
    assert "<br>" in document.html  # a void element kept by mdwx is an element
    warned = sorted((w.line, w.message.split(">")[0]) for w in document.warnings)
    assert warned == [(1, "<String"), (1, "<T"), (3, "<Pod"), (3, "<meta")]


def test_a_kept_element_written_in_prose_shows_as_text() -> None:
    document = _render("在 <p> 标签里分段，<b>粗</b>，</span> 结束。\n")
    assert "在<p>标签里分段，粗，</span>结束。" in _visible(document.html)
    assert "<b>粗</b>" in document.html
    assert sorted(w.message.split(">")[0] for w in document.warnings) == ["</span", "<p"]


def test_the_grouped_warning_names_the_tags_of_the_post() -> None:
    text = "正文\n\n" * 4 + "添加在<head>标签下，…还有<head>。\n"
    warnings = group_repeated(_render(text).warnings)
    [warning] = [w for w in warnings if w.code == "unclosed-hidden"]
    assert warning.line == 9
    assert "2 tags (<head>)" in warning.message
    assert "script" not in warning.message and "iframe" not in warning.message
