"""Every Pygments lexer shows exactly the code it was given (issue 7, items 1–3).

For every alias Pygments ships, a code block must render (a style that lacks a token type
falls back to the type's parents), lose nothing (session and REPL lexers used to drop the
last line), and line up tabs at tab stops. "What the reader sees" is the block's text with
``&nbsp;`` as a space, ``<br>`` as a newline, tags stripped and entities decoded — and, since
the block is ``white-space:nowrap``, only if no two collapsible spaces touch and none
starts or ends a line.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pygments.lexers import get_all_lexers

from mdwx.config import SiteConfig, config_from_mapping
from mdwx.errors import ConfigError
from mdwx.render.code import expand_tabs, highlight_block
from tests.render_helpers import render

LEXERS = sorted(get_all_lexers())
ALIASES = sorted({alias for _, aliases, _, _ in LEXERS for alias in aliases})
# The every-alias test runs in this many parts so xdist spreads it over its workers; most of
# its time is each lexer class compiling its regexes on first use, so a lexer's aliases stay
# in one part.
PARTS = 12


def aliases_of_part(part: int) -> list[str]:
    return sorted(
        {
            alias
            for n, (_, aliases, _, _) in enumerate(LEXERS)
            if n % PARTS == part
            for alias in aliases
        }
    )


STYLES = ("monokai", "friendly", "default")
TRICKY = (
    "$ ls -la\n"
    "total 0\n"
    ">>> x = {'a':\t1}  \n"
    "... \n"
    "\n"
    "db=# SELECT 1;\n"
    "\tindented\t\tline\n"
    "PS C:\\> dir   \n"
    "irb(main):001:0> puts 'hi'\n"
    '<a href="x">&amp;</a> \u4e2d\u6587\tend'  # no final newline
)
_TAG = re.compile(r"<[^>]*>")


def visible(html: str) -> str:
    """What a reader sees of a code block's inner HTML."""
    text = _TAG.sub("", html.replace("<br>", "\n"))
    return " ".join(unescape(part) for part in text.split("&nbsp;"))


def collapsible_spaces(html: str) -> list[str]:
    """Places where the browser would collapse a plain space of the block."""
    problems = []
    for line in _TAG.sub("", html.replace("<br>", "\n")).split("\n"):
        if "  " in line:
            problems.append(f"two spaces in a row: {line!r}")
        if line.startswith(" ") or line.endswith(" "):
            problems.append(f"space at a line's edge: {line!r}")
    return problems


def shown(code: str, tab_width: int = 4) -> str:
    """The code as it must appear: tabs at tab stops, no trailing newlines."""
    return "\n".join(line.expandtabs(tab_width) for line in code.rstrip("\n").split("\n"))


def test_the_parts_cover_every_alias() -> None:
    assert sorted({alias for part in range(PARTS) for alias in aliases_of_part(part)}) == ALIASES


@pytest.mark.slow
@pytest.mark.parametrize("part", range(PARTS))
def test_every_lexer_alias_renders_the_whole_code(part: int) -> None:
    failures = []
    for alias in aliases_of_part(part):
        try:
            html = highlight_block(TRICKY, alias, "monokai")[1]
        except Exception as exc:  # noqa: BLE001 - collect every failing alias, not just the first
            failures.append(f"{alias}: {type(exc).__name__}: {exc}")
            continue
        if visible(html) != shown(TRICKY):
            failures.append(f"{alias}: text changed")
        failures.extend(f"{alias}: {p}" for p in collapsible_spaces(html))
    assert failures == []


code_text = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "$ ",
                ">>> ",
                "... ",
                "db=# ",
                "PS> ",
                "\t",
                "  ",
                "   ",
                "\n",
                "\n\n",
                " \n",
                "\t\n",
                "#",
                "//",
                "'",
                '"',
                "{",
                "}",
                "<",
                "&",
                ";",
                "\\",
                "\ufeff",
            ]
        ),
        st.text(
            st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), max_size=12
        ),
    ),
    max_size=25,
).map("".join)


@settings(max_examples=200)
@given(
    alias=st.sampled_from(ALIASES),
    code=code_text,
    style=st.sampled_from(STYLES),
    tab_width=st.integers(1, 8),
)
def test_any_code_in_any_language_shows_as_written(
    alias: str, code: str, style: str, tab_width: int
) -> None:
    html = highlight_block(code, alias, style, tab_width)[1]
    assert visible(html) == shown(code, tab_width)
    assert collapsible_spaces(html) == []


@settings(max_examples=100)
@given(st.text(st.sampled_from("ab\t\n"), max_size=30), st.integers(0, 9), st.integers(1, 8))
def test_tab_expansion_matches_python_expandtabs(text: str, column: int, width: int) -> None:
    expanded, after = expand_tabs(text, column, width)
    reference = (" " * column + text).expandtabs(width)[column:]
    assert expanded == reference
    line_start = (" " * column + reference).rfind("\n") + 1
    assert after == len(" " * column + reference) - line_start


