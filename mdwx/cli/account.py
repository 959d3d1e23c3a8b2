"""``mdwx doctor``, ``list``, ``reconcile``, ``materials``, ``comments`` and ``stats``: the
account beyond publishing. Thin: parse options, call :mod:`mdwx.account`, print. Human
output goes to stderr, ``--json`` prints one document on stdout (``stats --csv`` a CSV)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import click

from mdwx.cli.common import EXIT_FAILED, EXIT_OK, CommandDecorator, options_from_env, run_async
from mdwx.cli.printable import json_text, one_line
from mdwx.errors import ConfigError

T = TypeVar("T")


def _run(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    try:
        return run_async(make())
    except ValueError as exc:  # an argument the library refused (a date range, a comment id)
        raise ConfigError(str(exc)) from None


def _options(sandbox: bool, account: str | None) -> Any:
    return options_from_env(sandbox=sandbox, account=account)


def _emit(document: dict[str, object], as_json: bool, lines: list[str]) -> None:
    """Print ``document`` (``--json``) or ``lines``: both hold text from WeChat and its
    readers (titles, comments, nicknames), so each is printed as one line (:func:`one_line`):
    no control character reaches the terminal and no text can start a line of its own."""
    if as_json:
        click.echo(json_text(document))
        return
    for line in lines:
        click.echo(one_line(line), err=True)


def _common(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option(
        "--sandbox", is_flag=True, help="Ask the local in-process sandbox (as publish --sandbox)."
    )(func)
    func = click.option(
        "--account", metavar="NAME", default=None, help="The site's [accounts.NAME]."
    )(func)
    return click.option(
        "--json", "as_json", is_flag=True, help="Print one JSON document on stdout."
    )(func)


_site = click.option(
    "--site",
    "site",
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    default=Path("."),
    show_default=True,
    help="The site folder (its mdwx.toml and state).",
)


def add_account_commands(main: click.Group, guard: CommandDecorator) -> None:
    """Register the account commands on ``main``."""
    for add in (_add_doctor, _add_list, _add_reconcile, _add_materials, _add_comments, _add_stats):
        add(main, guard)


def _add_doctor(main: click.Group, guard: CommandDecorator) -> None:
    @main.command()
    @_site
    @_common
    @guard
    def doctor(site: Path, sandbox: bool, account: str | None, as_json: bool) -> None:
        """Check credentials, IP whitelist, capabilities, backend, materials, clock and state."""
        from mdwx.account.doctor import doctor as run

        report = _run(lambda: run(site, _options(sandbox, account)))
        _emit(report.to_json(), as_json, [line for c in report.checks for line in c.lines()])
        sys.exit(EXIT_OK if report.ok else EXIT_FAILED)


def _add_list(main: click.Group, guard: CommandDecorator) -> None:
    @main.command("list")
    @click.option(
        "--drafts", "kinds", flag_value="drafts", multiple=True, help="The draft box (草稿箱)."
    )
    @click.option(
        "--published",
        "kinds",
        flag_value="published",
        multiple=True,
        help="发表记录 (freepublish).",
    )
    @click.option(
        "--sent", "kinds", flag_value="sent", multiple=True, help="Mass sends mdwx recorded."
    )
    @click.option(
        "--limit",
        type=click.IntRange(1, 2000),
        default=200,
        show_default=True,
        help="Rows per kind.",
    )
    @_site
    @_common
    @guard
    def list_(
        kinds: tuple[str, ...],
        limit: int,
        site: Path,
        sandbox: bool,
        account: str | None,
        as_json: bool,
    ) -> None:
        """What is in the account, each row joined with the post it came from."""
        from mdwx.account.content import KINDS, account_list
        from mdwx.account.types import RECORDS

        chosen = kinds or KINDS
        listing = _run(
            lambda: account_list(site, _options(sandbox, account), kinds=tuple(chosen), limit=limit)
        )
        lines = [
            f"{i.kind:9} {_item_id(i):44.44} {_fit(i.path or '-', 30)} "
            f"{i.title or '(no title)'}"
            + (f"  [{i.status}]" if i.status and i.status not in (i.kind, "published") else "")
            + ("  (from mdwx's records)" if i.source == RECORDS else "")
            for i in listing.items
        ]
        totals = ", ".join(f"{k}: {v}" for k, v in listing.totals.items())
        _emit(
            listing.to_json(),
            as_json,
            [*lines, f"({totals})", *(f"note: {n}" for n in listing.notes)],
        )


def _add_reconcile(main: click.Group, guard: CommandDecorator) -> None:
    @main.command()
    @click.option("--yes", is_flag=True, help="Adopt and delete as listed, without asking.")
    @_site
    @_common
    @guard
    def reconcile(yes: bool, site: Path, sandbox: bool, account: str | None, as_json: bool) -> None:
        """Find marked drafts/articles the state does not know; adopt them or delete copies."""
        from mdwx.account.content import reconcile as run

        options = _options(sandbox, account)
        report = _run(lambda: run(site, options, apply=False))
        act = yes or (
            bool(report.orphans)
            and not as_json
            and sys.stdin.isatty()
            and any(o.action in ("adopt", "delete") for o in report.orphans)
            and click.confirm(
                "\n".join([*map(one_line, _orphan_lines(report)), "Apply?"]), err=True
            )
        )
        if act and any(o.action in ("adopt", "delete") for o in report.orphans):
            report = _run(lambda: run(site, options, apply=True))
        lines = _orphan_lines(report) or ["nothing to reconcile: every marked article is recorded"]
        if not report.applied and any(o.action in ("adopt", "delete") for o in report.orphans):
            lines.append("(a dry run: --yes to apply)")
        _emit(report.to_json(), as_json, [*lines, *(f"note: {n}" for n in report.notes)])


def _add_materials(main: click.Group, guard: CommandDecorator) -> None:
    @main.command()
    @click.argument("action", type=click.Choice(["count", "list", "prune"]), default="count")
    @click.option("--yes", is_flag=True, help="prune: delete (default: only list what would go).")
    @click.option(
        "--limit",
        type=click.IntRange(1, 100_000),
        default=200,
        show_default=True,
        help="list: rows.",
    )
    @_site
    @_common
    @guard
    def materials(
        action: str,
        yes: bool,
        limit: int,
        site: Path,
        sandbox: bool,
        account: str | None,
        as_json: bool,
    ) -> None:
        """The material library: counts against the caps, images, pruning mdwx's unused covers."""
        from mdwx.account.materials import materials as run

        report = _run(
            lambda: run(site, _options(sandbox, account), action=action, apply=yes, limit=limit)
        )
        lines = [
            f"{kind:6} {report.counts[kind]:>7,} of {report.caps[kind]:,}" for kind in report.counts
        ]
        lines += [
            f"{r.media_id:44.44} {'mdwx' if r.uploaded_by_mdwx else '-':5} "
            + (
                ", ".join(r.used_by)
                or (f"not known to be used ({r.why})" if r.usage == "unknown" else "unused")
            )
            for r in report.items
        ]
        if action == "prune":
            verb = "deleted" if report.applied else "would delete"
            lines += [f"{verb} {r.media_id} ({r.name})" for r in report.prunable]
            lines += [f"kept {media_id}: {why}" for media_id, why in report.kept.items()]
            if report.prunable and not report.applied:
                lines.append("(a dry run: --yes to delete)")
        _emit(report.to_json(), as_json, lines)


