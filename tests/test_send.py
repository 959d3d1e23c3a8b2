"""``mdwx send``: 群发 over real HTTP against the sandbox — to all and to a tag, recorded in
the state and followed by ``status``, never twice for one version (a re-run, a kill at any
step), quota exhausted (45028), 群发保护 timing out, and every refusal one line."""

from __future__ import annotations

import json
import os
import pty
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from mdwx.publish.state.store import State
from mdwx.sandbox import SandboxServer
from tests.cli_helpers import count, mdwx, mdwx_json, sandbox_env, write_post
from tests.factories import sandbox


def site(tmp_path: Path, name: str = "hello") -> tuple[Path, Path]:
    root = tmp_path / "site"
    if not root.exists():
        root.mkdir()
        (root / "mdwx.toml").write_text('backend = "draft"\n', encoding="utf-8")
    return root, write_post(root / "posts" / f"{name}.md", title=f"群发 {name}")


def inbox(sb: SandboxServer, to: str) -> list[dict[str, object]]:
    return list(httpx.get(f"{sb.base_url}/_sandbox/inbox", params={"to": to}).json()["messages"])


def test_send_to_all_is_recorded_and_a_rerun_sends_nothing_new(tmp_path: Path) -> None:
    root, post = site(tmp_path)
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        code, report = mdwx_json("send", str(post), "--yes", cwd=root, env=env)
        [sent] = report["sends"]
        assert code == 0 and sent["status"] == "sent" and sent["msg_id"] and sent["msg_data_id"]
        assert sent["msg_status"] in ("SENDING", "SEND_SUCCESS")
        code, again = mdwx_json("send", str(post), "--yes", cwd=root, env=env)
        assert code == 0 and again["sends"][0]["status"] == "already sent"
        assert again["sends"][0]["msg_id"] == sent["msg_id"]
        assert count(sb, "message/mass/sendall") == 1 and len(sb.store.history()) == 1
        with State.open(root / ".mdwx" / "state.db") as state:
            [record] = state.mass_sends(sb.appid)
            assert (record.msg_id, record.msg_data_id, record.status) == (
                sent["msg_id"],
                sent["msg_data_id"],
                "sent",
            )
            article = state.for_backend("draft").article(sb.appid, "posts/hello.md")
            assert article is not None and article.msg_data_id == sent["msg_data_id"]
        sb.advance(5)
        code, status = mdwx_json("status", str(post), cwd=root, env=env)
        [entry] = status["posts"][0]["sends"]
        assert entry["msg_status"] == "SEND_SUCCESS" and entry["msg_id"] == sent["msg_id"]


def test_delete_sent_removes_it_from_the_history(tmp_path: Path) -> None:
    root, post = site(tmp_path)
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        nothing = mdwx("delete", str(post), "--sent", "--yes", cwd=root, env=env)
        assert nothing.returncode == 1 and "no 群发" in nothing.stderr
        code, report = mdwx_json("send", str(post), "--yes", cwd=root, env=env)
        sb.advance(5)
        code, deleted = mdwx_json("delete", str(post), "--sent", "--yes", cwd=root, env=env)
        assert code == 0 and deleted["deleted"] and deleted["msg_status"] == "DELETE"
        assert deleted["msg_id"] == report["sends"][0]["msg_id"]
        assert inbox(sb, "reader1")[0]["deleted"] == [1]
        again = mdwx("delete", str(post), "--sent", "--yes", cwd=root, env=env)
        assert again.returncode == 1 and "deleted already" in again.stderr


def test_publish_send_mass_sends_instead_of_submitting(tmp_path: Path) -> None:
    root, post = site(tmp_path)
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        code, report = mdwx_json("publish", str(post), "--send", "--yes", cwd=root, env=env)
        assert code == 0 and report["sends"][0]["status"] == "sent"
        assert count(sb, "freepublish/submit") == 0 and len(sb.store.history()) == 1
        refused = mdwx("publish", str(post), "--send", "--dry-run", cwd=root, env=env)
        assert refused.returncode == 2 and "mdwx send" in refused.stderr


