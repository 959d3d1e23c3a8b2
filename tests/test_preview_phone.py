"""``mdwx preview POST --phone``: the post arrives in a follower's WeChat (the sandbox's fake
phone inbox), re-previewing an unchanged post re-sends the same draft, the day's previews
are counted per account, and every refusal is one line with its exit code."""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx

from mdwx.sandbox import SandboxServer
from mdwx.sandbox.massstore import follower_openid
from tests.cli_helpers import count, mdwx, mdwx_json, sandbox_env, write_post
from tests.factories import sandbox

TOML = 'backend = "draft"\n'


def site(tmp_path: Path, toml: str = TOML) -> tuple[Path, Path]:
    root = tmp_path / "site"
    root.mkdir()
    (root / "mdwx.toml").write_text(toml, encoding="utf-8")
    return root, write_post(root / "posts" / "hello.md", title="你好，手机")


def inbox(sb: SandboxServer, to: str) -> list[dict[str, object]]:
    return list(httpx.get(f"{sb.base_url}/_sandbox/inbox", params={"to": to}).json()["messages"])


def test_preview_reaches_the_phone_and_an_unchanged_post_reuses_its_draft(tmp_path: Path) -> None:
    root, post = site(tmp_path)
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        code, first = mdwx_json("preview", str(post), "--phone", "reader1", cwd=root, env=env)
        assert code == 0 and first["uploaded"] and first["to"] == "reader1"
        assert first["previews"] == {"used_today": 1, "left_today": 99}
        code, again = mdwx_json("preview", str(post), "--phone", "reader1", cwd=root, env=env)
        assert code == 0 and not again["uploaded"] and again["media_id"] == first["media_id"]
        assert count(sb, "draft/add") == 1 and count(sb, "media/uploadimg") == 1
        assert [m["titles"] for m in inbox(sb, "reader1")] == [["你好，手机"], ["你好，手机"]]
        post.write_text(post.read_text("utf-8").replace("Some text.", "Edited."), "utf-8")
        code, edited = mdwx_json(
            "preview", str(post), "--openid", follower_openid(2), cwd=root, env=env
        )
        assert code == 0 and edited["uploaded"] and edited["media_id"] == first["media_id"]
        assert count(sb, "draft/add") == 1 and count(sb, "draft/update") == 1
        assert len(inbox(sb, "reader2")) == 1


def test_preview_to_from_the_config_and_the_human_lines(tmp_path: Path) -> None:
    root, post = site(tmp_path, TOML + 'preview_to = "reader3"\n')
    with sandbox() as sb:
        result = mdwx("preview", str(post), "--phone", cwd=root, env=sandbox_env(sb, tmp_path))
        assert result.returncode == 0, result.stderr
        assert "reader3's WeChat" in result.stderr and "99 of 100 previews left" in result.stderr
        assert len(inbox(sb, "reader3")) == 1


def test_no_recipient_is_a_usage_error_before_anything_is_sent(tmp_path: Path) -> None:
    root, post = site(tmp_path)
    with sandbox() as sb:
        result = mdwx("preview", str(post), "--phone", cwd=root, env=sandbox_env(sb, tmp_path))
        assert result.returncode == 2 and "preview_to" in result.stderr
        assert "Traceback" not in result.stderr


def test_a_stranger_is_43004_explained_and_the_count_is_not_taken(tmp_path: Path) -> None:
    root, post = site(tmp_path)
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        result = mdwx("preview", str(post), "--phone", "nobody", "--json", cwd=root, env=env)
        assert result.returncode == 1
        error = json.loads(result.stdout)["error"]
        assert error["errcode"] == 43004 and "follow" in error["message"]
        code, ok = mdwx_json("preview", str(post), "--phone", "reader1", cwd=root, env=env)
        assert code == 0 and ok["previews"]["used_today"] == 1


def test_the_days_previews_are_counted_and_45009_explained(tmp_path: Path) -> None:
    root, post = site(tmp_path)
    with sandbox(preview_daily_limit=1) as sb:
        env = sandbox_env(sb, tmp_path)
        assert mdwx("preview", str(post), "--phone", "reader1", cwd=root, env=env).returncode == 0
        result = mdwx("preview", str(post), "--phone", "reader1", cwd=root, env=env)
        assert result.returncode == 1
        assert "previews are used up" in result.stderr and "00:00 Beijing" in result.stderr


def test_unverified_account_names_the_paste_route(tmp_path: Path) -> None:
    root, post = site(tmp_path)
    with sandbox(mass_api_authorised=False) as sb:
        result = mdwx(
            "preview", str(post), "--phone", "reader1", cwd=root, env=sandbox_env(sb, tmp_path)
        )
        assert result.returncode == 1 and "48001" in result.stderr
        assert "web editor" in result.stderr and "Traceback" not in result.stderr


def test_in_process_sandbox_preview(tmp_path: Path) -> None:
    root, post = site(tmp_path)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("WECHAT_", "MDWX_")) or k == "MDWX_SANDBOX_PORT"
    }
    env.update(HOME=str(tmp_path), XDG_CACHE_HOME=str(tmp_path / "cache"))
    code, report = mdwx_json(
        "preview", str(post), "--phone", "reader1", "--sandbox", cwd=root, env=env
    )
    assert code == 0 and report["to"] == "reader1" and report["msg_id"]


def test_an_accounts_preview_to_wins_over_the_sites(tmp_path: Path) -> None:
    with sandbox() as sb:
        toml = (
            TOML + 'preview_to = "reader3"\n\n[accounts.main]\n'
            f'appid = "{sb.appid}"\nsecret_env = "WECHAT_APPSECRET_MAIN"\npreview_to = "reader2"\n'
        )
        root, post = site(tmp_path, toml)
        env = sandbox_env(sb, tmp_path)
        env["WECHAT_APPSECRET_MAIN"] = sb.secret
        code, report = mdwx_json(
            "preview", str(post), "--phone", "--account", "main", cwd=root, env=env
        )
        assert code == 0 and report["to"] == "reader2" and report["account"] == "main"
        assert len(inbox(sb, "reader2")) == 1 and inbox(sb, "reader3") == []
