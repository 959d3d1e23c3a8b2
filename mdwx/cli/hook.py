"""``mdwx hook install|uninstall`` (and ``hook run``, what the installed hook calls)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from mdwx.cli.common import EXIT_OK, CommandDecorator


def add_hook_commands(main: click.Group, guard: CommandDecorator) -> None:
    """Register ``mdwx hook …`` on ``main``."""

    @main.group()
    def hook() -> None:
        """Publish the posts a git push changes (pre-push or post-receive hook)."""

    @hook.command()
    @click.option(
        "--pre-push",
        "kind",
        flag_value="pre-push",
        default=True,
        help="Before a push leaves this clone (default); a failure stops the push.",
    )
    @click.option(
        "--post-receive",
        "kind",
        flag_value="post-receive",
        help="In the receiving (e.g. bare) repository, after a push landed.",
    )
    @click.option(
        "--submit/--draft",
        "submit",
        default=False,
        help="Submit the changed posts for publishing, or upload them as drafts (default).",
    )
    @click.option(
        "--force",
        is_flag=True,
        help="Replace a hook that is not mdwx's (kept as <hook>.mdwx-backup).",
    )
    @guard
    def install(kind: str, submit: bool, force: bool) -> None:
        """Install the hook in the repository of the current folder (core.hooksPath honoured)."""
        from mdwx.integrations.hooks import install as install_hook

        done = install_hook(Path.cwd(), kind, submit=bool(submit), force=force)

        verb = "updated" if done.updated else "installed"
        click.echo(
            f"{verb} the {kind} hook: {done.path} (publishes changed posts "
            f"{'submitted' if submit else 'as drafts'})",
            err=True,
        )
        if done.backup:
            click.echo(f"the hook it replaced is kept as {done.backup} and runs first", err=True)
        sys.exit(EXIT_OK)

    @hook.command()
    @guard
    def uninstall() -> None:
        """Remove mdwx's hooks and put back what they replaced."""
        from mdwx.integrations.hooks import uninstall as uninstall_hooks

        lines = uninstall_hooks(Path.cwd())
        for line in lines or ["no mdwx hook is installed here"]:
            click.echo(line, err=True)
        sys.exit(EXIT_OK)

    @hook.command(hidden=True, context_settings={"ignore_unknown_options": True})
    @click.argument("kind", type=click.Choice(["pre-push", "post-receive", "pre-commit"]))
    @click.option("--submit/--draft", "submit", default=False)
    @click.argument("args", nargs=-1)
    @guard
    def run(kind: str, submit: bool, args: tuple[str, ...]) -> None:
        """What the installed hook calls: the pushed refs on stdin, git's arguments after."""
        from mdwx.integrations.hooks import run_hook

        text = "" if kind == "pre-commit" else sys.stdin.read()

        def say(line: str) -> None:
            click.echo(line, err=True)

        code: int = run_hook(kind, args, text, submit=bool(submit), say=say)
        sys.exit(code)
