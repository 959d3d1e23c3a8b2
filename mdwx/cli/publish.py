"""The network commands (publish, status, delete): printing only.

The work is :mod:`mdwx.api`'s; here its results are printed: human lines and a progress bar
on stderr, or one JSON document on stdout with ``--json``. The exit code follows the result.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from mdwx import api
from mdwx.cli.common import EXIT_FAILED, EXIT_OK
from mdwx.cli.findings import print_findings
from mdwx.cli.printable import json_text, one_line, printable
from mdwx.errors import ConfigError
from mdwx.publish.results import Events, PostResult
from mdwx.source.posts import Post

if TYPE_CHECKING:
    from mdwx.api import DeleteResult, DeleteTarget, Options, SandboxInfo, StatusRow


def _say(text: str, **style: Any) -> None:
    click.secho(text, err=True, **style)


def _notes(notes: list[str] | tuple[str, ...]) -> None:
    for note in notes:
        _say(f"note: {note}", fg="yellow")


def run_publish(paths: list[Path], options: Options, *, as_json: bool) -> int:
    """``mdwx publish``: publish through the API and print the report."""
    with _progress(as_json) as events:
        options.events = events
        report = api.publish(paths, options)
    if as_json:
        click.echo(json_text(report.to_json()))
    else:
        _notes(report.notes)
        _print_results(report.posts, dry_run=options.dry_run)
        for sandbox in report.sandboxes:
            if any(r.url for r in report.posts):
                _print_sandbox_help(sandbox)
    return EXIT_OK if report.ok else EXIT_FAILED


@contextlib.contextmanager
def _progress(quiet: bool) -> Iterator[Events]:
    """A rich progress bar on stderr for uploads; silent under --json or when not a TTY."""
    if quiet or not sys.stderr.isatty():
        yield Events()
        return
    # Only on a terminal: rich is start-up a hook, a CI job or a test run never shows.
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = progress.add_task("uploading", total=0)
    videos: dict[str, Any] = {}

    def on_post(
        post: Post, total: int
    ) -> None:  # posts overlap (mdwx.publish.overlap): one bar for the run
        known = progress.tasks[0].total or 0
        progress.update(task, description=f"uploading {post.path.name}", total=known + total)

    def on_video(name: str, done: int, total: int) -> None:
        if name not in videos:
            videos[name] = progress.add_task(f"video {name} (bytes)", total=total)
        progress.update(videos[name], completed=done, total=total)

    with progress:
        yield Events(on_post=on_post, on_upload=lambda: progress.advance(task), on_video=on_video)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _print_results(results: list[PostResult], *, dry_run: bool) -> None:
    print_findings(
        [r.all_diagnostics() for r in results],
        _say,
        lambda index: _print_result(results[index], dry_run=dry_run),
    )
    _say(summary(results, dry_run=dry_run))


def _print_result(result: PostResult, *, dry_run: bool) -> None:
    if result.error:
        from mdwx.cli.findings import error_lines

        error_lines(result.all_diagnostics(), _say, fg="red")
        for action in result.actions if dry_run else ():
            _say(f"    {action}")
        return
    uploads = result.uploads
    counts = (
        f"{plural(uploads['images'], 'image')} and {plural(uploads['videos'], 'video')} uploaded, "
        f"{uploads['cached']} reused"
    )
    if dry_run:
        counts = (
            f"would upload {plural(uploads['images'], 'image')} and {plural(uploads['videos'], 'video')}, "
            f"{uploads['cached']} reused"
        )
    where = f" [{result.account}]" if result.account else ""
    if result.status == "skipped":  # nothing sent: marked as check and build mark it
        _say(f"– {result.path}{where}: skipped")
    else:
        _say(f"✓ {result.path}{where}: {result.status} ({counts})", fg="green")
    for action in result.actions if dry_run else result.actions[-1:]:
        _say(f"    {action}")
    if result.url:
        _say(f"    read it at {result.url}")


#: status → how the closing line counts it
_SUMMARY_WORDS = (
    ("published", "published"),
    ("submitted", "submitted (review pending)"),
    ("draft", "uploaded as {a draft|drafts} (not submitted)"),
    ("rejected", "rejected in review"),
    ("scheduled", "scheduled (uploaded; the first run at or after publish_at submits {it|them})"),
    ("skipped", "skipped"),
    ("dry-run", "planned (nothing sent)"),
)


def summary(results: list[PostResult], *, dry_run: bool) -> str:
    """The closing line: each post counted under what really happened to it."""
    failed = sum(1 for r in results if r.error)
    # A post whose only step is "unchanged" had nothing sent: counted as such, not by status.
    unchanged = [
        r
        for r in results
        if not r.error and [s for s in r.steps if not s.startswith("adopt ")] == ["unchanged"]
    ]
    parts = [f"{len(unchanged)} unchanged (nothing sent)"] if unchanged else []
    kept = [
        r
        for r in results
        if not r.error and [s for s in r.steps if not s.startswith("adopt ")] == ["keep"]
    ]  # on_submitted_change = "warn"
    if kept:
        parts.append(
            f"{len(kept)} changed after submitting, kept as submitted (nothing sent; see the warning)"
        )
    counted = {
        id(r) for r in unchanged + kept
    }  # by identity: comparing results field by field is quadratic
    for status, words in _SUMMARY_WORDS:
        count = sum(
            1 for r in results if r.status == status and not r.error and id(r) not in counted
        )
        if count:
            parts.append(f"{count} {_number(words, count)}")
    if failed:
        parts.append(f"{failed} failed")
    return f"{plural(len(results), 'post')}: " + (", ".join(parts) or "nothing done") + "."


def _number(words: str, count: int) -> str:
    """Pick ``{one|many}`` in ``words`` by ``count``."""
    return re.sub(
        r"\{([^|}]*)\|([^}]*)\}", lambda m: m.group(1) if count == 1 else m.group(2), words
    )


def _print_sandbox_help(sandbox: SandboxInfo) -> None:
    _say("The in-process sandbox has stopped. To read these articles again, run")
    _say(
        f"    mdwx sandbox --port {sandbox.port} --state {sandbox.state_path} --appid {sandbox.appid}"
    )
    _say(f"and open the URLs above (all of them: {sandbox.base_url}/).")


def run_status(paths: list[Path], options: Options, *, as_json: bool) -> int:
    """``mdwx status``: recorded status of each post, with WeChat's live status when it answers."""
    report = api.status(paths, options)
    if as_json:
        click.echo(json_text(report.to_json()))
    else:
        _notes(report.notes)
        # distinct reasons: posts asked at once share one failed token fetch and its message
        reasons = list(
            dict.fromkeys(row.error for row in report.posts if row.error and not row.not_asked)
        )
        if len(reasons) == 1:  # one reason (WeChat unreachable): said once, above the records
            _say(f"WeChat's live status is unavailable: {reasons[0]}", fg="yellow")
            _say("Showing what mdwx recorded:", fg="yellow")
        for row in report.posts:
            _print_status_row(row, show_error=len(reasons) > 1)
    return EXIT_OK if report.ok else EXIT_FAILED


