"""The sample site renders exactly as reviewed, stays WeChat-safe, and uses every feature.

Each ``tests/golden/<slug>.html`` is the ``content`` HTML of one sample post, looked at in
a browser before it was committed. A renderer change that alters any of them must be a
deliberate one: regenerate with ``MDWX_UPDATE_GOLDEN=1 pytest tests/test_golden.py`` and
review the diff.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import pytest

from mdwx.document import AssetKind, Document
from mdwx.render import check_content, render_article
from mdwx.source.article import read_article
from mdwx.source.model import Article
from mdwx.source.site import load_config
from tests.test_corpus import safety_problems

SITE = Path(__file__).resolve().parents[1] / "sample-site"
POSTS = sorted((SITE / "posts").glob("*.md"))
GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("MDWX_UPDATE_GOLDEN") == "1"


@cache
def rendered(path: Path) -> tuple[Article, Document]:
    config = load_config(path)
    article = read_article(path.resolve(), config)
    return article, render_article(article, config)


def _first_difference(actual: str, expected: str) -> str:
    index = next(
        (i for i, (a, b) in enumerate(zip(actual, expected, strict=False)) if a != b),
        min(len(actual), len(expected)),
    )
    return (
        f"first difference at character {index} (lengths {len(actual)} vs {len(expected)}):\n"
        f"  rendered: {actual[max(0, index - 80) : index + 80]!r}\n"
        f"  golden:   {expected[max(0, index - 80) : index + 80]!r}"
    )


@pytest.mark.parametrize("path", POSTS, ids=lambda p: p.stem)
def test_post_matches_golden(path: Path) -> None:
    article, document = rendered(path)
    golden = GOLDEN / f"{article.slug}.html"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(document.html, encoding="utf-8", newline="")
    assert golden.is_file(), (
        f"no golden for {path.name}: run MDWX_UPDATE_GOLDEN=1 pytest {__file__}"
    )
    expected = golden.read_text(encoding="utf-8")
    assert document.html == expected, _first_difference(document.html, expected)


def test_every_golden_belongs_to_a_post() -> None:
    """A renamed post must not leave a stale golden behind that nothing checks any more."""
    slugs = {rendered(path)[0].slug for path in POSTS}
    assert {golden.stem for golden in GOLDEN.glob("*.html")} == slugs


@pytest.mark.parametrize("path", POSTS, ids=lambda p: p.stem)
def test_post_fits_wechat_limits_and_rules(path: Path) -> None:
    article, document = rendered(path)
    config = load_config(path)
    assert check_content(document.html, config.limits) == []
    assert len(document.html.encode("utf-8")) < config.limits.content_bytes
    assert safety_problems(document.html, config.link_policy) == []


def _site_html() -> str:
    return "\n".join(rendered(path)[1].html for path in POSTS)


def test_sample_site_uses_every_asset_kind() -> None:
    assets = [asset for path in POSTS for asset in rendered(path)[1].assets]
    assert {asset.kind for asset in assets} == set(AssetKind)
    images = [a for a in assets if a.kind is AssetKind.IMAGE]
    suffixes = {Path(a.source).suffix.lower() for a in images if not a.is_remote}
    assert {".png", ".jpg", ".webp", ".gif", ".svg"} <= suffixes
    assert any(a.is_remote for a in images), "the site must exercise remote image fetching"
    assert any(a.display for a in assets if a.kind is AssetKind.FORMULA)
    assert any(not a.display for a in assets if a.kind is AssetKind.FORMULA)


def test_sample_site_uses_every_wechat_construct() -> None:
    html = _site_html()
    for marker in (
        "<mp-miniprogram",  # card
        'data-miniprogram-appid="wx0123456789abcdef"',
        'href=""',  # text and image links into the mini-program
        'class="video_iframe rich_pages"',
        'href="https://mp.weixin.qq.com/',  # the one kind of link WeChat keeps
        "<table",
        "&nbsp;",  # code indentation survives
    ):
        assert marker in html, marker


def test_sample_site_front_matter_covers_every_option() -> None:
    articles = [rendered(path)[0] for path in POSTS]
    assert {a.comments for a in articles} == {"open", "fans", "closed"}
    assert any(a.cover is None for a in articles), "one post must fall back to default_cover"
    assert any(a.show_cover_pic for a in articles)
    assert any(a.source_url for a in articles)
    assert any(a.video.cover and a.video.tags for a in articles)
    site_theme = load_config(SITE).theme
    assert any(a.theme != site_theme for a in articles), "one post must override the theme"
