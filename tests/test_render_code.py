"""Code blocks keep their whitespace and colours through WeChat; languages are never guessed."""

from __future__ import annotations

from pathlib import Path

from mdwx.render.code import fence_language, highlight_block
from tests.render_helpers import render, tags


def test_spaces_tabs_and_newlines_are_frozen(tmp_path: Path) -> None:
    html = render("```text\nif x:\n\tgo  now\n```\n", tmp_path).html
    # A tab reaches the next stop; runs of spaces alternate &nbsp; and a plain space.
    assert "if x:<br>&nbsp; &nbsp; go &nbsp;now" in html
    assert "<pre" not in html and "\t" not in html


def test_code_block_scrolls_horizontally_instead_of_wrapping(tmp_path: Path) -> None:
    html = render("```python\nx = 1\n```\n", tmp_path).html
    # A block of text alone is a <p> (six characters shorter than a <section>, same box).
    block = next(a for n, a in tags(html) if n == "p" and "nowrap" in a.get("style", ""))
    # overflow:auto computes as overflow-x:auto does (overflow-y visible becomes auto).
    assert "overflow:auto" in block["style"] and "white-space:nowrap" in block["style"]


def test_tokens_carry_only_a_colour_and_plain_tokens_no_span() -> None:
    html = highlight_block("def f(x):\n    return x", "python", "monokai")[1]
    assert '<span style="color:#66d9ef">def </span>' in html
    spans = [a for n, a in tags(html) if n == "span"]
    assert spans and all(
        set(a) == {"style"} and a["style"].startswith("color:#") and ";" not in a["style"]
        for a in spans
    )
    assert "(x):" in html  # punctuation in the block's own colour: no span


def test_themes_pick_different_palettes(tmp_path: Path) -> None:
    source = "```python\ndef f():\n    pass\n```\n"
    dark = render(source, tmp_path, theme="default").html
    light = render(source, tmp_path, theme="github").html
    assert "background:#272822" in dark and "background:#f0f0f0" in light
    assert dark.count("color:#66d9ef") and "color:#66d9ef" not in light


def test_language_comes_from_the_fence_word_never_from_guessing() -> None:
    assert fence_language("rust,ignore,panics") == "rust"
    assert fence_language("js {1,3}") == "js"
    assert fence_language("") == ""
    assert "<span" not in highlight_block("def f(): pass", "", "monokai")[1]


def test_unknown_language_is_plain_text_with_a_warning(tmp_path: Path) -> None:
    document = render("para\n\n```plantuml\ngraph TD; A-->B\n```\n", tmp_path)
    assert ">graph TD; A--&gt;B<" in document.html
    assert [(w.message, w.line) for w in document.warnings] == [
        ("unknown code language 'plantuml': shown without highlighting", 3)
    ]


def test_html_in_code_is_escaped(tmp_path: Path) -> None:
    html = render("```html\n<script>alert(1)</script>\n```\n", tmp_path).html
    assert "<script" not in html and "&lt;" in html and "script" in html


def test_inline_code_is_styled_and_escaped(tmp_path: Path) -> None:
    html = render("Use `a<b>` here.", tmp_path).html
    code = next(a for n, a in tags(html) if n == "code")
    assert "font-family" in code["style"] and "a&lt;b&gt;" in html