def _add_comments(main: click.Group, guard: CommandDecorator) -> None:
    @main.command()
    @click.argument("post", type=click.Path(path_type=Path))
    @click.option("--reply", nargs=2, metavar="ID TEXT", default=None, help="Reply to comment ID.")
    @click.option(
        "--elect", type=int, metavar="ID", default=None, help="Mark comment ID elected (精选)."
    )
    @click.option("--unelect", type=int, metavar="ID", default=None, help="Unmark comment ID.")
    @click.option(
        "--delete", "delete_id", type=int, metavar="ID", default=None, help="Delete comment ID."
    )
    @click.option("--open", "open_", is_flag=True, help="Open the article's comments.")
    @click.option("--close", is_flag=True, help="Close the article's comments.")
    @click.option(
        "--index",
        type=click.IntRange(min=0),
        default=None,
        help="Which article of the message, from 0 (default: the post's own).",
    )
    @_common
    @guard
    def comments(
        post: Path,
        reply: tuple[str, str] | None,
        elect: int | None,
        unelect: int | None,
        delete_id: int | None,
        open_: bool,
        close: bool,
        index: int | None,
        sandbox: bool,
        account: str | None,
        as_json: bool,
    ) -> None:
        """List a post's comments, or reply, elect, delete, open or close them."""
        from mdwx.account.feedback import comments as run

        action, comment_id, text = _comment_action(reply, elect, unelect, delete_id, open_, close)
        report = _run(
            lambda: run(
                post,
                _options(sandbox, account),
                action=action,
                comment_id=comment_id,
                text=text,
                index=index,
            )
        )
        came = "its 群发" if report.source == "send" else "its submission"
        lines = [f"msg_data_id {report.msg_data_id}, article {report.index} (from {came})"]
        lines += [report.done] if report.done else []
        for c in report.comments:  # a reply on a line of its own, each line escaped whole
            lines.append(f"#{c.user_comment_id} {'★ ' if c.elected else ''}{c.content}")
            lines += [f"    ↳ {c.reply}"] if c.reply else []
        _emit(report.to_json(), as_json, [*lines, f"({report.total} comment(s))"])


