"""The ``mdwx`` command: a thin shell over the library (parse options, call, print).

Human output and progress go to stderr; ``--json`` prints one JSON document on stdout and
nothing else there. Exit codes: 0 success, 1 a post failed, 2 usage or configuration error.
Heavy modules are imported inside the commands so ``mdwx --help`` answers fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from mdwx.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    exit_code_for,
    options_from_env,
)
from mdwx.errors import ConfigError, MdwxError
from mdwx.version import __version__

if TYPE_CHECKING:
    from mdwx.api import CheckReport

F = TypeVar("F", bound=Callable[..., Any])


def _err(message: str, **style: Any) -> None:
    click.secho(message, err=True, **style)


def _fail(error: MdwxError) -> None:
    from mdwx.cli.printable import printable

    _err(printable(f"mdwx: error: {error}"), fg="red")  # may quote WeChat's errmsg
    sys.exit(exit_code_for(error))


def _print_json(document: dict[str, Any]) -> None:
    from mdwx.cli.printable import json_text

    click.echo(json_text(document))


def _guard(func: F) -> F:
    """Turn every MdwxError into one line and its exit code; never a traceback."""
    import functools

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except MdwxError as exc:
            _fail(exc)
        except KeyboardInterrupt:
            _err("mdwx: interrupted; run the same command again to finish", fg="yellow")
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


account_option = click.option(
    "--account",
    metavar="NAME",
    default=None,
    help="Use the account [accounts.NAME] of mdwx.toml (its AppID, secret_env/token_env, backend, api_base, "
    "limits). Default: each post's front matter accounts, else WECHAT_APPID/WECHAT_APPSECRET.",
)
paths_argument = click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON document on stdout."
)
backend_option = click.option(
    "--backend",
    type=click.Choice(["media", "draft"]),
    default=None,
    help="WeChat API: 'media' (cgi-bin/publish/*) or 'draft' (draft box + freepublish). "
    "Default: backend in mdwx.toml, else media.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="mdwx")
def main() -> None:
    """Publish Markdown posts to a WeChat Official Account (微信公众号).

    Posts are Markdown files with YAML front matter; a site is a folder with an mdwx.toml.
    Credentials come from WECHAT_APPID / WECHAT_APPSECRET (or WECHAT_ACCESS_TOKEN).
    """


git_paths_argument = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))


def _git_options(func: F) -> F:
    func = click.option(
        "--git-range",
        metavar="A..B",
        default=None,
        help="Only the posts the commits A..B added or changed (or whose images changed).",
    )(func)
    return click.option(
        "--changed-since",
        metavar="REV",
        default=None,
        help="Only the posts changed between REV and HEAD (or whose images changed).",
    )(func)


def _select(paths: Sequence[Path], changed_since: str | None, git_range: str | None) -> list[Path]:
    """The paths named, or with a git range the posts it changed among them (default: "."),
    resolved before the API call so it composes with every command."""
    if changed_since is None and git_range is None:
        return list(paths)
    if changed_since is not None and git_range is not None:
        from mdwx.errors import ConfigError

        raise ConfigError("give --changed-since or --git-range, not both")
    from mdwx.integrations.git import changed_posts, describe, parse_range

    base, tip = (
        (changed_since, "HEAD") if changed_since is not None else parse_range(git_range or "")
    )
    found: dict[Path, None] = {}  # ordered, and linear however many posts a range changed
    for folder in paths or (Path("."),):
        if not folder.exists():
            from mdwx.errors import ConfigError

            raise ConfigError("no such file or folder", path=folder)
        changes = changed_posts(folder, base, tip)
        for line in describe(changes, Path.cwd()):
            _err(line)
        found.update(dict.fromkeys(changes.posts))
    if not found:
        _err(f"no posts changed in {git_range or f'{changed_since}..HEAD'}; nothing to do.")
        sys.exit(EXIT_OK)
    return list(found)


def _offline_summary(reports: list[Any], failed: int, verb: str) -> str:
    """``5 of 7 posts built, 2 skipped (nothing to publish).``: stubs are not counted as done."""
    skipped = sum(1 for r in reports if r.ok and r.content_chars is None)
    done = len(reports) - failed - skipped
    tail = f", {skipped} skipped (nothing to publish)" if skipped else ""
    return f"{done} of {len(reports)} posts {verb}{tail}."


def _report_offline(result: CheckReport, verb: str, as_json: bool) -> None:
    reports = result.posts
    failed = [r for r in reports if not r.ok]
    if as_json:
        _print_json(result.to_json())
    else:
        from mdwx.cli.findings import error_lines, print_findings

        def verdict(index: int) -> None:
            report = reports[index]
            if report.ok and report.content_chars is None:  # a stub page: its warning says why
                _err(f"– {report.path}  skipped: nothing to publish")
            elif report.ok:
                where = f" → {report.outputs[0].parent}" if report.outputs else ""
                _err(
                    f"✓ {report.path}{where}  ({report.content_chars:,} characters of text, "
                    f"{report.content_bytes:,} bytes of HTML)"
                )
            else:
                error_lines(report.diagnostics, _err, fg="red")
                if report.outputs:
                    _err(f"  written anyway → {report.outputs[0].parent}")

        print_findings([r.diagnostics for r in reports], _err, verdict)
        _err(_offline_summary(reports, len(failed), verb))
    sys.exit(EXIT_FAILED if failed else EXIT_OK)


@main.command()
@paths_argument
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path),
    default=Path("_site"),
    show_default=True,
    help="Output folder: OUT/<slug>/content.html and preview.html.",
)
@json_option
@_guard
def build(paths: tuple[Path, ...], out: Path, as_json: bool) -> None:
    """Render posts offline to the exact WeChat content HTML and a phone preview."""
    from mdwx import api
    from mdwx.cli.progress import offline_progress

    with offline_progress(sys.stderr, "building") as events:
        result = api.build(list(paths), options_from_env(out_dir=out, events=events))
    _report_offline(result, "built", as_json)


@main.command()
@git_paths_argument
@_git_options
@json_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    help="github: findings as GitHub Actions annotations (::error file=…,line=…::) on stdout.",
)
@account_option
@_guard
def check(
    paths: tuple[Path, ...],
    changed_since: str | None,
    git_range: str | None,
    as_json: bool,
    output_format: str,
    account: str | None,
) -> None:
    """Validate posts offline: front matter, limits, content size, local files."""
    from mdwx import api

    if as_json and output_format == "github":
        from mdwx.errors import ConfigError

        raise ConfigError("--json and --format github both print on stdout: choose one")
    from mdwx.cli.progress import offline_progress

    selected = _select(paths, changed_since, git_range)
    with offline_progress(sys.stderr, "checking") as events:
        result = api.check(selected, options_from_env(account=account, events=events))
    if output_format == "github":
        from mdwx.integrations.github import report_annotations

        for line in report_annotations(result.posts):
            click.echo(line)
    _report_offline(result, "passed", as_json or output_format == "json")


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8760,
    show_default=True,
    help="Port on 127.0.0.1 (0: any free one).",
)
@click.option(
    "--open/--no-open", "open_browser", default=True, help="Open the preview in a browser."
)
@click.option(
    "--static",
    is_flag=True,
    help="Write .mdwx/preview/<slug>/preview.html once instead of serving.",
)
@click.option(
    "--sandbox",
    is_flag=True,
    help="Copy button: upload pictures to the local WeChat emulator (as publish --sandbox).",
)
@click.option(
    "--phone",
    metavar="WXNAME",
    default=None,
    is_flag=False,
    flag_value="",
    help="Send the post to this WeChat user's phone (微信号; alone: preview_to of mdwx.toml).",
)
@click.option(
    "--openid", metavar="OPENID", default=None, help="Send the post to this follower's phone."
)
@account_option
@backend_option
@json_option
@_guard
def preview(
    path: Path,
    port: int,
    open_browser: bool,
    static: bool,
    sandbox: bool,
    phone: str | None,
    openid: str | None,
    account: str | None,
    backend: str | None,
    as_json: bool,
) -> None:
    """Serve one post's phone-frame preview, reloaded as you edit; copy it for the WeChat editor.

    With --phone or --openid: upload the post as a draft if needed and send it to that
    WeChat (message/mass/preview; about 100 a day per account).
    """
    from mdwx import api
    from mdwx.source.gate import collect_posts

    if phone is not None or openid is not None:
        from mdwx.cli.send import run_phone_preview

        options = options_from_env(sandbox=sandbox, account=account, backend=backend)
        sys.exit(
            run_phone_preview(path, options, wxname=phone or None, openid=openid, as_json=as_json)
        )
    if path.is_dir():
        raise ConfigError(
            "preview takes one post, not a folder",
            path=path,
            hint="name the post, e.g. mdwx preview posts/hello.md",
        )
    post = collect_posts([path])[0]
    if not static:
        from mdwx.preview import run_preview

        run_preview(
            post.path,
            port=port,
            open_browser=open_browser,
            options=options_from_env(sandbox=sandbox),
            echo=_err,
        )
        return
    report = api.build(
        post.path, options_from_env(out_dir=post.config.root / ".mdwx" / "preview")
    ).posts[0]
    if report.error:  # the same line as check and publish print for a post: ✗ path:line: message
        _err(f"✗ {report.error}", fg="red")
        sys.exit(exit_code_for(report.error))
    page = report.outputs[1]
    _err(f"preview: {page}")
    if open_browser:
        import webbrowser

        webbrowser.open(page.as_uri())


def _publish_options(func: F) -> F:
    for option in reversed(
        [
            click.option(
                "--draft", is_flag=True, help="Upload to the publishing library but do not submit."
            ),
            click.option(
                "--wait", is_flag=True, help="Follow review until a final status; print the URL."
            ),
            click.option(
                "--dry-run",
                is_flag=True,
                help="Show the steps the run would take (same decision and exit code); send nothing.",
            ),
            click.option(
                "--force",
                is_flag=True,
                help="Publish a changed, already submitted post as a new article (the old one is kept "
                "in the history: `mdwx status` lists it).",
            ),
            json_option,
            click.option(
                "--sandbox",
                is_flag=True,
                help="Publish to a local WeChat emulator with throwaway credentials.",
            ),
            backend_option,
            account_option,
            click.option(
                "--due",
                is_flag=True,
                help="Publish only the posts whose publish_at has come; skip every other post "
                "(for a cron or scheduled CI job).",
            ),
        ]
    ):
        func = option(func)
    return func


@main.command()
@git_paths_argument
@_git_options
@_publish_options
@click.option(
    "--send",
    is_flag=True,
    help="群发 the post to every follower instead of publishing it silently (as `mdwx send`).",
)
@click.option("--yes", is_flag=True, help="With --send: do not ask for confirmation.")
@_guard
def publish(
    paths: tuple[Path, ...],
    changed_since: str | None,
    git_range: str | None,
    draft: bool,
    wait: bool,
    dry_run: bool,
    force: bool,
    as_json: bool,
    sandbox: bool,
    backend: str | None,
    account: str | None,
    due: bool,
    send: bool,
    yes: bool,
) -> None:
    """Upload posts' images, cover and videos, upload the article, submit it.

    A post with publish_at in its front matter is uploaded as a draft before that time and
    submitted by the first run at or after it. With --send the uploaded draft is mass-sent
    (群发) to every follower instead of submitted: followers are notified.
    """
    from mdwx.cli.publish import run_publish
    from mdwx.publish.state.sync import exported_state

    targets = _select(paths, changed_since, git_range)
    if send:
        from mdwx.cli.send import run_send

        if dry_run or draft or due or force:
            raise ConfigError(
                "--send goes with none of --dry-run, --draft, --due or --force",
                hint="`mdwx send POST` without --yes shows who it goes to and asks first",
            )
        options = options_from_env(sandbox=sandbox, backend=backend, account=account)
        with exported_state(targets, options.state_path, write=True, say=_err):
            code = run_send(
                targets,
                options,
                to="all",
                tag=None,
                openids=None,
                ignore_reprint=False,
                yes=yes,
                as_json=as_json,
            )
        sys.exit(code)
    options = options_from_env(
        draft=draft,
        wait=wait,
        dry_run=dry_run,
        force=force,
        sandbox=sandbox,
        backend=backend,
        account=account,
        due=due,
    )
    with exported_state(targets, options.state_path, write=not dry_run, say=_err):
        code = run_publish(targets, options, as_json=as_json)
    sys.exit(code)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@json_option
@click.option("--sandbox", is_flag=True, help="Ask the local sandbox (as publish --sandbox did).")
@backend_option
@account_option
@_guard
def status(
    paths: tuple[Path, ...], as_json: bool, sandbox: bool, backend: str | None, account: str | None
) -> None:
    """Show what mdwx knows of each post (per account) and ask WeChat for its live status.

    Scheduled posts show their publish_at and whether a publish run now would submit them.
    """
    from mdwx.cli.publish import run_status
    from mdwx.publish.state.sync import exported_state

    targets = list(paths or (Path("."),))
    options = options_from_env(sandbox=sandbox, backend=backend, account=account)
    with exported_state(
        targets, options.state_path, write=False, say=_err
    ):  # a fresh checkout: the export
        code = run_status(targets, options, as_json=as_json)
    sys.exit(code)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--all",
    "every",
    is_flag=True,
    help="Delete the article of every post named (folders included), for each of its accounts: "
    "lists them all and asks once.",
)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option(
    "--index",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Which article of the item to delete, from 1; 0 deletes them all.",
)
@click.option(
    "--article",
    "article",
    metavar="MEDIA_ID",
    default=None,
    help="Delete this one of the post's articles (e.g. one a --force publish superseded; "
    "`mdwx status` lists them). Default: the post's current article.",
)
@click.option("--sandbox", is_flag=True, help="Delete from the local sandbox.")
@click.option(
    "--sent",
    is_flag=True,
    help="Delete the post's last 群发 from followers' history (message/mass/delete; --index from 1).",
)
@backend_option
@account_option
@json_option
@_guard
def delete(
    paths: tuple[Path, ...],
    every: bool,
    yes: bool,
    index: int,
    article: str | None,
    sandbox: bool,
    sent: bool,
    backend: str | None,
    account: str | None,
    as_json: bool,
) -> None:
    """Delete a post's article from WeChat (a draft from the draft box, a published one by its article_id)."""
    from mdwx.cli.publish import run_delete

    if sent:
        from mdwx.cli.send import run_delete_sent

        if len(paths) != 1 or every or article:
            raise ConfigError("delete --sent takes one post (without --all or --article)")
        options = options_from_env(sandbox=sandbox, backend=backend, account=account)
        sys.exit(run_delete_sent(paths[0], options, index=index, yes=yes, as_json=as_json))

    sys.exit(
        run_delete(
            list(paths),
            options_from_env(sandbox=sandbox, backend=backend, account=account),
            yes=yes,
            index=index,
            every=every,
            as_json=as_json,
            article=article,
        )
    )


