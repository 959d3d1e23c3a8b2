"""Links follow WeChat's rules: numbered references, mp.weixin.qq.com kept, anchors dropped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.render_helpers import render, tags

TEXT = (
    "Read [the docs](https://example.com/docs), [again](https://example.com/docs), "
    "[other](https://other.org) and [an article](https://mp.weixin.qq.com/s/abc).\n"
)


def test_external_links_become_numbered_references_listed_at_the_end(tmp_path: Path) -> None:
    html = render(TEXT, tmp_path).html
    assert [a.get("href") for n, a in tags(html) if n == "a"] == ["https://mp.weixin.qq.com/s/abc"]
    assert html.count("[1]</sup>") == 2 and html.count("[2]</sup>") == 1  # same URL, same number
    references = html[html.index("References") :]
    assert "[1] the docs: <em" in references and "https://example.com/docs" in references
    assert "[2] other: " in references and "mp.weixin" not in references


def test_keep_policy_and_wechat_pay_keep_real_links(tmp_path: Path) -> None:
    for options in ({"link_policy": "keep"}, {"wechat_pay": True}):
        html = render(TEXT, tmp_path, **options).html
        hrefs = [a["href"] for n, a in tags(html) if n == "a"]
        assert "https://other.org" in hrefs and "References" not in html


def test_strip_policy_keeps_only_the_text(tmp_path: Path) -> None:
    html = render(TEXT, tmp_path, link_policy="strip").html
    assert "[1]" not in html and "https://example.com" not in html and "the docs" in html


def test_in_page_anchor_is_dropped_with_a_warning_and_text_kept(tmp_path: Path) -> None:
    document = render("Intro\n\nSee [below](#usage).\n", tmp_path)
    assert "below" in document.html and "#usage" not in document.html
    assert document.warnings[0].line == 3 and "#usage" in document.warnings[0].message


def test_bare_urls_get_a_reference_number_like_other_links(tmp_path: Path) -> None:
    html = render("Visit https://example.com/x today, or <https://other.org>.\n", tmp_path).html
    assert "<a" not in html
    body, references = html.split("References")
    assert "https://example.com/x<sup" in body and "[1]</sup>" in body and "[2]</sup>" in body
    assert "[1] <em" in references and "https://example.com/x</em>" in references


def test_reference_number_sits_inside_the_link_colour(tmp_path: Path) -> None:
    html = render("[the docs](https://example.com/docs)\n", tmp_path).html
    link = html[html.index(">the docs") :]
    assert link.index("[1]</sup>") < link.index("</span>")


# GFM autolinks end before trailing punctuation, so the generated URLs end in a letter,
# digit or slash.
_URL_PATHS = st.text(st.sampled_from("abcxyz0189-_/."), max_size=12).filter(
    lambda path: not path.endswith((".", "_", "-"))
)


@settings(max_examples=60)
@given(
    path=_URL_PATHS,
    policy=st.sampled_from(["footnotes", "keep", "strip"]),
    form=st.sampled_from(["{url}", "<{url}>"]),
    host=st.sampled_from(["example.com", "mp.weixin.qq.com"]),
)
def test_a_bare_url_renders_as_the_link_to_itself(
    tmp_path_factory: pytest.TempPathFactory, path: str, policy: str, form: str, host: str
) -> None:
    """A bare URL (GFM autolink or ``<…>``) is exactly ``[url](url)``: same policy, same number."""
    root = tmp_path_factory.getbasetemp()
    url = f"https://{host}/{path}"
    bare = render(f"See {form.format(url=url)} now.\n", root, link_policy=policy).html
    text = url.replace("_", "\\_")  # literal text, not emphasis
    explicit = render(f"See [{text}]({url}) now.\n", root, link_policy=policy).html
    assert bare == explicit


def test_chinese_articles_title_the_references_in_chinese(tmp_path: Path) -> None:
    html = render("参见[文档](https://example.com)。\n", tmp_path).html
    assert "参考链接" in html


def test_javascript_links_never_become_links(tmp_path: Path) -> None:
    html = render("[x](javascript:alert(1)) [y](JAVASCRIPT:alert(1))\n", tmp_path).html
    assert "<a" not in html and "javascript:alert" not in "".join(str(a) for _, a in tags(html))


# Host labels and path text as writers type them: ASCII, Chinese, Japanese, spaces, escapes.
_LABELS = st.one_of(
    st.from_regex(r"[a-z][a-z0-9]{0,6}", fullmatch=True),
    st.text(st.sampled_from("微信中文维基百科テスト한국"), min_size=1, max_size=4),
)
_IRI_PATHS = st.text(st.sampled_from("ab1/-_.微信路径テ %?=#&é\u200f\u00a0"), max_size=12)


@settings(max_examples=200)
@given(labels=st.lists(_LABELS, min_size=1, max_size=3), tld=_LABELS, path=_IRI_PATHS)
def test_references_show_the_iri_a_reader_types_for_the_same_target(
    labels: list[str], tld: str, path: str
) -> None:
    """Shown form: no punycode label that decodes to letters, no escaped readable non-ASCII
    character; and it is the same URL (markdown-it normalises it back to the exact target)."""
    from markdown_it.common.normalize_url import normalizeLink

    from mdwx.render.links import display_url

    href = normalizeLink(f"https://{'.'.join([*labels, tld])}/{path}")
    shown = display_url(href)
    assert normalizeLink(shown) == href
    assert "xn--" not in shown.split("/")[2]
    for char in path:
        if not char.isascii() and char.isalpha():
            assert char in shown
    for invisible in ("\u200f", "\u00a0"):  # format and space characters stay visible as escapes
        assert invisible not in shown


@settings(max_examples=60)
@given(
    host=st.sampled_from(["example.com", "中文.中国", "xn--fiqs8s.xn--fiqs8s", "www.example.org"]),
    path=st.sampled_from(["", "/x", "/wiki/微信", "/a%20b", "/%E5%BE%AE"]),
    form=st.sampled_from(["{url}", "<{url}>", "[{url}]({url})"]),
)
def test_a_url_written_as_its_own_text_is_listed_once(host: str, path: str, form: str) -> None:
    url = ("" if host.startswith("www.") and form == "{url}" else "https://") + host + path
    html = render(f"See {form.format(url=url)} now.\n", Path("/nonexistent-site")).html
    entry = html[html.index("[1] ") :]
    entry = entry[: entry.index("</p>")]
    assert entry.startswith("[1] <em") and "xn--" not in entry and "%E5" not in entry


_WIDE_BEFORE = st.sampled_from(["博客：", "中文", "见", "（", "「", "。", "、", "テスト"])
_AFTER = st.sampled_from(["", " ", "，欢迎", "。", "）", "」", "、下一句", "！"])


@settings(max_examples=80)
@given(
    before=_WIDE_BEFORE,
    after=_AFTER,
    target=st.sampled_from(
        [
            ("https://a.example.com/x", "https://a.example.com/x"),
            ("http://b.example.cn", "http://b.example.cn"),
            ("www.c.example.com/p", "http://www.c.example.com/p"),
            ("first_last@example.com", "mailto:first_last@example.com"),
            ("x.y@example.org", "mailto:x.y@example.org"),
        ]
    ),
    place=st.sampled_from(["{}\n", "- {}\n", "> {}\n", "| a |\n|---|\n| {} |\n"]),
)
def test_a_bare_url_after_chinese_text_gets_its_number_and_ends_before_wide_punctuation(
    before: str, after: str, target: tuple[str, str], place: str
) -> None:
    written, href = target
    html = render(place.format(before + written + after), Path("/nonexistent-site")).html
    assert f"{written}<sup" in html, html
    body, references = re.split("参考链接|References", html)
    assert "[1] <em" in references and f"{href}</em>" in references
    assert after.strip() in body


@settings(max_examples=60)
@given(
    local=st.from_regex(r"[a-z0-9]{1,5}(_{1,2}[a-z0-9]{1,5}){1,3}", fullmatch=True),
    before=st.sampled_from(["", "mail ", "(", "邮箱："]),
)
def test_an_underscore_in_an_address_keeps_the_whole_address(local: str, before: str) -> None:
    html = render(f"{before}{local}@example.com\n", Path("/nonexistent-site")).html
    assert f">{local}@example.com<sup" in html and f"mailto:{local}@example.com</em>" in html


@settings(max_examples=60)
@given(
    target=st.sampled_from(
        [
            "javascript:alert(1)",
            "JavaScript:void(0)",
            "vbscript:msgbox",
            "file:///etc/passwd",
            "data:text/html,hi",
        ]
    ),
    form=st.sampled_from(["[the text]({t})", '[the text]({t} "title")', "**[the text]({t})**"]),
    place=st.sampled_from(
        ["{}\n", "- {}\n", "> {}\n", "| a |\n|---|\n| {} |\n", "1. x\n   - {}\n"]
    ),
)
def test_an_unsafe_link_is_dropped_with_a_warning_and_its_text_kept(
    target: str, form: str, place: str
) -> None:
    document = render(place.format(form.format(t=target)), Path("/nonexistent-site"))
    assert "the text" in document.html and target.split(":")[0].lower() not in document.html.lower()
    assert [w.code for w in document.warnings] == ["unsafe-link"]
    assert (
        document.warnings[0].line == place.count("\n", 0, place.index("{}")) + 1
    )  # the link's own line
