"""Every MCP tool's failure is one line an agent can read, never "Error executing tool" with
a traceback on the server: a NUL character in any path (refused by the gate for every door),
a date range the account refuses (a typed mdwx error at its source)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("mcp", reason="the MCP SDK is the mdwx[mcp] extra")

from mcp import Client  # noqa: E402

from mdwx.errors import ConfigError  # noqa: E402
from mdwx.mcp_server import MdwxTools, create_server  # noqa: E402
from mdwx.source.gate import InMemory, admit  # noqa: E402
from tests.cli_helpers import write_post  # noqa: E402

_SITES: dict[str, MdwxTools] = {}
PATH_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)


def _tools(factory: pytest.TempPathFactory) -> MdwxTools:
    if "site" not in _SITES:
        site = factory.mktemp("mcp-errors") / "site"
        site.mkdir()
        (site / "mdwx.toml").write_text("", encoding="utf-8")
        write_post(site / "posts" / "hello.md", title="Hello")
        _SITES["site"] = MdwxTools(site, sandbox=True)
    return _SITES["site"]


def _calls(tools: MdwxTools, calls: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    async def run() -> list[Any]:
        async with Client(create_server(tools, allow_destructive=True)) as client:
            return [await client.call_tool(name, arguments) for name, arguments in calls]

    return asyncio.run(run())


def _one_line_error(answer: Any) -> str:
    text = str(answer.content[0].text)
    assert answer.is_error and "\n" not in text.strip() and "Traceback" not in text
    return text


@pytest.mark.parametrize("path", ["\x00", "posts/\x00x", "/etc/\x00", "../\x00/hello.md"])
def test_a_nul_in_any_tools_path_is_one_line_naming_it(
    tmp_path_factory: pytest.TempPathFactory, path: str
) -> None:
    calls: list[tuple[str, dict[str, Any]]] = [
        (name, {"paths": [path]}) for name in ("check", "build", "publish", "status", "stats")
    ]
    calls += [(name, {"path": path}) for name in ("comments", "delete", "preview_to_phone")]
    calls[-1][1]["phone"] = "reader1"
    for (name, _), answer in zip(calls, _calls(_tools(tmp_path_factory), calls), strict=True):
        text = _one_line_error(answer)
        assert "NUL" in text and "\\x00" in text, name


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        ({"since": "2020-01-01", "until": "2030-01-01"}, "at most 90 days"),
        ({"since": "2030-01-01"}, "after the last day"),
        ({"until": "2020-13-01"}, "YYYY-MM-DD"),
    ],
)
def test_a_stats_range_the_account_refuses_is_one_line(
    tmp_path_factory: pytest.TempPathFactory, arguments: dict[str, str], words: str
) -> None:
    [answer] = _calls(_tools(tmp_path_factory), [("stats", arguments)])
    assert words in _one_line_error(answer)


@given(before=PATH_TEXT, after=PATH_TEXT, in_memory=st.booleans())
def test_the_gate_refuses_a_nul_in_a_path_for_every_door(
    before: str, after: str, in_memory: bool
) -> None:
    path = f"{before}\x00{after}"
    source = InMemory("# t\n", path=path, root=".") if in_memory else path
    with pytest.raises(ConfigError, match="NUL") as refused:
        admit([source])
    assert "\x00" not in str(refused.value)
