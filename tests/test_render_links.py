"""Links follow WeChat's rules: numbered references, mp.weixin.qq.com kept, anchors dropped."""

from __future__ import annotations

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
@given(path=_URL_PATHS, policy=st.sampled_from(["footnotes", "keep", "strip"]),
       form=st.sampled_from(["{url}", "<{url}>"]), host=st.sampled_from(["example.com", "mp.weixin.qq.com"]))
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
