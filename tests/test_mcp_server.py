"""``mdwx mcp``: the official SDK's client drives the server over stdio against a sandbox
(check → publish → status → preview_to_phone, and a retried publish makes no second article); in process:
which tools exist, paths confined to the site, errors as one line for the agent."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("mcp", reason="the MCP SDK is the mdwx[mcp] extra")

from mcp import Client, StdioServerParameters  # noqa: E402

from mdwx.errors import ConfigError  # noqa: E402
from mdwx.mcp_server import MdwxTools, create_server  # noqa: E402
from tests.cli_helpers import count, write_post  # noqa: E402
from tests.factories import sandbox  # noqa: E402

READ_ONLY = {
    "check",
    "build",
    "status",
    "themes",
    "doctor",
    "account_list",
    "reconcile",
    "materials",
    "comments",
    "stats",
}
WRITING = {"publish", "preview_to_phone"}


def _site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    (site / "mdwx.toml").write_text("", encoding="utf-8")
    write_post(site / "posts" / "hello.md", title="Hello from an agent")
    return site


def inbox(sb: Any, to: str) -> list[dict[str, Any]]:
    """What the sandbox's follower ``to`` received on the phone."""
    return list(httpx.get(f"{sb.base_url}/_sandbox/inbox", params={"to": to}).json()["messages"])


def _result(answer: Any) -> dict[str, Any]:
    assert not answer.is_error, answer.content
    assert answer.structured_content == json.loads(answer.content[0].text)
    return dict(answer.structured_content)


def test_a_scripted_agent_session_over_stdio_checks_publishes_and_follows(tmp_path: Path) -> None:
    site = _site(tmp_path)
    with sandbox() as sb:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "MDWX_"))}
        env.update(
            MDWX_API_BASE=sb.base_url,
            WECHAT_APPID=sb.appid,
            WECHAT_APPSECRET=sb.secret,
            XDG_CACHE_HOME=str(tmp_path / "cache"),
        )
        server = StdioServerParameters(
            command=sys.executable,
            args=["-m", "mdwx", "mcp", "--site", str(site)],
            env=env,
            cwd=str(tmp_path),
        )

        async def session() -> list[dict[str, Any]]:
            async with Client(server, read_timeout_seconds=120) as client:
                names = {tool.name for tool in (await client.list_tools()).tools}
                assert names == READ_ONLY | WRITING
                checked = _result(await client.call_tool("check", {"paths": ["posts/hello.md"]}))
                first = _result(await client.call_tool("publish", {"paths": ["posts/hello.md"]}))
                again = _result(await client.call_tool("publish", {"paths": ["posts/hello.md"]}))
                status = _result(await client.call_tool("status", {"paths": ["posts"]}))
                phoned = _result(
                    await client.call_tool(
                        "preview_to_phone", {"path": "posts/hello.md", "phone": "reader1"}
                    )
                )
                return [checked, first, again, status, phoned]

        checked, first, again, status, phoned = asyncio.run(session())
        assert count(sb, "publish/uploadnews") == 1 and count(sb, "publish/submit") == 0
        [received] = inbox(sb, "reader1")
        assert count(sb, "message/mass/preview") == 1
    assert received["titles"] == ["Hello from an agent"]
    assert phoned["media_id"] == first["posts"][0]["media_id"] and not phoned["uploaded"]
    assert phoned["previews_left"] == phoned["previews"]["left_today"] == 99
    assert "99 of about 100 previews left" in phoned["note"]
    assert checked["ok"] and checked["posts"][0]["diagnostics"] == []
    assert first["ok"] and first["posts"][0]["status"] == "draft"
    assert again["posts"][0]["media_id"] == first["posts"][0]["media_id"]
    assert (
        status["posts"][0]["status"] == "draft"
        and status["posts"][0]["media_id"] == first["posts"][0]["media_id"]
    )
    assert sb.secret not in json.dumps([checked, first, again, status, phoned])


def _call(
    tools: MdwxTools, name: str, arguments: dict[str, Any], *, allow_destructive: bool = False
) -> Any:
    async def run() -> Any:
        async with Client(create_server(tools, allow_destructive=allow_destructive)) as client:
            return await client.call_tool(name, arguments)

    return asyncio.run(run())


def test_destructive_tools_exist_only_when_the_server_allows_them(tmp_path: Path) -> None:
    tools = MdwxTools(_site(tmp_path), sandbox=True)

    async def names(allow: bool) -> set[str]:
        async with Client(create_server(tools, allow_destructive=allow)) as client:
            return {tool.name for tool in (await client.list_tools()).tools}

    assert not {"delete", "prune"} & asyncio.run(names(False))
    assert asyncio.run(names(True)) == READ_ONLY | WRITING | {"delete", "prune"}
    refused = _call(tools, "delete", {"path": "posts/hello.md"})
    assert refused.is_error


