"""``mdwx themes``: the built-in themes, and a starting file for one's own."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from mdwx.errors import ConfigError

STARTER = """/* mdwx theme "{name}": describe it in one line here.
   A theme is CSS for the article's semantic HTML; mdwx inlines it (WeChat keeps only inline
   styles), so only what can be inlined is allowed: see docs/themes.md. Use it with
   theme = "{path}" in mdwx.toml, or theme: {path} in a post's front matter.
   mdwx: pygments-style={style} */

/* Start from a built-in theme (mdwx themes lists them); your rules come after its rules. */
@import "{base}";

/* Named variables: replaced by their values when the theme is loaded (WeChat drops CSS
   variables). Change a value, delete a line to keep the base's. */
:root {{
  --primary: #07a35a;          /* accent: strong text, links, list markers, heading rules */
  --text: #333333;             /* body text */
  --heading-color: #1f2d3d;    /* headings */
  --font-size: 16px;
  --line-height: 1.75;
  --paragraph-spacing: 16px;   /* space after each paragraph */
  --heading-style: underline;  /* underline | bar | pill | center | plain */
  --tint: #f2f7f4;             /* quote background */
  --tint-strong: #eef3f0;      /* inline code and table head background */
}}

/* Any rule of the base can be overridden, for example: */
/* blockquote {{ border-left-width: 3px; }} */
/* .code {{ background: #1e1e1e; color: #d4d4d4; border-radius: 8px; }} */
"""


def add_theme_commands(main: click.Group, guard: Callable[[Any], Any]) -> None:
    """Register ``mdwx themes`` and ``mdwx themes new`` on ``main``."""

    @main.group(invoke_without_command=True)
    @click.pass_context
    @guard
    def themes(ctx: click.Context) -> None:
        """List the built-in themes (theme = "NAME" in mdwx.toml or front matter)."""
        if ctx.invoked_subcommand is not None:
            return
        from mdwx.render.themes import description, theme_names

        names = theme_names()
        width = max(len(name) for name in names)
        for name in names:
            click.echo(f"{name:<{width}}  {description(name)}")

    @themes.command("new")
    @click.argument("name")
    @click.option(
        "--base", default="default", show_default=True, help="The built-in theme to start from."
    )
    @click.option(
        "--dir",
        "folder",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("."),
        show_default=True,
        help="Where to write NAME.css.",
    )
    @guard
    def new(name: str, base: str, folder: Path) -> None:
        """Write NAME.css: a commented theme extending a built-in one."""
        from mdwx.render.themes import load_theme

        if not re.fullmatch(r"[\w-]+", name):
            raise ConfigError(f"theme name {name!r}: use letters, digits, '-' and '_'")
        style = load_theme(base).pygments_style  # also refuses an unknown base
        path = folder / f"{name}.css"
        if path.exists():
            raise ConfigError(
                f"{path} already exists", hint="choose another name or remove the file"
            )
        folder.mkdir(parents=True, exist_ok=True)
        # mdwx.toml names files relative to the site root, wherever the command ran.
        from mdwx.source.site import find_site_root

        written = Path(os.path.relpath(path.resolve(), find_site_root(folder.resolve())))
        path.write_text(
            STARTER.format(name=name, path=written.as_posix(), base=base, style=style), "utf-8"
        )
        click.echo(
            f'wrote {path}: set theme = "{written.as_posix()}" in mdwx.toml to use it', err=True
        )
