"""What mdwx says is true: status when WeChat is unreachable, --force history, closing lines,
counts, prompts and exit codes. Real processes against a sandbox over loopback HTTP."""

from __future__ import annotations

import os
import pty
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.publish.connection import INPROCESS_APPID
from mdwx.sandbox import SandboxSettings
from tests.cli_helpers import mdwx, mdwx_json, sandbox_env, write_post
from tests.factories import default_sigint
from tests.hang import HANG_SECONDS
from tests.publish_helpers import copy_site, sandbox


def site_with_post(tmp_path: Path, **post: str) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    (site / "mdwx.toml").write_text("", encoding="utf-8")
    return write_post(site / "post.md", **post)


def sandbox_appid(post: Path) -> str:
    return (post.parent / ".mdwx" / "sandbox.appid").read_text("utf-8").strip()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_status_with_wechat_unreachable_says_so_and_shows_the_record(tmp_path: Path) -> None:
    post = site_with_post(tmp_path)
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        assert mdwx("publish", str(post), cwd=post.parent, env=env).returncode == 0
    env["MDWX_API_BASE"] = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    result = mdwx("status", str(post), cwd=post.parent, env=env)
    assert result.returncode == 1
    assert "submitted (recorded)" in result.stderr
    assert "live status is unavailable:" in result.stderr and "Traceback" not in result.stderr
    assert "Showing what mdwx recorded" in result.stderr
    code, doc = mdwx_json("status", str(post), cwd=post.parent, env=env)
    row = doc["posts"][0]
    assert code == 1 and row["recorded"] is True and row["live"] is None and row["error"]


def test_force_keeps_the_superseded_article_and_delete_can_target_it(tmp_path: Path) -> None:
    post = site_with_post(tmp_path)
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        _, first = mdwx_json("publish", str(post), "--wait", cwd=post.parent, env=env)
        old = first["posts"][0]["media_id"]
        write_post(post, body="A new version.")
        _, second = mdwx_json("publish", str(post), "--force", "--wait", cwd=post.parent, env=env)
        new = second["posts"][0]["media_id"]
        assert new != old
        _, status = mdwx_json("status", str(post), cwd=post.parent, env=env)
        row = status["posts"][0]
        assert row["media_id"] == new
        assert [(o["media_id"], o["status"]) for o in row["superseded"]] == [(old, "published")]
        assert row["superseded"][0]["url"] == first["posts"][0]["url"]
        human = mdwx("status", str(post), cwd=post.parent, env=env).stderr
        assert f"superseded: {old} published" in human
        unknown = mdwx("delete", str(post), "--yes", "--article", "nope", cwd=post.parent, env=env)
        assert unknown.returncode == 1 and old in unknown.stderr and new in unknown.stderr
        deleted = mdwx("delete", str(post), "--yes", "--article", old, cwd=post.parent, env=env)
        assert deleted.returncode == 0, deleted.stderr
        assert sb.store.article(old) is None and sb.store.article(new) is not None
        _, status = mdwx_json("status", str(post), cwd=post.parent, env=env)
        assert status["posts"][0]["superseded"][0]["status"] == "deleted"
        assert status["posts"][0]["status"] == "published"


def test_closing_lines_count_what_happened(tmp_path: Path) -> None:
    post = site_with_post(tmp_path)
    other = write_post(post.parent / "other.md", title="Other")
    with sandbox(review_seconds=3600) as sb:  # pending however slow the runs: no window to miss
        env = sandbox_env(sb, tmp_path)
        draft = mdwx("publish", str(post), "--draft", cwd=post.parent, env=env)
        assert draft.stderr.strip().endswith("1 post: 1 uploaded as a draft (not submitted).")
        submitted = mdwx("publish", str(other), cwd=post.parent, env=env)
        assert submitted.stderr.strip().endswith("1 post: 1 submitted (review pending).")
        assert "published" not in submitted.stderr.splitlines()[-1]


