"""Side drafts: a published (or sent), unchanged post previewed on a phone and mass-sent.

Against the sandbox over real HTTP: the preview of a published post arrives from a side draft
that ``publish`` never submits and that re-previewing reuses; a send takes it out of the box,
the next send to other followers makes a new one; an edited post is refused; ``delete``
removes the side draft with the article; a lost ``draft/add`` answer is found by the side
draft's own mark, never by the post's.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import httpx
import pytest

from mdwx.publish.sidedraft import side_drafts_in_box
from mdwx.publish.state.store import State
from mdwx.sandbox import SandboxServer
from tests.cli_helpers import count, mdwx, mdwx_json, sandbox_env, write_post
from tests.factories import sandbox
from tests.test_send import _intent_written, _kill_when, _requests


def site(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "site"
    root.mkdir()
    (root / "mdwx.toml").write_text('backend = "draft"\n', encoding="utf-8")
    return root, write_post(root / "posts" / "hello.md", title="发布过的")


def inbox(sb: SandboxServer, to: str) -> list[dict[str, object]]:
    return list(httpx.get(f"{sb.base_url}/_sandbox/inbox", params={"to": to}).json()["messages"])


def published(root: Path, post: Path, env: dict[str, str]) -> str:
    code, report = mdwx_json("publish", str(post), cwd=root, env=env)
    assert code == 0, report
    [entry] = report["posts"]
    assert entry["status"] in ("submitted", "published"), entry
    return str(entry["media_id"])


def test_a_published_post_is_previewed_and_sent_from_a_side_draft(tmp_path: Path) -> None:
    root, post = site(tmp_path)
    with sandbox(account_type="service", followers=4) as sb:
        env = sandbox_env(sb, tmp_path)
        main = published(root, post, env)
        code, first = mdwx_json("preview", str(post), "--phone", "reader1", cwd=root, env=env)
        assert code == 0 and first["uploaded"] and first["media_id"] != main
        assert [m["titles"] for m in inbox(sb, "reader1")] == [["发布过的"]]
        code, again = mdwx_json("preview", str(post), "--phone", "reader1", cwd=root, env=env)
        assert code == 0 and not again["uploaded"] and again["media_id"] == first["media_id"]
        assert count(sb, "draft/add") == 2 and count(sb, "media/uploadimg") == 1
        republished = mdwx_json("publish", str(post), cwd=root, env=env)[1]["posts"][0]
        assert republished["media_id"] == main and count(sb, "freepublish/submit") == 1
        assert [d.media_id for d in sb.store.drafts()] == [first["media_id"]]
        code, sent = mdwx_json("send", str(post), "--yes", cwd=root, env=env)
        assert code == 0 and sent["sends"][0]["media_id"] == first["media_id"]
        code, tag = mdwx_json("send", str(post), "--tag", "2", "--yes", cwd=root, env=env)
        assert code == 0 and tag["sends"][0]["status"] == "sent"
        assert tag["sends"][0]["media_id"] not in (main, first["media_id"])
        assert count(sb, "draft/add") == 3 and count(sb, "freepublish/submit") == 1
        with State.open(root / ".mdwx" / "state.db") as state:
            record = state.for_backend("draft").article(sb.appid, "posts/hello.md")
            assert record is not None and record.media_id == main
            assert record.status in ("submitted", "published")


def test_an_edited_published_post_is_refused_and_delete_takes_the_side_draft(
    tmp_path: Path,
) -> None:
    root, post = site(tmp_path)
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        published(root, post, env)
        code, shown = mdwx_json("preview", str(post), "--phone", "reader1", cwd=root, env=env)
        assert code == 0
        post.write_text(post.read_text("utf-8").replace("Some text.", "Edited."), "utf-8")
        refused = mdwx("preview", str(post), "--phone", "reader1", "--json", cwd=root, env=env)
        assert refused.returncode != 0 and "Traceback" not in refused.stderr
        message = json.loads(refused.stdout)["error"]["message"]
        assert "changed since" in message and count(sb, "draft/add") == 2
        deleted = mdwx("delete", str(post), "--yes", cwd=root, env=env)
        assert deleted.returncode == 0, deleted.stderr
        assert "side draft" in deleted.stderr and sb.store.drafts() == []
        with State.open(root / ".mdwx" / "state.db") as state:
            assert state.side_drafts(sb.appid) == []
        assert shown["media_id"] not in {d.media_id for d in sb.store.drafts()}


def test_a_lost_side_draft_answer_is_found_by_its_own_mark(tmp_path: Path) -> None:
    root, post = site(tmp_path)
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        published(root, post, env)
        sb.configure(failure_rate=1.0, failure_kinds=["drop_after"])  # made, answer lost
        lost = mdwx("preview", str(post), "--phone", "reader1", cwd=root, env=env)
        sb.configure(failure_rate=0.0)
        assert lost.returncode != 0 and "Traceback" not in lost.stderr, lost.stderr
        assert len(sb.store.drafts()) == 1 and inbox(sb, "reader1") == []
        code, found = mdwx_json("preview", str(post), "--phone", "reader1", cwd=root, env=env)
        assert code == 0 and found["media_id"] == sb.store.drafts()[0].media_id
        assert count(sb, "draft/add") == 2 and len(sb.store.drafts()) == 1
        code, status = mdwx_json("status", str(post), cwd=root, env=env)
        assert status["posts"][0]["media_id"] != found["media_id"]  # the post's own stands


def test_the_media_backend_side_draft_is_an_unsubmitted_article(tmp_path: Path) -> None:
    root = tmp_path / "site"
    root.mkdir()
    (root / "mdwx.toml").write_text("", encoding="utf-8")
    post = write_post(root / "posts" / "m.md", title="媒体")
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        main = published(root, post, env)
        code, shown = mdwx_json("preview", str(post), "--phone", "reader1", cwd=root, env=env)
        assert code == 0 and shown["uploaded"] and shown["media_id"] != main
        assert count(sb, "publish/uploadnews") == 2 and count(sb, "publish/submit") == 1
        code, again = mdwx_json("preview", str(post), "--phone", "reader1", cwd=root, env=env)
        assert code == 0 and again["media_id"] == shown["media_id"] and not again["uploaded"]
        assert mdwx("delete", str(post), "--yes", cwd=root, env=env).returncode == 0
        assert count(sb, "publish/delete") == 2  # the article, and its side draft


def test_side_draft_records_keep_the_replaced_draft_until_the_new_one_is_recorded(
    tmp_path: Path,
) -> None:
    sources = ("posts/a.md", "posts/b.md")
    noon = datetime(2026, 1, 1, 12, tzinfo=timezone.utc)  # a fixed clock: rows compare whole
    with State.open(tmp_path / "state.db", clock=lambda: noon) as all_state:
        state = all_state.for_backend("draft")
        state.begin_side_draft("wx1", sources, "v1", "A")
        assert state.side_draft("wx1", sources).status == "uploading"  # type: ignore[union-attr]
        state.record_side_draft("wx1", sources, "M1", "v1")
        previous = state.side_draft("wx1", sources)
        state.begin_side_draft("wx1", sources, "v2", "A")
        during = state.side_draft("wx1", sources)
        assert during is not None and (during.old_media_id, during.version) == ("M1", "v2")
        state.restore_side_draft("wx1", sources, previous)  # WeChat refused: as it was
        assert state.side_draft("wx1", sources) == previous
        state.side_draft_sent("wx1", "M1")
        assert [s.status for s in state.side_drafts("wx1", "posts/b.md")] == ["sent"]
        assert all_state.for_backend("media").side_draft("wx1", sources) is None
        state.forget_side_draft("wx1", sources)
        assert state.side_drafts("wx1") == []


def test_a_post_drafted_anew_drops_its_old_side_draft(tmp_path: Path) -> None:
    root, post = site(tmp_path)
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        published(root, post, env)
        code, side = mdwx_json("preview", str(post), "--phone", "reader1", cwd=root, env=env)
        assert code == 0
        post.write_text(post.read_text("utf-8").replace("Some text.", "Edited."), "utf-8")
        assert mdwx("publish", str(post), "--draft", "--force", cwd=root, env=env).returncode == 0
        dry = mdwx("send", str(post), "--dry-run", "--json", cwd=root, env=env)
        planned = json.loads(dry.stdout)["sends"][0]["actions"]
        assert f"delete old side draft {side['media_id']}" in planned
        code, own = mdwx_json("preview", str(post), "--phone", "reader1", cwd=root, env=env)
        assert code == 0 and own["media_id"] != side["media_id"]
        assert [d.media_id for d in sb.store.drafts()] == [own["media_id"]]
        with State.open(root / ".mdwx" / "state.db") as state:
            assert state.side_drafts(sb.appid) == []


def test_list_names_the_side_drafts_post_and_reconcile_leaves_it_alone(tmp_path: Path) -> None:
    root, post = site(tmp_path)
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        published(root, post, env)
        code, side = mdwx_json("preview", str(post), "--phone", "reader1", cwd=root, env=env)
        assert code == 0
        code, listing = mdwx_json("list", "--drafts", cwd=root, env=env)
        [draft] = [i for i in listing["items"] if i["media_id"] == side["media_id"]]
        assert code == 0 and draft["path"] == "posts/hello.md", listing
        code, report = mdwx_json("reconcile", "--yes", cwd=root, env=env)
        assert code == 0 and [o for o in report["orphans"] if o["kind"] == "draft"] == [], report
        assert [d.media_id for d in sb.store.drafts()] == [side["media_id"]]


def _side_intent(sb: SandboxServer, root: Path) -> bool:
    """The side draft's intent is in the state: its draft/add is about to go or in flight."""
    path = root / ".mdwx" / "state.db"
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.05) as db:
            found = db.execute("SELECT 1 FROM side_drafts WHERE status = 'uploading'")
            return bool(found.fetchone())
    except sqlite3.Error:
        return False


