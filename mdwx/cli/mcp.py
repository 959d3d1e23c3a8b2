"""``mdwx mcp``: run the Model Context Protocol server on stdio (:mod:`mdwx.mcp_server`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from mdwx.errors import ConfigError
from mdwx.install_hint import install_hint


def add_mcp_command(main: click.Group, guard: Callable[[Any], Any]) -> None:
    """Register ``mdwx mcp`` on ``main``."""

    @main.command()
    @click.option(
        "--site",
        type=click.Path(path_type=Path, file_okay=False),
        default=Path("."),
        show_default=True,
        help="The site whose posts the tools may name (paths outside are refused).",
    )
    @click.option(
        "--sandbox", is_flag=True, help="Publish to the in-process WeChat emulator, not WeChat."
    )
    @click.option(
        "--allow-destructive",
        is_flag=True,
        help="Offer the tools that delete from WeChat (delete, prune). Off by default.",
    )
    @guard
    def mcp(site: Path, sandbox: bool, allow_destructive: bool) -> None:
        """Serve mdwx's tools to an AI agent over stdio (Model Context Protocol).

        Tools: check, build, publish (a draft unless submit=true), status, preview_to_phone,
        themes, doctor, account_list, reconcile (a preview), materials, comments, stats;
        delete and prune with --allow-destructive. Credentials come from this process's environment, as for
        `mdwx publish`; the agent never sees them. Needs the extra: python -m pip install '.[mcp]' from the mdwx checkout.
        """
        try:
            import mcp as _sdk  # noqa: F401
        except ImportError:
            raise ConfigError(
                "the MCP server needs the official MCP SDK", hint=install_hint("mcp")
            ) from None
        from mdwx.mcp_server import serve

        serve(site, sandbox=sandbox, allow_destructive=allow_destructive)