def test_yaml_block_renders_coloured(tmp_path: Path) -> None:
    html = render("```yaml\nname: mdwx\nplain: value # note\n```\n", tmp_path).html
    assert "<span" in html.split('white-space:nowrap">', 1)[1]
    assert "name" in html and "value" in html


@pytest.mark.parametrize(
    "alias",
    [
        "console",
        "shell-session",
        "doscon",
        "pwsh-session",
        "rbcon",
        "nodejsrepl",
        "matlabsession",
        "psql",
        "pycon",
    ],
)
def test_session_blocks_keep_their_last_line(alias: str, tmp_path: Path) -> None:
    one_line = render(f"```{alias}\n$ echo hello\n```\n", tmp_path).html
    assert "echo" in one_line and "hello" in one_line
    two_lines = highlight_block("$ make\nbuilt target", alias, "monokai")[1]
    assert visible(two_lines) == "$ make\nbuilt target"


def test_tabs_align_at_tab_stops(tmp_path: Path) -> None:
    html = render("```c\nx\t= 1;\nyy\t= 22;\n```\n", tmp_path).html
    block = html.split('white-space:nowrap">', 1)[1].split("</section>", 1)[0]
    first, second = visible(block).split("\n")
    assert first.index("=") == second.index("=") == 4


def test_tab_width_is_configurable(tmp_path: Path) -> None:
    html = render("```text\nx\t= 1;\n```\n", tmp_path, tab_width=8).html
    assert visible(html.split('white-space:nowrap">', 1)[1]).startswith("x       = 1;")
    assert config_from_mapping({"tab_width": 2}, root=tmp_path).tab_width == 2
    assert SiteConfig(root=tmp_path).tab_width == 4
    with pytest.raises(ConfigError, match="tab_width"):
        config_from_mapping({"tab_width": 0}, root=tmp_path)


def test_a_lexer_that_loses_text_leaves_the_block_plain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pygments.lexers.python import PythonLexer

    def broken(self: PythonLexer, text: str, unfiltered: bool = False):  # type: ignore[no-untyped-def]
        raise RuntimeError("lexer bug")

    monkeypatch.setattr(PythonLexer, "get_tokens", broken)
    document = render("```python\nx = 1\n```\n", tmp_path)
    assert "x = 1" in document.html
    assert any("highlighter failed" in w.message for w in document.warnings)


def char_colours(block: str, inner: str) -> list[tuple[str, str]]:
    """Each visible character of a block's inner HTML with the colour it is drawn in."""
    stack, out = [block], []
    for piece in re.split(r"(<[^>]*>)", inner.replace("<br>", "\n")):
        if piece.startswith("</span"):
            stack.pop()
        elif piece.startswith("<span"):
            stack.append(re.search(r"color:(#\w+)", piece).group(1))  # type: ignore[union-attr]
        else:
            out.extend((char, stack[-1]) for char in visible(piece))
    return out


@settings(max_examples=100)
@given(
    alias=st.sampled_from(["python", "js", "java", "c", "yaml", "console", "rust", "sql", "text"]),
    code=code_text,
    theme_colour=st.sampled_from(["#f8f8f2", "#1f2328", "#657b83"]),
)
def test_a_block_taking_its_commonest_colour_draws_every_character_the_same(
    alias: str, code: str, theme_colour: str
) -> None:
    plain = highlight_block(code, alias, "monokai")[1]
    colour, inner = highlight_block(code, alias, "monokai", theme_colour=theme_colour)
    assert char_colours(colour or theme_colour, inner) == char_colours(theme_colour, plain)
    assert inner.count("<span") <= plain.count("<span")


def test_a_block_mostly_in_one_colour_takes_it_and_drops_those_spans(tmp_path: Path) -> None:
    colour, inner = highlight_block(
        "alpha.beta.gamma.delta", "js", "monokai", theme_colour="#f8f8f2"
    )
    assert colour == "#a6e22e"
    assert (
        inner
        == 'alpha<span style="color:#f8f8f2">.</span>beta<span style="color:#f8f8f2">.</span>gamma'
        '<span style="color:#f8f8f2">.</span>delta'
    )
    html = render("```js\nalpha.beta.gamma.delta\n```\n", tmp_path).html
    assert 'white-space:nowrap;color:#a6e22e">alpha<span' in html
    # A tie keeps the theme's colour.
    assert highlight_block("alpha.beta.", "js", "monokai", theme_colour="#f8f8f2")[0] is None


def test_a_leading_byte_order_mark_is_kept_and_the_block_still_highlighted() -> None:
    warnings: list[str] = []
    html = highlight_block("\ufeffdef f(): pass", "python", "monokai", warn=warnings.append)[1]
    assert warnings == [] and html.startswith('\ufeff<span style="color:#66d9ef">def </span>')