def test_send_to_a_tag_by_name_shows_its_followers(tmp_path: Path) -> None:
    root, post = site(tmp_path)
    with sandbox(account_type="service", followers=4) as sb:
        code, report = mdwx_json(
            "send", str(post), "--tag", "读者", "--yes", cwd=root, env=sandbox_env(sb, tmp_path)
        )
        assert code == 0 and "读者 (100)" in report["sends"][0]["to"]
        sb.advance(5)
        assert len(inbox(sb, "reader2")) == 1 and inbox(sb, "reader3") == []
        assert sb.store.history() == []  # a tag's send is not in the account's list
        result = mdwx(
            "send", str(post), "--tag", "nope", "--yes", cwd=root, env=sandbox_env(sb, tmp_path)
        )
        assert result.returncode == 2 and "读者 (100)" in result.stderr


def test_quota_exhausted_is_45028_and_the_post_stays_a_draft(tmp_path: Path) -> None:
    root, first = site(tmp_path, "one")
    _, second = site(tmp_path, "two")
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        assert mdwx("send", str(first), "--yes", cwd=root, env=env).returncode == 0
        result = mdwx("send", str(second), "--yes", "--json", cwd=root, env=env)
        assert result.returncode == 1 and json.loads(result.stdout)["error"]["errcode"] == 45028
        assert "订阅号" in result.stderr and "Traceback" not in result.stderr
        assert len(sb.store.drafts()) == 1  # the second post's draft is still in the box
        with State.open(root / ".mdwx" / "state.db") as state:
            assert [s.sources for s in state.mass_sends(sb.appid)] == [("posts/one.md",)]


def test_mass_protection_times_out_and_status_explains_it(tmp_path: Path) -> None:
    root, post = site(tmp_path)
    with sandbox(mass_protection=True, mass_confirm_seconds=5000) as sb:
        env = sandbox_env(sb, tmp_path)
        code, report = mdwx_json("send", str(post), "--yes", cwd=root, env=env)
        assert code == 0 and report["sends"][0]["msg_status"] == "SENDING"
        status = mdwx("status", str(post), cwd=root, env=env)
        assert "群发保护" in status.stderr and "30 minutes" in status.stderr
        sb.advance(1801)
        code, later = mdwx_json("status", str(post), cwd=root, env=env)
        assert later["posts"][0]["sends"][0]["msg_status"] == "SEND_FAIL"
        assert sb.store.history() == []


def test_without_a_terminal_or_yes_nothing_is_sent(tmp_path: Path) -> None:
    root, post = site(tmp_path)
    with sandbox() as sb:
        result = mdwx("send", str(post), cwd=root, env=sandbox_env(sb, tmp_path))
        assert result.returncode == 2 and "--yes" in result.stderr
        assert count(sb, "message/mass/sendall") == 0 and count(sb, "draft/add") == 0


def test_the_question_shows_the_plan_and_no_sends_nothing(tmp_path: Path) -> None:
    root, post = site(tmp_path)
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        leader, follower = pty.openpty()
        try:
            os.write(leader, b"n\n")
            result = mdwx("send", str(post), cwd=root, env=env, stdin=follower)
        finally:
            os.close(leader)
            os.close(follower)
        assert result.returncode == 0, result.stderr
        assert "every follower" in result.stderr and "群发保护" in result.stderr
        assert "not sent" in result.stderr and "Aborted" not in result.stderr
        assert count(sb, "message/mass/sendall") == 0 and len(sb.store.drafts()) == 1


def test_several_posts_or_two_targets_are_usage_errors(tmp_path: Path) -> None:
    root, first = site(tmp_path, "one")
    _, second = site(tmp_path, "two")
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        assert mdwx("send", str(first), str(second), "--yes", cwd=root, env=env).returncode == 2
        both = mdwx("send", str(first), "--to", "all", "--tag", "2", "--yes", cwd=root, env=env)
        assert both.returncode == 2 and "one of" in both.stderr
        assert len(sb.requests) == 0


