"""Themes, the article entry point with header/footer, content limits and the preview page."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.config import Limits, SiteConfig
from mdwx.errors import ConfigError
from mdwx.render import check_content, preview_page, render_article, render_markdown, theme_names
from mdwx.source.model import Article
from tests.render_helpers import render, unsafe_markup

SAMPLE = "# Title\n\nText with **bold** and `code`.\n\n> quote\n\n- item\n"


def article(tmp_path: Path, body: str = SAMPLE, **fields: object) -> Article:
    values: dict = {
        "title": "My post",
        "slug": "my-post",
        "author": "Ann",
        "body": body,
        "body_line": 5,
    }
    values.update(fields)
    return Article(path=tmp_path / "posts" / "my-post.md", **values)


def test_built_in_themes_ship_and_load_to_literal_css() -> None:
    from mdwx.render.themes import load_theme

    names = theme_names()
    assert {"default", "github", "elegant"} <= set(names) and len(names) >= 8
    for name in names:
        css = load_theme(name).css  # variables resolved: WeChat drops CSS variables
        assert (
            "var(" not in css and "--" not in css and "position" not in css and ":hover" not in css
        )


def test_themes_render_differently_and_readably(tmp_path: Path) -> None:
    outputs = {
        name: render_markdown(SAMPLE, SiteConfig(root=tmp_path), theme=name).html
        for name in theme_names()
    }
    assert len(set(outputs.values())) == len(outputs)
    for html in outputs.values():
        root = re.match(r'<section style="([^"]*)"', html).group(1)
        assert (
            re.search(r"font-size:1[56]px", root)
            and re.search(r"line-height:1\.[6-9]", root)
            and "color:#" in root
        )
        assert unsafe_markup(html) == []


def test_unknown_theme_is_a_config_error_naming_the_known(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        render("x", tmp_path, theme="neon")
    assert (
        "neon" in str(caught.value)
        and "default" in str(caught.value)
        and "github" in str(caught.value)
    )


def test_post_theme_overrides_the_site_theme(tmp_path: Path) -> None:
    config = SiteConfig(root=tmp_path, theme="github")
    site = render_article(article(tmp_path), config).html
    own = render_article(
        article(tmp_path, theme="elegant", front_matter={"theme": "elegant"}), config
    ).html
    assert site == render_markdown(SAMPLE, config).html
    assert "serif" in own[:300] and site != own


def test_lines_in_messages_are_file_lines(tmp_path: Path) -> None:
    document = render_article(
        article(tmp_path, body="x\n\n```nosuchlang\ny\n```\n"), SiteConfig(root=tmp_path)
    )
    assert document.warnings[0].line == 7 and document.warnings[0].path.endswith("my-post.md")


def test_header_and_footer_templates_wrap_the_article(tmp_path: Path) -> None:
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "header.md").write_text(
        "Written by **{author}**: {title} {unknown}\n", "utf-8"
    )
    (tmp_path / "t" / "footer.md").write_text(
        "![QR](qr.png){width=120} [Site](https://a.org)\n", "utf-8"
    )
    config = SiteConfig(root=tmp_path, header="t/header.md", footer="t/footer.md")
    document = render_article(article(tmp_path, body="Body [x](https://b.org)\n"), config)
    html = document.html
    # The references list belongs to the article: it comes before the site footer.
    assert (
        html.index("Written by") < html.index("Body") < html.index("References") < html.index("QR")
    )
    assert "Ann</strong>: My post {unknown}" in html
    assert document.assets[0].local_path == tmp_path / "t" / "qr.png"
    assert "[2] Site" in html  # footer links share the article's numbering


def test_header_is_reread_when_the_file_changes(tmp_path: Path) -> None:
    header = tmp_path / "h.md"
    header.write_text("Old\n", "utf-8")
    config = SiteConfig(root=tmp_path, header="h.md")
    assert "Old" in render_article(article(tmp_path), config).html
    header.write_text("New\n", "utf-8")
    stat = header.stat()
    os.utime(header, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert "New" in render_article(article(tmp_path), config).html


def test_missing_header_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        render_article(article(tmp_path), SiteConfig(root=tmp_path, header="nope.md"))


def test_check_content_accepts_a_normal_post(tmp_path: Path) -> None:
    assert check_content(render("Hello\n", tmp_path).html, Limits()) == []


def test_check_content_limits_utf8_bytes_and_names_the_largest_block(tmp_path: Path) -> None:
    code = "\n".join(f"line_{i} = {i}" for i in range(600))
    html = render(f"Intro\n\n```python\n{code}\n```\n\nOutro\n", tmp_path).html
    size = len(html.encode("utf-8"))
    assert check_content(html, Limits()) == []  # far more than 20,000 characters: fine
    [problem] = check_content(html, Limits(content_bytes=size - 10))
    assert f"content is {size:,} bytes of UTF-8, 10 over the limit of {size - 10:,}" in problem
    assert (
        "the largest block is the code block #2 of 3" in problem
        and 'starting "line_0 = 0' in problem
    )


def test_check_content_counts_utf8_bytes_not_characters(tmp_path: Path) -> None:
    problems = check_content(
        "<p>" + "汉" * 400 + "</p>", Limits(content_chars=10, content_bytes=1000)
    )
    assert problems == [
        "content is 1,207 bytes of UTF-8, 207 over the limit of 1,000 "
        "(limits.content_bytes); the largest block is the paragraph #1 of 1 "
        '(1,207 bytes), starting "' + "汉" * 40 + '"'
    ]


def test_preview_page_frames_the_article_at_phone_width(tmp_path: Path) -> None:
    page = preview_page(
        article(tmp_path, digest="Short <summary>"),
        "<section>BODY</section>",
        SiteConfig(root=tmp_path),
    )
    assert page.startswith("<!DOCTYPE html>") and "width: 390px" in page
    assert "<h1>My post</h1>" in page and "Ann" in page and "Short &lt;summary&gt;" in page
    assert '<section data-dm="0">BODY</section>' in page and "dark" in page  # marked for dark mode


def test_each_theme_knows_its_code_block_colour() -> None:
    from mdwx.render.themes import load_theme

    colours = {name: load_theme(name).code_colour for name in theme_names()}
    assert colours["default"] == "#f8f8f2"
    assert all(colour and colour.startswith("#") for colour in colours.values())


@settings(max_examples=40)
@given(
    body=st.lists(
        st.sampled_from(
            [
                "# 标题",
                "正文 **粗体** 和 `code`。",
                "- 列表\n- 项",
                "> 引用",
                "```python\nprint('x')\n```",
                "| a | b |\n|---|---|\n| 1 | 2 |",
                "[链接](https://example.com)",
            ]
        ),
        min_size=1,
        max_size=6,
    )
)
def test_static_preview_counts_the_visible_text_the_same_in_every_theme(
    tmp_path_factory: pytest.TempPathFactory, body: list[str]
) -> None:
    """The figure is the text a reader sees (as ``check`` counts it), not the markup's length."""
    from mdwx.render.limits import text_chars

    root = tmp_path_factory.mktemp("site")
    counts = set()
    for theme in theme_names():
        html = render_markdown("\n\n".join(body) + "\n", SiteConfig(root=root), theme=theme).html
        page = preview_page(article(root), html, SiteConfig(root=root))
        shown = int(
            re.search(r"<span>([\d,]+) (?:characters|字)</span>", page).group(1).replace(",", "")
        )
        assert shown == text_chars(html) < len(html)
        counts.add(shown)
    assert len(counts) == 1


@pytest.mark.parametrize(
    ("body", "front", "expected"),
    [
        ("这是一篇中文文章，讲发布。", {}, ("字", "深色模式", 'lang="zh"')),
        ("An English article.", {}, ("characters", "dark mode", 'lang="en"')),
        ("An English article.", {"lang": "zh-CN"}, ("字", "深色模式", 'lang="zh-CN"')),
    ],
)
def test_static_preview_speaks_the_article_language(
    tmp_path: Path, body: str, front: dict, expected: tuple
) -> None:
    page = preview_page(
        article(tmp_path, body=body, front_matter=front), "<p>x</p>", SiteConfig(root=tmp_path)
    )
    assert all(word in page for word in expected)
