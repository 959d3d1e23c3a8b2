"""``mdwx list`` on the media backend, against a sandbox over HTTP: WeChat lists none of the
media API's articles, so list says so and shows what mdwx recorded, marked as its records,
in human and ``--json`` output."""

from __future__ import annotations

from pathlib import Path

from tests.cli_helpers import mdwx, mdwx_json, sandbox_env, write_post
from tests.factories import sandbox


def media_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    (site / "mdwx.toml").write_text('backend = "media"\n', encoding="utf-8")
    write_post(site / "posts" / "kept.md", title="Kept as a draft")
    write_post(site / "posts" / "out.md", title="Submitted")
    return site


def test_list_shows_the_media_apis_articles_from_mdwxs_records(tmp_path: Path) -> None:
    site = media_site(tmp_path)
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        code, empty = mdwx_json("list", cwd=site, env=env)
        assert code == 0 and empty["items"] == [] and empty["totals"]["media"] == 0
        assert any("media backend" in n and "recorded none" in n for n in empty["notes"])
        assert mdwx("publish", "posts/kept.md", "--draft", cwd=site, env=env).returncode == 0
        assert mdwx("publish", "posts/out.md", cwd=site, env=env).returncode == 0
        code, doc = mdwx_json("list", cwd=site, env=env)
        rows = {(r["kind"], r["path"], r["source"], r["status"]) for r in doc["items"]}
        assert code == 0 and rows == {
            ("media", "posts/kept.md", "mdwx records", "draft"),
            ("media", "posts/out.md", "mdwx records", "submitted"),
        }
        assert doc["totals"] == {"drafts": 0, "published": 0, "media": 2, "sent": 0}
        [note] = [n for n in doc["notes"] if "media backend" in n]
        assert "cannot list" in note and "mdwx's records" in note
        _, drafts = mdwx_json("list", "--drafts", cwd=site, env=env)
        assert [r["path"] for r in drafts["items"]] == ["posts/kept.md"]
        _, published = mdwx_json("list", "--published", cwd=site, env=env)
        assert [r["path"] for r in published["items"]] == ["posts/out.md"]
        _, sent = mdwx_json("list", "--sent", cwd=site, env=env)
        assert sent["items"] == [] and "media" not in sent["totals"]
        shown = mdwx("list", cwd=site, env=env)
    assert shown.returncode == 0 and "Traceback" not in shown.stderr
    lines = [line for line in shown.stderr.splitlines() if "posts/" in line]
    assert len(lines) == 2 and all(line.endswith("(from mdwx's records)") for line in lines)
    assert "note: the media backend" in shown.stderr


def test_a_draft_backend_site_lists_as_before(tmp_path: Path) -> None:
    site = media_site(tmp_path)
    (site / "mdwx.toml").write_text('backend = "draft"\n', encoding="utf-8")
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        assert mdwx("publish", "posts/kept.md", "--draft", cwd=site, env=env).returncode == 0
        code, doc = mdwx_json("list", cwd=site, env=env)
    assert code == 0 and [(r["kind"], r["source"]) for r in doc["items"]] == [("draft", "wechat")]
    assert "media" not in doc["totals"] and doc["notes"] == []


def test_reconcile_on_the_media_backend_says_what_it_cannot_see(tmp_path: Path) -> None:
    site = media_site(tmp_path)
    with sandbox() as sb:
        code, doc = mdwx_json("reconcile", cwd=site, env=sandbox_env(sb, tmp_path))
    assert code == 0 and doc["orphans"] == []
    assert any("media backend" in n and "uploadnews" in n for n in doc["notes"])
