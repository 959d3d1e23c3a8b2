"""Publishing overlapped, status concurrent: bounded, in order, each post read at most once.

Concurrency is observed by counting tasks in flight, never by timing.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mdwx.source.reading
from mdwx import api
from mdwx.api.status import _ask_live
from mdwx.api.types import StatusRow
from mdwx.errors import ConfigError, MdwxError
from mdwx.publish.overlap import in_order
from mdwx.sandbox import SandboxServer
from mdwx.wechat import MemoryTokenCache
from tests.factories import png_bytes, sandbox


class InFlight:
    """Counts the calls running at once (each yields to the loop a few times)."""

    def __init__(self) -> None:
        self.now = self.most = 0

    async def __call__(self, value: int) -> int:
        self.now += 1
        self.most = max(self.most, self.now)
        for _ in range(3):
            await asyncio.sleep(0)
        self.now -= 1
        return value * 2


@settings(max_examples=30)
@given(count=st.integers(0, 30), window=st.integers(1, 10))
def test_posts_run_side_by_side_within_the_window_and_come_back_in_order(
    count: int, window: int
) -> None:
    work = InFlight()
    assert asyncio.run(in_order(list(range(count)), work, window)) == [2 * n for n in range(count)]
    assert work.most == min(count, window)


def test_a_config_error_stops_the_posts_in_flight_and_is_raised() -> None:
    stopped: list[int] = []

    async def work(value: int) -> int:
        if value == 2:
            raise ConfigError("the credentials are wrong")
        try:
            await asyncio.sleep(3600)  # cancelled, never waited out
        except asyncio.CancelledError:
            stopped.append(value)
            raise
        return value

    with pytest.raises(ConfigError):
        asyncio.run(in_order(list(range(5)), work, 3))
    assert sorted(stopped) == [0, 1]  # 3 and 4 never started


class Backend:
    """``progress`` as a backend answers it; ``failing`` posts' calls raise."""

    def __init__(self, failing: set[str]) -> None:
        self.failing = failing
        self.flight = InFlight()
        self.asked: list[str] = []

    async def progress(self, record: Any) -> Any:
        self.asked.append(record.source_path)
        await self.flight(0)
        if record.source_path in self.failing:
            raise MdwxError("WeChat did not answer")
        return SimpleNamespace(live="发布成功", url=None, final=False, error=None)


def _asks(count: int) -> list[tuple[StatusRow, Any, str]]:
    return [
        (
            StatusRow(path=f"p{n}.md", status="submitted"),
            SimpleNamespace(source_path=f"p{n}.md"),
            f"p{n}.md",
        )
        for n in range(count)
    ]


@settings(max_examples=20)
@given(count=st.integers(1, 25), concurrency=st.integers(1, 8))
def test_status_asks_wechat_concurrently_within_the_limit(count: int, concurrency: int) -> None:
    backend, asks = Backend(set()), _asks(count)
    asyncio.run(
        _ask_live(asks, SimpleNamespace(), SimpleNamespace(appid="wx"), backend, concurrency)
    )
    assert backend.flight.most == min(count, concurrency)
    assert all(row.live == "发布成功" and row.error is None for row, _, _ in asks)


def test_once_wechat_failed_to_answer_later_posts_are_not_asked() -> None:
    backend, asks = Backend({"p1.md"}), _asks(5)
    asyncio.run(_ask_live(asks, SimpleNamespace(), SimpleNamespace(appid="wx"), backend, 1))
    assert backend.asked == ["p0.md", "p1.md"]
    assert [row.not_asked for row, _, _ in asks] == [False, False, True, True, True]
    assert asks[1][0].error and "did not answer" in asks[1][0].error


@pytest.fixture(scope="module")
def sb() -> Any:
    with sandbox() as server:
        yield server


def test_status_reads_a_post_once_and_an_unchanged_one_not_at_all(
    sb: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    (site / "posts").mkdir(parents=True)
    (site / "mdwx.toml").write_text('author = "Site"\n', encoding="utf-8")
    (site / "posts" / "pic.png").write_bytes(png_bytes())
    for name in ("a", "b", "c"):
        (site / "posts" / f"{name}.md").write_text(
            f"---\ntitle: {name}\n---\n\nBody ![p](pic.png)\n", encoding="utf-8"
        )
    options = api.Options(
        credentials=api.Credentials(sb.appid, sb.secret),
        api_base=sb.base_url,
        token_cache=MemoryTokenCache(),
    )
    reads: list[str] = []
    read_post = mdwx.source.reading.read_post
    monkeypatch.setattr(
        mdwx.source.reading,
        "read_post",
        lambda post: reads.append(post.path.stem) or read_post(post),
    )
    first = api.status([site / "posts"], options)  # nothing published: each post read once
    assert [row.status for row in first.posts] == ["not published"] * 3
    assert sorted(reads) == ["a", "b", "c"]
    assert api.publish([site / "posts"], options).ok
    (site / "posts" / "c.md").write_text(
        "---\ntitle: c\npublish_at: 2030-01-01T08:00:00+08:00\n---\n\nNew.\n", encoding="utf-8"
    )
    reads.clear()
    report = api.status([site / "posts"], options)
    assert reads == ["c"]  # a and b: their last publish kept what status needs
    assert all(row.status in ("submitted", "published") for row in report.posts)
    assert report.posts[2].publish_at == "2030-01-01T08:00:00+08:00"
    assert all(row.live for row in report.posts)
