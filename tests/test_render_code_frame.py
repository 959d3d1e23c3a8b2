"""Code blocks framed by site settings: any Pygments style, line numbers, a window header, wrapping."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pygments.styles import get_all_styles, get_style_by_name

from mdwx.config import config_from_mapping
from mdwx.errors import ConfigError
from mdwx.render.code_frame import DOTS
from mdwx.render.limits import visible_text
from tests.render_helpers import render
from tests.test_preview_browser import CHROMIUM, WAIT_MS

CODE_LINES = st.lists(
    st.text(st.sampled_from("abc xyz=()\"'#\t1"), max_size=30), min_size=1, max_size=25
)
THEMES = st.sampled_from(["default", "github", "elegant", "ocean", "ink"])
ROOT = Path("/nonexistent-site")


def _fence(lines: list[str], info: str = "python") -> str:
    return f"```{info}\n" + "\n".join(lines) + "\n```\n"


@settings(max_examples=60)
@given(lines=CODE_LINES, theme=THEMES, per_block=st.booleans())
def test_line_numbers_count_the_lines_and_leave_the_code_as_it_was(
    lines: list[str], theme: str, per_block: bool
) -> None:
    lines[-1] = lines[-1] or "end"  # a final blank line is not part of the block
    plain = render(_fence(lines), ROOT, theme=theme).html
    numbered = render(
        _fence(lines, "python {linenos}" if per_block else "python"),
        ROOT,
        theme=theme,
        code_line_numbers=not per_block,
    ).html
    column = re.search(r'user-select:none[^"]*">([\d<br>]*)</section>', numbered)
    assert column is not None
    assert column.group(1).split("<br>") == [str(n) for n in range(1, len(lines) + 1)]
    code = numbered[column.end() :]
    assert visible_text(code) == visible_text(
        re.sub(r"^.*?<(?:p|section) style=\"[^\"]*white-space:nowrap[^\"]*\">", "", plain, count=1)
    )


@settings(max_examples=40)
@given(style=st.sampled_from(sorted(get_all_styles())), theme=THEMES)
def test_any_pygments_style_colours_the_block_whatever_the_theme(style: str, theme: str) -> None:
    html = render(
        _fence(["def f(x):", "    return 'x'  # note"]), ROOT, theme=theme, code_style=style
    ).html
    background = get_style_by_name(style).background_color.lower()
    short = re.sub(r"#([0-9a-f])\1([0-9a-f])\2([0-9a-f])\3$", r"#\1\2\3", background)
    assert f"background:{short}" in html.lower() or f"background:{background}" in html.lower()
    other = render(
        _fence(["def f(x):", "    return 'x'  # note"]), ROOT, theme="violet", code_style=style
    ).html
    assert re.findall(r"color:#\w+\">", html) == re.findall(
        r"color:#\w+\">", other
    )  # tokens: the style's


def test_header_and_wrap() -> None:
    html = render(_fence(["x = 1"]), ROOT, code_header=True).html
    assert all(f"background:{dot}" in html for dot in DOTS)
    wrapped = render(
        _fence(["x = " + "1 + " * 60]), ROOT, code_wrap=True, code_line_numbers=True
    ).html
    assert (
        "nowrap" not in wrapped
        and "overflow-wrap:anywhere" in wrapped
        and "user-select" not in wrapped
    )


def test_an_unknown_code_style_names_its_line(tmp_path: Path) -> None:
    (tmp_path / "mdwx.toml").write_text('theme = "default"\ncode_style = "neon"\n', "utf-8")
    with pytest.raises(ConfigError) as caught:
        config_from_mapping(
            {"theme": "default", "code_style": "neon"},
            root=tmp_path,
            config_path=tmp_path / "mdwx.toml",
        )
    assert caught.value.line == 2 and "monokai" in str(caught.value)


COPY_AND_SCROLL = """() => {
  const block = document.querySelector('[style*="display:flex"]');
  const [numbers, code] = block.children;
  const range = document.createRange();
  range.selectNodeContents(block.parentElement);
  getSelection().removeAllRanges();
  getSelection().addRange(range);
  const copied = getSelection().toString();
  const before = numbers.getBoundingClientRect().left;
  code.scrollLeft = 200;
  return {copied, scrolls: code.scrollWidth > code.clientWidth, scrolled: code.scrollLeft,
          numbersStay: numbers.getBoundingClientRect().left === before,
          page: document.scrollingElement.scrollWidth <= innerWidth};
}"""


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
@pytest.mark.parametrize("theme", ["default", "github", "ocean"])
def test_numbers_are_not_copied_and_only_the_code_scrolls(
    tmp_path: Path, theme: str, chromium
) -> None:
    lines = [
        "first = 1",
        "second = 'a very long line ' + 'that scrolls sideways inside its block' * 3",
        "third",
    ]
    html = render(_fence(lines, "python {linenos}"), tmp_path, theme=theme, code_header=True).html
    page = chromium.new_page(viewport={"width": 390, "height": 844})
    try:
        page.set_default_timeout(WAIT_MS)
        page.set_content(f'<body style="margin:0;padding:12px 16px">{html}</body>')
        found = page.evaluate(COPY_AND_SCROLL)
    finally:
        page.close()
    assert found["scrolls"] and found["scrolled"] > 0 and found["numbersStay"] and found["page"], (
        found
    )
    copied = found["copied"].replace("\xa0", " ")
    assert "first = 1" in copied and "third" in copied
    assert not re.search(r"(^|\n)\s*[123]\s*(\n|$)", copied), copied
