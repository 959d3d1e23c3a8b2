"""Callout titles follow the article's language; GitHub alerts take a custom title."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.config import SiteConfig
from mdwx.markdown.callouts import TITLES
from mdwx.render import render_article
from mdwx.render.language import detect_language
from mdwx.source.article import read_article_text
from tests.render_helpers import render

KINDS = ["note", "tip", "important", "warning", "caution"]
CHINESE = "这是一段中文正文，讲的是如何把文章发布到公众号。"
ENGLISH = "This is an English paragraph about publishing articles."
_TITLE = re.compile(r'<p style="[^"]*font-weight:700[^"]*">(.*?)</p>')


def _titles(html: str) -> list[str]:
    return _TITLE.findall(html)


@settings(max_examples=80)
@given(
    kind=st.sampled_from(KINDS),
    form=st.sampled_from(["> [!{K}]\n> {body}\n", "!!! {k}\n    {body}\n"]),
    body=st.sampled_from([CHINESE, ENGLISH]),
    nest=st.sampled_from(["", "- item\n\n  "]),
)
def test_a_default_title_is_in_the_detected_language(
    kind: str, form: str, body: str, nest: str
) -> None:
    block = form.format(K=kind.upper(), k=kind, body=body)
    if nest:
        block = nest + block.replace("\n", "\n  ").rstrip() + "\n"
    html = render(f"{body}\n\n{block}", Path("/nonexistent-site")).html
    family = "zh" if body == CHINESE else "en"
    assert _titles(html) == [TITLES[family][kind]]


@settings(max_examples=60)
@given(
    kind=st.sampled_from(KINDS),
    title=st.sampled_from(["小技巧", "Read this first", "注意 **安全**"]),
    fold=st.sampled_from(["", "-", "+"]),
    case=st.sampled_from([str.upper, str.lower, str.title]),
    more=st.booleans(),
)
def test_an_alert_takes_a_custom_title(kind: str, title: str, fold: str, case, more: bool) -> None:
    text = f"> [!{case(kind)}]{fold} {title}\n" + ("> 正文\n" if more else "")
    html = render(text, Path("/nonexistent-site")).html
    shown = [re.sub(r"<[^>]+>", "", t) for t in _titles(html)]
    assert shown == [title.replace("**", "")]
    assert "[!" not in html and ("正文" in html) is more


@pytest.mark.parametrize(
    ("front", "site", "expected"),
    [
        ("lang: en\n", "", "en"),
        ("lang: zh-CN\n", "en", "zh"),
        ("", "zh-TW", "zh"),
        ("", "en", "en"),
        ("", "", "zh"),
    ],
)
def test_lang_in_front_matter_or_site_config_decides(
    tmp_path: Path, front: str, site: str, expected: str
) -> None:
    config = SiteConfig(root=tmp_path, lang=site)
    article = read_article_text(
        f"---\ntitle: T\n{front}---\n\n{CHINESE}\n\n> [!TIP]\n> x\n", tmp_path / "p.md", config
    )
    html = render_article(article, config).html
    assert _titles(html) == [TITLES[expected]["tip"]]


def test_admonition_and_container_titles_of_their_own_are_kept() -> None:
    html = render(
        f'{CHINESE}\n\n!!! note "Keep me"\n    x\n\n::: tip 我的标题\ny\n:::\n',
        Path("/nonexistent-site"),
    ).html
    assert _titles(html) == ["Keep me", "我的标题"]


@given(han=st.integers(0, 60), latin=st.integers(0, 120), kana=st.integers(0, 20))
def test_detected_language_is_chinese_only_when_han_characters_dominate(
    han: int, latin: int, kana: int
) -> None:
    # A Han character is about a word; a Latin word is a run of letters.
    text = "中" * han + " word" * latin + "の" * kana
    expected = "zh" if han and kana * 5 <= han and han >= latin else "en"
    assert detect_language(text) == expected
