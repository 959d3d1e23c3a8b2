"""``mdwx themes new`` says the ``theme =`` value mdwx.toml needs: the file's path relative
to the site root, from whatever folder of the site it ran in (it said ``t2.css`` in posts/)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.cli.main import main
from mdwx.source.site import load_config


@settings(max_examples=10)
@given(depth=st.lists(st.sampled_from(("posts", "a b", "中")), max_size=3), to=st.booleans())
def test_the_theme_value_said_is_the_one_mdwx_toml_reads(
    tmp_path_factory: pytest.TempPathFactory, depth: list[str], to: bool
) -> None:
    root = tmp_path_factory.mktemp("t")
    (root / "mdwx.toml").write_text('author = "me"\n', "utf-8")
    here = root.joinpath(*depth)
    here.mkdir(parents=True, exist_ok=True)
    cwd = os.getcwd()
    try:
        os.chdir(here)
        args = ["themes", "new", "t2", *(["--dir", "themes"] if to else [])]
        result = CliRunner().invoke(main, args)
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output
    value = result.output.split('theme = "')[1].split('"')[0]
    assert Path(root, value).resolve() == (here / ("themes" if to else "") / "t2.css").resolve()
    (root / "mdwx.toml").write_text(f'author = "me"\ntheme = "{value}"\n', "utf-8")
    assert load_config(root).theme == value