#: Every step of sending a published post: the side draft's intent, its draft/add (the
#: second: the first was publish's), the send's intent, the send taken.
SIDE_KILL_POINTS = {
    "side intent": _side_intent,
    "side uploaded": lambda sb, root: sum(r.endpoint == "draft/add" for r in sb.requests) > 1,
    "intent written": _intent_written,
    "send taken": _requests("message/mass/sendall"),
}


@pytest.mark.slow
@pytest.mark.parametrize("point", list(SIDE_KILL_POINTS))
def test_sigkill_while_sending_a_published_post_then_a_rerun_sends_once(
    tmp_path: Path, point: str
) -> None:
    root, post = site(tmp_path)
    with sandbox(latency=0.1) as sb:
        env = sandbox_env(sb, tmp_path)
        published(root, post, env)
        command = [sys.executable, "-m", "mdwx", "send", str(post), "--yes", "--json"]
        process = subprocess.Popen(
            command, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _kill_when(sb, root, process, SIDE_KILL_POINTS[point])
        sb.advance(61)  # a re-run within a minute would be told 45066
        sb.configure(latency=0.0)
        rerun = mdwx("send", str(post), "--yes", "--json", cwd=root, env=env)
        if rerun.returncode == 1 and "mdwx state recover" in rerun.stderr:
            state_file = str(root / ".mdwx" / "state.db")
            assert mdwx("state", "recover", state_file, cwd=root, env=env).returncode == 0
            rerun = mdwx("send", str(post), "--yes", "--json", cwd=root, env=env)
        assert rerun.returncode == 0, rerun.stdout + rerun.stderr
        assert len(sb.store.history()) == 1 and len(sb.store.mass_sends()) == 1
        assert count(sb, "freepublish/submit") == 1  # the side draft was never published
        titles = [d.items[0]["title"] for d in sb.store.drafts()]
        assert len(titles) <= 1, titles  # no second side draft left in the box


def test_a_sent_side_drafts_article_is_never_named_for_deletion(tmp_path: Path) -> None:
    sources = ("posts/a.md",)
    with State.open(tmp_path / "state.db") as all_state:
        state = all_state.for_backend("media")
        state.begin_side_draft("wx1", sources, "v1", "A")
        state.record_side_draft("wx1", sources, "SENT", "v1")
        state.side_draft_sent("wx1", "SENT")
        state.begin_side_draft("wx1", sources, "v1", "A")  # the next send: a new side draft
        assert side_drafts_in_box(state, "wx1", "posts/a.md") == []