def _print_status_row(row: StatusRow, *, show_error: bool) -> None:
    recorded = f"{row.status} (recorded)" if row.media_id else row.status
    live = f" — WeChat now: {row.live}" if row.live else ""
    where = f" [{row.account}]" if row.account else ""
    _say(f"{row.path}{where}: {recorded}{live}" + (f"  {row.url}" if row.url else ""))
    if row.publish_at and row.due is not None:
        when = "due now: the next `mdwx publish` submits it" if row.due else "not due yet"
        _say(f"    scheduled for {row.publish_at} ({when})", fg="cyan" if row.due else None)
    elif row.publish_at:
        _say(f"    publish_at {row.publish_at}")
    if row.why:
        _say(f"    {row.why}")
    if row.pending:
        runs = "once" if row.pending["failures"] == 1 else f"{row.pending['failures']} times"
        _say(
            f"    failed, will retry: {row.pending['reason']} (failed {runs} since {row.pending['since']}; "
            "the next push through an mdwx hook, or `mdwx publish` of it, retries it)",
            fg="yellow",
        )
    if row.renamed_from:
        _say(f"    recorded as {row.renamed_from} (the post was renamed or moved)")
    if row.error and show_error and not row.not_asked:
        _say(f"    live status unavailable: {row.error}", fg="yellow")
    for old in row.superseded:
        _say(f"    superseded: {old.media_id} {old.status}" + (f"  {old.url}" if old.url else ""))
    for sent in row.sends:
        _say(
            f"    群发 to {sent['to']}: msg_id {sent['msg_id'] or '?'} {sent['msg_status'] or ''}"
            f" — {sent['error'] or sent['meaning']}"
        )


