"""Site configuration and turning command-line paths into posts."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.cli.common import exit_code_for
from mdwx.errors import ConfigError
from mdwx.source.gate import collect_posts
from mdwx.source.site import load_config


def site(tmp_path: Path, config: str = "") -> Path:
    (tmp_path / "mdwx.toml").write_text(config, encoding="utf-8")
    (tmp_path / "posts").mkdir(exist_ok=True)
    return tmp_path


def test_config_is_found_above_the_post(tmp_path: Path) -> None:
    root = site(tmp_path, 'theme = "elegant"\nauthor = "Lin"\n[limits]\ntitle = 32\n')
    post = root / "posts" / "a.md"
    post.write_text("x", encoding="utf-8")
    config = load_config(post)
    assert config.root == root.resolve()
    assert (config.theme, config.author, config.limits.title) == ("elegant", "Lin", 32)
    assert config.limits.digest == 120


def test_pyproject_tool_mdwx_is_a_config(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.mdwx]\nlink_policy = "strip"\n', encoding="utf-8"
    )
    assert load_config(tmp_path).link_policy == "strip"


def test_unknown_setting_names_closest(tmp_path: Path) -> None:
    site(tmp_path, 'them = "x"\n')
    with pytest.raises(ConfigError, match="did you mean 'theme'"):
        load_config(tmp_path)
    site(tmp_path, "[limits]\ntitel = 3\n")
    with pytest.raises(ConfigError, match="limits.titel.*did you mean 'title'"):
        load_config(tmp_path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('link_policy = "delete"', "link_policy must be one of"),
        ("concurrency = 0", "concurrency must be a whole number from 1 to 64, not 0"),
        ('concurrency = "8"', "concurrency must be a whole number"),
        ('api_base = "ftp://x"', "api_base 'ftp://x' is not an http"),
        ("[limits\ntitle = 1", "invalid TOML"),
    ],
)
def test_bad_config_is_a_config_error(tmp_path: Path, text: str, message: str) -> None:
    site(tmp_path, text)
    with pytest.raises(ConfigError, match=message) as info:
        load_config(tmp_path)
    assert exit_code_for(info.value) == 2


def test_directory_expands_through_globs(tmp_path: Path) -> None:
    root = site(tmp_path, 'exclude = ["posts/skip-*.md"]\n')
    for name in ("b.md", "a.md", "skip-me.md", "notes.txt"):
        (root / "posts" / name).write_text("x", encoding="utf-8")
    posts = collect_posts([root])
    assert [p.relative for p in posts] == ["posts/a.md", "posts/b.md"]


def test_default_excludes_readme(tmp_path: Path) -> None:
    root = site(tmp_path)
    (root / "README.md").write_text("x", encoding="utf-8")
    (root / "posts" / "a.md").write_text("x", encoding="utf-8")
    assert [p.relative for p in collect_posts([root])] == ["posts/a.md"]


def test_named_file_is_taken_even_if_globs_skip_it(tmp_path: Path) -> None:
    root = site(tmp_path, 'exclude = ["posts/*.md"]\n')
    (root / "posts" / "a.md").write_text("x", encoding="utf-8")
    assert len(collect_posts([root / "posts" / "a.md"])) == 1


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file or folder") as info:
        collect_posts([tmp_path / "nope.md"])
    assert exit_code_for(info.value) == 2


def test_same_post_twice_is_listed_once(tmp_path: Path) -> None:
    root = site(tmp_path)
    (root / "posts" / "a.md").write_text("x", encoding="utf-8")
    assert len(collect_posts([root, root / "posts" / "a.md"])) == 1


@settings(max_examples=60)
@given(
    after=st.lists(
        st.sampled_from(
            [
                'theme = "default"',
                "# a comment",
                'author = "林"',
                "[images]\nmax_width = 900",
                '[video]\ntags = ["a"]',
            ]
        ),
        unique=True,
        max_size=4,
    ),
    blank=st.integers(0, 3),
    bad=st.sampled_from(
        [
            ("tab_width", '"four"', "tab_width"),
            ("comments", '"everyone"', "comments"),
            ("concurrency", "0", "concurrency"),
            ("link_policy", "7", "link_policy"),
        ]
    ),
)
def test_a_bad_setting_is_reported_at_its_own_line(
    tmp_path: Path, after: list[str], blank: int, bad: tuple[str, str, str]
) -> None:
    key, value, named = bad
    # Top-level settings come before any table in TOML: blank lines, the bad one, then the rest.
    top = sorted(after, key=lambda line: line.startswith("["))
    lines = [""] * blank + [f"{key} = {value}", *top]
    config = tmp_path / "mdwx.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        load_config(tmp_path)
    except ConfigError as exc:
        assert exc.line == blank + 1 and named in str(exc)
        assert str(exc).startswith(f"{config}:{blank + 1}: ")
    else:
        raise AssertionError("the bad setting was accepted")
