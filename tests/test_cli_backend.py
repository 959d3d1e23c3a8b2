"""Choosing the backend from the command line and mdwx.toml: publish, status and delete
through the draft-box API, as a user runs them."""

from __future__ import annotations

from pathlib import Path

from tests.cli_helpers import count, mdwx, mdwx_json, sandbox_env, write_post
from tests.publish_helpers import copy_site, sandbox


def test_publish_status_delete_through_the_draft_api(tmp_path: Path) -> None:
    site = tmp_path / "site"
    post = write_post(site / "p.md")
    (site / "mdwx.toml").write_text("", encoding="utf-8")
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        code, out = mdwx_json(
            "publish", str(post), "--backend", "draft", "--wait", cwd=site, env=env
        )
        assert code == 0 and out["posts"][0]["status"] == "published"
        assert count(sb, "draft/add") == 1 and count(sb, "freepublish/submit") == 1
        assert count(sb, "publish/uploadnews") == 0
        code, status = mdwx_json("status", str(post), "--backend", "draft", cwd=site, env=env)
        row = status["posts"][0]
        assert (
            code == 0
            and row["status"] == "published"
            and row["live"] == "published (publish_status 0)"
        )
        # The media API's records know nothing of it.
        code, status = mdwx_json("status", str(post), cwd=site, env=env)
        assert status["posts"][0]["status"] == "not published"
        deleted = mdwx("delete", str(post), "--backend", "draft", "--yes", cwd=site, env=env)
        assert deleted.returncode == 0, deleted.stderr
        assert count(sb, "freepublish/delete") == 1 and count(sb, "publish/delete") == 0
        assert sb.store.publications()[0].publish_status == 5  # every article deleted
        code, status = mdwx_json("status", str(post), "--backend", "draft", cwd=site, env=env)
        assert status["posts"][0]["status"] == "deleted"


def test_backend_from_mdwx_toml_and_a_bad_one_is_a_usage_error(tmp_path: Path) -> None:
    site = tmp_path / "site"
    post = write_post(site / "p.md")
    config = site / "mdwx.toml"
    config.write_text('backend = "draft"\n', encoding="utf-8")
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        code, out = mdwx_json("publish", str(post), "--draft", cwd=site, env=env)
        assert code == 0 and out["posts"][0]["status"] == "draft"
        assert count(sb, "draft/add") == 1
        unsubmitted = mdwx("delete", str(post), "--yes", cwd=site, env=env)
        assert unsubmitted.returncode == 0 and count(sb, "draft/delete") == 1
        config.write_text('backend = "drafts"\n', encoding="utf-8")
        bad = mdwx("publish", str(post), cwd=site, env=env)
        assert bad.returncode == 2
        assert "backend must be one of media, draft, not 'drafts'" in bad.stderr
        assert "Traceback" not in bad.stderr
        flag = mdwx("publish", str(post), "--backend", "drafts", cwd=site, env=env)
        assert flag.returncode == 2 and "Traceback" not in flag.stderr


def test_sample_site_through_the_draft_api_then_a_rerun_sends_nothing(tmp_path: Path) -> None:
    """The issue's done-when (`mdwx publish sample-site --sandbox --backend draft`), against a
    standalone sandbox so its log can be read (the in-process one takes the fixed port 8765,
    which other tests' read-again checks rely on)."""
    site = copy_site(tmp_path)
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        code, first = mdwx_json(
            "publish", str(site), "--backend", "draft", "--wait", cwd=tmp_path, env=env
        )
        posts = first["posts"]
        assert code == 0 and len(posts) == len(list((site / "posts").glob("*.md")))
        assert {p["status"] for p in posts} == {"published"}
        assert all(p["url"].startswith(f"{sb.base_url}/s/") for p in posts)
        sb.clear_log()
        code, again = mdwx_json(
            "publish", str(site), "--backend", "draft", "--wait", cwd=tmp_path, env=env
        )
        assert code == 0
        assert {tuple(p["steps"]) for p in again["posts"]} == {("unchanged",)}
        assert sb.requests == []
