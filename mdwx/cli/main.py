"""The ``mdwx`` command: a thin shell over the library (parse options, call, print).

Human output and progress go to stderr; ``--json`` prints one JSON document on stdout and
nothing else there. Exit codes: 0 success, 1 a post failed, 2 usage or configuration error.
Heavy modules are imported inside the commands so ``mdwx --help`` answers fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from mdwx import __version__
from mdwx.errors import EXIT_FAILED, EXIT_OK, MdwxError

F = TypeVar("F", bound=Callable[..., Any])


def _err(message: str, **style: Any) -> None:
    click.secho(message, err=True, **style)


def _fail(error: MdwxError) -> None:
    _err(f"mdwx: error: {error}", fg="red")
    sys.exit(error.exit_code)


def _print_json(document: dict[str, Any]) -> None:
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))


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


paths_argument = click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")
backend_option = click.option(
    "--backend", type=click.Choice(["media", "draft"]), default=None,
    help="WeChat API: 'media' (cgi-bin/publish/*) or 'draft' (draft box + freepublish). "
         "Default: backend in mdwx.toml, else media.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="mdwx")
def main() -> None:
    """Publish Markdown posts to a WeChat Official Account (微信公众号).

    Posts are Markdown files with YAML front matter; a site is a folder with an mdwx.toml.
    Credentials come from WECHAT_APPID / WECHAT_APPSECRET (or WECHAT_ACCESS_TOKEN).
    """


def _collect(paths: Sequence[Path]) -> list[Any]:
    from mdwx.source.posts import collect_posts

    return collect_posts(paths)


git_paths_argument = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))


def _git_options(func: F) -> F:
    func = click.option("--git-range", metavar="A..B", default=None,
                        help="Only the posts the commits A..B added or changed (or whose images changed).")(func)
    return click.option("--changed-since", metavar="REV", default=None,
                        help="Only the posts changed between REV and HEAD (or whose images changed).")(func)


def _select(paths: Sequence[Path], changed_since: str | None, git_range: str | None) -> list[Any]:
    """The posts named, or with a git range the posts it changed among them (default: ".")."""
    if changed_since is None and git_range is None:
        return _collect(paths)
    if changed_since is not None and git_range is not None:
        from mdwx.errors import ConfigError

        raise ConfigError("give --changed-since or --git-range, not both")
    from mdwx.integrations.git import changed_posts, describe, parse_range

    base, tip = (changed_since, "HEAD") if changed_since is not None else parse_range(git_range or "")
    found: list[Path] = []
    for folder in paths or (Path("."),):
        if not folder.exists():
            from mdwx.errors import ConfigError

            raise ConfigError("no such file or folder", path=folder)
        changes = changed_posts(folder, base, tip)
        for line in describe(changes, Path.cwd()):
            _err(line)
        found += [p for p in changes.posts if p not in found]
    if not found:
        _err(f"no posts changed in {git_range or changed_since + '..HEAD'}; nothing to do.")
        sys.exit(EXIT_OK)
    return _collect(found)


def _report_offline(reports: list[Any], verb: str, as_json: bool) -> None:
    failed = [r for r in reports if not r.ok]
    if as_json:
        _print_json({"posts": [r.to_json() for r in reports]})
    else:
        for report in reports:
            for warning in report.warnings:
                _err(f"warning: {warning}", fg="yellow")
            if report.ok:
                where = f" → {report.outputs[0].parent}" if report.outputs else ""
                _err(f"✓ {report.path}{where}  ({report.content_chars:,} characters of text, "
                     f"{report.content_bytes:,} bytes of HTML)")
            else:
                _err(f"✗ {report.error}", fg="red")
                if report.outputs:
                    _err(f"  written anyway → {report.outputs[0].parent}")
        _err(f"{len(reports) - len(failed)} of {len(reports)} posts {verb}.")
    sys.exit(EXIT_FAILED if failed else EXIT_OK)


@main.command()
@paths_argument
@click.option("-o", "--out", type=click.Path(path_type=Path), default=Path("_site"), show_default=True,
              help="Output folder: OUT/<slug>/content.html and preview.html.")
@json_option
@_guard
def build(paths: tuple[Path, ...], out: Path, as_json: bool) -> None:
    """Render posts offline to the exact WeChat content HTML and a phone preview."""
    from mdwx.build import build_post

    reports = [build_post(post, out.resolve()) for post in _collect(paths)]
    _report_offline(reports, "built", as_json)


@main.command()
@git_paths_argument
@_git_options
@json_option
@click.option("--format", "output_format", type=click.Choice(["text", "json", "github"]), default="text",
              help="github: findings as GitHub Actions annotations (::error file=…,line=…::) on stdout.")
@_guard
def check(paths: tuple[Path, ...], changed_since: str | None, git_range: str | None, as_json: bool,
          output_format: str) -> None:
    """Validate posts offline: front matter, limits, content size, local files."""
    from mdwx.build import check_post

    if as_json and output_format == "github":
        from mdwx.errors import ConfigError

        raise ConfigError("--json and --format github both print on stdout: choose one")
    posts = _select(paths, changed_since, git_range)
    reports = [check_post(post) for post in posts]
    if output_format == "github":
        from mdwx.integrations.github import report_annotations

        for line in report_annotations(reports):
            click.echo(line)
    _report_offline(reports, "passed", as_json or output_format == "json")


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--open/--no-open", "open_browser", default=True, help="Open the preview in a browser.")
@_guard
def preview(path: Path, open_browser: bool) -> None:
    """Build one post into .mdwx/preview/ and open its phone-frame preview."""
    from mdwx.build import build_post

    post = _collect([path])[0]
    report = build_post(post, post.config.root / ".mdwx" / "preview")
    if report.error:  # the same line as check and publish print for a post: ✗ path:line: message
        _err(f"✗ {report.error}", fg="red")
        sys.exit(report.error.exit_code)
    page = report.outputs[1]
    _err(f"preview: {page}")
    if open_browser:
        import webbrowser

        webbrowser.open(page.as_uri())


def _publish_options(func: F) -> F:
    for option in reversed([
        click.option("--draft", is_flag=True, help="Upload to the publishing library but do not submit."),
        click.option("--wait", is_flag=True, help="Follow review until a final status; print the URL."),
        click.option("--dry-run", is_flag=True,
                     help="Show the steps the run would take (same decision and exit code); send nothing."),
        click.option("--force", is_flag=True,
                     help="Publish a changed, already submitted post as a new article (the old one is kept "
                          "in the history: `mdwx status` lists it)."),
        json_option,
        click.option("--sandbox", is_flag=True, help="Publish to a local WeChat emulator with throwaway credentials."),
        backend_option,
    ]):
        func = option(func)
    return func


@main.command()
@git_paths_argument
@_git_options
@_publish_options
@_guard
def publish(paths: tuple[Path, ...], changed_since: str | None, git_range: str | None, draft: bool, wait: bool,
            dry_run: bool, force: bool, as_json: bool, sandbox: bool, backend: str | None) -> None:
    """Upload posts' images, cover and videos, upload the article, submit it."""
    from mdwx.cli.publish import run_publish
    from mdwx.publish.state.sync import exported_state

    posts = _select(paths, changed_since, git_range)
    with exported_state(posts, write=not dry_run, say=_err):
        code = run_publish(posts, draft=draft, wait=wait, dry_run=dry_run, force=force,
                           as_json=as_json, sandbox=sandbox, backend=backend)
    sys.exit(code)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@json_option
