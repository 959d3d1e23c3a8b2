"""``mdwx mcp --site DIR``: a post's site root must be DIR or below it, so every file a post
reads (pictures, includes, config, state) is inside DIR. The gate confines a post's reads
to its site root; a root above DIR (an mdwx.toml or .git higher up) would let
``![](../secret.png)`` read outside the folder the agent was given."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("mcp", reason="the MCP SDK is the mdwx[mcp] extra")

from mdwx.errors import ConfigError  # noqa: E402
from mdwx.mcp_server import MdwxTools  # noqa: E402
from tests.publish_helpers import png_bytes  # noqa: E402

LEVELS = ("outer", "site", "sub")  # outer/site/sub/post.md, --site is outer/site
POST = "---\ntitle: Reaching out\n---\n\n![secret](../../secret.png)\n"


def _layout(base: Path, tomls: set[str], gits: set[str]) -> MdwxTools:
    folders = {"outer": base / "outer", "site": base / "outer" / "site"}
    folders["sub"] = folders["site"] / "sub"
    folders["sub"].mkdir(parents=True)
    (folders["outer"] / "secret.png").write_bytes(png_bytes())
    (folders["sub"] / "post.md").write_text(POST, encoding="utf-8")
    for level in tomls:
        (folders[level] / "mdwx.toml").write_text("", encoding="utf-8")
    for level in gits:
        (folders[level] / ".git").mkdir()
    return MdwxTools(folders["site"], sandbox=True)


def _root_level(tomls: set[str], gits: set[str]) -> str:
    """The gate's rule: the nearest mdwx.toml, else the nearest .git, else the post's folder."""
    for markers in (tomls, gits):
        for level in reversed(LEVELS):
            if level in markers:
                return level
    return "sub"


_LEVELS = st.sets(st.sampled_from(LEVELS))


@settings(max_examples=30)  # 64 placements in all
@given(tomls=_LEVELS, gits=_LEVELS)
def test_no_placement_of_site_markers_lets_a_post_read_outside_the_site(
    tomls: set[str], gits: set[str]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        tools = _layout(Path(folder), tomls, gits)
        above = _root_level(tomls, gits) == "outer"
        try:
            report = asyncio.run(tools.check(["sub/post.md"]))
        except ConfigError as exc:
            assert above, exc
            assert "above --site" in str(exc) and "\n" not in str(exc)
            return
        assert not above
        assert not report["ok"]  # the picture is outside the post's root: refused, not read
        assert "secret.png" in str(report["posts"][0]["diagnostics"])


def test_a_root_above_the_site_is_refused_by_every_tool_with_one_line(tmp_path: Path) -> None:
    tools = _layout(tmp_path, {"outer"}, set())
    for call in (
        tools.check(["sub/post.md"]),
        tools.build(["sub"], screenshot=False),
        tools.status(),
        tools.doctor(),
        tools.materials(),
    ):
        with pytest.raises(ConfigError) as refused:
            asyncio.run(call)
        message = str(refused.value)
        assert f"above --site {tools.site}" in message and "its mdwx.toml" in message
        assert f"start the server at {tmp_path / 'outer'}" in message
    assert not (tools.site / ".mdwx").exists() and not (tmp_path / "outer" / ".mdwx").exists()


def test_a_site_of_its_own_below_the_server_site_is_served(tmp_path: Path) -> None:
    tools = _layout(tmp_path, {"outer", "sub"}, set())
    (tools.site / "sub" / "post.md").write_text(
        "---\ntitle: Fine\n---\n\nText.\n", encoding="utf-8"
    )
    report = asyncio.run(tools.check(["sub/post.md"]))
    assert report["ok"], report
