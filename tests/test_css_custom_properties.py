"""CSS that no theme may write cannot reach the article through custom properties, ``var()``
substitution or any ``style`` attribute: refused at the theme's file:line, or absent from
every ``style`` of the built HTML (mdwx.css_refusal; docs/themes.md)."""

from __future__ import annotations

from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.cli.main import main
from mdwx.config import SiteConfig
from mdwx.css_refusal import readings, refused_in, strip_refused
from mdwx.errors import ConfigError
from mdwx.render import render_markdown
from mdwx.render.themes import load_theme
from tests.render_helpers import render, tags

SAMPLE = "## 标题\n\n正文 **粗体** [链接](https://e.com) `code`\n\n> 引用\n\n- 项\n"
PAYLOADS = (
    "url(https://evil.example/t.png)",
    "expression(alert(1))",
    "url(javascript:alert(1))",
    'image-set("https://evil.example/x.png" 1x)',
    "-webkit-image-set(url(//evil.example/x.png) 2x)",
    "url( 'javascript:alert(1)' )",
)


@st.composite
def _hostile(draw: st.DrawFn) -> str:
    """A payload in random case, with CSS escapes, comments or whitespace worked in."""
    text = "".join(c.upper() if draw(st.booleans()) else c for c in draw(st.sampled_from(PAYLOADS)))
    out = []
    for char in text:
        trick = draw(st.sampled_from(["", "", "", "", "hex", "char", "gap"]))
        if trick == "hex" and char.isalnum():
            out.append(f"\\{ord(char):x} ")
        elif trick == "char" and char.isalpha() and char.lower() not in "abcdef":
            out.append(f"\\{char}")
        elif trick == "gap" and char in "(:":
            out.append(draw(st.sampled_from([" ", "/**/", "\t"])) + char)
        else:
            out.append(char)
    return "".join(out)


def _style_values(html: str) -> list[str]:
    return [attrs["style"] for _, attrs in tags(html) if "style" in attrs]


def _nothing_hostile(html: str) -> None:
    for style in _style_values(html):
        assert not refused_in(style), style
        for reading in readings(style):
            assert "evil" not in reading and "javascript" not in reading, style
            assert "expression" not in reading, style


THEMES = {
    # name: (theme lines, 1-based line expected in the error), "P" is the payload
    "custom property": ([":root { --tint: P; }", ".mdwx p { color: var(--tint); }"], 2),
    "unused custom property": ([":root { --tint: P; }"], 2),
    "chain": ([":root { --b: P; --a: var(--b); }", "p { background: var(--a); }"], 2),
    "fallback": (["p {", "  background: var(--nope, P);", "}"], 3),
    "nested fallback": ([":root { --a: var(--x, var(--y, P)); }", "p { color: var(--a); }"], 2),
    "same rule": ([".mdwx { --a: P; background: var(--a); }"], 2),
}


@settings(max_examples=30)
@given(payload=_hostile(), shape=st.sampled_from(sorted(THEMES)), before=st.integers(0, 2))
def test_a_hostile_value_anywhere_in_a_theme_is_refused_at_its_line(
    tmp_path_factory: pytest.TempPathFactory, payload: str, shape: str, before: int
) -> None:
    folder = tmp_path_factory.mktemp("site")
    lines, line = THEMES[shape]
    text = ['@import "default";', *["h3 { color: #333333; }"] * before]
    text += [part.replace("P", payload) for part in lines]
    (folder / "mine.css").write_text("\n".join(text) + "\n", "utf-8")
    with pytest.raises(ConfigError) as refused:
        load_theme("mine.css", folder)
    assert refused.value.path == str(folder / "mine.css")
    assert refused.value.line == line + before and "\n" not in str(refused.value)


@settings(max_examples=20)
@given(payload=st.sampled_from(PAYLOADS), cut=st.integers(1, 12))
def test_pieces_joined_by_var_never_reach_the_article(
    tmp_path_factory: pytest.TempPathFactory, payload: str, cut: int
) -> None:
    """Two harmless-looking halves put together by substitution: refused, or not inlined."""
    folder = tmp_path_factory.mktemp("site")
    first, second = payload[:cut], payload[cut:]
    theme = f'@import "default";\n:root {{ --a: {first}; --b: {second}; }}\n'
    theme += "p { background: var(--a)var(--b); }\n"
    (folder / "mine.css").write_text(theme, "utf-8")
    try:
        loaded = load_theme("mine.css", folder)
    except ConfigError as refused:
        assert refused.path == str(folder / "mine.css") and refused.line in (2, 3)
        return
    _nothing_hostile(render_markdown(SAMPLE, SiteConfig(root=folder), theme=loaded).html)


@settings(max_examples=30)
@given(payload=_hostile(), prop=st.sampled_from(["background", "color", "--a", "border-image"]))
def test_no_raw_html_style_carries_a_hostile_value(
    tmp_path_factory: pytest.TempPathFactory, payload: str, prop: str
) -> None:
    style = f"color:red;{prop}:{payload};font-size:14px".replace('"', "&quot;")
    html = render(f'A <span style="{style}">x</span> b.\n', tmp_path_factory.getbasetemp()).html
    _nothing_hostile(html)


@settings(max_examples=60)
@given(
    payload=_hostile(),
    prop=st.sampled_from(["background", "behavior", "-moz-binding", "cursor"]),
    benign=st.lists(st.sampled_from(["color:red", "font-size:14px", "margin:0 auto"])),
)
def test_strip_refused_keeps_only_harmless_declarations(
    payload: str, prop: str, benign: list[str]
) -> None:
    harmless = ";".join(benign)
    assert strip_refused(harmless) == harmless  # byte for byte
    stripped = unescape(strip_refused(f"{harmless};{prop}:{payload};color:blue"))
    assert not refused_in(stripped) and stripped.endswith("color:blue")
    assert all("evil" not in reading for reading in readings(stripped))


def test_strip_refused_reads_strings_and_brackets_as_the_browser_does() -> None:
    hidden = 'background:image-set("https://mmbiz.qpic.cn/x;" 1x, "https://evil.example/y" 2x)'
    assert strip_refused(f"color:red;{hidden}") == "color:red"
    assert strip_refused("background:url(https://mmbiz.qpic.cn/a.png)") == (
        "background:url(https://mmbiz.qpic.cn/a.png)"
    )
    assert strip_refused("color:red;background:ur\\6c(//evil.example/x)") == "color:red"
    assert strip_refused("width:expr/**/ession(alert(1));color:red") == "color:red"


def test_the_testers_theme_fails_check_and_build(tmp_path: Path) -> None:
    site = tmp_path / "s2"
    (site / "posts").mkdir(parents=True)
    (site / "themes").mkdir()
    (site / "posts" / "a.md").write_text(
        "---\ntitle: A\n---\nhello **x** [l](https://a.example)\n\n> q\n", "utf-8"
    )
    (site / "mdwx.toml").write_text('theme = "themes/t.css"\n', "utf-8")
    (site / "themes" / "t.css").write_text(
        '@import "default";\n'
        ":root { --tint: url(https://evil.example/t.png); --primary: expression(alert(1)); }\n",
        "utf-8",
    )
    for command in (["check", str(site)], ["build", str(site), "-o", str(tmp_path / "out")]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code != 0, result.output
        assert "t.css:2" in result.output and "Traceback" not in result.output
        assert not list(tmp_path.glob("out/**/content.html"))
