"""The 200 daily submissions are counted before WeChat refuses: each submit reserves one
atomically before it is sent, so posts submitted side by side (concurrency 8) never share the
last one (nor do two runs at once); the posts past the quota are held with one clear line
and never reach WeChat."""

from __future__ import annotations

import itertools
import json
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.publish.state.store import State
from mdwx.sandbox import SandboxServer
from tests.cli_helpers import mdwx_json, mdwx_process, sandbox_env, write_post
from tests.factories import sandbox

LIMIT = 200  # the media API's submissions a day
_RUN = itertools.count()


@pytest.fixture(scope="module")
def shared() -> Iterator[SandboxServer]:
    with sandbox() as sb:
        yield sb


def submits(sb: SandboxServer) -> int:
    """Every publish/submit request the sandbox saw, refused or not."""
    return sum(1 for r in sb.requests if r.endpoint == "publish/submit")


def run_with_left(sb: SandboxServer, sizes: tuple[int, int], left: int) -> None:
    """Two runs at once on one site (folders a/ and b/, concurrency 8 each), each fitting
    in what is left alone, together perhaps not: the quota decides, never WeChat."""
    run = next(_RUN)
    root = Path(tempfile.mkdtemp()) / "site"
    root.mkdir(parents=True)
    (root / "mdwx.toml").write_text("concurrency = 8\n", encoding="utf-8")
    for folder, size in zip("ab", sizes, strict=True):
        for n in range(size):
            write_post(root / "posts" / folder / f"q{n}.md", title=f"quota {run} {folder}{n}")
    env = sandbox_env(sb, root.parent)
    code, drafted = mdwx_json("publish", "--draft", "posts/", cwd=root, env=env)
    assert code == 0, drafted
    with State.open(root / ".mdwx" / "state.db") as state:
        for _ in range(LIMIT - left):
            state.record_submission(sb.appid)
    before = submits(sb)
    with ThreadPoolExecutor(2) as pool:
        answers = list(
            pool.map(
                lambda folder: mdwx_process(
                    "publish", f"posts/{folder}/", "--json", cwd=root, env=env
                ),
                "ab",
            )
        )
    refused = [a for a in answers if not a.stdout]  # the run's own check: too few left for it
    for answer in refused:
        assert "nothing was sent" in answer.stderr and "Traceback" not in answer.stderr
    posts = [p for a in answers if a.stdout for p in json.loads(a.stdout)["posts"]]
    sent = [p for p in posts if p["status"] in ("submitted", "published")]
    held = [p for p in posts if p not in sent]
    assert len(sent) <= left, posts
    if not refused:
        assert len(sent) == min(sum(sizes), left), posts
    assert submits(sb) - before == len(sent)  # nothing past the quota reached WeChat
    for post in held:
        assert "submissions are used up" in str(post["error"]), post
        assert "45009" not in str(post["error"]), post
    warned = [w for p in sent for w in p.get("warnings", []) if "submissions used today" in str(w)]
    numbers = sorted(int(str(w).split(" of ")[0].split()[-1]) for w in warned)
    assert numbers == list(range(LIMIT - left + 1, LIMIT - left + len(sent) + 1))
    with State.open(root / ".mdwx" / "state.db") as state:
        assert state.count_submissions_today(sb.appid) == LIMIT - left + len(sent)


def test_two_runs_of_five_with_eight_left_submit_eight_and_hold_two(
    shared: SandboxServer,
) -> None:
    run_with_left(shared, (5, 5), 8)


@settings(max_examples=2)
@given(sizes=st.tuples(st.integers(1, 5), st.integers(1, 5)), extra=st.integers(0, 4))
def test_concurrent_submits_never_pass_the_quota(
    shared: SandboxServer, sizes: tuple[int, int], extra: int
) -> None:
    run_with_left(shared, sizes, max(sizes) + extra)
