"""A bundle remade by a run killed at any step (after ``draft/add`` answered, too) leaves one
draft once run again: the lost draft is found by its marks before another is made
(docs/reliability.md)."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.publish.state.store import State
from mdwx.sandbox import SandboxServer
from tests.bundle_helpers import box, bundle_site, member
from tests.cli_helpers import mdwx, sandbox_env
from tests.factories import sandbox
from tests.hang import HANG_SECONDS

# Replaces State.record_uploaded with an exit: the process dies right after WeChat answered.
KILL_AFTER_ANSWER = """
import os, sys
from mdwx.publish.state.store import State
State.record_uploaded = lambda *args, **kwargs: os._exit(137)
from mdwx.cli.main import main
sys.argv = ["mdwx", *sys.argv[1:]]
main()
"""


class Killed(BaseException):
    """The process stopping dead at a state write (nothing of mdwx's catches it)."""


def published_bundle(root: Path, sb: SandboxServer, home: Path) -> dict[str, str]:
    bundle_site(root)
    for number, name in enumerate("abc", start=1):
        member(root, name, bundle="wk", index=number)
    env = sandbox_env(sb, home)
    first = mdwx("publish", "--draft", "posts/", cwd=root, env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert box(sb) == [["a", "b", "c"]]
    member(root, "c", bundle="wk", index=0)  # c becomes the 头条: the bundle is made anew
    return env


def assert_one_draft_after_rerun(root: Path, sb: SandboxServer, env: dict[str, str]) -> None:
    rerun = mdwx("publish", "--draft", "posts/", cwd=root, env=env)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert box(sb) == [["c", "a", "b"]]
    [draft] = sb.store.drafts()
    with State.open(root / ".mdwx" / "state.db") as all_state:
        records = all_state.for_backend("draft").articles(sb.appid)
    assert {(r.media_id, r.status) for r in records} == {(draft.media_id, "draft")}
    again = mdwx("publish", "--draft", "posts/", cwd=root, env=env)  # settled: nothing more
    assert again.returncode == 0 and len(sb.store.drafts()) == 1


def test_a_remake_killed_after_draft_add_answered_leaves_one_draft(tmp_path: Path) -> None:
    root = tmp_path / "site"
    with sandbox() as sb:
        env = published_bundle(root, sb, tmp_path)
        script = tmp_path / "killed.py"
        script.write_text(KILL_AFTER_ANSWER, encoding="utf-8")
        killed = subprocess.run(
            [sys.executable, str(script), "publish", "--draft", "posts/"],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=HANG_SECONDS,
        )
        assert killed.returncode == 137, killed.stderr
        assert ["c", "a", "b"] in box(sb)  # the new draft exists; the state does not name it
        assert_one_draft_after_rerun(root, sb, env)


@settings(max_examples=6)
@given(kill_at=st.integers(min_value=1, max_value=13))
def test_a_remake_killed_at_any_state_write_leaves_one_draft(
    tmp_path_factory: pytest.TempPathFactory, kill_at: int
) -> None:
    home = tmp_path_factory.mktemp("killed")
    root = home / "site"
    with sandbox() as sb:
        env = published_bundle(root, sb, home)
        write = State._write
        calls = 0

        def dying_write(self: State, *args: object, **kwargs: object) -> None:
            nonlocal calls
            calls += 1
            if calls == kill_at:
                raise Killed
            write(self, *args, **kwargs)  # type: ignore[arg-type]

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(State, "_write", dying_write)
            with contextlib.suppress(Killed):
                mdwx("publish", "--draft", "posts/", cwd=root, env=env)
        assert_one_draft_after_rerun(root, sb, env)
