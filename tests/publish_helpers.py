"""Shared pieces of the publishing tests: a copy of the sample site, a fast sandbox, a run."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import http.server
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mdwx.publish.publisher import Publisher
from mdwx.publish.results import PostResult
from mdwx.publish.run_options import RunOptions
from mdwx.publish.state.store import State
from mdwx.sandbox import SandboxServer
from mdwx.source.gate import collect_posts
from mdwx.wechat import MemoryTokenCache, RetryPolicy, WeChatClient

# png_bytes and sandbox live in tests.factories; tests import them from here too.
from tests.factories import FAST_SANDBOX, png_bytes, sandbox  # noqa: F401

REPO = Path(__file__).resolve().parents[1]
SAMPLE_SITE = REPO / "sample-site"
FAST = FAST_SANDBOX
FAST_RETRY = RetryPolicy(attempts=6, base=0.01, cap=0.05)
VIDEO_POLL = 0.02  # seconds: the first wait between video query_status calls in test sites


def copy_site(tmp_path: Path) -> Path:
    """A copy of the sample site whose video review is followed at the sandbox's pace.

    The site's ``[video] poll_interval`` (2 s by default) is set to :data:`VIDEO_POLL`: the
    test sandboxes pass a video in a few hundredths of a second, and every run against a
    standalone sandbox (the CLI's, not ``--sandbox``) otherwise sleeps 2 s per video.
    """
    site = tmp_path / "site"
    shutil.copytree(SAMPLE_SITE, site, ignore=shutil.ignore_patterns(".mdwx", "_site"))
    config = site / "mdwx.toml"
    text = config.read_text("utf-8")
    assert "\n[video]\n" in text and "poll_interval" not in text
    config.write_text(
        text.replace("\n[video]\n", f"\n[video]\npoll_interval = {VIDEO_POLL}\n"), "utf-8"
    )
    return site


# The sample site's posts that draw nothing costly: math-notes (formulas and a mermaid
# diagram, seconds of processor time cold) and code-tour (four lexers) are left out. It keeps
# pictures (media-gallery's four, one per other post), a video, covers and the default cover.
LIGHT_POSTS = ("hello-mdwx", "lists-and-tables", "media-gallery", "release-notes")


def copy_light_site(tmp_path: Path, posts: tuple[str, ...] = LIGHT_POSTS) -> Path:
    """:func:`copy_site` with only ``posts`` (stems) kept: for tests whose property is about
    how many posts are sent (duplicates, kill points), not about what each post draws."""
    site = copy_site(tmp_path)
    for post in (site / "posts").glob("*.md"):
        if post.stem not in posts:
            post.unlink()
    assert sorted(p.stem for p in (site / "posts").glob("*.md")) == sorted(posts)
    return site


@contextlib.contextmanager
def web_server(folder: Path) -> Iterator[str]:
    """A static file server on loopback standing in for a remote image host."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def publish(site: Path | list[Path], sb: SandboxServer, **options: Any) -> list[PostResult]:
    """Publish like the CLI does, through the library API, against the sandbox."""
    posts = collect_posts(site if isinstance(site, list) else [site])
    config = posts[0].config
    options.setdefault("poll_interval", 0.02)
    client = WeChatClient(
        sb.appid, sb.secret, api_base=sb.base_url, token_cache=MemoryTokenCache(), retry=FAST_RETRY
    )

    async def run(state: State) -> list[PostResult]:
        async with client:
            return await Publisher(client, state, sb.appid, RunOptions(**options)).publish_all(
                posts
            )

    with State.open(config.state_path) as state:
        return asyncio.run(run(state))


def endpoints(sb: SandboxServer) -> list[str]:
    return [r.endpoint for r in sb.requests]


IMG_SRC = re.compile(r'<img[^>]*\ssrc="([^"]*)"')
MPVID = re.compile(r'data-mpvid="([^"]*)"')