def test_unchanged_rerun_counts_the_video_as_reused(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    post = site / "posts" / "media-gallery.md"
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        _, first = mdwx_json("publish", str(post), cwd=site, env=env)
        assert first["posts"][0]["uploads"]["videos"] == 1
        _, again = mdwx_json("publish", str(post), cwd=site, env=env)
        uploads = again["posts"][0]["uploads"]
        assert again["posts"][0]["actions"] == ["unchanged: nothing sent"]
        assert uploads["videos"] == 0 and uploads["images"] == 0
        assert uploads["cached"] == first["posts"][0]["uploads"]["images"] + 1
        human = mdwx("publish", str(post), cwd=site, env=env).stderr
        assert "0 videos uploaded" in human and "1 videos" not in human


def with_credentials() -> dict[str, str]:
    """The environment with credentials present (a dry run checks they are; it fetches no token)."""
    return {
        **os.environ,
        "WECHAT_APPID": "wx0123456789abcdef",
        "WECHAT_APPSECRET": "present-not-used",
    }


def test_failed_post_keeps_its_title_in_json(tmp_path: Path) -> None:
    post = site_with_post(tmp_path, title="Named post", extra="cover: ../outside.jpg\n")
    code, doc = mdwx_json(
        "publish", str(post), "--dry-run", cwd=post.parent, env=with_credentials()
    )
    assert code == 1 and doc["posts"][0]["title"] == "Named post"
    assert doc["posts"][0]["error"]["message"].startswith(f"{post}:3: cover:")


def test_one_error_format_in_check_preview_and_publish(tmp_path: Path) -> None:
    post = site_with_post(tmp_path, extra="cover: ../outside.jpg\n")
    expected = f"✗ {post}:3: cover: ../outside.jpg: outside the site folder"
    env = with_credentials()  # a dry run stops at missing credentials as the run does
    for command in (["check"], ["preview", "--static", "--no-open"], ["publish", "--dry-run"]):
        result = mdwx(*command, str(post), cwd=post.parent, env=env)
        assert result.returncode == 1, command
        assert expected in result.stderr, (command, result.stderr)


def test_answering_no_at_the_delete_prompt_deletes_nothing_and_exits_0(tmp_path: Path) -> None:
    post = site_with_post(tmp_path)
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        assert mdwx("publish", str(post), "--draft", cwd=post.parent, env=env).returncode == 0
        leader, follower = pty.openpty()
        try:
            os.write(leader, b"n\n")
            result = mdwx("delete", str(post), cwd=post.parent, env=env, stdin=follower)
        finally:
            os.close(leader)
            os.close(follower)
        assert result.returncode == 0, result.stderr
        assert "nothing deleted" in result.stderr and "Aborted" not in result.stderr
        assert len(sb.store.articles()) == 1


def test_the_two_sandboxes_are_different_accounts(tmp_path: Path) -> None:
    post = site_with_post(tmp_path)
    inproc = mdwx("publish", str(post), "--sandbox", cwd=post.parent, env=dict(os.environ))
    assert inproc.returncode == 0, inproc.stderr
    assert SandboxSettings().appid not in (INPROCESS_APPID, sandbox_appid(post))
    with sandbox() as sb:  # the standalone sandbox's default account knows nothing of it
        env = sandbox_env(sb, tmp_path)
        code, doc = mdwx_json("publish", str(post), "--wait", cwd=post.parent, env=env)
        assert code == 0 and doc["posts"][0]["steps"][-2:] == ["uploadnews", "submit"]
        assert doc["posts"][0]["status"] == "published"
        assert len(sb.store.articles()) == 1


def test_sandbox_closing_lines_name_the_command_to_read_again(tmp_path: Path) -> None:
    post = site_with_post(tmp_path)
    result = mdwx("publish", str(post), "--sandbox", cwd=tmp_path, env=dict(os.environ))
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    command = next(line.strip() for line in lines if line.strip().startswith("mdwx sandbox --port"))
    url = next(line.split("read it at ")[1] for line in lines if "read it at " in line)
    port = url.split(":")[2].split("/")[0]
    state = post.parent / ".mdwx" / "sandbox.db"
    assert command == f"mdwx sandbox --port {port} --state {state} --appid {sandbox_appid(post)}"
    # Run it from another folder: the article is there again at the printed URL.
    server = subprocess.Popen(
        [sys.executable, "-m", "mdwx", *command.split()[1:]],
        cwd=tmp_path.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=default_sigint,
    )
    try:
        assert server.stdout is not None
        for line in server.stdout:
            if line.startswith("Published articles"):
                break
        page = httpx.get(url, timeout=HANG_SECONDS)
        assert page.status_code == 200 and "A post" in page.text
    finally:
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=HANG_SECONDS)


