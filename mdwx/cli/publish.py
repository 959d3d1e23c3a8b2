"""The network commands (publish, status, delete): wiring and printing, no publishing logic.

Builds the client (from the environment, or an in-process sandbox for ``--sandbox``), opens
the state, runs :class:`mdwx.publish.publisher.Publisher` and prints: human lines and a progress bar on
stderr, or one JSON document on stdout with ``--json``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import secrets
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from mdwx.errors import EXIT_FAILED, EXIT_OK, ConfigError
from mdwx.publish.backends import backend_name, make_backend
from mdwx.publish.publisher import Events, PostResult, Publisher, PublishOptions
from mdwx.publish.state.store import State
from mdwx.source.posts import Post

SANDBOX_PORT = 8765  # fixed when free, so reader URLs printed by one run work in the next
# The in-process sandbox is an account of its own, apart from `mdwx sandbox`'s default one,
# and each of its instances (each sandbox.db) has its own AppID: state recorded against one
# is never taken for another (they hold different articles). INPROCESS_APPID names the data
# of a sandbox.db made before instances had their own.
INPROCESS_APPID = "wx1b5e4d0c1b5e4d0c"
SANDBOX_APPID_FILE = "sandbox.appid"
INPROCESS_SECRET = "in-process-sandbox-secret-7f3a9c1e"
NO_APPID = "default"  # the state's key when a token is given without WECHAT_APPID
SANDBOX_POLL = 0.1  # the in-process sandbox reviews in 0.5 s: follow it at its pace
STATUS_TIMEOUT = 3.0  # seconds: status answers from the record when WeChat does not


@dataclass
class Connection:
    client: Any
    appid: str
    sandbox: Any = None


def _say(text: str, **style: Any) -> None:
    click.secho(text, err=True, **style)


@contextlib.contextmanager
def connection(config: Any, *, sandbox: bool, need_client: bool = True,
               **client_options: Any) -> Iterator[Connection]:
    """A client for the real API (credentials from the environment) or for a local sandbox."""
    from mdwx.wechat import MemoryTokenCache, WeChatClient

    if sandbox:
        from mdwx.sandbox import SandboxServer, SandboxSettings

        folder = config.root / ".mdwx"
        settings = SandboxSettings(appid=inprocess_appid(folder), secret=INPROCESS_SECRET,
                                   state_path=folder / "sandbox.db", review_seconds=0.5,
                                   video_review_seconds=0.5)
        server = _start_sandbox(SandboxServer, settings)
        try:
            client = WeChatClient(server.appid, server.secret, api_base=server.base_url,
                                  token_cache=MemoryTokenCache(), **client_options)
            yield Connection(client, server.appid, server)
        finally:
            server.stop()
        return
    if not need_client and not (os.environ.get("WECHAT_APPSECRET") or os.environ.get("WECHAT_ACCESS_TOKEN")):
        yield Connection(None, _env_appid())
        return
    client = WeChatClient.from_env(config, **client_options)
    yield Connection(client, client.appid or NO_APPID)


def inprocess_appid(folder: Path) -> str:
    """The AppID of the in-process sandbox whose data is ``folder/sandbox.db``.

    A new sandbox.db gets a new random AppID (kept in ``sandbox.appid`` beside it), so
    records of a sandbox whose file was deleted or replaced are not taken for this one.
    """
    database, marker = folder / "sandbox.db", folder / SANDBOX_APPID_FILE
    if database.exists():
        try:
            text = marker.read_text("utf-8").strip()
        except OSError:
            text = ""
        return text if re.fullmatch(r"wx[0-9a-f]{16}", text) else INPROCESS_APPID
    appid = "wx" + secrets.token_hex(8)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        marker.write_text(appid + "\n", encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write the sandbox's AppID: {exc.strerror}", path=marker) from None
    return appid


def _env_appid() -> str:
    """The state's key for the account the environment names (as :func:`connection` keys it)."""
    return os.environ.get("WECHAT_APPID") or NO_APPID


def _sandbox_port() -> int:
    """The port the in-process sandbox tries first: ``MDWX_SANDBOX_PORT``, else 8765."""
    text = os.environ.get("MDWX_SANDBOX_PORT", "").strip()
    if not text:
        return SANDBOX_PORT
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ConfigError(f"MDWX_SANDBOX_PORT={text!r} is not a port", hint="a number from 1 to 65535")
    return int(text)


