"""Themes of one's own: a CSS file that extends a built-in, variables resolved, what WeChat
cannot keep refused at file:line; the built-ins list themselves and pass the contrast probe."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.cli.main import main
from mdwx.config import SiteConfig
from mdwx.errors import ConfigError
from mdwx.render import render_markdown
from mdwx.render.contrast import low_contrast, minimum_for, theme_pairs
from mdwx.render.themes import description, load_theme, theme_names
from tests.render_helpers import unsafe_markup

SAMPLE = "## 标题\n\n正文 **粗体** [链接](https://e.com) `code`\n\n> 引用\n\n- 项\n\n```python\nx = 1\n```\n"

# (what a writer might try, a word the error must say)
FORBIDDEN = [
    ("position: absolute;", "position"),
    ("POSITION : fixed;", "position"),
    ("background: url(https://example.com/a.png);", "url("),
    ("background-image: url('data:image/png;base64,AAAA');", "url("),
    ('background: url("/local/pic.png") no-repeat;', "url("),
    ("behavior: url(x.htc);", "behavior"),
    ("width: expression(alert(1));", "script"),
    ("color: red; -moz-binding: url(x.xml#a);", "-moz-binding"),
]
FORBIDDEN_BLOCKS = [
    ('@import url("https://example.com/x.css");', "@import"),
    ("@import url(other.css);", "@import"),
    ("@media (max-width: 600px) { p { color: red; } }", "@media"),
    ("@font-face { font-family: X; src: url(x.woff); }", "@font-face"),
    ("@keyframes spin { from { color: red; } }", "@keyframes"),
    ("a:hover { color: red; }", ":hover"),
    ("p::before { content: 'x'; }", ":before"),
    ("h2:after { content: ''; }", ":after"),
    ("p { color: red;", "braces"),
]


def _write(folder: Path, text: str, name: str = "mine.css") -> Path:
    path = folder / name
    path.write_text(text, "utf-8")
    return path


@settings(max_examples=60)
@given(
    case=st.sampled_from(FORBIDDEN),
    before=st.integers(0, 6),
    selector=st.sampled_from(["p", "h2", ".code", "blockquote p"]),
)
def test_a_forbidden_declaration_is_refused_at_its_file_and_line(
    tmp_path_factory: pytest.TempPathFactory, case: tuple[str, str], before: int, selector: str
) -> None:
    folder = tmp_path_factory.mktemp("site")
    declaration, word = case
    text = (
        '@import "default";\n'
        + "/* a comment\n spanning lines */\n" * (before % 2)
        + "p { color: #333333; }\n" * before
        + f"{selector} {{\n  margin: 0;\n  {declaration}\n}}\n"
    )
    _write(folder, text)
    with pytest.raises(ConfigError) as caught:
        load_theme("mine.css", folder)
    line = text.split("\n").index(f"  {declaration}") + 1
    assert caught.value.path == str(folder / "mine.css") and caught.value.line == line
    assert word.lower() in str(caught.value).lower()


@pytest.mark.parametrize(("block", "word"), FORBIDDEN_BLOCKS)
def test_a_forbidden_rule_is_refused_at_its_file_and_line(
    tmp_path: Path, block: str, word: str
) -> None:
    text = '@import "default";\n:root { --primary: #c0392b; }\n\n' + block + "\n"
    _write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_theme("mine.css", tmp_path)
    assert caught.value.path == str(tmp_path / "mine.css") and caught.value.line == 4
    assert word.lower() in str(caught.value).lower()


def test_an_undefined_variable_and_an_unknown_base_name_their_line(tmp_path: Path) -> None:
    _write(tmp_path, '@import "default";\n\np { color: var(--nope); }\n')
    with pytest.raises(ConfigError) as caught:
        load_theme("mine.css", tmp_path)
    assert caught.value.line == 3 and "--nope" in str(caught.value)
    _write(tmp_path, '/* x */\n@import "neon";\n')
    with pytest.raises(ConfigError) as caught:
        load_theme("mine.css", tmp_path)
    assert caught.value.line == 2 and "neon" in str(caught.value)


def test_a_theme_outside_the_site_or_extending_itself_is_refused(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    _write(tmp_path, "p { color: #000000; }\n", "outside.css")
    with pytest.raises(ConfigError, match="outside the site"):
        load_theme("../outside.css", site)
    _write(site, '@import "b.css";\n', "a.css")
    _write(site, '@import "a.css";\n', "b.css")
    with pytest.raises(ConfigError, match="extends itself"):
        load_theme("a.css", site)


@settings(max_examples=40)
@given(
    primary=st.from_regex(r"#[0-9a-f]{6}", fullmatch=True),
    size=st.integers(14, 20),
    base=st.sampled_from(["default", "ocean", "rose", "amber", "violet", "ink"]),
    style=st.sampled_from(["underline", "bar", "pill", "center", "plain"]),
)
def test_a_user_theme_overrides_the_base_variables_everywhere_they_are_used(
    tmp_path_factory: pytest.TempPathFactory, primary: str, size: int, base: str, style: str
) -> None:
    folder = tmp_path_factory.mktemp("site")
    _write(
        folder,
        f"/* mdwx: base = {base} */\n:root {{ --primary: {primary}; --font-size: {size}px; "
        f"--heading-style: {style}; }}\n",
    )
    theme = load_theme("mine.css", folder)
    html = render_markdown(SAMPLE, SiteConfig(root=folder), theme=theme).html
    short = primary if primary[1::2] != primary[2::2] else "#" + primary[1::2]
    assert f"font-size:{size}px" in html[:300]
    assert f"color:{short}" in html or f"color:{primary}" in html  # strong text takes the accent
    assert "var(" not in html and "--" not in theme.css and unsafe_markup(html) == []
    assert theme.pygments_style == load_theme(base).pygments_style


def test_a_theme_path_in_front_matter_or_config_renders_the_post(tmp_path: Path) -> None:
    from mdwx.build import build_post
    from mdwx.source.gate import collect_posts

    (tmp_path / "themes").mkdir()
    _write(tmp_path / "themes", '@import "default";\n:root { --primary: #c0392b; }\n')
    (tmp_path / "mdwx.toml").write_text('theme = "themes/mine.css"\n', "utf-8")
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: T\n---\n\n正文 **粗体**\n", "utf-8")
    report = build_post(collect_posts([post])[0], tmp_path / "out")
    assert report.error is None, report.error
    assert "color:#c0392b" in (tmp_path / "out" / "post" / "content.html").read_text("utf-8")


@pytest.mark.parametrize("name", theme_names())
def test_each_built_in_theme_describes_itself_and_reads_well(name: str) -> None:
    assert len(theme_names()) >= 8
    assert 10 < len(description(name)) < 100
    theme = load_theme(name)
    pairs = theme_pairs(theme.css)
    assert {"body text", "quote", "code block", "table cell", "strong", "link"} <= {
        p.what for p in pairs
    }
    assert low_contrast(theme.css) == [], [
        (p.what, p.ratio, minimum_for(p.what)) for p in low_contrast(theme.css)
    ]


def test_built_in_themes_look_different() -> None:
    outputs = {
        name: render_markdown(SAMPLE, SiteConfig(root=Path("/nonexistent")), theme=name).html
        for name in theme_names()
    }
    assert len(set(outputs.values())) == len(outputs)


def test_cli_lists_the_themes_and_writes_a_starting_file_that_loads(tmp_path: Path) -> None:
    runner = CliRunner()
    listed = runner.invoke(main, ["themes"])
    assert listed.exit_code == 0
    assert [line.split()[0] for line in listed.output.splitlines()] == theme_names()
    made = runner.invoke(main, ["themes", "new", "mine", "--base", "ocean", "--dir", str(tmp_path)])
    assert made.exit_code == 0, made.output
    theme = load_theme("mine.css", tmp_path)
    assert theme.pygments_style == "one-dark" and low_contrast(theme.css) == []
    again = runner.invoke(main, ["themes", "new", "mine", "--dir", str(tmp_path)])
    assert again.exit_code == 2 and "already exists" in again.output
    assert (
        runner.invoke(
            main, ["themes", "new", "x", "--base", "neon", "--dir", str(tmp_path)]
        ).exit_code
        == 2
    )


@settings(max_examples=30)
@given(grey=st.integers(0x90, 0xEE), where=st.sampled_from(["--text", "--tint"]))
def test_check_warns_when_a_theme_draws_text_below_readable_contrast(
    tmp_path_factory: pytest.TempPathFactory, grey: int, where: str
) -> None:
    """Light grey text on white (or a quote tint as dark as its text) is reported, with its ratio."""
    from mdwx.build import check_post
    from mdwx.render.contrast import contrast, parse_colour
    from mdwx.source.gate import collect_posts

    folder = tmp_path_factory.mktemp("site")
    colour = f"#{grey:02x}{grey:02x}{grey:02x}"
    value = colour if where == "--text" else "#444444"
    _write(folder, f'@import "default";\n:root {{ {where}: {value}; }}\n')
    (folder / "mdwx.toml").write_text('theme = "mine.css"\n', "utf-8")
    post = folder / "post.md"
    post.write_text("---\ntitle: T\n---\n\n正文\n\n> 引用\n", "utf-8")
    report = check_post(collect_posts([post])[0])
    warned = [w for w in report.warnings if "contrast" in w]
    if where == "--text":
        expected = contrast(parse_colour(colour), (255, 255, 255)) < 4.5  # type: ignore[arg-type]
        assert any("body text" in w for w in warned) is expected
    else:
        assert any("quote" in w and "mine.css" in w for w in warned)


def test_no_built_in_theme_warns_on_the_sample_site() -> None:
    from mdwx.build import check_post
    from mdwx.source.gate import collect_posts

    site = Path(__file__).resolve().parents[1] / "sample-site" / "posts"
    for post in collect_posts(sorted(site.glob("*.md"))):
        assert not [w for w in check_post(post).warnings if "contrast" in w]


@settings(max_examples=300)
@given(st.text(alphabet="ab {};:x\n/*", max_size=60))
def test_rules_are_found_as_the_rule_pattern_finds_them(css: str) -> None:
    """The linear rule scanner finds exactly the matches the rule pattern would."""
    from mdwx.render.theme_css import _RULE, _rules

    assert [(m.start(), m.end()) for m in _rules(css)] == [
        (m.start(), m.end()) for m in _RULE.finditer(css)
    ]


@pytest.mark.parametrize("filler", ["/*{}*/", "{} xxx "])
def test_a_theme_of_the_largest_size_with_one_long_comment_or_stray_text_is_checked(
    tmp_path: Path, filler: str
) -> None:
    """A 250 KB comment or run of stray text is scanned once, not once per character."""
    head, tail = filler.split("{}")
    (tmp_path / "t.css").write_text(
        '@import "default";\n' + head + "x" * 250_000 + tail, encoding="utf-8"
    )
    (tmp_path / "mdwx.toml").write_text('theme = "t.css"\n', encoding="utf-8")
    (tmp_path / "p.md").write_text("---\ntitle: T\n---\n\nWords.\n", encoding="utf-8")
    from mdwx import api
    from mdwx.errors import MdwxError

    try:
        report = api.check(tmp_path / "p.md")
    except MdwxError as exc:  # stray text is refused at its line; a comment is fine
        assert filler.startswith("{}") and "t.css" in str(exc)
    else:
        assert report.ok and filler.startswith("/*")
