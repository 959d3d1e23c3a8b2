"""CSS functions that load pictures other than ``url()`` — ``image-set('https://…' 1x)``,
``-webkit-image-set``, ``image()``, ``cross-fade()``, ``src()``, ``element()`` — are treated
as ``url()``: dropped from raw HTML styles, refused in themes at file:line. A browser loads
their strings as images, so the preview would otherwise fetch remote hosts."""

from __future__ import annotations

from html import escape
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.assets.svg import safe_svg
from mdwx.css_resources import loads_resource, resource_urls
from mdwx.errors import AssetError, ConfigError
from mdwx.render.themes import load_theme
from tests.render_helpers import render, tags

HOST = "evil.example"
FUNCTIONS = ("url", "src", "image", "image-set", "cross-fade", "element")
PREFIXES = ("", "-webkit-", "-moz-")
PROPERTIES = ("background", "background-image", "list-style-image", "border-image", "cursor")


def _any_case(text: str) -> st.SearchStrategy[str]:
    return st.lists(st.booleans(), min_size=len(text), max_size=len(text)).map(
        lambda upper: "".join(c.upper() if u else c for c, u in zip(text, upper, strict=True))
    )


_GAP = st.sampled_from(["", " ", "\t", "\n", "/**/", " /* x */ "])
_URL = st.builds(
    lambda scheme, path: f"{scheme}{HOST}/{path}.png",
    st.sampled_from(["http://", "https://", "//", "HTTPS://"]),
    st.text("abcxyz0123", min_size=1, max_size=6),
)


@st.composite
def _calls(draw: st.DrawFn) -> str:
    """One resource function with a remote URL: quoted either way or wrapped in url()."""
    name = draw(_any_case(draw(st.sampled_from(PREFIXES)) + draw(st.sampled_from(FUNCTIONS))))
    url = draw(_URL)
    argument = draw(st.sampled_from([f"'{url}'", f'"{url}"', f"url({url})", f"url('{url}')"]))
    gap = draw(_GAP)
    suffix = draw(st.sampled_from(["", f"{gap}1x", f"{gap}1x,{gap}'{url}' 2x", ", 50%"]))
    return f"{name}({gap}{argument}{suffix}{draw(_GAP)})"


@st.composite
def _declarations(draw: st.DrawFn) -> str:
    before = draw(st.sampled_from(["", "no-repeat ", "red ", "linear-gradient(red,blue), "]))
    return f"{draw(st.sampled_from(PROPERTIES))}:{draw(_GAP)}{before}{draw(_calls())}"


@settings(max_examples=40)
@given(
    declaration=_declarations(),
    others=st.booleans(),
    entity=st.booleans(),
    tag=st.sampled_from(["p", "span", "section", "img"]),
)
def test_no_raw_html_style_keeps_a_remote_picture(
    tmp_path_factory: pytest.TempPathFactory, declaration: str, others: bool, entity: bool, tag: str
) -> None:
    style = f"color:red;{declaration};font-size:14px" if others else declaration
    style = escape(style)  # quotes of either kind inside the attribute
    if entity:  # the browser decodes character references before CSS sees the value
        style = style.replace("e", "&#101;").replace("(", "&#40;")
    src = ' src="https://mmbiz.qpic.cn/a.png"' if tag == "img" else ""
    html = render(
        f'A <{tag}{src} style="{style}">x</{tag}> b.\n', tmp_path_factory.getbasetemp()
    ).html
    assert HOST not in html.lower()
    for _, attributes in tags(html):
        assert HOST not in attributes.get("style", "").lower()
        if others:
            assert "evil" not in attributes.get("style", "")


@settings(max_examples=40)
@given(declaration=_declarations(), before=st.integers(0, 3))
def test_no_theme_may_load_a_remote_picture_through_any_css_function(
    tmp_path_factory: pytest.TempPathFactory, declaration: str, before: int
) -> None:
    folder = tmp_path_factory.mktemp("site")
    lines = [
        '@import "default";',
        *["p { color: #333333; }"] * before,
        "h2 {",
        "  margin: 0;",
        f"  {declaration.replace(chr(10), ' ')};",
        "}",
    ]
    (folder / "mine.css").write_text("\n".join(lines) + "\n", "utf-8")
    with pytest.raises(ConfigError) as refused:
        load_theme("mine.css", folder)
    assert refused.value.path == str(folder / "mine.css") and refused.value.line == before + 4
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize(
    "value",
    [
        "url(https://mmbiz.qpic.cn/a.png) no-repeat",
        "image-set('https://mmbiz.qpic.cn/a.png' 1x, 'https://mmbiz.qpic.cn/b.png' 2x)",
    ],
)
def test_a_theme_may_still_use_pictures_wechat_hosts(tmp_path: Path, value: str) -> None:
    (tmp_path / "mine.css").write_text(
        f'@import "default";\nh2 {{ background: {value}; }}\n', "utf-8"
    )
    assert "mmbiz.qpic.cn" in load_theme("mine.css", tmp_path).css


def test_the_examples_the_tester_found() -> None:
    value = "image-set('http://evil.com/x.png' 1x)"
    assert loads_resource(value) and resource_urls(value) == ["http://evil.com/x.png"]
    assert loads_resource('-WEBKIT-IMAGE-SET("//evil.com/x" 1x)')
    assert not loads_resource("linear-gradient(red, blue)") and resource_urls("red") == []


@settings(max_examples=30)
@given(declaration=_declarations(), where=st.sampled_from(["attribute", "element"]))
def test_no_svg_style_may_load_a_remote_picture(declaration: str, where: str) -> None:
    css = escape(declaration.replace("\n", " "))
    styled = (
        f'<rect width="4" height="4" style="{css}"/>'
        if where == "attribute"
        else f"<style>rect {{ {css} }}</style><rect width='4' height='4'/>"
    )
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4">{styled}</svg>'
    with pytest.raises(AssetError):
        safe_svg(svg.encode(), source="pic.svg")