@main.command()
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8765,
    show_default=True,
    help="Port on 127.0.0.1 (0: any free one).",
)
@click.option(
    "--appid", default=None, help="AppID the sandbox accepts (default: a fixed sandbox id)."
)
@click.option("--secret", default=None, help="AppSecret the sandbox accepts.")
@click.option(
    "--state",
    "state_path",
    type=click.Path(path_type=Path),
    default=None,
    help="SQLite file keeping the sandbox's articles and uploads across restarts.",
)
@click.option(
    "--strict-images",
    is_flag=True,
    help="Body images: jpg/png ≤ 1 MB (public docs) instead of 5 MB.",
)
@click.option("--review-seconds", type=float, default=None, help="Seconds an article stays 审核中.")
@click.option(
    "--reject", is_flag=True, help="Make every submitted article fail review (审核未通过)."
)
@click.option(
    "--wechat-pay", is_flag=True, help="Allow <a href> links, as for accounts with WeChat Pay."
)
@click.option(
    "--account-type",
    type=click.Choice(["subscription", "service"]),
    default="subscription",
    show_default=True,
    help="群发 quotas: 订阅号 one send a day, 服务号 four a month per follower.",
)
@_guard
def sandbox(
    port: int,
    appid: str | None,
    secret: str | None,
    state_path: Path | None,
    strict_images: bool,
    review_seconds: float | None,
    reject: bool,
    wechat_pay: bool,
    account_type: str,
) -> None:
    """Run a local server that behaves like WeChat's media API, for tests and CI."""
    from mdwx.sandbox import SandboxSettings, run_sandbox

    changes: dict[str, Any] = {
        "body_image_strict": strict_images,
        "review_reject": reject,
        "wechat_pay": wechat_pay,
        "state_path": state_path,
        "account_type": account_type,
    }
    if appid:
        changes["appid"] = appid
    if secret:
        changes["secret"] = secret
    if review_seconds is not None:
        changes["review_seconds"] = review_seconds
    try:
        run_sandbox(SandboxSettings(**changes), port=port, echo=lambda line: click.echo(line))
    except OSError as exc:
        raise MdwxError(
            f"cannot listen on 127.0.0.1:{port}: {exc.strerror}",
            hint="pick another --port, or --port 0 for any free one",
        ) from None


from mdwx.cli.hook import add_hook_commands  # noqa: E402
from mdwx.cli.send import add_send_commands  # noqa: E402
from mdwx.cli.state import add_state_commands  # noqa: E402
from mdwx.cli.themes import add_theme_commands  # noqa: E402

add_state_commands(main, _guard, json_option)
add_hook_commands(main, _guard)
add_theme_commands(main, _guard)
from mdwx.cli.account import add_account_commands  # noqa: E402

add_account_commands(main, _guard)
from mdwx.cli.relay import add_relay_commands  # noqa: E402

add_relay_commands(main, _guard)
from mdwx.cli.mcp import add_mcp_command  # noqa: E402

add_mcp_command(main, _guard)
add_send_commands(main, _guard, json_option, account_option, backend_option)
