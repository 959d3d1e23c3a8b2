"""``build`` through the MCP server draws a phone-size screenshot with Debian's Chromium."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

pytest.importorskip("mcp", reason="the MCP SDK is the mdwx[mcp] extra")

from mcp import Client  # noqa: E402
from PIL import Image  # noqa: E402

from mdwx.mcp_server import MdwxTools, create_server  # noqa: E402
from mdwx.preview.phone_shot import PHONE, find_chromium  # noqa: E402
from tests.cli_helpers import write_post  # noqa: E402

pytestmark = pytest.mark.skipif(
    find_chromium() is None, reason="needs a Chromium (Debian's chromium)"
)


def test_build_returns_a_phone_screenshot_of_the_preview(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "mdwx.toml").write_text("", encoding="utf-8")
    write_post(site / "posts" / "hello.md", title="A phone's view")

    async def run() -> dict[str, object]:
        async with Client(create_server(MdwxTools(site))) as client:
            answer = await client.call_tool("build", {"paths": ["posts/hello.md"]})
            assert not answer.is_error, answer.content
            return dict(answer.structured_content or {})

    [post] = asyncio.run(run())["posts"]  # type: ignore[misc]
    shot = Path(post["screenshot"])
    assert shot.is_relative_to(site) and shot.name == "phone.png"
    with Image.open(shot) as picture:
        assert picture.size == PHONE
        low, high = picture.convert("L").getextrema()
        assert low < high  # something was drawn
