"""``mdwx mcp``: a Model Context Protocol server (stdio) so AI agents publish with mdwx's safety.

An agent gets mdwx's tools, not raw API calls: ``check``, ``build`` (HTML and a phone
screenshot when Chromium is installed), ``publish`` (a draft unless asked to submit),
``status``, ``preview_to_phone`` (:mod:`mdwx.mcp_reach`), ``themes`` and the account's
read-only calls (``doctor``, ``account_list``,
``reconcile`` as a preview, ``materials``, ``comments``, ``stats``: :mod:`mdwx.mcp_account`);
``delete`` and ``prune`` only when the server was started with ``--allow-destructive``.
Every tool is a thin call of :mod:`mdwx.api`, so the state makes a retried ``publish``
update the same article instead of adding a copy, and every check that ``mdwx publish``
runs before sending runs here too.

Posts are paths inside the one site the server was started for: each is resolved (symbolic
links followed) and refused outside the site's folder, and refused too when its site root
(the nearest ``mdwx.toml`` or git work tree, as the gate finds it) lies above that folder:
the gate (:mod:`mdwx.source.gate`) confines what a post reads to its site root, so a root
above ``--site`` would let ``![](../x.png)`` read outside it. Every file a post reads is
thus inside ``--site``. Credentials come from the server's
environment as for the command line (``WECHAT_APPID``/``WECHAT_APPSECRET``, a relay's
``MDWX_API_BASE`` + ``MDWX_RELAY_KEY``, ``[accounts.NAME]`` variables); the agent never sees
them. See docs/mcp.md.

To add a tool (mass sending, for instance): write an ``async`` method of
:class:`MdwxTools` taking JSON-friendly arguments and returning a dict, and list it in
:data:`WRITE_TOOLS` (or :data:`READ_TOOLS`, :data:`DESTRUCTIVE_TOOLS`).
"""

from __future__ import annotations

import asyncio
import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations

from mdwx.api import Credentials, Options, aio, offline
from mdwx.errors import ConfigError, MdwxError
from mdwx.mcp_account import AccountTools
from mdwx.mcp_reach import ReachTools
from mdwx.preview.phone_shot import find_chromium, phone_screenshot
from mdwx.render.themes import description, theme_names
from mdwx.source.gate import path_text
from mdwx.source.site import find_site_root
from mdwx.version import __version__

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer

    from mdwx.api import Options

SERVER_NAME = "mdwx"
BUILD_FOLDER = Path(".mdwx") / "mcp-build"
INSTRUCTIONS = (
    "mdwx publishes Markdown posts (YAML front matter) of one site to a WeChat Official Account. "
    "Paths are relative to the site's folder. Run `check` first; `publish` uploads a draft unless "
    "submit=true; publishing again updates the same article (never a duplicate); `status` "
    "follows review. Errors name the file and line."
)


