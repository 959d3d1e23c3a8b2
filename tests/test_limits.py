"""WeChat's real size limit: bytes of UTF-8 (hard), visible text (a warning only).

Public evidence (docs/limits.md): styled HTML of 26,200 / 44,769 / 63,325 / 150,209 and
183,914 characters was accepted by draft/add, and 45002 came between about 682 and 691 KB of
UTF-8. So no real article may be refused for its character count, ``build`` writes even an
oversized post (and says so), and check's counts are what content.html measures.
"""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.build import build_post, check_post
from mdwx.config import Limits
from mdwx.render.limits import check_content, text_chars, text_warning, visible_text
from mdwx.source.gate import collect_posts
from tests.cli_helpers import mdwx
from tests.factories import save_picture

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "bench" / "corpus"
FILES = sorted(CORPUS.glob("*.md")) if CORPUS.is_dir() else []


def _write_post(
    folder: Path, body: str, name: str = "post.md", front: str = "title: T\ncover: cover.png\n"
) -> Path:
    save_picture(folder / "cover.png", (900, 383), (20, 120, 80))
    path = folder / name
    path.write_text(f"---\n{front}---\n\n{body}", encoding="utf-8")
    return path


def _independent_text_count(html: str) -> int:
    """Visible characters measured apart from mdwx: html.parser text, white space folded; a
    block or line break separates words, an inline element (a coloured token, ``[1]``) does not."""
    from html.parser import HTMLParser

    inline = {
        "span",
        "strong",
        "em",
        "b",
        "i",
        "u",
        "s",
        "del",
        "ins",
        "mark",
        "code",
        "sup",
        "sub",
        "a",
        "small",
        "kbd",
        "q",
        "abbr",
        "cite",
        "samp",
        "var",
    }

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []

        def handle_data(self, data: str) -> None:
            self.parts.append(data)

        def handle_starttag(self, tag: str, attrs: object) -> None:
            self.parts.append("" if tag in inline else " ")

        def handle_endtag(self, tag: str) -> None:
            self.parts.append("" if tag in inline else " ")

    parser = Text()
    parser.feed(html)
    parser.close()
    return len(" ".join("".join(parser.parts).split()))


def test_defaults_are_utf8_bytes_hard_and_visible_text_soft() -> None:
    assert Limits().content_bytes == 600_000 and Limits().content_chars == 20_000


@pytest.mark.parametrize("chars", [26_200, 44_769, 63_325, 150_209, 183_914])
def test_html_sizes_wechat_accepted_live_pass(chars: int) -> None:
    html = "<section>" + "<p>" + "x" * (chars - 20) + "</p></section>"
    assert check_content(html, Limits()) == []


def test_over_the_byte_limit_is_refused_with_the_byte_count() -> None:
    html = "<p>" + "汉" * 200_001 + "</p>"  # 600,010 bytes, 200,008 characters
    [problem] = check_content(html, Limits())
    assert "600,010 bytes of UTF-8, 10 over the limit of 600,000" in problem


def test_long_visible_text_is_a_warning_with_its_count() -> None:
    html = "<p>" + "字" * 20_001 + "</p>"
    warning = text_warning(html, Limits())
    assert warning is not None and "20,001 characters" in warning
    assert text_warning(html, Limits(content_chars=0)) is None
    assert check_content(html, Limits()) == []


def test_visible_text_ignores_tags_attributes_and_alt() -> None:
    html = '<section style="x"><p>a&amp;b<br>c</p><img src="u" alt="hidden"><p>d</p></section>'
    assert visible_text(html) == "a&b c d"


@settings(max_examples=60)
@given(
    st.lists(
        st.sampled_from(
            [
                "word",
                "汉字",
                "**bold**",
                "`co de`",
                "a &amp; b",
                "[link](https://e.com)",
                "\n",
                "\n\n",
                "- item\n",
                "> quote\n",
                "| a | b |\n|---|---|\n| 1 | 2 |\n",
                "```\ncode  x\n```\n",
                "$x^2$",
                "<span>raw</span>",
            ]
        ),
        min_size=1,
        max_size=25,
    )
)
def test_check_counts_what_content_html_measures(tmp_path: Path, pieces: list[str]) -> None:
    body = " ".join(pieces) + "\n"
    post = _write_post(tmp_path / "site", body)
    [item] = collect_posts([post])
    checked = check_post(item)
    built = build_post(item, tmp_path / "out")
    if checked.error is not None and "no body text" in str(checked.error):
        assert built.error is not None and "no body text" in str(built.error)
        return
    assert checked.error is None and built.error is None, (checked.error, built.error)
    content = (tmp_path / "out" / "post" / "content.html").read_text("utf-8")
    assert checked.content_chars == built.content_chars == text_chars(content)
    assert checked.content_chars == _independent_text_count(content)
    assert checked.content_bytes == built.content_bytes


def test_build_writes_an_oversized_post_and_exits_1(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "mdwx.toml").parent.mkdir(parents=True)
    (site / "mdwx.toml").write_text("[limits]\ncontent_bytes = 5000\n", encoding="utf-8")
    post = _write_post(site, "\n\n".join(f"paragraph {i} " + "text " * 20 for i in range(60)))
    result = mdwx("build", str(post), "-o", str(tmp_path / "out"), "--json")
    assert result.returncode == 1, result.stderr
    [report] = json.loads(result.stdout)["posts"]
    assert not report["ok"] and "over the limit of 5,000" in report["error"]["message"]
    assert (tmp_path / "out" / "post" / "content.html").is_file()
    assert report["outputs"] and report["content_bytes"] > 5000
    check = mdwx("check", str(post))
    assert check.returncode == 1 and "over the limit of 5,000" in check.stderr
    assert "Traceback" not in check.stderr + result.stderr


def _corpus_site(tmp_path: Path, source: Path) -> Path:
    """A temp site holding one corpus article (front matter added), a cover and every local
    picture it references (tiny PNGs, SVGs for .svg)."""
    from mdwx.config import SiteConfig
    from mdwx.render import render_article
    from mdwx.source.model import Article

    site = tmp_path / "site"
    body = source.read_text("utf-8")
    post = _write_post(
        site, body, name=source.name, front=f"title: {json.dumps(source.stem)}\ncover: cover.png\n"
    )
    article = Article(path=post, title=source.stem, body=body, body_line=5, slug=source.stem)
    for asset in render_article(article, SiteConfig(root=site)).assets:
        if asset.local_path is None or asset.kind.value == "formula":
            continue
        if asset.local_path.suffix.lower() == ".svg":
            asset.local_path.parent.mkdir(parents=True, exist_ok=True)
            asset.local_path.write_text(
                '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
            )
        else:
            save_picture(asset.local_path, (16, 16), (200, 30, 30), fmt="PNG")
    return post


@pytest.mark.skipif(not FILES, reason=f"benchmark corpus not found at {CORPUS}")
@pytest.mark.parametrize("source", FILES, ids=lambda p: p.name)
def test_corpus_article_builds_with_default_limits(tmp_path: Path, source: Path) -> None:
    post = _corpus_site(tmp_path, source)
    report = build_post(collect_posts([post])[0], tmp_path / "out")
    assert report.error is None, report.error
    content = (tmp_path / "out" / report.slug / "content.html").read_text("utf-8")
    assert report.content_chars == text_chars(content)
    assert not re.search(r"over the limit", " ".join(report.warnings))
    assert unescape(content)  # written, non-empty