def _start_sandbox(server_class: Any, settings: Any) -> Any:
    try:
        return server_class(settings, port=_sandbox_port()).start()
    except OSError:
        return server_class(settings, port=0).start()


def _by_site(posts: Sequence[Post]) -> list[list[Post]]:
    """The posts grouped by site root (each site has its own state), in the order given."""
    groups: dict[Path, list[Post]] = {}
    for post in posts:
        groups.setdefault(post.config.root, []).append(post)
    return list(groups.values())


def _open_state(posts: Sequence[Post], notes: list[str]) -> State:
    """The site's state, with the records of any earlier state file its root hides taken over."""
    from mdwx.publish.identity import adopt_hidden_states

    state = State.open(posts[0].config.state_path)
    try:
        notes += adopt_hidden_states(state, posts)
    except BaseException:
        state.close()
        raise
    return state


def run_publish(posts: list[Post], *, draft: bool, wait: bool, dry_run: bool, force: bool,
                as_json: bool, sandbox: bool, backend: str | None = None) -> int:
    results: list[PostResult] = []
    notes: list[str] = []
    sandboxes: list[tuple[Path, Any]] = []
    for group in _by_site(posts):
        config = group[0].config
        options = PublishOptions(draft=draft, wait=wait or sandbox, dry_run=dry_run, force=force, backend=backend)
        if sandbox:
            options.poll_interval = options.video_poll_interval = SANDBOX_POLL
        # The state first: taking over a hidden state file may move the sandbox's data too.
        with _open_state(group, notes) as state, \
                connection(config, sandbox=sandbox, need_client=not dry_run) as conn, _progress(as_json) as events:
            publisher = Publisher(conn.client, state, conn.appid, options, events)
            results += asyncio.run(_publish(publisher, group, conn.client))
            if conn.sandbox is not None:
                sandboxes.append((config.root, conn.sandbox))
    if as_json:
        click.echo(json.dumps({"posts": [r.to_json() for r in results]}, ensure_ascii=False, indent=2))
    else:
        for note in notes:
            _say(f"note: {note}", fg="yellow")
        _print_results(results, dry_run=dry_run)
        for root, server in sandboxes:
            if any(r.url for r in results):
                _print_sandbox_help(root, server)
    return EXIT_FAILED if any(r.error for r in results) else EXIT_OK


async def _publish(publisher: Publisher, posts: list[Post], client: Any) -> list[PostResult]:
    try:
        return await publisher.publish_all(posts)
    finally:
        if client is not None:
            await client.aclose()


@contextlib.contextmanager
def _progress(quiet: bool) -> Iterator[Events]:
    """A rich progress bar on stderr for uploads; silent under --json or when not a TTY."""
    if quiet or not sys.stderr.isatty():
        yield Events()
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        console=Console(stderr=True), transient=True)
    task = progress.add_task("uploading", total=0)
    videos: dict[str, Any] = {}

    def on_post(post: Post, total: int) -> None:
        progress.update(task, description=f"uploading {post.path.name}", total=total, completed=0)

    def on_video(name: str, done: int, total: int) -> None:
        if name not in videos:
            videos[name] = progress.add_task(f"video {name} (bytes)", total=total)
        progress.update(videos[name], completed=done, total=total)

    with progress:
        yield Events(on_post=on_post, on_upload=lambda: progress.advance(task), on_video=on_video)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _print_results(results: list[PostResult], *, dry_run: bool) -> None:
    for result in results:
        for warning in result.warnings:
            _say(f"warning: {warning}", fg="yellow")
        if result.error:
            _say(f"✗ {result.error}", fg="red")
            for action in result.actions if dry_run else ():
                _say(f"    {action}")
            continue
        uploads = result.uploads
        counts = (f"{plural(uploads['images'], 'image')} and {plural(uploads['videos'], 'video')} uploaded, "
                  f"{uploads['cached']} reused")
        if dry_run:
            counts = (f"would upload {plural(uploads['images'], 'image')} and {plural(uploads['videos'], 'video')}, "
                      f"{uploads['cached']} reused")
        _say(f"✓ {result.path}: {result.status} ({counts})", fg="green")
        for action in result.actions if dry_run else result.actions[-1:]:
            _say(f"    {action}")
        if result.url:
            _say(f"    read it at {result.url}")
    _say(summary(results, dry_run=dry_run))