def run_delete(
    paths: list[Path],
    options: Options,
    *,
    yes: bool,
    as_json: bool,
    index: int = 0,
    article: str | None = None,
    every: bool = False,
) -> int:
    """``mdwx delete``: ask (unless ``yes``), delete through the API, print what happened.

    One post, or with ``every`` (``--all``) every post named (folders included).
    """
    if every:
        if article is not None:
            raise ConfigError("--article names one article of one post: it does not go with --all")
        return _delete_all(paths, options, yes=yes, as_json=as_json, index=index)
    asked: list[DeleteTarget] = []

    def confirm(target: DeleteTarget) -> bool:
        asked.append(target)
        if not yes:
            _need_terminal()  # refused before anything is said about what would be deleted
        _notes(target.notes)
        if yes:
            return True
        label = "superseded article" if target.superseded else "article"

        return click.confirm(
            printable(
                f"Delete the {label} '{one_line(str(target.title))}' ({target.status}, "
                f"{target.media_id}) from WeChat?"
            ),
            err=True,
        )

    result = api.delete(paths, options, article=article, index=index, confirm=confirm)
    if not asked:
        _notes(result.notes)
    if not result.deleted:
        _say("nothing deleted")
        return EXIT_OK
    _deleted_report(result, as_json)
    return EXIT_OK


def _need_terminal() -> None:
    if not sys.stdin.isatty():
        raise ConfigError("refusing to delete without confirmation", hint="pass --yes")


def _delete_all(
    paths: list[Path], options: Options, *, yes: bool, as_json: bool, index: int
) -> int:
    """``mdwx delete --all``: list every article, ask once, delete them."""

    def confirm(targets: list[DeleteTarget]) -> bool:
        for target in targets:  # what would be deleted: listed (nothing said as done), then asked
            _notes(target.notes)
        _say(f"{plural(len(targets), 'article')} to delete from WeChat:")
        for target in targets:
            label = "superseded article" if target.superseded else "article"
            _say(
                f"    {target.path}: the {label} '{one_line(str(target.title))}' "
                f"({target.status}, {target.media_id})"
            )
        if yes:
            return True
        _need_terminal()
        return click.confirm(f"Delete all {plural(len(targets), 'article')}?", err=True)

    results = api.delete_all(paths, options, index=index, confirm=confirm)
    if as_json:
        click.echo(json.dumps({"deleted": [r.to_json() for r in results]}))
        return EXIT_OK
    if not any(r.deleted for r in results):
        _say("nothing deleted")
    for result in results:
        if result.deleted:
            _deleted_report(result, as_json=False)
    return EXIT_OK


def _deleted_report(result: DeleteResult, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(result.to_json()))
    elif result.already_deleted:
        _say(f"{result.media_id} was already deleted; nothing to delete")
    else:
        _say(f"deleted {result.media_id} ('{one_line(str(result.title))}')")
