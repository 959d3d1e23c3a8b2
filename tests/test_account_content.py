"""``mdwx list`` and ``mdwx reconcile`` against a sandbox over HTTP: rows joined with their
posts, orphans after a lost ``draft/add`` answer adopted so the next publish updates them."""

from __future__ import annotations

from pathlib import Path

import pytest

from mdwx.sandbox import SandboxServer
from tests import factories
from tests.cli_helpers import mdwx, mdwx_json, sandbox_env, write_post


@pytest.fixture(name="site")
def site_fixture(tmp_path: Path) -> Path:
    site = factories.draft_site(tmp_path)
    write_post(site / "posts" / "one.md", title="One")
    return site


def in_box(sb: SandboxServer) -> list[str]:
    return [d.media_id for d in sb.store.drafts()]


def lose_a_draft_add_answer(sb: SandboxServer, site: Path, env: dict[str, str]) -> str:
    """Publish, delete (pictures stay cached), then publish again with the answer lost: the
    draft exists, the state does not know it. Its media_id."""
    assert mdwx("publish", "posts/one.md", "--draft", cwd=site, env=env).returncode == 0
    assert mdwx("delete", "posts/one.md", "--yes", cwd=site, env=env).returncode == 0
    sb.configure(failure_rate=1.0, failure_kinds=["drop_after"])
    lost = mdwx("publish", "posts/one.md", "--draft", cwd=site, env=env)
    sb.configure(failure_rate=0.0)
    assert lost.returncode == 1 and "outcome unknown" in lost.stderr
    assert len(in_box(sb)) == 1
    return in_box(sb)[0]


def test_list_joins_drafts_and_published_articles_with_their_posts(
    sb: SandboxServer, site: Path, tmp_path: Path
) -> None:
    env = sandbox_env(sb, tmp_path)
    write_post(site / "posts" / "two.md", title="Two")
    assert mdwx("publish", "posts/one.md", "--draft", cwd=site, env=env).returncode == 0
    assert mdwx("publish", "posts/two.md", "--wait", cwd=site, env=env).returncode == 0
    code, doc = mdwx_json("list", cwd=site, env=env)
    rows = {(r["kind"], r["path"]) for r in doc["items"]}
    # Publishing reaches no follower: a published article is never listed as sent (群发).
    assert code == 0 and rows == {("draft", "posts/one.md"), ("published", "posts/two.md")}
    assert doc["totals"]["sent"] == 0
    _, drafts = mdwx_json("list", "--drafts", cwd=site, env=env)
    assert [r["kind"] for r in drafts["items"]] == ["draft"] and drafts["totals"] == {"drafts": 1}


def test_an_unverified_account_lists_its_drafts_and_says_why_not_the_rest(
    sb: SandboxServer, site: Path, tmp_path: Path
) -> None:
    env = sandbox_env(sb, tmp_path)
    assert mdwx("publish", "posts/one.md", "--draft", cwd=site, env=env).returncode == 0
    sb.configure(account_kind="unverified")
    code, doc = mdwx_json("list", cwd=site, env=env)
    assert code == 0 and [r["kind"] for r in doc["items"]] == ["draft"]
    assert "48001" in doc["notes"][0] and "July 2025" in doc["notes"][0]
    result = mdwx("list", "--published", cwd=site, env=env)
    assert result.returncode == 1 and "48001" in result.stderr and "mdwx preview" in result.stderr
    assert "Traceback" not in result.stderr
    _, reconciled = mdwx_json("reconcile", cwd=site, env=env)
    assert reconciled["orphans"] == [] and reconciled["notes"]


def test_reconcile_adopts_the_orphan_of_a_lost_answer_and_publish_updates_it(
    sb: SandboxServer, site: Path, tmp_path: Path
) -> None:
    env = sandbox_env(sb, tmp_path)
    orphan = lose_a_draft_add_answer(sb, site, env)
    code, dry = mdwx_json("reconcile", cwd=site, env=env)
    assert code == 0 and [(o["media_id"], o["action"], o["path"]) for o in dry["orphans"]] == [
        (orphan, "adopt", "posts/one.md")
    ]
    assert not dry["applied"]
    _, done = mdwx_json("reconcile", "--yes", cwd=site, env=env)
    assert done["applied"] and done["orphans"][0]["action"] == "adopted"
    write_post(site / "posts" / "one.md", title="One", body="Edited after the lost answer.")
    sb.clear_log()
    assert mdwx("publish", "posts/one.md", "--draft", cwd=site, env=env).returncode == 0
    assert in_box(sb) == [orphan]
    assert [r.endpoint for r in sb.requests].count("draft/update") == 1
    assert "Edited after" in sb.store.drafts()[0].items[0]["content"]
    _, again = mdwx_json("reconcile", cwd=site, env=env)
    assert again["orphans"] == []