#: status → how the closing line counts it
_SUMMARY_WORDS = (("published", "published"), ("submitted", "submitted (review pending)"),
                  ("draft", "uploaded as {a draft|drafts} (not submitted)"), ("rejected", "rejected in review"),
                  ("skipped", "skipped (draft: true)"), ("dry-run", "planned (nothing sent)"))


def summary(results: list[PostResult], *, dry_run: bool) -> str:
    """The closing line: each post counted under what really happened to it."""
    failed = sum(1 for r in results if r.error)
    parts = []
    for status, words in _SUMMARY_WORDS:
        count = sum(1 for r in results if r.status == status and not r.error)
        if count:
            parts.append(f"{count} {_number(words, count)}")
    if failed:
        parts.append(f"{failed} failed")
    return f"{plural(len(results), 'post')}: " + (", ".join(parts) or "nothing done") + "."


def _number(words: str, count: int) -> str:
    """Pick ``{one|many}`` in ``words`` by ``count``."""
    return re.sub(r"\{([^|}]*)\|([^}]*)\}", lambda m: m.group(1) if count == 1 else m.group(2), words)


def _print_sandbox_help(root: Path, server: Any) -> None:
    state = root / ".mdwx" / "sandbox.db"
    _say("The in-process sandbox has stopped. To read these articles again, run")
    _say(f"    mdwx sandbox --port {server.port} --state {state} --appid {server.appid}")
    _say(f"and open the URLs above (all of them: {server.base_url}/).")


def run_status(posts: list[Post], *, as_json: bool, sandbox: bool, backend: str | None = None) -> int:
    """Recorded status of each post, with WeChat's live status when it answers in time."""
    from mdwx.wechat import RetryPolicy

    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    for group in _by_site(posts):
        with _open_state(group, notes) as state, \
                connection(group[0].config, sandbox=sandbox, need_client=False, timeout=STATUS_TIMEOUT,
                           retry=RetryPolicy(attempts=1)) as conn:
            name = backend_name(group[0].config, backend)
            api = make_backend(name, conn.client, group[0].config)
            rows += asyncio.run(_status_rows(group, state.for_backend(name), conn, api))
    if as_json:
        click.echo(json.dumps({"posts": rows}, ensure_ascii=False, indent=2))
    else:
        for note in notes:
            _say(f"note: {note}", fg="yellow")
        reasons = [row["error"] for row in rows if row.get("error") and not row.get("not_asked")]
        if len(reasons) == 1:  # one reason (WeChat unreachable): said once, above the records
            _say(f"WeChat's live status is unavailable: {reasons[0]}", fg="yellow")
            _say("Showing what mdwx recorded:", fg="yellow")
        for row in rows:
            _print_status_row(row, show_error=len(reasons) > 1)
    return EXIT_FAILED if any(row.get("error") for row in rows) else EXIT_OK


def _print_status_row(row: dict[str, Any], *, show_error: bool) -> None:
    recorded = f"{row['status']} (recorded)" if row["media_id"] else row["status"]
    live = f" — WeChat now: {row['live']}" if row.get("live") else ""
    _say(f"{row['path']}: {recorded}{live}" + (f"  {row['url']}" if row.get("url") else ""))
    if row.get("why"):
        _say(f"    {row['why']}")
    if row.get("renamed_from"):
        _say(f"    recorded as {row['renamed_from']} (the post was renamed or moved)")
    if row.get("error") and show_error and not row.get("not_asked"):
        _say(f"    live status unavailable: {row['error']}", fg="yellow")
    for old in row.get("superseded", []):
        _say(f"    superseded: {old['media_id']} {old['status']}" + (f"  {old['url']}" if old["url"] else ""))