@dataclass
class MdwxTools(AccountTools, ReachTools):
    """The tools of one server: the site's folder, whether to use the sandbox, the environment."""

    site: Path
    sandbox: bool = False
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))

    def __post_init__(self) -> None:
        self.site = self.site.resolve()
        if not self.site.is_dir():
            raise ConfigError(
                "the MCP server's site is not a folder",
                path=self.site,
                hint="start it with --site pointing at the folder holding mdwx.toml",
            )

    # -- plumbing -------------------------------------------------------------------------

    def inside(self, paths: list[str] | str) -> list[str]:
        """``paths`` (relative to the site, or absolute) resolved; each must lie in the site.

        Raises :class:`ConfigError` naming the first path outside it, missing, or holding
        a NUL character (the gate's :func:`~mdwx.source.gate.path_text`).
        """
        named = [paths] if isinstance(paths, str) else list(paths)
        if not named:
            raise ConfigError("name at least one post or folder of the site")
        found = []
        for given in named:
            path = (self.site / path_text(given)).resolve()
            if not path.is_relative_to(self.site):
                raise ConfigError(
                    f"{given!r} is outside the site",
                    path=self.site,
                    hint="name posts inside the site the server was started for",
                )
            if not path.exists():
                raise ConfigError("no such post or folder in the site", path=given)
            self.rooted_inside(path, given)
            found.append(str(path))
        return found

    def rooted_inside(self, path: Path, given: str | None = None) -> Path:
        """The site root of ``path`` (a post or folder in the site), as the gate finds it.

        Raises :class:`ConfigError` when that root lies above the site's folder: the gate
        confines a post's reads to its root, so a root above would let it read outside.
        A folder's root bounds the roots of every post below it, so checking it suffices.
        """
        root = find_site_root(path)
        if root.is_relative_to(self.site):
            return root
        name = given if given is not None else str(path)
        raise ConfigError(
            f"the site of {name} is {root} ({_marker(root)}), above --site {self.site}",
            hint=f"put an mdwx.toml in {self.site} or start the server at {root}",
        )

    def options(self, **changes: Any) -> Options:
        """The API options from the server's environment, as the command line reads them."""
        env = self.environ
        allowed = tuple(env.get("MDWX_ALLOW_API_BASE", "").replace(",", " ").split())
        state = env.get("MDWX_STATE")
        options = Options(
            credentials=Credentials.from_env(env),
            api_base=env.get("MDWX_API_BASE") or None,
            allow_api_base=allowed,
            state_path=Path(state) if state else None,
            accounts=lambda account: Credentials.for_account(account, env),
            sandbox=self.sandbox,
        )
        return replace(options, **changes)

    # -- read-only ------------------------------------------------------------------------

    async def check(self, paths: list[str], account: str | None = None) -> dict[str, Any]:
        """Validate posts offline, exactly as publish would before sending: front matter,
        WeChat's limits, content size, pictures.

        Returns {"ok", "posts": [{path, diagnostics…}]}."""
        report = offline.check_sync(self.inside(paths), self.options(account=account))
        return {"ok": report.ok, **report.to_json()}

    async def build(self, paths: list[str], screenshot: bool = True) -> dict[str, Any]:
        """Render posts offline to WeChat's exact content HTML and a phone-frame preview under
        .mdwx/mcp-build/<slug>/; with screenshot, also a phone-size PNG when Chromium is
        installed. Returns {"ok", "posts": [{path, outputs, screenshot…}]}."""
        report = offline.build_sync(
            self.inside(paths), self.options(out_dir=self.site / BUILD_FOLDER)
        )
        document: dict[str, Any] = {"ok": report.ok, **report.to_json()}
        browser = find_chromium() if screenshot else None
        for post, entry in zip(report.posts, document["posts"], strict=True):
            entry["screenshot"] = None
            if screenshot and browser is None:
                entry["screenshot_note"] = "no Chromium on the server's machine: no screenshot"
            elif browser is not None and len(post.outputs) > 1:
                entry["screenshot"] = await _shot(post.outputs[1], browser)
        return document

    async def status(
        self, paths: list[str] | None = None, account: str | None = None
    ) -> dict[str, Any]:
        """What mdwx recorded for each post (per account) and WeChat's live status:
        draft, submitted, published, rejected… with the article's URL once published."""
        report = await aio.status(self.inside(paths or ["."]), self.options(account=account))
        return report.to_json()

    async def themes(self) -> dict[str, Any]:
        """The built-in themes a post or the site can use (theme: NAME)."""
        return {
            "themes": [{"name": name, "description": description(name)} for name in theme_names()]
        }

    # -- writing --------------------------------------------------------------------------

    async def publish(
        self,
        paths: list[str],
        submit: bool = False,
        wait: bool = False,
        force: bool = False,
        dry_run: bool = False,
        account: str | None = None,
    ) -> dict[str, Any]:
        """Upload posts (pictures, cover, article) as drafts; with submit=true also submit them
        for publishing (wait=true follows review). Safe to retry: a post already uploaded is
        updated, never duplicated; an unchanged one is not sent again. dry_run reports the
        steps without sending.

        Returns {"ok", "posts": [{path, media_id, status, url, error…}]}."""
        options = self.options(
            draft=not submit, wait=wait, force=force, dry_run=dry_run, account=account
        )
        report = await aio.publish(self.inside(paths), options)
        return {"ok": report.ok, **report.to_json(), "notes": report.notes}

    # -- destructive (only with --allow-destructive) ------------------------------------------

    async def delete(
        self, path: str, article: str | None = None, account: str | None = None
    ) -> dict[str, Any]:
        """Delete one post's article from WeChat (its current one, or the media_id given as
        article). Not reversible. Returns {"path", "media_id", "deleted", "already_deleted"}."""
        [post] = self.inside(path)
        result = await aio.delete(post, self.options(account=account))
        return result.to_json()


READ_TOOLS = (
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
)
WRITE_TOOLS = ("publish", "preview_to_phone")
#: Tools whose repeat does something again (a preview spends one of the day's ~100).
REPEATING_TOOLS = ("preview_to_phone",)
DESTRUCTIVE_TOOLS = ("delete", "prune")


async def _shot(page: Path, browser: str) -> str:
    out = page.with_name("phone.png")
    return str(await asyncio.to_thread(phone_screenshot, page, out, browser=browser))


def _marker(root: Path) -> str:
    """What made ``root`` a site root, for the error that names it."""
    for name in ("mdwx.toml", "pyproject.toml", ".git"):
        if os.path.lexists(root / name):
            return f"its {name}"
    return "its site generator's files"


def tool_names(allow_destructive: bool) -> tuple[str, ...]:
    """The tools a server offers: the destructive ones only when explicitly allowed."""
    return READ_TOOLS + WRITE_TOOLS + (DESTRUCTIVE_TOOLS if allow_destructive else ())


def create_server(tools: MdwxTools, *, allow_destructive: bool = False) -> MCPServer:
    """The MCP server exposing ``tools`` (the official SDK's :class:`MCPServer`)."""
    server: MCPServer = MCPServer(
        SERVER_NAME, version=__version__, instructions=INSTRUCTIONS, log_level="WARNING"
    )
    for name in tool_names(allow_destructive):
        annotations = ToolAnnotations(
            read_only_hint=name in READ_TOOLS,
            destructive_hint=name in DESTRUCTIVE_TOOLS,
            idempotent_hint=name not in DESTRUCTIVE_TOOLS + REPEATING_TOOLS,
            open_world_hint=name not in ("check", "build", "themes"),
        )
        server.add_tool(
            _reporting(getattr(tools, name)),
            name=name,
            annotations=annotations,
            structured_output=True,
        )
    return server


def _reporting(method: Any) -> Any:
    """``method`` with mdwx's errors turned into the tool error an agent reads: one line with
    the file and line, and the hint (no traceback)."""

    @functools.wraps(method)
    async def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return await method(*args, **kwargs)
        except MdwxError as exc:
            raise ToolError(str(exc)) from None  # "path:line: message (hint)"

    return call


def serve(site: Path, *, sandbox: bool = False, allow_destructive: bool = False) -> None:
    """Run the server on stdio until the client closes it. Raises :class:`ConfigError`."""
    tools = MdwxTools(site, sandbox=sandbox)
    create_server(tools, allow_destructive=allow_destructive).run("stdio")
