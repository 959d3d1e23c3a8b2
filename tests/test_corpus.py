"""Every real-world article of the benchmark corpus renders, and the result is WeChat-safe.

This goes through ``render_article`` (references list, header and footer slots) and checks
with a scanner written apart from the renderer's own sanitiser, so a rule both forget
cannot pass unnoticed.

The corpus (``../shared/bench/corpus``, articles written by other people for other
renderers) is the best available stand-in for what users will feed mdwx. The checks here
are the rules WeChat's editor enforces (see WECHAT-FACTS): anything they flag would be
stripped, rewritten or rejected on upload. They look at real tags and attributes, parsed
with :mod:`html.parser`, so text that merely *mentions* ``class=`` inside a code block
does not count.
"""

from __future__ import annotations

import functools
import importlib.util
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType

import pytest

from mdwx.config import SiteConfig
from mdwx.render import render_article
from mdwx.source.model import Article

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "bench" / "corpus"
FILES = sorted(CORPUS.glob("*.md")) if CORPUS.is_dir() else []
BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"

FORBIDDEN_TAGS = {"style", "script", "div", "input", "form", "link", "meta", "video", "svg"}
MP_ARTICLE_HOSTS = ("https://mp.weixin.qq.com/", "http://mp.weixin.qq.com/")
VIDEO_IFRAME_CLASS = "video_iframe rich_pages"  # the contract's exact video markup


class _SafetyScanner(HTMLParser):
    """Collects every WeChat-rule violation of the tags and attributes of one document."""

    def __init__(self, link_policy: str) -> None:
        super().__init__(convert_charrefs=True)
        self.link_policy = link_policy
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        where = f"<{tag} {' '.join(f'{n}={v!r}' for n, v in values.items())[:120]}>"
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"forbidden tag {where}")
        for name, value in values.items():
            self._check_attribute(tag, name, value, where)
        if tag == "img" and not values.get("src", "").startswith("mdwx-asset:"):
            self.problems.append(f"image src is not an mdwx-asset placeholder: {where}")
        if tag == "a" and "href" in values:
            self._check_href(values, where)

    handle_startendtag = handle_starttag

    def _check_attribute(self, tag: str, name: str, value: str, where: str) -> None:
        if name == "id" or (
            name == "class" and not (tag == "iframe" and value == VIDEO_IFRAME_CLASS)
        ):
            self.problems.append(f"{name} attribute (WeChat strips it): {where}")
        if name.startswith("on"):
            self.problems.append(f"event handler attribute: {where}")
        if "javascript:" in value.replace(" ", "").lower():
            self.problems.append(f"javascript: URL: {where}")
        if name == "style" and "var(--" in value.replace(" ", ""):
            self.problems.append(f"CSS variable in style: {where}")

    def _check_href(self, values: dict[str, str], where: str) -> None:
        href = values["href"]
        if href == "" and "data-miniprogram-appid" in values:
            return
        if href.startswith(MP_ARTICLE_HOSTS):
            return
        if self.link_policy == "keep" and href.startswith(("http://", "https://")):
            return
        self.problems.append(f"link WeChat would reject: {where}")


def safety_problems(html: str, link_policy: str = "footnotes") -> list[str]:
    """The list of WeChat-rule violations in ``html`` (empty when it is safe to upload)."""
    scanner = _SafetyScanner(link_policy)
    scanner.feed(html)
    scanner.close()
    return scanner.problems


def test_scanner_flags_each_violation() -> None:
    """The checker itself must catch what it claims to, or a green corpus run means nothing."""
    bad = (
        '<style>p{}</style><div class="x" id="y"><p onclick="f()" style="color:var(--c)">'
        '<a href="https://example.com/">e</a><a href="#top">t</a><a href="javascript:alert(1)">j</a>'
        '<img src="https://example.com/a.png"></p></div>'
    )
    problems = " | ".join(safety_problems(bad))
    for expected in (
        "forbidden tag <style",
        "forbidden tag <div",
        "class attribute",
        "id attribute",
        "event handler",
        "CSS variable",
        "https://example.com/'>",
        "#top",
        "javascript: URL",
        "not an mdwx-asset placeholder",
    ):
        assert expected in problems


def test_scanner_accepts_wechat_markup() -> None:
    good = (
        '<section style="color:#333"><p>class=&quot;x&quot; onclick=</p>'
        '<a href="https://mp.weixin.qq.com/s/abc">ok</a>'
        '<a data-miniprogram-appid="wx0123456789abcdef" data-miniprogram-path="p" href="">mp</a>'
        '<img src="mdwx-asset:i0123456789ab" style="width:100%">'
        '<iframe class="video_iframe rich_pages" data-vidtype="2" data-mpvid="mdwx-asset:v1"></iframe>'
        "</section>"
    )
    assert safety_problems(good) == []


@pytest.mark.skipif(not FILES, reason=f"benchmark corpus not found at {CORPUS}")
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_corpus_article_renders_wechat_safe(path: Path) -> None:
    # The file is the body as is: these articles were not written with front matter for mdwx
    # (one opens with a ``---`` rule that a front matter reader rightly refuses).
    config = SiteConfig(root=CORPUS)
    article = Article(
        path=path, title=path.stem, body=path.read_text("utf-8"), body_line=1, slug=path.stem
    )
    document = render_article(article, config)
    assert document.html.strip()
    assert safety_problems(document.html, config.link_policy) == []


@functools.cache
def _corpus_gen() -> ModuleType:
    """``benchmarks/corpus_gen.py``, imported by path (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location("corpus_gen", BENCHMARKS / "corpus_gen.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@functools.cache
def _generated() -> list[tuple[str, str]]:
    return list(_corpus_gen().generate())


def test_generated_corpus_is_deterministic_and_sized_as_promised() -> None:
    posts = _generated()
    assert posts == list(_corpus_gen().generate())
    assert len(posts) >= 200
    sizes = [len(text.encode()) for _, text in posts]
    assert min(sizes) >= 2 * 1024
    assert max(sizes) <= 60 * 1024


@pytest.mark.parametrize("index", range(0, 200, 8))
def test_generated_post_renders_wechat_safe(index: int, tmp_path: Path) -> None:
    name, text = _generated()[index]
    config = SiteConfig(root=tmp_path)
    article = Article(path=tmp_path / name, title=name, body=text, body_line=1, slug=name)
    assert safety_problems(render_article(article, config).html) == []
