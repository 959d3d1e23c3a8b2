"""The commands that reach followers: ``preview POST --phone`` and ``send``: printing only.

The work is :mod:`mdwx.api.reach`'s and :mod:`mdwx.api.sending`'s; here its results are
printed: human lines on stderr, or one JSON document on stdout with ``--json`` (an error
too: ``{"error": {...}}``). The exit code follows DESIGN's table (1 a post or a call
failed, 2 usage or configuration).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from mdwx.cli.common import EXIT_OK, CommandDecorator, exit_code_for, options_from_env, run_async
from mdwx.cli.printable import json_text, one_line
from mdwx.errors import ConfigError, MdwxError

if TYPE_CHECKING:
    from mdwx.api import Options

T = TypeVar("T")


def _say(text: str, **style: Any) -> None:
    click.secho(text, err=True, **style)


def run_guarded(work: Callable[[], T], as_json: bool) -> T:
    """``work()``; an :class:`MdwxError` becomes one line on stderr (and ``{"error"}`` on
    stdout with ``--json``) and its exit code."""
    try:
        return work()
    except MdwxError as exc:
        if as_json:
            click.echo(json_text({"error": exc.to_json()}))
        from mdwx.cli.printable import printable

        _say(printable(f"mdwx: error: {exc}"), fg="red")  # may quote WeChat's errmsg
        sys.exit(exit_code_for(exc))


def run_phone_preview(
    path: Path, options: Options, *, wxname: str | None, openid: str | None, as_json: bool
) -> int:
    """``mdwx preview POST --phone``: send the post to a phone and print what was done."""
    from mdwx.api.reach import phone_preview

    report = run_guarded(
        lambda: run_async(phone_preview(path, options, wxname=wxname, openid=openid)), as_json
    )
    if as_json:
        click.echo(json_text(report.to_json()))
        return EXIT_OK
    for warning in report.warnings:
        _say(f"  warning: {warning}", fg="yellow")
    how = (
        "uploaded the draft and sent it"
        if report.uploaded
        else "unchanged: sent the same draft again"
    )
    _say(f"✓ {report.path} → {report.to}'s WeChat ({how})", fg="green")
    _say(
        f"  {report.previews_left} of 100 previews left today for this account "
        f"({report.previews_used} sent today, counted by mdwx)"
    )
    return EXIT_OK


def _target(to: str | None, tag: str | None, openids: Path | None, post: Path) -> Any:
    from mdwx.files.reader import read_file
    from mdwx.publish.mass import OPENIDS_MAX_FILE_BYTES, Target, parse_openids
    from mdwx.source.site import find_site_root

    if sum(x is not None for x in (to, tag, openids)) > 1:
        raise ConfigError("give one of --to all, --tag or --openids")
    if openids is not None:
        # The reader's rules, confined to the post's site like every file mdwx reads: a link
        # to /proc/self/environ or the token cache, a FIFO or a device is refused unread.
        # One name too: the openids are sent to WeChat, and a hard link may name a file outside.
        data = read_file(
            openids,
            limit=OPENIDS_MAX_FILE_BYTES,
            root=find_site_root(post),
            single_link=True,
        )
        text = data.decode("utf-8", errors="replace")  # a bad byte fails as a bad line
        return Target(openids=parse_openids(text, path=str(openids)))
    if tag is not None:
        if not tag.strip():
            raise ConfigError("--tag needs a tag's name or id")
        return Target(tag=tag.strip())
    return Target(to_all=True)


def _asker(yes: bool, as_json: bool) -> Callable[[Any], bool] | None:
    """None with ``--yes``; else a question on the terminal (no terminal: a usage error)."""
    if yes:
        return None

    if not sys.stdin.isatty():
        raise ConfigError(
            "a 群发 cannot be recalled: mdwx asks first, and there is no terminal to ask on",
            hint="add --yes to send without asking",
        )

    def ask(plan: Any) -> bool:
        count = f" ({plan.followers} followers)" if plan.followers is not None else ""
        _say(f"About to 群发 {plan.path} ({one_line(plan.title)}) to {plan.to}{count}.")
        _say(
            f"  mdwx recorded {plan.sent_today} send(s) today for this account; a 订阅号 may send once "
            "a day, a 服务号 four times a month per follower (past that WeChat answers 45028)."
        )
        for note in plan.notes:
            _say(f"  note: {note}", fg="yellow")
        _say("  A mass message cannot be recalled from followers' phones.", fg="yellow")
        return click.confirm("Send it now?", default=False, err=True)

    return ask


def run_send(
    paths: list[Path],
    options: Options,
    *,
    to: str | None,
    tag: str | None,
    openids: Path | None,
    ignore_reprint: bool,
    yes: bool,
    as_json: bool,
    dry_run: bool = False,
) -> int:
    """``mdwx send``: 群发 a post and print what happened (``dry_run``: what would happen)."""
    from mdwx.api.sending import send

    def work() -> Any:
        if not paths or any(path.is_dir() for path in paths):
            raise ConfigError(
                "send takes one post, or the posts of one bundle: each 群发 is one message",
                hint="name the post, e.g. mdwx send posts/hello.md",
            )
        target = _target(to, tag, openids, paths[0])
        if dry_run:
            from mdwx.api.senddry import dry_send

            return run_async(dry_send(paths, options, target))
        confirm = _asker(yes, as_json)
        return run_async(
            send(paths, options, target, ignore_reprint=ignore_reprint, confirm=confirm)
        )

    result = run_guarded(work, as_json)
    if as_json:
        click.echo(json_text({"sends": [result.to_json()]}))
    else:
        for warning in result.warnings:
            _say(f"  warning: {warning}", fg="yellow")
        mark = "·" if result.status in ("cancelled", "would send") else "✓"
        _say(
            f"{mark} {result.path} → {result.to}: {result.status}",
            fg="green" if result.status != "cancelled" else None,
        )
        for action in result.actions:
            _say(f"  {action}")
        if result.msg_id:
            _say(
                f"  msg_id {result.msg_id}, msg_data_id {result.msg_data_id or 'unknown'}: "
                f"{result.msg_status} — {result.meaning}"
            )
    return EXIT_OK  # answering no sends nothing and is no failure (as delete)


def add_send_commands(
    main: click.Group,
    guard: CommandDecorator,
    json_option: CommandDecorator,
    account_option: CommandDecorator,
    backend_option: CommandDecorator,
) -> None:
    """Register ``mdwx send`` on ``main``."""

    @main.command("send")
    @click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
    @click.option(
        "--to",
        "to",
        type=click.Choice(["all"]),
        default=None,
        help="Send to every follower (the default).",
    )
    @click.option(
        "--tag", metavar="NAME|ID", default=None, help="Send to the followers with this tag."
    )
    @click.option(
        "--openids",
        type=click.Path(path_type=Path),
        default=None,
        help="Send to the OpenIDs in FILE, one a line (2 to 10,000; 服务号 only).",
    )
    @click.option(
        "--ignore-reprint",
        is_flag=True,
        help="Send even if WeChat judges the article a reprint (send_ignore_reprint).",
    )
    @click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
    @click.option(
        "--dry-run",
        is_flag=True,
        help="Show what the send would do (the same decision and exit code); send nothing.",
    )
    @click.option("--sandbox", is_flag=True, help="Send through the local sandbox.")
    @account_option
    @backend_option
    @json_option
    @guard
    def send_command(
        paths: tuple[Path, ...],
        to: str | None,
        tag: str | None,
        openids: Path | None,
        ignore_reprint: bool,
        yes: bool,
        dry_run: bool,
        sandbox: bool,
        account: str | None,
        backend: str | None,
        as_json: bool,
    ) -> None:
        """群发 a post to followers (message/mass/sendall or send): it cannot be recalled.

        The post is uploaded or updated as a draft first; mdwx shows who it goes to and asks
        (unless --yes). Running it again never sends the same version twice.
        """
        options = options_from_env(sandbox=sandbox, account=account, backend=backend)
        sys.exit(
            run_send(
                list(paths),
                options,
                to=to,
                tag=tag,
                openids=openids,
                ignore_reprint=ignore_reprint,
                yes=yes,
                as_json=as_json,
                dry_run=dry_run,
            )
        )


def run_delete_sent(path: Path, options: Options, *, index: int, yes: bool, as_json: bool) -> int:
    """``mdwx delete --sent``: remove the post's last send from followers' history."""
    from mdwx.api.unsend import delete_sent

    def work() -> Any:
        ask = None
        if not yes:
            if not sys.stdin.isatty():
                raise ConfigError(
                    "deleting a sent article is not reversible: mdwx asks first, and there is "
                    "no terminal to ask on",
                    hint="add --yes to delete without asking",
                )

            def ask(send: Any) -> bool:
                which = "every article" if index == 0 else f"article {index}"
                return click.confirm(
                    f"Delete {which} of send {send.msg_id} ({path}) from followers' history?",
                    default=False,
                    err=True,
                )

        return run_async(delete_sent(path, options, article_idx=index, confirm=ask))

    result = run_guarded(work, as_json)
    if as_json:
        click.echo(json_text(result.to_json()))
    elif result.deleted:
        _say(
            f"✓ deleted from followers' history: {result.path} (send {result.msg_id}, now "
            f"{result.msg_status}); phones that received it keep the message",
            fg="green",
        )
    else:
        _say(f"· not deleted: {result.path}")
    return EXIT_OK  # answering no deletes nothing and is no failure (as delete)
