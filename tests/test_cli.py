"""The command line as a user meets it: files written, exit codes, JSON, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mdwx.cli.main import main
from tests.cli_helpers import mdwx
from tests.factories import default_sigint
from tests.hang import HANG_SECONDS
from tests.publish_helpers import copy_site, sandbox


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run mdwx as a user does (tracebacks and exit codes as a user sees them), in process."""
    return mdwx(*args, env=env)


def test_version_and_help() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and "mdwx, version" in result.output
    for command in ("build", "check", "publish", "status", "delete", "sandbox", "preview"):
        help_text = CliRunner().invoke(main, [command, "--help"])
        assert help_text.exit_code == 0, command


def test_build_writes_content_and_preview_per_post(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    out = tmp_path / "out"
    result = run("build", str(site), "-o", str(out))
    assert result.returncode == 0, result.stderr
    slugs = sorted(p.name for p in out.iterdir())
    assert len(slugs) == len(list((site / "posts").glob("*.md")))
    for slug in slugs:
        content = (out / slug / "content.html").read_text("utf-8")
        preview = (out / slug / "preview.html").read_text("utf-8")
        assert "mdwx-asset:" not in content
        assert content.startswith("<section")
        assert "<html" in preview.lower()
    gallery = (out / "media-gallery" / "content.html").read_text("utf-8")
    assert "../../site/media/" in gallery  # images shown from their local files
    formulas = list((out / "math-and-callouts").glob("*.png"))
    assert formulas, "formulas are rasterised next to the content"


def test_check_json_reports_each_post(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    result = run("check", str(site), "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert {post["ok"] for post in document["posts"]} == {True}
    assert all(post["content_chars"] < 20000 for post in document["posts"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b"---\ntitle: [x\n---\nbody\n", "invalid YAML"),
        (b"---\n- a\n---\nbody\n", "must be a mapping"),
        (b"---\ntitle: 1\nauthor: [a]\n---\nbody\n", "author must be text"),
        ("---\ntitle: {}\n---\nbody\n".format("长" * 65).encode(), "1 over the limit of 64"),
        (b"---\ntitle: t\n---\n\n![x](missing.png)\n", "image not found"),
        ("中文".encode("gbk"), "not UTF-8"),
        (b"", "empty"),
        (b"---\ntitle: t\ntheme: neon\n---\nbody\n", "neon"),
    ],
)
def test_bad_input_is_one_line_exit_1_no_traceback(
    tmp_path: Path, text: bytes, expected: str
) -> None:
    (tmp_path / "mdwx.toml").write_text("", encoding="utf-8")
    post = tmp_path / "post.md"
    post.write_bytes(text)
    result = run("check", str(post))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert expected in result.stderr
    assert f"{post}" in result.stderr


def test_missing_path_and_bad_config_exit_2(tmp_path: Path) -> None:
    result = run("check", str(tmp_path / "nope.md"))
    assert result.returncode == 2 and "no such file or folder" in result.stderr
    (tmp_path / "mdwx.toml").write_text('theme = "neon"\n', encoding="utf-8")
    (tmp_path / "a.md").write_text("text\n", encoding="utf-8")
    result = run("check", str(tmp_path))
    assert result.returncode == 2 and "Traceback" not in result.stderr and "neon" in result.stderr
    assert run("publish").returncode == 2  # click usage error


def test_publish_without_credentials_is_a_config_error(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("WECHAT_")}
    result = run("publish", str(site), env=env)
    assert result.returncode == 2
    assert "WECHAT_APPID" in result.stderr and "Traceback" not in result.stderr


def test_publish_json_shape_against_a_sandbox_and_no_secret_anywhere(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    with sandbox() as sb:
        env = dict(
            os.environ,
            MDWX_API_BASE=sb.base_url,
            WECHAT_APPID=sb.appid,
            WECHAT_APPSECRET=sb.secret,
            XDG_CACHE_HOME=str(tmp_path / "cache"),
        )
        result = run("publish", str(site), "--json", "--wait", env=env)
        status = run("status", str(site), "--json", env=env)
        tokens = [row[0] for row in sb.store._db.execute("SELECT token FROM tokens")]
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    for post in document["posts"]:
        assert set(post) >= {"path", "title", "media_id", "status", "url", "uploads", "error"}
        assert set(post["uploads"]) >= {"images", "cached", "videos"}
        assert post["status"] == "published" and post["error"] is None
    assert json.loads(status.stdout)["posts"][0]["status"] == "published"
    state_bytes = (site / ".mdwx" / "state.db").read_bytes()
    assert tokens
    for secret in [sb.secret, *tokens]:
        for text in (result.stdout, result.stderr, status.stdout, status.stderr):
            assert secret not in text
        assert secret.encode() not in state_bytes
    cache_files = [
        p for p in (tmp_path / "cache").rglob("*") if p.is_file() and p.suffix == ".json"
    ]
    assert cache_files and all(p.stat().st_mode & 0o077 == 0 for p in cache_files)
    # Every other file the run wrote (state and its WAL, locks, the cache's lock files).
    written = [
        p
        for p in [*site.rglob("*"), *(tmp_path / "cache").rglob("*")]
        if p.is_file() and p not in cache_files
    ]
    for secret in [sb.secret, *tokens]:
        for path in written:
            assert secret.encode() not in path.read_bytes(), path


def test_publish_sandbox_prints_where_to_read_each_article(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    result = run("publish", str(site), "--sandbox")
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("read it at http://127.0.0.1:") == len(
        list((site / "posts").glob("*.md"))
    )
    again = run("publish", str(site), "--sandbox", "--json")
    document = json.loads(again.stdout)
    assert {p["uploads"]["images"] for p in document["posts"]} == {0}
    assert {p["status"] for p in document["posts"]} == {"published"}


def test_delete_asks_unless_yes(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    post = site / "posts" / "hello-mdwx.md"
    assert run("publish", str(post), "--sandbox", "--draft").returncode == 0
    refused = subprocess.run(
        [sys.executable, "-m", "mdwx", "delete", str(post), "--sandbox"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert refused.returncode == 2 and "--yes" in refused.stderr
    deleted = run("delete", str(post), "--sandbox", "--yes")
    assert deleted.returncode == 0, deleted.stderr
    assert "deleted" in deleted.stderr
    again = run("delete", str(post), "--sandbox", "--yes")  # what status shows: deleted
    assert again.returncode == 0 and "already deleted; nothing to delete" in again.stderr


def test_dry_run_lists_plan_and_sends_nothing(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    with sandbox() as sb:
        env = dict(
            os.environ, MDWX_API_BASE=sb.base_url, WECHAT_APPID=sb.appid, WECHAT_APPSECRET=sb.secret
        )
        result = run("publish", str(site), "--dry-run", env=env)
        assert result.returncode == 0, result.stderr
        assert sb.requests == []
    assert "would upload the article" in result.stderr


def test_sandbox_command_serves_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    import re
    import signal

    import httpx

    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mdwx",
            "sandbox",
            "--port",
            "0",
            "--state",
            str(tmp_path / "sandbox.db"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=default_sigint,
    )
    try:
        first = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+", first)
        assert match, first
        lines = [process.stdout.readline() for _ in range(6)]
        assert any("export WECHAT_APPID=" in line for line in lines)
        token = httpx.post(
            f"{match.group(0)}/cgi-bin/stable_token",
            json={
                "grant_type": "client_credential",
                "appid": "wx5a4d0b0c5a4d0b0c",
                "secret": "5b0c3f6e9a1d4c7b8e2f0a6d3c9b1e47",
            },
        ).json()
        assert "access_token" in token
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=HANG_SECONDS) == 0
    assert (tmp_path / "sandbox.db").exists()


def test_the_summary_counts_stub_pages_as_skipped_not_passed(tmp_path: Path) -> None:
    from tests.cli_helpers import mdwx

    (tmp_path / "mkdocs.yml").write_text("site_name: S\n", encoding="utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "stub.md").write_text("# Stub\n", encoding="utf-8")
    (docs / "page.md").write_text("# Page\n\nSome text worth reading.\n", encoding="utf-8")
    result = mdwx("check", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 of 2 posts passed, 1 skipped (nothing to publish)." in result.stderr


def test_publish_marks_a_skipped_stub_page_as_check_does(tmp_path: Path) -> None:
    from tests.cli_helpers import mdwx

    (tmp_path / "mkdocs.yml").write_text("site_name: S\n", encoding="utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "stub.md").write_text("# Stub\n", encoding="utf-8")
    result = mdwx("publish", ".", "--draft", "--sandbox", "--dry-run", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if "stub.md" in line]
    assert any(line.startswith("– ") and "skipped" in line for line in lines), lines
    assert not any(line.startswith("✓") for line in lines), lines