def test_send_by_openids_file(tmp_path: Path) -> None:
    from mdwx.sandbox.massstore import follower_openid

    root, post = site(tmp_path)
    listing = root / "readers.txt"
    listing.write_text(f"# two readers\n{follower_openid(1)}\n{follower_openid(3)}\n", "utf-8")
    with sandbox(account_type="service") as sb:
        code, report = mdwx_json(
            "send",
            str(post),
            "--openids",
            str(listing),
            "--yes",
            cwd=root,
            env=sandbox_env(sb, tmp_path),
        )
        assert code == 0 and report["sends"][0]["to"] == "2 followers by OpenID"
        sb.advance(5)
        assert len(inbox(sb, "reader3")) == 1 and inbox(sb, "reader2") == []
        listing.write_text("not an openid!\n", "utf-8")
        bad = mdwx(
            "send",
            str(post),
            "--openids",
            str(listing),
            "--yes",
            cwd=root,
            env=sandbox_env(sb, tmp_path),
        )
        assert bad.returncode == 2 and "readers.txt:1" in bad.stderr


def test_a_lost_answer_is_settled_with_the_same_clientmsgid(tmp_path: Path) -> None:
    root, post = site(tmp_path)
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        assert mdwx("publish", str(post), "--draft", cwd=root, env=env).returncode == 0
        sb.configure(failure_rate=1.0, failure_kinds=["drop_after"])  # sent, answer lost
        lost = mdwx("send", str(post), "--yes", cwd=root, env=env)
        assert lost.returncode == 1 and "run the same command again" in lost.stderr
        sb.configure(failure_rate=0.0)
        soon = mdwx("send", str(post), "--yes", cwd=root, env=env)  # within the minute: 45066
        assert soon.returncode == 1 and "in a minute" in soon.stderr
        sb.advance(61)
        code, report = mdwx_json("send", str(post), "--yes", cwd=root, env=env)
        assert code == 0 and report["sends"][0]["status"] == "already sent"
        assert "45065" in report["sends"][0]["actions"][0]
        assert len(sb.store.mass_sends()) == 1 and len(sb.store.history()) == 1


def test_a_lost_answer_older_than_a_day_is_not_sent_again(tmp_path: Path) -> None:
    """WeChat recognises a clientmsgid for 24 hours: past that, sending again could reach
    followers twice, so mdwx refuses and says how to check."""
    root, post = site(tmp_path)
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        assert mdwx("publish", str(post), "--draft", cwd=root, env=env).returncode == 0
        sb.configure(failure_rate=1.0, failure_kinds=["drop_after"])  # sent, answer lost
        assert mdwx("send", str(post), "--yes", cwd=root, env=env).returncode == 1
        sb.configure(failure_rate=0.0)
        with sqlite3.connect(root / ".mdwx" / "state.db") as db:
            db.execute("UPDATE mass_sends SET created_at = '2020-01-01T00:00:00+00:00'")
        sends = len(sb.store.mass_sends())
        again = mdwx("send", str(post), "--yes", cwd=root, env=env)
        assert again.returncode == 1 and "more than 24 hours ago" in again.stderr
        assert len(sb.store.mass_sends()) == sends


# -- SIGKILL at every step, then a re-run: exactly one message in followers' history --------


def _requests(endpoint: str) -> Callable[[SandboxServer, Path], bool]:
    return lambda sb, root: any(r.endpoint == endpoint for r in sb.requests)


def _intent_written(sb: SandboxServer, root: Path) -> bool:
    """The send's intent is in the state: the request is about to go or on its way (the
    sandbox's latency holds it), its answer not yet recorded."""
    path = root / ".mdwx" / "state.db"
    if not path.exists():
        return False
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.05) as db:
            return bool(db.execute("SELECT 1 FROM mass_sends WHERE status = 'sending'").fetchone())
    except sqlite3.Error:
        return False