def test_reconcile_deletes_a_second_copy_so_publish_makes_no_third(
    sb: SandboxServer, site: Path, tmp_path: Path
) -> None:
    env = sandbox_env(sb, tmp_path)
    first = lose_a_draft_add_answer(sb, site, env)
    copy = sb.store.add_draft(sb.store.drafts()[0].items)  # another machine's copy of the same post
    _, done = mdwx_json("reconcile", "--yes", cwd=site, env=env)
    assert {o["media_id"]: o["action"] for o in done["orphans"]} == {
        copy: "adopted",
        first: "deleted",
    }
    write_post(site / "posts" / "one.md", title="One", body="Edited.")
    assert mdwx("publish", "posts/one.md", "--draft", cwd=site, env=env).returncode == 0
    assert in_box(sb) == [copy]


def test_reconcile_keeps_marked_articles_of_no_post_of_this_site(
    sb: SandboxServer, site: Path, tmp_path: Path
) -> None:
    env = sandbox_env(sb, tmp_path)
    lose_a_draft_add_answer(sb, site, env)
    (site / "posts" / "one.md").unlink()
    _, done = mdwx_json("reconcile", "--yes", cwd=site, env=env)
    assert [(o["action"], o["path"]) for o in done["orphans"]] == [("keep", None)]
    assert len(in_box(sb)) == 1


COMMANDS = (
    ["list"],
    ["reconcile"],
    ["materials", "count"],
    ["comments", "posts/one.md"],
    ["stats"],
)


def test_every_account_command_names_the_ip_wechat_refused(
    sb: SandboxServer, site: Path, tmp_path: Path
) -> None:
    env = sandbox_env(sb, tmp_path)
    assert mdwx("publish", "posts/one.md", "--wait", cwd=site, env=env).returncode == 0
    sb.configure(ip_whitelist=["198.51.100.1"], caller_ip="203.0.113.80")
    for command in COMMANDS:
        sb.expire_tokens()  # the cached token is no longer valid: a new one is asked for
        result = mdwx(*command, cwd=site, env=env)
        assert (
            result.returncode == 1
            and "203.0.113.80" in result.stderr
            and "whitelist" in result.stderr
        ), command
        assert "Traceback" not in result.stderr and sb.secret not in result.stderr


@pytest.mark.parametrize("lead", ["a", "m", "z"])
def test_a_bundle_draft_is_listed_under_its_lead_post(
    sb: SandboxServer, tmp_path: Path, lead: str
) -> None:
    """A 多图文's posts share one media_id: its row names the 头条's post, wherever that post
    sorts among the others."""
    from tests.bundle_helpers import bundle_site, member

    site = bundle_site(tmp_path / "b")
    env = sandbox_env(sb, tmp_path)
    for name in sorted({"a", "m", "z"}):
        member(site, name, index=0 if name == lead else 1 + "amz".index(name))
    assert mdwx("publish", "posts", "--draft", cwd=site, env=env).returncode == 0
    code, doc = mdwx_json("list", "--drafts", cwd=site, env=env)
    assert code == 0 and [(r["path"], r["title"]) for r in doc["items"]] == [
        (f"posts/{lead}.md", lead)
    ]


def test_reconcile_adopts_a_bundle_draft_whole_and_publish_keeps_it(
    sb: SandboxServer, tmp_path: Path
) -> None:
    """A 多图文 draft the state lost (another machine, a lost answer) is adopted with every
    post at its place, so the next publish neither remakes it nor adds a second."""
    from tests.bundle_helpers import bundle_site, member

    site = bundle_site(tmp_path / "b")
    env = sandbox_env(sb, tmp_path)
    member(site, "a", index=0)
    member(site, "b", index=1)
    assert mdwx("publish", "posts", "--draft", cwd=site, env=env).returncode == 0
    (drafted,) = in_box(sb)
    for stale in (site / ".mdwx").glob("state.db*"):
        stale.unlink()
    done = mdwx("reconcile", "--yes", cwd=site, env=env)
    assert done.returncode == 0, done.stderr
    _, status = mdwx_json("status", "posts", cwd=site, env=env)
    assert {Path(r["path"]).name: r["status"] for r in status["posts"]} == {
        "a.md": "draft",
        "b.md": "draft",
    }, status
    again = mdwx("publish", "posts", "--draft", cwd=site, env=env)
    assert again.returncode == 0, again.stderr
    assert in_box(sb) == [drafted]


def test_a_long_path_in_the_list_is_cut_visibly(sb: SandboxServer, tmp_path: Path) -> None:
    site = tmp_path / "s"
    site.mkdir()
    (site / "mdwx.toml").write_text('backend = "draft"\n', encoding="utf-8")
    long = "posts/a-rather-long-folder-name/with-a-long-post-name.md"
    write_post(site / long, title="Long")
    env = sandbox_env(sb, tmp_path)
    assert mdwx("publish", long, "--draft", cwd=site, env=env).returncode == 0
    shown = mdwx("list", "--drafts", cwd=site, env=env)
    assert shown.returncode == 0, shown.stderr
    row = next(line for line in (shown.stdout + shown.stderr).splitlines() if "Long" in line)
    assert long[:29] + "…" in row