def test_a_new_in_process_sandbox_is_a_new_account(tmp_path: Path) -> None:
    post = site_with_post(tmp_path)
    env = dict(os.environ)
    assert mdwx("publish", str(post), "--sandbox", cwd=post.parent, env=env).returncode == 0
    first = sandbox_appid(post)
    (post.parent / ".mdwx" / "sandbox.db").unlink()  # its articles are gone; the state remains
    code, doc = mdwx_json("publish", str(post), "--sandbox", cwd=post.parent, env=env)
    assert code == 0 and doc["posts"][0]["steps"][-2:] == ["uploadnews", "submit"]
    assert sandbox_appid(post) != first
    page = doc["posts"][0]["url"]
    again = mdwx("status", str(post), "--sandbox", cwd=post.parent, env=env)
    assert again.returncode == 0 and "published (recorded)" in again.stderr and page


def test_records_made_with_a_bare_token_are_found_by_status_without_credentials(
    tmp_path: Path,
) -> None:
    """No WECHAT_APPID: publish (with a token) and status (with nothing) use the same key."""
    post = site_with_post(tmp_path)
    with sandbox() as sb:
        answer = httpx.post(
            f"{sb.base_url}/cgi-bin/stable_token",
            timeout=HANG_SECONDS,
            json={"grant_type": "client_credential", "appid": sb.appid, "secret": sb.secret},
        ).json()
        env = sandbox_env(sb, tmp_path)
        del env["WECHAT_APPID"], env["WECHAT_APPSECRET"]
        env["WECHAT_ACCESS_TOKEN"] = answer["access_token"]
        assert mdwx("publish", str(post), cwd=post.parent, env=env).returncode == 0
        del env["WECHAT_ACCESS_TOKEN"]
        code, doc = mdwx_json("status", str(post), cwd=post.parent, env=env)
        assert doc["posts"][0]["status"] == "submitted" and doc["posts"][0]["media_id"]
        assert code == 1 and "credentials" in doc["posts"][0]["error"]  # live status: said why not


STATUSES = ["published", "submitted", "draft", "rejected", "skipped", "dry-run", "failed"]


@settings(max_examples=200)
@given(st.lists(st.tuples(st.sampled_from(STATUSES), st.booleans()), min_size=1, max_size=12))
def test_closing_line_counts_every_post_under_what_happened_to_it(
    posts: list[tuple[str, bool]],
) -> None:
    from mdwx.cli.publish import summary
    from mdwx.errors import MdwxError
    from mdwx.publish.results import PostResult

    # (status, unchanged): an unchanged post keeps its recorded status but had nothing sent.
    results = [
        PostResult(
            "p.md",
            status=s,
            error=MdwxError("x") if s == "failed" else None,
            steps=["unchanged"] if same else [],
        )
        for s, same in posts
    ]
    line = summary(results, dry_run=False)
    total, _, rest = line.partition(": ")
    assert total == (f"{len(posts)} post" + ("s" if len(posts) != 1 else ""))
    counted = [int(part.split(" ")[0]) for part in rest.rstrip(".").split(", ")]
    assert sum(counted) == len(posts)
    assert not re.search(r"\b1 (posts|drafts|videos)\b", line)
    sent = [s for s, same in posts if not same]
    assert ("published" in line) == ("published" in sent)
    assert ("unchanged (nothing sent)" in line) == any(same and s != "failed" for s, same in posts)


def test_a_refused_force_publish_leaves_the_old_article_current(tmp_path: Path) -> None:
    from mdwx.publish.state.store import State
    from tests.publish_helpers import publish

    post = site_with_post(tmp_path)
    with sandbox() as sb:
        first = publish([post], sb)[0]
        write_post(post, body="A new version.")
        sb.configure(title_max_chars=3)  # WeChat refuses the new article: nothing is created
        refused = publish([post], sb, force=True)[0]
        assert refused.error is not None and len(sb.store.articles()) == 1
        with State.open(post.parent / ".mdwx" / "state.db") as state:
            assert state.article(sb.appid, "post.md").media_id == first.media_id
            assert state.superseded(sb.appid, "post.md") == []