async def _status_rows(posts: list[Post], state: State, conn: Connection, api: Any) -> list[dict[str, Any]]:
    from mdwx.errors import MdwxError
    from mdwx.publish.identity import article_fingerprint, find_article

    rows = []
    unreachable: str | None = None  # once WeChat failed to answer, the rest is not asked (bounded)
    try:
        for post in posts:
            found = find_article(state, conn.appid, post, article_fingerprint(post))
            record = found.record
            key = record.source_path if record else post.relative
            row: dict[str, Any] = {
                "path": str(post.path), "status": record.status if record else "not published",
                "recorded": True, "media_id": record.media_id if record else None,
                "url": record.url if record else None, "live": None, "error": None,
                "renamed_from": found.renamed_from,
                "superseded": [{"media_id": o.media_id, "status": o.status, "url": o.url, "title": o.title}
                               for o in state.superseded(conn.appid, key)]}
            if record and record.media_id and record.status != "deleted":
                if conn.client is None:
                    row["error"] = "no WeChat credentials (set WECHAT_APPID and WECHAT_APPSECRET)"
                elif unreachable:
                    row["error"], row["not_asked"] = unreachable, True
                else:
                    try:
                        live = await api.progress(record)
                    except MdwxError as exc:
                        row["error"] = str(exc)
                        unreachable = f"not asked: WeChat did not answer for an earlier post ({exc})"
                    else:
                        row["live"], row["url"] = live.live, live.url or row["url"]
                        if live.final:
                            state.record_status(conn.appid, key, live.status, live.url, live.article_id)
                            row["status"] = live.status
                        if live.error is not None:
                            row["why"] = live.error.message
            rows.append(row)
    finally:
        if conn.client is not None:
            await conn.client.aclose()
    return rows


def run_delete(post: Post, *, yes: bool, sandbox: bool, as_json: bool, index: int = 0,
               article: str | None = None, backend: str | None = None) -> int:
    """Delete the post's article, or with ``article`` one of its superseded ones (by media_id)."""
    from mdwx.errors import MdwxError
    from mdwx.publish.identity import article_fingerprint, find_article

    notes: list[str] = []
    appid = inprocess_appid(post.config.root / ".mdwx") if sandbox else _env_appid()
    name = backend_name(post.config, backend)
    with _open_state([post], notes) as all_state:
        state = all_state.for_backend(name)
        found = find_article(state, appid, post, article_fingerprint(post))
        record = found.record
        key = record.source_path if record else post.relative
        history = state.superseded(appid, key)
    for note in notes:
        _say(f"note: {note}", fg="yellow")
    targets = {o.media_id: (o.status, o.title, True) for o in history}
    handles = {o.media_id: (o.article_id, "") for o in history}  # the draft API's article_id, publish_id
    if record and record.media_id:
        targets[record.media_id] = (record.status, record.title, False)
        handles[record.media_id] = (record.article_id, record.publish_id)
    if article is None:
        if record is None or not record.media_id:
            raise MdwxError("mdwx has no article for this post", path=post.path,
                            hint="nothing to delete; `mdwx status` lists what was published")
        article = record.media_id
    elif article not in targets:
        known = ", ".join(targets) or "none"
        raise MdwxError(f"article {article} is not one of this post's articles (known: {known})",
                        path=post.path, hint="`mdwx status PATH` lists them")
    status, title, superseded = targets[article]
    if status == "deleted":
        return _deleted_report(post, article, as_json, already=True)
    if not yes:
        if not sys.stdin.isatty():
            raise ConfigError("refusing to delete without confirmation", hint="pass --yes")
        label = "superseded article" if superseded else "article"
        if not click.confirm(f"Delete the {label} '{title}' ({status}, {article}) from WeChat?", err=True):
            _say("nothing deleted")
            return EXIT_OK
    with connection(post.config, sandbox=sandbox) as conn, State.open(post.config.state_path) as all_state:
        state = all_state.for_backend(name)
        api = make_backend(name, conn.client, post.config)
        article_id, publish_id = handles[article]

        async def delete() -> None:
            try:
                await api.delete(article, status=status, article_id=article_id, publish_id=publish_id, index=index)
            finally:
                await conn.client.aclose()

        asyncio.run(delete())
        # mdwx publishes one article per item (the contract's FAQ: index 1), so deleting
        # index 0 or 1 removes the post's article.
        if superseded:
            state.mark_superseded_deleted(conn.appid, article)
        else:
            state.mark_deleted(conn.appid, key)
    return _deleted_report(post, article, as_json, title=title)


def _deleted_report(post: Post, media_id: str, as_json: bool, *, already: bool = False, title: str = "") -> int:
    if as_json:
        click.echo(json.dumps({"path": str(post.path), "media_id": media_id, "deleted": True,
                               "already_deleted": already}))
    elif already:
        _say(f"{media_id} was already deleted; nothing to delete")
    else:
        _say(f"deleted {media_id} ('{title}')")
    return EXIT_OK