def _add_stats(main: click.Group, guard: CommandDecorator) -> None:
    @main.command()
    @click.argument("posts", nargs=-1, type=click.Path(path_type=Path))
    @click.option(
        "--since",
        type=click.DateTime(["%Y-%m-%d"]),
        default=None,
        help="First day (default: 7 days ago).",
    )
    @click.option(
        "--until",
        type=click.DateTime(["%Y-%m-%d"]),
        default=None,
        help="Last day (default: yesterday).",
    )
    @click.option("--csv", "as_csv", is_flag=True, help="Print CSV on stdout.")
    @_site
    @_common
    @guard
    def stats(
        posts: tuple[Path, ...],
        since: dt.datetime | None,
        until: dt.datetime | None,
        as_csv: bool,
        site: Path,
        sandbox: bool,
        account: str | None,
        as_json: bool,
    ) -> None:
        """Reads, shares, 在看, likes and comments per article (datacube)."""
        from mdwx.account.feedback import stats as run
        from mdwx.account.types import STAT_FIELDS

        folder = (
            site
            if site != Path(".") or not posts
            else posts[0]
            if posts[0].is_dir()
            else posts[0].parent
        )
        report = _run(
            lambda: run(
                folder,
                _options(sandbox, account),
                posts=list(posts) or None,
                since=since.date() if since else None,
                until=until.date() if until else None,
            )
        )
        if as_csv:
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(["msgid", "published", "path", "title", *STAT_FIELDS])
            for r in report.rows:
                writer.writerow(
                    [
                        r.msgid,
                        r.published,
                        r.path or "",
                        one_line(r.title),
                        *(getattr(r, f) for f in STAT_FIELDS),
                    ]
                )
            click.echo(out.getvalue(), nl=False)
            return
        lines = [
            f"{'published':10} {'reads':>7} {'shares':>6} {'在看':>5} {'likes':>5} {'cmts':>5}  post"
        ]
        lines += [
            f"{r.published:10} {r.read_user:>7} {r.share_user:>6} {r.zaikan_user:>5} {r.like_user:>5} "
            f"{r.comment_count:>5}  {r.path or r.title}"
            for r in report.rows
        ]
        note = report.empty_note()
        shown = [note] if note else [*lines, f"({report.since} to {report.until})"]
        _emit(report.to_json(), as_json, shown)


def _item_id(item: Any) -> str:
    """What a row is known by: a draft's media_id, an article_id, a send's msg_data_id."""
    if item.kind == "sent":
        return f"msg_data_id {item.msg_data_id}"
    return str(item.media_id or item.article_id)


def _orphan_lines(report: Any) -> list[str]:
    return [
        f"{o.action:8} {o.kind:9} {o.media_id:44.44} {o.path or '(no post of this site)'}  {o.title}"
        for o in report.orphans
    ]


def _comment_action(
    reply: tuple[str, str] | None,
    elect: int | None,
    unelect: int | None,
    delete_id: int | None,
    open_: bool,
    close: bool,
) -> tuple[str, int | None, str]:
    chosen = [
        name
        for name, given in (
            ("reply", reply),
            ("elect", elect),
            ("unelect", unelect),
            ("delete", delete_id),
            ("open", open_),
            ("close", close),
        )
        if given not in (None, False)
    ]
    if len(chosen) > 1:
        raise ConfigError(f"choose one of --{', --'.join(chosen)}")
    if not chosen:
        return "list", None, ""
    if chosen[0] == "reply":
        assert reply is not None
        if not reply[0].isdigit():
            raise ConfigError(f"--reply takes a comment ID (a number), not {reply[0]!r}")
        return "reply", int(reply[0]), reply[1]
    number = {"elect": elect, "unelect": unelect, "delete": delete_id}.get(chosen[0])
    return chosen[0], number, ""


def _fit(text: str, width: int) -> str:
    """``text`` padded to ``width`` columns, or cut with an ellipsis that says it was cut."""
    return f"{text:{width}}" if len(text) <= width else text[: width - 1] + "…"
