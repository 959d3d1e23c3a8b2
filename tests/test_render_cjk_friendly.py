"""CJK-friendly emphasis: the specification's examples, the issue's, and properties over text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from mdwx.config import SiteConfig
from mdwx.markdown.cjk_friendly import is_cjk, plugin
from mdwx.render import render_markdown

CASES_FILE = Path(__file__).parent / "data" / "cjk_friendly_cases.txt"


def spec_cases() -> list[tuple[str, str, str]]:
    """(group, markdown, expected html) from the test data file (format in its header)."""
    cases, group, markdown = [], "", None
    for line in CASES_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            group = line[1 : line.index("]")]
        elif line.startswith("md: "):
            markdown = line[4:]
        elif line.startswith("html: "):
            assert markdown is not None, line
            cases.append((group, markdown, line[6:]))
            markdown = None
    return cases


def parser(*, single_tilde: bool = False, cjk: bool = True) -> MarkdownIt:
    md = MarkdownIt("commonmark").enable("strikethrough")
    md.options["strikethrough_single_tilde"] = single_tilde
    return md.use(plugin) if cjk else md


CJK_MD = parser()
CASES = spec_cases()


def test_the_data_file_holds_every_group_of_the_specification() -> None:
    groups = {group for group, _, _ in CASES}
    assert groups == {
        "strong",
        "korean",
        "pseudo-emoji",
        "non-bmp",
        "underscore-cjk-punct",
        "gfm-strikethrough",
        "readme",
    }
    assert len(CASES) >= 120


@pytest.mark.parametrize(
    ("group", "markdown", "expected"), CASES, ids=[f"{g}-{i}" for i, (g, _, _) in enumerate(CASES)]
)
def test_specification_examples(group: str, markdown: str, expected: str) -> None:
    assert CJK_MD.render(markdown).rstrip("\n") == expected


@pytest.mark.parametrize(
    ("markdown", "strong"),
    [
        ("**症状特点：**头晕乏力。", "症状特点："),
        ("正因为**风险已经存在。**所以要小心。", "风险已经存在。"),
        ("这是一个**“关键问题”**需要注意", "“关键问题”"),
    ],
)
def test_issue_examples_render_bold_in_mdwx(markdown: str, strong: str) -> None:
    html = render_markdown(markdown, SiteConfig(root=Path("/site"))).html
    assert re.findall(r"<strong[^>]*>(.*?)</strong>", html) == [strong]
    assert "*" not in html


@pytest.mark.parametrize(
    ("markdown", "tag", "inner"),
    [
        ("中文*强调，*后文", "em", "强调，"),
        ("中文：_「强调」_，后文", "em", "「强调」"),
        ("中文~~删除。~~后文", "s", "删除。"),
        ("中文~删除。~后文", "s", "删除。"),
    ],
)
def test_emphasis_and_strikethrough_of_every_marker(markdown: str, tag: str, inner: str) -> None:
    html = render_markdown(markdown, SiteConfig(root=Path("/site"))).html
    assert re.findall(rf"<{tag}(?: [^>]*)?>(.*?)</{tag}>", html) == [inner]


def test_cjk_classification_follows_the_specification() -> None:
    assert all(is_cjk(ord(c)) for c in "中あア한，。「」（）！～ｱ〰〽🈂㊗𠮟")
    assert not any(is_cjk(ord(c)) for c in "aZ9 *_~“”‘’«»∇é😀👍\ufe00\U000e0100")


# Text without CJK characters or variation selectors: delimiters, ASCII and Unicode
# punctuation, letters, spaces and line breaks in every order.
NON_CJK = st.text(
    alphabet=st.sampled_from(list("*_~ab \n.,!?()[]\"'`\\#-:;«»“”‘’∇é€$™\u00a0\u2003")), max_size=40
)


@settings(max_examples=300)
@given(NON_CJK, st.booleans())
def test_text_without_cjk_renders_exactly_as_commonmark(text: str, single_tilde: bool) -> None:
    stock = parser(single_tilde=single_tilde, cjk=False)
    assert parser(single_tilde=single_tilde).render(text) == stock.render(text)


HAN = st.sampled_from(
    list("中文风险已经存在症状特点头晕乏力关键问题需要注意你好世界こんにちはカタ한국어")
)
FULLWIDTH_PUNCT = st.sampled_from(list("，。、；：？！「」『』（）【】《》〈〉～…·“”"))
EDGE = st.one_of(HAN, FULLWIDTH_PUNCT)
INNER = st.text(
    alphabet=st.one_of(HAN, FULLWIDTH_PUNCT, st.sampled_from(list("ab1 .-"))), max_size=8
)


@settings(max_examples=150)
@given(st.text(alphabet=HAN, max_size=3), EDGE, INNER, EDGE, st.text(alphabet=EDGE, max_size=3))
def test_cjk_text_wrapped_in_double_asterisks_is_bold(
    before: str, first: str, inner: str, last: str, after: str
) -> None:
    bold = f"{first}{inner}{last}".replace("  ", " ")
    html = render_markdown(f"{before}**{bold}**{after}", SiteConfig(root=Path("/site"))).html
    assert re.findall(r"<strong[^>]*>(.*?)</strong>", html) == [bold]
    assert "**" not in html
