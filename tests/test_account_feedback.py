"""``mdwx comments`` and ``mdwx stats`` against a sandbox over HTTP: keyed by the msg_data_id
mdwx kept at submit; 88000, 48001 and a post without msg_data_id explained."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from mdwx.sandbox import SandboxServer
from mdwx.sandbox.datacube import daily_figures
from tests import factories
from tests.cli_helpers import mdwx, mdwx_json, sandbox_env, write_post

BEIJING = dt.timezone(dt.timedelta(hours=8))
DAY = 86_400


@pytest.fixture(name="site")
def site_fixture(tmp_path: Path) -> Path:
    site = factories.draft_site(tmp_path)
    write_post(site / "posts" / "one.md", title="One", extra="comments: open\n")
    return site


def published(sb: SandboxServer, site: Path, env: dict[str, str]) -> int:
    result = mdwx("publish", "posts/one.md", "--wait", cwd=site, env=env)
    assert result.returncode == 0, result.stderr
    return int(sb.store.publications()[0].msg_data_id)


def test_comments_are_listed_replied_elected_and_deleted(
    sb: SandboxServer, site: Path, tmp_path: Path
) -> None:
    env = sandbox_env(sb, tmp_path)
    msg = published(sb, site, env)
    first = sb.store.add_comment(msg, 0, "o1", "写得真好")
    second = sb.store.add_comment(msg, 0, "o2", "spam")
    code, listed = mdwx_json("comments", "posts/one.md", cwd=site, env=env)
    assert code == 0 and listed["msg_data_id"] == str(msg) and listed["total"] == 2
    mdwx_json("comments", "posts/one.md", "--reply", str(first), "谢谢！", cwd=site, env=env)
    mdwx_json("comments", "posts/one.md", "--elect", str(first), cwd=site, env=env)
    _, after = mdwx_json("comments", "posts/one.md", "--delete", str(second), cwd=site, env=env)
    assert after["done"] == f"delete: comment {second}"
    assert after["comments"] == [
        {
            "user_comment_id": first,
            "content": "写得真好",
            "create_time": after["comments"][0]["create_time"],
            "elected": True,
            "reply": "谢谢！",
        }
    ]
    shown = mdwx("comments", "posts/one.md", cwd=site, env=env)
    assert "★ 写得真好" in shown.stderr and "↳ 谢谢！" in shown.stderr


def test_closed_comments_say_88000_and_how_to_open_them(
    sb: SandboxServer, site: Path, tmp_path: Path
) -> None:
    env = sandbox_env(sb, tmp_path)
    published(sb, site, env)
    assert (
        mdwx("comments", "posts/one.md", "--close", cwd=site, env=env).returncode == 1
    )  # then lists: 88000
    closed = mdwx("comments", "posts/one.md", cwd=site, env=env)
    assert closed.returncode == 1 and "88000" in closed.stderr and "--open" in closed.stderr
    assert "Traceback" not in closed.stderr
    code, opened = mdwx_json("comments", "posts/one.md", "--open", cwd=site, env=env)
    assert code == 0 and opened["done"] == "comments opened"


def test_an_unverified_account_gets_48001_with_the_policy(
    sb: SandboxServer, site: Path, tmp_path: Path
) -> None:
    env = sandbox_env(sb, tmp_path)
    published(sb, site, env)
    sb.configure(account_kind="unverified")
    result = mdwx("comments", "posts/one.md", cwd=site, env=env)
    assert result.returncode == 1 and "48001" in result.stderr and "July 2025" in result.stderr


def test_a_post_without_msg_data_id_says_why(sb: SandboxServer, site: Path, tmp_path: Path) -> None:
    env = sandbox_env(sb, tmp_path)
    assert mdwx("publish", "posts/one.md", "--draft", cwd=site, env=env).returncode == 0
    result = mdwx("comments", "posts/one.md", cwd=site, env=env)
    assert (
        result.returncode == 1
        and "msg_data_id" in result.stderr
        and "posts/one.md" in result.stderr
    )
    bad = mdwx("comments", "posts/one.md", "--reply", "x", "hi", cwd=site, env=env)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def backdate(sb: SandboxServer, days: int) -> None:
    """The publication happened ``days`` ago (the sandbox's figures start then)."""
    with sb.store._tx() as db:
        db.execute("UPDATE publications SET submitted = submitted - ?", (days * DAY,))


def test_stats_sum_each_articles_figures_joined_with_its_post(
    sb: SandboxServer, site: Path, tmp_path: Path
) -> None:
    env = sandbox_env(sb, tmp_path)
    msg = published(sb, site, env)
    sb.store.add_comment(msg, 0, "o1", "好")
    backdate(sb, 3)
    day = dt.datetime.fromtimestamp(sb.store.publications()[0].submitted_at, BEIJING).date()
    code, doc = mdwx_json("stats", "posts/one.md", "--since", day.isoformat(), cwd=site, env=env)
    expected = sum(daily_figures(msg, 0, age)["read_user"] for age in range(3))
    assert code == 0 and len(doc["rows"]) == 1
    row = doc["rows"][0]
    assert row["msgid"] == f"{msg}_1" and row["path"] == "posts/one.md"
    assert row["read_user"] == expected and row["comment_count"] == 1
    table = mdwx("stats", "--since", day.isoformat(), "--csv", cwd=site, env=env).stdout
    parsed = list(csv.DictReader(io.StringIO(table)))
    assert parsed[0]["read_user"] == str(expected) and parsed[0]["path"] == "posts/one.md"


def test_stats_refuses_a_range_and_explains_48001(
    sb: SandboxServer, site: Path, tmp_path: Path
) -> None:
    env = sandbox_env(sb, tmp_path)
    too_long = mdwx("stats", "--since", "2020-01-01", cwd=site, env=env)
    assert too_long.returncode == 2 and "at most 90 days" in too_long.stderr
    sb.configure(account_kind="unverified")
    refused = mdwx("stats", cwd=site, env=env)
    assert (
        refused.returncode == 1 and "48001" in refused.stderr and "Traceback" not in refused.stderr
    )
