"""Input nested deep enough to exhaust Python's recursion is one line naming the file, for
every parser that recurses: YAML and TOML front matter, the site config, SVG pictures; and
a state path that is not a database is never "recovered" over."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from mdwx.cli.main import main
from mdwx.errors import ConfigError
from mdwx.publish.state.recovery import recover
from mdwx.source.site import load_config


def _check(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", str(path)])
    return result.exit_code, result.output


@pytest.mark.parametrize("depth", [50, 5_000])
def test_deep_yaml_front_matter(tmp_path: Path, depth: int) -> None:
    post = tmp_path / "a.md"
    post.write_text(
        "---\ntitle: t\nx: " + "{a: " * depth + "1" + "}" * depth + "\n---\nx\n", "utf-8"
    )
    code, output = _check(post)
    if depth == 50:  # nested but reasonable: read, the key warned about
        assert "unknown front matter key" in output
    else:
        assert code == 1 and f"{post}:1: front matter is nested too deeply" in output
    assert "Traceback" not in output


def test_deep_toml_front_matter(tmp_path: Path) -> None:
    post = tmp_path / "b.md"
    post.write_text('+++\ntitle = "t"\nx = ' + "[" * 50_000 + "]" * 50_000 + "\n+++\nx\n", "utf-8")
    code, output = _check(post)
    assert code == 1 and f"{post}:1: front matter is nested too deeply" in output


def test_deep_site_config(tmp_path: Path) -> None:
    (tmp_path / "mdwx.toml").write_text("x = " + "[" * 50_000 + "]" * 50_000 + "\n", "utf-8")
    with pytest.raises(ConfigError, match="nested too deeply"):
        load_config(tmp_path)


@pytest.mark.parametrize("depth, refused", [(200, False), (100_000, True)])
def test_deep_svg(tmp_path: Path, depth: int, refused: bool) -> None:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        + "<g>" * depth
        + '<rect width="5" height="5"/>'
        + "</g>" * depth
        + "</svg>"
    )
    (tmp_path / "deep.svg").write_text(svg, "utf-8")
    post = tmp_path / "c.md"
    post.write_text("---\ntitle: c\n---\n\n![s](deep.svg)\n", "utf-8")
    code, output = _check(post)
    assert "Traceback" not in output
    if refused:
        assert (
            code == 1
            and f"{post}:5: deep.svg: SVG elements are nested more than 256 deep" in output
        )
    else:
        assert code == 0, output


def test_recover_refuses_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    victim = tmp_path / "notes.txt"
    victim.write_text("hello\n", "utf-8")
    result = CliRunner().invoke(main, ["state", "check", str(victim)])
    assert result.exit_code != 0 and "not an mdwx state database" in result.output
    assert "state recover" not in result.output
    with pytest.raises(Exception, match="not an mdwx state database"):
        recover(victim)
    assert victim.read_text("utf-8") == "hello\n" and list(tmp_path.iterdir()) == [victim]