#: Every step of `send`: the draft upload, the intent written (the request in flight), the
#: send taken, the send followed.
KILL_POINTS = {
    "draft uploaded": _requests("draft/add"),
    "intent written": _intent_written,
    "send taken": _requests("message/mass/sendall"),
    "send followed": _requests("message/mass/get"),
}


def _kill_when(
    sb: SandboxServer,
    root: Path,
    process: subprocess.Popen[bytes],
    condition: Callable[[SandboxServer, Path], bool],
) -> bool:
    deadline = time.monotonic() + 60  # bounds a hang only
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        if condition(sb, root):
            process.kill()
            process.wait()
            return True
        time.sleep(0.002)
    process.kill()
    raise AssertionError("the kill point was never reached")


@pytest.mark.slow
@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_sigkill_at_any_step_then_a_rerun_sends_exactly_once(tmp_path: Path, point: str) -> None:
    root, post = site(tmp_path)
    with sandbox(latency=0.1) as sb:
        env = sandbox_env(sb, tmp_path)
        command = [sys.executable, "-m", "mdwx", "send", str(post), "--yes", "--json"]
        process = subprocess.Popen(
            command, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _kill_when(sb, root, process, KILL_POINTS[point])
        sb.advance(61)  # a re-run within a minute would be told 45066: run again in a minute
        sb.configure(latency=0.0)
        rerun = mdwx("send", str(post), "--yes", "--json", cwd=root, env=env)
        if rerun.returncode == 1 and "mdwx state recover" in rerun.stderr:
            # The kill tore the journal: mdwx names the recovery, which the user runs. Whatever
            # the torn tail held, the same clientmsgid makes the next run settle the same send.
            state_file = str(root / ".mdwx" / "state.db")
            assert mdwx("state", "recover", state_file, cwd=root, env=env).returncode == 0
            rerun = mdwx("send", str(post), "--yes", "--json", cwd=root, env=env)
        assert rerun.returncode == 0, rerun.stdout + rerun.stderr
        report = json.loads(rerun.stdout)
        assert len(sb.store.history()) == 1 and len(sb.store.mass_sends()) == 1
        assert report["sends"][0]["msg_id"] == str(sb.store.mass_sends()[0].msg_id)
        with State.open(root / ".mdwx" / "state.db") as state:
            [record] = state.mass_sends(sb.appid)
            assert record.status == "sent" and record.msg_id == report["sends"][0]["msg_id"]


def test_the_media_backend_previews_and_sends_its_unsubmitted_article(tmp_path: Path) -> None:
    root = tmp_path / "site"
    root.mkdir()
    (root / "mdwx.toml").write_text("", encoding="utf-8")
    post = write_post(root / "posts" / "m.md", title="媒体")
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        code, shown = mdwx_json("preview", str(post), "--phone", "reader1", cwd=root, env=env)
        assert code == 0 and count(sb, "publish/uploadnews") == 1
        code, report = mdwx_json("send", str(post), "--yes", cwd=root, env=env)
        assert code == 0 and report["sends"][0]["media_id"] == shown["media_id"]
        assert count(sb, "publish/uploadnews") == 1 and len(sb.store.history()) == 1


def test_send_through_the_in_process_sandbox(tmp_path: Path) -> None:
    root, post = site(tmp_path)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("WECHAT_", "MDWX_")) or k == "MDWX_SANDBOX_PORT"
    }
    env.update(HOME=str(tmp_path), XDG_CACHE_HOME=str(tmp_path / "cache"))
    code, report = mdwx_json("send", str(post), "--sandbox", "--yes", cwd=root, env=env)
    assert code == 0 and report["sends"][0]["status"] == "sent"
    code, again = mdwx_json("send", str(post), "--sandbox", "--yes", cwd=root, env=env)
    assert code == 0 and again["sends"][0]["status"] == "already sent"
