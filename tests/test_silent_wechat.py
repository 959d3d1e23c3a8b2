"""A WeChat host that accepts connections and never answers: one token fetch per run.

The failed token fetch is a fact of the run (mdwx.wechat.auth): calls made at once and calls
made later all get its failure without asking again. Counted in connections the silent host
accepted, never timed.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx import api
from mdwx.errors import MdwxError
from mdwx.publish.run_options import Credentials
from mdwx.wechat import MemoryTokenCache, RetryPolicy, WeChatClient
from tests.cli_helpers import write_post
from tests.factories import sandbox

SHORT = 0.05  # seconds a call waits for the silent host: the test's pace, not its assertion


class SilentHost:
    """A loopback socket that accepts every connection, reads nothing and never answers."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.peers: list[int] = []  # the client port of each accepted connection, in order
        self.open: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.getsockname()[1]}"

    def _accept(self) -> None:
        while True:
            try:
                conn, peer = self.server.accept()
            except OSError:
                return
            self.open.append(conn)
            self.peers.append(peer[1])

    def connections(self) -> int:
        """Connections made before now: a last one is made and waited for (accepted in order)."""
        with socket.create_connection(self.server.getsockname()) as marker:
            port = marker.getsockname()[1]
            for _ in range(10_000):  # bounds a hang only
                if port in self.peers:
                    return self.peers.index(port)
                threading.Event().wait(0.001)
        raise AssertionError("the silent host never accepted the marker connection")

    def close(self) -> None:
        self.server.close()
        for conn in self.open:
            conn.close()


@contextmanager
def silent_host() -> Iterator[SilentHost]:
    host = SilentHost()
    try:
        yield host
    finally:
        host.close()


async def _ask(client: WeChatClient, at_once: int, later: int) -> list[str]:
    async def one() -> str:
        try:
            await client.query("some-publish-id")
        except MdwxError as exc:
            return str(exc)
        return "answered"

    failures = list(await asyncio.gather(*(one() for _ in range(at_once))))
    for _ in range(later):
        failures.append(await one())
    return failures


@settings(max_examples=8)
@given(at_once=st.integers(1, 12), later=st.integers(0, 3), attempts=st.integers(1, 2))
def test_a_silent_host_is_asked_for_a_token_once_per_client(
    at_once: int, later: int, attempts: int
) -> None:
    with silent_host() as host:

        async def run() -> tuple[list[str], int]:
            async with WeChatClient(
                "wx0123456789abcdef",
                "a-secret",
                api_base=host.base_url,
                token_cache=MemoryTokenCache(),
                timeout=SHORT,
                retry=RetryPolicy(attempts=attempts, base=0.001, cap=0.001),
            ) as client:
                failures = await _ask(client, at_once, later)
                return failures, client.token_fetches

        failures, fetches = asyncio.run(run())
        # the sender's own retries are one fetch's; no call after them asks again
        assert fetches == 1 and host.connections() <= attempts
        assert len(failures) == at_once + later and len(set(failures)) == 1
        assert "stable_token" in failures[0] and "answered" not in failures


@pytest.mark.parametrize("posts", [2, 12])
def test_status_against_a_silent_host_asks_once_and_shows_every_record(
    tmp_path: Path, posts: int
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "mdwx.toml").write_text("concurrency = 8\n", encoding="utf-8")
    paths = [write_post(site / f"p{i}.md", title=f"Post {i}") for i in range(posts)]
    with sandbox() as sb:
        sent = api.publish(
            paths,
            api.Options(
                credentials=Credentials(sb.appid, sb.secret),
                api_base=sb.base_url,
                token_cache=MemoryTokenCache(),
            ),
        )
        assert sent.ok, [str(r.error) for r in sent.posts]
    with silent_host() as host:
        report = api.status(
            paths,
            api.Options(
                credentials=Credentials(sb.appid, "a-secret"),
                api_base=host.base_url,
                token_cache=MemoryTokenCache(),
                status_timeout=SHORT,
            ),
        )
        assert host.connections() == 1
    assert [Path(r.path).name for r in report.posts] == [p.name for p in paths]
    assert all(r.media_id and r.live is None and r.error for r in report.posts)
    reasons = {r.error for r in report.posts if not r.not_asked}
    assert len(reasons) == 1 and "stable_token" in next(iter(reasons))
