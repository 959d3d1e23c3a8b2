"""The parser's work is bounded: a size limit before parsing, linear rules, no silent loss."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.gfm_autolink import gfm_autolink_plugin

from mdwx.cli.main import main
from mdwx.config import Limits, SiteConfig
from mdwx.errors import ArticleError, RenderError
from mdwx.markdown.bounded import bounded_plugin
from mdwx.render import render_markdown
from mdwx.render.pipeline import markdown
from mdwx.render.sanitize import MAX_DEPTH, limit_depth
from mdwx.source.article import read_article
from tests.render_helpers import unsafe_markup


def test_a_post_over_the_markdown_limit_is_refused_before_parsing(tmp_path: Path) -> None:
    post = tmp_path / "big.md"
    post.write_text("# Big\n\n" + "<" * 5_000, encoding="utf-8")
    config = SiteConfig(root=tmp_path, limits=Limits(markdown_bytes=4_096))
    with pytest.raises(ArticleError) as caught:
        read_article(post, config)
    assert caught.value.path == str(post)
    assert "larger than the limit of 4,096 bytes" in caught.value.message
    post.write_text("# Big\n\n" + "<" * 4_000, encoding="utf-8")
    assert read_article(post, config).title == "Big"


def test_render_refuses_markdown_over_the_limit_too() -> None:
    config = SiteConfig(root=Path("/site"), limits=Limits(markdown_bytes=1_000))
    with pytest.raises(RenderError, match="larger than the limit of 1,000 bytes"):
        render_markdown("中" * 400, config)  # 400 characters, 1,200 bytes of UTF-8
    assert "中" in render_markdown("中" * 300, config).html


class CountingStr(str):
    """A string that counts the characters every index or slice of it copies."""

    copied = 0

    def __getitem__(self, key: Any) -> str:
        item = str.__getitem__(self, key)
        CountingStr.copied += len(item)
        return item


def parse_work(md: MarkdownIt, text: str) -> int:
    """A deterministic measure of the work of parsing ``text``.

    Python and C function calls (catches rules that loop over the rest of the text) plus
    the characters copied out of each inline run's source (catches rules that slice it).
    """
    calls = 0
    original: Callable[..., Any] = md.inline.parse

    def counting_parse(src: str, md_: MarkdownIt, env: Any, tokens: list) -> Any:
        return original(CountingStr(src), md_, env, tokens)

    def profile(frame: Any, event: str, arg: Any) -> None:
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    CountingStr.copied = 0
    md.inline.parse = counting_parse  # type: ignore[method-assign]
    sys.setprofile(profile)
    try:
        md.parse(text, {})
    finally:
        sys.setprofile(None)
        del md.inline.parse
    return calls + CountingStr.copied


PATHOLOGICAL = [
    "<",
    "[",
    "![",
    "*a ",
    "_a ",
    "http:",
    "https://",
    ":",
    "a@",
    "a@b.c ",
    "{",
    "![a](b){",
    "`a` {",
    "[\n",
    "](",
    "[](",
    "^[",
    "&",
    "\\",
    "<a ",
    "~~a ",
    "$a$ ",
    "www.",
    "a:b ",
    "[a]: ",
    "> ",
    "- ",
]


@pytest.mark.parametrize("pattern", PATHOLOGICAL)
def test_parsing_work_grows_linearly(pattern: str) -> None:
    md = markdown()
    small = parse_work(md, pattern * (1_000 // len(pattern)))
    large = parse_work(md, pattern * (4_000 // len(pattern)))
    assert large / small < 5.5, (small, large)  # linear: about 4; quadratic: about 16


def test_the_stock_rules_were_quadratic_which_the_measure_sees() -> None:
    """The measure is not blind: without the guards, ``<`` and ``[`` runs cost n²."""
    stock = MarkdownIt("commonmark", {"html": True}).use(gfm_autolink_plugin).use(attrs_plugin)
    for pattern in ("<", "["):
        small = parse_work(stock, pattern * 1_000)
        large = parse_work(stock, pattern * 4_000)
        assert large / small > 8
    bounded_plugin(stock)
    assert parse_work(stock, "<" * 4_000) / parse_work(stock, "<" * 1_000) < 5.5


@pytest.mark.parametrize(
    "text",
    [
        "- " * 5_000 + "deep\n",
        "> " * 5_000 + "deep\n",
        "ok\n\n" + "".join("  " * i + f"- item {i}\n" for i in range(14)),
    ],
)
def test_content_below_the_nesting_limit_is_reported_not_dropped_silently(text: str) -> None:
    document = render_markdown(text, SiteConfig(root=Path("/site")), path=Path("/site/post.md"))
    [warning] = [w for w in document.warnings if "nested more than" in w.message]
    assert warning.path == "/site/post.md" and warning.line is not None
    assert text.splitlines()[warning.line - 1].strip().startswith(("-", ">"))


def test_shallow_nesting_renders_everything_without_a_warning() -> None:
    text = "".join("  " * i + f"- item {i}\n" for i in range(8)) + "\n" + "> " * 15 + "quote\n"
    document = render_markdown(text, SiteConfig(root=Path("/site")))
    assert document.warnings == []
    assert all(f"item {i}" in document.html for i in range(8)) and "quote" in document.html


def test_check_of_a_post_over_the_limit_names_the_file_and_exits_1(tmp_path: Path) -> None:
    (tmp_path / "mdwx.toml").write_text("[limits]\nmarkdown_bytes = 10_000\n", encoding="utf-8")
    post = tmp_path / "huge.md"
    post.write_text("# Huge\n\n" + "*a " * 5_000, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(post)])
    assert result.exit_code == 1
    assert f"{post}: the post is larger than the limit of 10,000 bytes" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "text",
    [
        "*" * 20_000 + "deep" + "*" * 20_000,
        "<b>" * 10_000 + "deep",
        "<span>" * 6_000 + "deep",
        "a " + "~~" * 5_000 + "deep" + "~~" * 5_000,
        "[" * 3_000 + "deep" + "](x)" * 3_000,
    ],
)
def test_thousands_of_nested_elements_render_with_a_warning(text: str) -> None:
    """The theme inliner's native parser dies (SIGSEGV) near 10,000 open elements."""
    document = render_markdown(text, SiteConfig(root=Path("/site")))
    assert "deep" in document.html
    assert unsafe_markup(document.html) == []
    depth = max_depth(document.html)
    assert depth <= MAX_DEPTH + 2  # the root section and the paragraph
    if depth > 100:
        assert any("nested more than" in w.message for w in document.warnings)


def max_depth(html: str) -> int:
    depth = deepest = 0
    for closing, name in re.findall(r"<(/?)([a-z][a-z0-9-]*)", html):
        if name in ("br", "img", "hr", "col"):
            continue
        depth += -1 if closing else 1
        deepest = max(deepest, depth)
    return deepest


def test_limit_depth_keeps_text_and_balance() -> None:
    html = "<p>" + "<b>" * 5 + "x" + "</b>" * 5 + "<br>y</p>"
    cut, changed = limit_depth(html, 3)
    assert changed and cut == "<p><b><b>x</b></b><br>y</p>"
    assert limit_depth(html, 10) == (html, False)