@click.option("--sandbox", is_flag=True, help="Ask the local sandbox (as publish --sandbox did).")
@backend_option
@_guard
def status(paths: tuple[Path, ...], as_json: bool, sandbox: bool, backend: str | None) -> None:
    """Show what mdwx knows of each post and ask WeChat for its live status."""
    from mdwx.cli.publish import run_status
    from mdwx.publish.state.sync import exported_state

    posts = _collect(paths or (Path("."),))
    with exported_state(posts, write=False, say=_err):  # a fresh checkout: what the export records
        code = run_status(posts, as_json=as_json, sandbox=sandbox, backend=backend)
    sys.exit(code)


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--index", type=click.IntRange(min=0), default=0, show_default=True,
              help="Which article of the item to delete, from 1; 0 deletes them all.")
@click.option("--article", "article", metavar="MEDIA_ID", default=None,
              help="Delete this one of the post's articles (e.g. one a --force publish superseded; "
                   "`mdwx status` lists them). Default: the post's current article.")
@click.option("--sandbox", is_flag=True, help="Delete from the local sandbox.")
@backend_option
@json_option
@_guard
def delete(path: Path, yes: bool, index: int, article: str | None, sandbox: bool, backend: str | None,
           as_json: bool) -> None:
    """Delete a post's article from WeChat (a draft from the draft box, a published one by its article_id)."""
    from mdwx.cli.publish import run_delete

    sys.exit(run_delete(_collect([path])[0], yes=yes, index=index, sandbox=sandbox, as_json=as_json,
                        article=article, backend=backend))


@main.command()
@click.option("--port", type=int, default=8765, show_default=True, help="Port on 127.0.0.1 (0: any free one).")
@click.option("--appid", default=None, help="AppID the sandbox accepts (default: a fixed sandbox id).")
@click.option("--secret", default=None, help="AppSecret the sandbox accepts.")
@click.option("--state", "state_path", type=click.Path(path_type=Path), default=None,
              help="SQLite file keeping the sandbox's articles and uploads across restarts.")
@click.option("--strict-images", is_flag=True, help="Body images: jpg/png ≤ 1 MB (public docs) instead of 5 MB.")
@click.option("--review-seconds", type=float, default=None, help="Seconds an article stays 审核中.")
@click.option("--reject", is_flag=True, help="Make every submitted article fail review (审核未通过).")
@click.option("--wechat-pay", is_flag=True, help="Allow <a href> links, as for accounts with WeChat Pay.")
@_guard
def sandbox(port: int, appid: str | None, secret: str | None, state_path: Path | None,
            strict_images: bool, review_seconds: float | None, reject: bool, wechat_pay: bool) -> None:
    """Run a local server that behaves like WeChat's media API, for tests and CI."""
    from mdwx.sandbox import SandboxSettings, run_sandbox

    changes: dict[str, Any] = {"body_image_strict": strict_images, "review_reject": reject,
                               "wechat_pay": wechat_pay, "state_path": state_path}
    if appid:
        changes["appid"] = appid
    if secret:
        changes["secret"] = secret
    if review_seconds is not None:
        changes["review_seconds"] = review_seconds
    try:
        run_sandbox(SandboxSettings(**changes), port=port, echo=lambda line: click.echo(line))
    except OSError as exc:
        raise MdwxError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}",
                        hint="pick another --port, or --port 0 for any free one") from None


from mdwx.cli.hook import add_hook_commands  # noqa: E402
from mdwx.cli.state import add_state_commands  # noqa: E402

add_state_commands(main, _guard, json_option)
add_hook_commands(main, _guard)