@pytest.mark.parametrize(
    "path", ["..", "../outside.md", "/etc/passwd", "posts/../../x.md", "escape.md"]
)
def test_paths_outside_the_site_are_refused_before_anything_is_read(
    tmp_path: Path, path: str
) -> None:
    site = _site(tmp_path)
    (tmp_path / "outside.md").write_text("---\ntitle: secret\n---\nprivate", encoding="utf-8")
    (site / "escape.md").symlink_to(tmp_path / "outside.md")
    tools = MdwxTools(site, sandbox=True)
    for name in ("check", "publish", "build"):
        answer = _call(tools, name, {"paths": [path]})
        assert answer.is_error and "outside the site" in answer.content[0].text
    phoned = _call(tools, "preview_to_phone", {"path": path, "phone": "reader1"})
    assert phoned.is_error and "outside the site" in phoned.content[0].text
    assert not (site / ".mdwx" / "sandbox.db").exists()


def test_a_bad_post_is_one_line_naming_the_file_and_line(tmp_path: Path) -> None:
    site = _site(tmp_path)
    (site / "posts" / "bad.md").write_text("---\ntitle: [unclosed\n---\nbody\n", encoding="utf-8")
    tools = MdwxTools(site, sandbox=True)
    checked = _result(_call(tools, "check", {"paths": ["posts/bad.md"]}))
    [post] = checked["posts"]
    assert not checked["ok"] and post["diagnostics"][0]["line"] == 2
    missing = _call(tools, "check", {"paths": ["posts/nope.md"]})
    assert missing.is_error and "nope.md" in missing.content[0].text
    assert "Traceback" not in missing.content[0].text


def test_publish_in_the_sandbox_makes_a_draft_and_a_retry_no_duplicate(tmp_path: Path) -> None:
    tools = MdwxTools(_site(tmp_path), sandbox=True)
    first = _result(_call(tools, "publish", {"paths": ["posts"]}))
    again = _result(_call(tools, "publish", {"paths": ["posts"]}))
    built = _result(_call(tools, "build", {"paths": ["posts/hello.md"], "screenshot": False}))
    assert first["posts"][0]["status"] == "draft"
    assert again["posts"][0]["media_id"] == first["posts"][0]["media_id"]
    assert built["ok"] and all(Path(p).is_file() for p in built["posts"][0]["outputs"])
    assert all(Path(p).is_relative_to(tools.site) for p in built["posts"][0]["outputs"])


def test_the_server_needs_a_site_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not a folder"):
        MdwxTools(tmp_path / "missing")


_SEGMENTS = st.sampled_from(
    ["..", ".", "posts", "hello.md", "escape.md", "link", "", "outside.md", "x"]
)


@given(parts=st.lists(_SEGMENTS, min_size=1, max_size=6), absolute=st.booleans())
def test_no_path_an_agent_names_resolves_outside_the_site(
    tmp_path_factory: pytest.TempPathFactory, parts: list[str], absolute: bool
) -> None:
    tools = _confined_site(tmp_path_factory)
    given_path = "/".join(parts)
    if absolute:
        given_path = str(tools.site.parent / given_path)
    try:
        found = tools.inside([given_path])
    except ConfigError:
        return
    assert all(Path(p).resolve().is_relative_to(tools.site) for p in found)


_SITES: dict[str, MdwxTools] = {}


def _confined_site(factory: pytest.TempPathFactory) -> MdwxTools:
    """One site for every example: a post, a symlink out of it and a linked folder out of it."""
    if "site" not in _SITES:
        root = factory.mktemp("confined")
        site = _site(root)
        (root / "outside.md").write_text("---\ntitle: secret\n---\nprivate", encoding="utf-8")
        (site / "escape.md").symlink_to(root / "outside.md")
        (site / "link").symlink_to(root)
        _SITES["site"] = MdwxTools(site, sandbox=True)
    return _SITES["site"]


def test_the_accounts_read_only_calls_answer_through_the_server(tmp_path: Path) -> None:
    tools = MdwxTools(_site(tmp_path), sandbox=True)
    _result(_call(tools, "publish", {"paths": ["posts"]}))
    doctor = _result(_call(tools, "doctor", {}))
    counts = _result(_call(tools, "materials", {}))
    listed = _result(_call(tools, "account_list", {"kinds": ["drafts"]}))
    preview = _result(_call(tools, "reconcile", {}))
    assert doctor["checks"] and counts["counts"]["image"] >= 1 and "items" in listed
    assert preview["applied"] is False
    for name, arguments, words in [
        ("account_list", {"kinds": ["everything"]}, "unknown kind"),
        ("materials", {"action": "prune"}, "prune tool"),
        ("stats", {"since": "last week"}, "YYYY-MM-DD"),
        ("comments", {"path": "../x.md"}, "outside the site"),
        ("comments", {"path": "posts/hello.md", "index": 9}, "0 to 7"),
    ]:
        answer = _call(tools, name, arguments)
        assert answer.is_error and words in answer.content[0].text, name


def test_the_phone_preview_is_announced_as_spending_a_preview_not_as_destructive(
    tmp_path: Path,
) -> None:
    tools = MdwxTools(_site(tmp_path), sandbox=True)

    async def annotations() -> Any:
        async with Client(create_server(tools)) as client:
            listed = (await client.list_tools()).tools
            return next(t for t in listed if t.name == "preview_to_phone").annotations

    hints = asyncio.run(annotations())
    assert not hints.read_only_hint and not hints.destructive_hint
    assert not hints.idempotent_hint and hints.open_world_hint
