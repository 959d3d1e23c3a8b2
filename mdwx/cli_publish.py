"""The network commands (publish, status, delete): wiring and printing, no publishing logic.

Builds the client (from the environment, or an in-process sandbox for ``--sandbox``), opens
the state, runs :class:`mdwx.publish.Publisher` and prints: human lines and a progress bar on
stderr, or one JSON document on stdout with ``--json``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from mdwx.errors import EXIT_FAILED, EXIT_OK, ConfigError
from mdwx.posts import Post
from mdwx.publish import Events, PostResult, Publisher, PublishOptions
from mdwx.state import State

SANDBOX_PORT = 8765  # fixed when free, so reader URLs printed by one run work in the next


@dataclass
class Connection:
    client: Any
    appid: str
    sandbox: Any = None


def _say(text: str, **style: Any) -> None:
    click.secho(text, err=True, **style)


@contextlib.contextmanager
def connection(config: Any, *, sandbox: bool, need_client: bool = True) -> Iterator[Connection]:
    """A client for the real API (credentials from the environment) or for a local sandbox."""
    from mdwx.wechat import MemoryTokenCache, WeChatClient

    if sandbox:
        from mdwx.sandbox import SandboxServer, SandboxSettings

        settings = SandboxSettings(state_path=config.root / ".mdwx" / "sandbox.db", review_seconds=0.5,
                                   video_review_seconds=0.5)
        server = _start_sandbox(SandboxServer, settings)
        try:
            client = WeChatClient(server.appid, server.secret, api_base=server.base_url,
                                  token_cache=MemoryTokenCache())
            yield Connection(client, server.appid, server)
        finally:
            server.stop()
        return
    if not need_client and not (os.environ.get("WECHAT_APPSECRET") or os.environ.get("WECHAT_ACCESS_TOKEN")):
        yield Connection(None, os.environ.get("WECHAT_APPID", "unknown"))
        return
    client = WeChatClient.from_env(config)
    yield Connection(client, client.appid or "default")


def _start_sandbox(server_class: Any, settings: Any) -> Any:
    try:
        return server_class(settings, port=SANDBOX_PORT).start()
    except OSError:
        return server_class(settings, port=0).start()


def _site_config(posts: Sequence[Post]) -> Any:
    roots = {post.config.root for post in posts}
    if len(roots) > 1:
        raise ConfigError("the posts belong to different sites (" + ", ".join(map(str, sorted(roots))) + ")",
                          hint="publish one site at a time")
    return posts[0].config


def run_publish(posts: list[Post], *, draft: bool, wait: bool, dry_run: bool, force: bool,
                as_json: bool, sandbox: bool) -> int:
    config = _site_config(posts)
    options = PublishOptions(draft=draft, wait=wait or sandbox, dry_run=dry_run, force=force)
    with connection(config, sandbox=sandbox, need_client=not dry_run) as conn, \
            State.open(config.state_path) as state, _progress(as_json) as events:
        publisher = Publisher(conn.client, state, conn.appid, options, events)
        results = asyncio.run(_publish(publisher, posts, conn.client))
    if as_json:
        click.echo(json.dumps({"posts": [r.to_json() for r in results]}, ensure_ascii=False, indent=2))
    else:
        _print_results(results, sandbox=sandbox, dry_run=dry_run)
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


def _print_results(results: list[PostResult], *, sandbox: bool, dry_run: bool) -> None:
    for result in results:
        for warning in result.warnings:
            _say(f"warning: {warning}", fg="yellow")
        if result.error:
            _say(f"✗ {result.error}", fg="red")
            continue
        uploads = result.uploads
        counts = f"{uploads['images']} uploaded, {uploads['cached']} cached, {uploads['videos']} videos"
        _say(f"✓ {result.path}: {result.status} ({counts})", fg="green")
        for action in result.actions if dry_run else result.actions[-1:]:
            _say(f"    {action}")
        if result.url:
            _say(f"    read it at {result.url}")
    failed = sum(1 for r in results if r.error)
    _say(f"{len(results) - failed} of {len(results)} posts {'planned' if dry_run else 'published'}"
         + (f", {failed} failed" if failed else "") + ".")
    if sandbox and any(r.url for r in results):
        _say(f"The sandbox is stopped now; `mdwx sandbox --port {SANDBOX_PORT} --state "
             f"{Path('.mdwx') / 'sandbox.db'}` (from the site folder) serves these pages again.")


def run_status(posts: list[Post], *, as_json: bool, sandbox: bool) -> int:
    config = _site_config(posts)
    rows = []
    with connection(config, sandbox=sandbox, need_client=False) as conn, State.open(config.state_path) as state:
        rows = asyncio.run(_status_rows(posts, state, conn))
    if as_json:
        click.echo(json.dumps({"posts": rows}, ensure_ascii=False, indent=2))
    else:
        for row in rows:
            live = f" — WeChat: {row['live']}" if row.get("live") else ""
            _say(f"{row['path']}: {row['status']}{live}" + (f"  {row['url']}" if row.get("url") else ""))
    return EXIT_FAILED if any(row.get("error") for row in rows) else EXIT_OK


async def _status_rows(posts: list[Post], state: State, conn: Connection) -> list[dict[str, Any]]:
    from mdwx.errors import MdwxError
    from mdwx.publish import STATUS_BY_TEXT

    rows = []
    try:
        for post in posts:
            record = state.article(conn.appid, post.relative)
            row: dict[str, Any] = {"path": str(post.path), "status": record.status if record else "not published",
                                   "media_id": record.media_id if record else None,
                                   "url": record.url if record else None, "live": None, "error": None}
            if record and record.media_id and conn.client is not None and record.status != "deleted":
                try:
                    live = await conn.client.query(record.media_id)
                    row["live"], row["url"] = live.status, live.url or row["url"]
                    mapped = STATUS_BY_TEXT.get(live.status)
                    if mapped in ("published", "rejected"):
                        state.record_status(conn.appid, post.relative, mapped, live.url)
                        row["status"] = mapped
                except MdwxError as exc:
                    row["error"] = str(exc)
            rows.append(row)
    finally:
        if conn.client is not None:
            await conn.client.aclose()
    return rows


def run_delete(post: Post, *, yes: bool, sandbox: bool, as_json: bool, index: int = 0) -> int:
    from mdwx.errors import MdwxError

    config = post.config
    with connection(config, sandbox=sandbox) as conn, State.open(config.state_path) as state:
        record = state.article(conn.appid, post.relative)
        if record is None or not record.media_id or record.status == "deleted":
            raise MdwxError("mdwx has no article for this post", path=post.path,
                            hint="nothing to delete; `mdwx status` lists what was published")
        if not yes:
            if not sys.stdin.isatty():
                raise ConfigError("refusing to delete without confirmation", hint="pass --yes")
            click.confirm(f"Delete '{record.title}' ({record.status}) from WeChat?", abort=True, err=True)

        async def delete() -> None:
            try:
                await conn.client.delete(record.media_id, index=index)
            finally:
                await conn.client.aclose()

        asyncio.run(delete())
        # mdwx publishes one article per item (the contract's FAQ: index 1), so deleting
        # index 0 or 1 removes the post's article.
        state.mark_deleted(conn.appid, post.relative)
    if as_json:
        click.echo(json.dumps({"path": str(post.path), "media_id": record.media_id, "deleted": True}))
    else:
        _say(f"deleted {record.media_id} ('{record.title}')")
    return EXIT_OK
