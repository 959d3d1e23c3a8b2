"""Publishes running at once (a git hook and a manual run, two CI jobs): one article per post.

Real processes against one sandbox over real sockets; the sandbox's own records are the
judge. The same post published by N processes started together must end as exactly one
article with one submission; two different posts published at once must not wait for each
other.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from filelock import FileLock

from mdwx.publish.publisher import post_lock_path
from tests.cli_helpers import sandbox_env, write_post
from tests.hang import HANG_SECONDS
from tests.publish_helpers import sandbox

pytestmark = pytest.mark.slow

PROCESSES = 4
ROUNDS = 3


def start(post: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "mdwx", "publish", str(post)],
        cwd=post.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    _, err = process.communicate(timeout=HANG_SECONDS)
    return process.returncode, err


def test_same_post_from_several_processes_is_one_article_and_one_submission(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "mdwx.toml").write_text("", encoding="utf-8")
    with sandbox(latency=0.02) as sb:
        env = sandbox_env(sb, tmp_path)
        for round_number in range(ROUNDS):
            post = write_post(site / f"post-{round_number}.md", title=f"Round {round_number}")
            processes = [start(post, env) for _ in range(PROCESSES)]
            outcomes = [finish(p) for p in processes]
            assert all(code == 0 for code, _ in outcomes), outcomes
            titles = [a.article["title"] for a in sb.store.articles()]
            assert titles.count(f"Round {round_number}") == 1, titles
            assert sum("unchanged: nothing sent" in err for _, err in outcomes) == PROCESSES - 1
        assert sb.store.submission_count() == ROUNDS
        submits = [r for r in sb.requests if r.endpoint == "publish/submit"]
        uploads = [r for r in sb.requests if r.endpoint == "publish/uploadnews"]
        assert len(submits) == len(uploads) == ROUNDS


def test_two_different_posts_publish_at_once(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "mdwx.toml").write_text("", encoding="utf-8")
    first = write_post(site / "first.md", title="First")
    second = write_post(site / "second.md", title="Second")
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        # Hold the first post's lock as another publish would: the second post must not wait.
        lock = FileLock(post_lock_path(site / ".mdwx" / "state.db", sb.appid, "first.md"))
        lock.acquire()
        try:
            waiting = start(first, env)
            code, err = finish(start(second, env))
            assert code == 0, err
            assert waiting.poll() is None  # still waiting for the first post's lock
            assert [a.article["title"] for a in sb.store.articles()] == ["Second"]
        finally:
            lock.release()
        code, err = finish(waiting)
        assert code == 0, err
        assert sorted(a.article["title"] for a in sb.store.articles()) == ["First", "Second"]
        assert sb.store.submission_count() == 2
