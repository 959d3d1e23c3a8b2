"""Hostile values in the files mdwx parses end as one line naming the file, never as a
traceback or an unbounded run: YAML aliases and numbers, JSON numbers and nesting, CSS escapes,
non-finite settings, a state_file that could overwrite another file."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx import api
from mdwx.errors import ConfigError, StateError
from mdwx.publish.state.export import iter_export
from mdwx.source.site import load_config
from mdwx.source.yaml_load import MAX_ALIASES, load


@settings(max_examples=60)
@given(aliases=st.integers(0, MAX_ALIASES * 2), digits=st.integers(1, 6000))
def test_yaml_aliases_and_numbers_are_bounded(aliases: int, digits: int) -> None:
    text = (
        "a: &a [1, 2]\n" + "".join(f"k{i}: *a\n" for i in range(aliases)) + f"n: {'9' * digits}\n"
    )
    try:
        data = load(text)
    except yaml.YAMLError as exc:
        assert aliases > MAX_ALIASES or digits > 4300, exc
        return
    assert aliases <= MAX_ALIASES and digits <= 4300 and data["n"] == int("9" * digits)


@pytest.mark.parametrize("value", ["9" * 5000, "[" * 100_000 + "]" * 100_000])
def test_a_hostile_state_export_line_is_one_error_at_its_line(tmp_path: Path, value: str) -> None:
    export = tmp_path / "s.jsonl"
    export.write_text(
        '{"format":"mdwx-state","version":1}\n{"type":"article","n":' + value + "}\n", "utf-8"
    )
    with pytest.raises(StateError) as caught:
        list(iter_export(export))
    assert caught.value.line == 2 and "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "content", ['{"a":' * 100_000 + "1" + "}" * 100_000, '{"n": ' + "9" * 5000 + "}"]
)
def test_a_vaults_settings_that_cannot_be_read_are_left_alone(tmp_path: Path, content: str) -> None:
    (tmp_path / ".obsidian").mkdir()
    for name in ("app.json", "templates.json"):
        (tmp_path / ".obsidian" / name).write_text(content, encoding="utf-8")
    (tmp_path / "note.md").write_text("# Note\n\nSee [[other]].\n", encoding="utf-8")
    (tmp_path / "other.md").write_text("# Other\n\nText.\n", encoding="utf-8")
    assert api.check(tmp_path / "note.md").ok


@pytest.mark.parametrize(
    "setting",
    [
        'state_file = ".mdwx/state.db"',
        'state_file = "posts/a.md"',
        "[images]\nremote_timeout = nan",
        "[images]\nremote_timeout = inf",
        "[images]\nremote_timeout = -1",
    ],
)
def test_settings_that_could_hurt_a_run_are_refused_at_their_line(
    tmp_path: Path, setting: str
) -> None:
    (tmp_path / "mdwx.toml").write_text(f'author = "me"\n{setting}\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "p.md")
    assert caught.value.path == str(tmp_path / "mdwx.toml") and caught.value.line in (2, 3)


@pytest.mark.parametrize(
    "declaration",
    [
        r"color: e\78pression(alert(1))",
        r"background: u\72l(x.png)",
        r"c\olor: red",
        r"color: red\;",
    ],
)
def test_a_css_escape_in_a_theme_is_refused_at_its_line(tmp_path: Path, declaration: str) -> None:
    (tmp_path / "t.css").write_text(
        f'@import "default";\n\np {{ {declaration}; }}\n', encoding="utf-8"
    )
    (tmp_path / "mdwx.toml").write_text('theme = "t.css"\n', encoding="utf-8")
    (tmp_path / "p.md").write_text("---\ntitle: T\n---\n\nWords.\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        api.check(tmp_path / "p.md")
    assert caught.value.path == str(tmp_path / "t.css") and caught.value.line == 3
    assert "CSS escapes" in str(caught.value)
