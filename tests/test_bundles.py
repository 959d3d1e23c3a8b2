"""多图文 bundles over real HTTP against the sandbox: posts naming one ``bundle`` become one
draft of several articles; an edit updates its index only; a reorder, a removal and a post
joining are made anew (one draft, the old deleted); the bundle is sent as one message; a
bundle WeChat cannot take is refused before anything is sent; ``--dry-run`` plans what the
run does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from mdwx.publish.state.store import State
from mdwx.sandbox import SandboxServer
from tests.bundle_helpers import box, bundle_site, member
from tests.cli_helpers import count, mdwx, mdwx_json, sandbox_env
from tests.factories import sandbox


def publish(root: Path, env: dict[str, str], *args: str) -> tuple[int, list[dict[str, Any]]]:
    code, report = mdwx_json("publish", "--draft", *args, cwd=root, env=env)
    return code, report.get("posts", [report])


def dry_then_run(root: Path, env: dict[str, str], *args: str) -> list[dict[str, Any]]:
    """Publish, first with --dry-run: the same exit code and steps, post by post."""
    dry_code, planned = publish(root, env, "--dry-run", *args)
    code, done = publish(root, env, *args)
    assert code == dry_code == 0, done
    assert [(p["path"], p["steps"]) for p in planned] == [(p["path"], p["steps"]) for p in done]
    return done


def contents(sb: SandboxServer) -> list[list[str]]:
    return [[item["content"] for item in d.items] for d in sb.store.drafts()]


def places(root: Path, sb: SandboxServer) -> dict[str, tuple[str | None, str, int]]:
    with State.open(root / ".mdwx" / "state.db") as state:
        return {
            r.source_path: (r.media_id, r.bundle, r.bundle_index)
            for r in state.for_backend("draft").articles(sb.appid)
        }


def test_a_bundle_is_one_draft_updated_by_index_remade_when_reordered_and_sent_as_one(
    tmp_path: Path,
) -> None:
    root = bundle_site(tmp_path / "site")
    for number, name in enumerate("abcd", start=1):
        member(root, name, index=number)
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        dry_then_run(root, env, "posts/")
        assert box(sb) == [["a", "b", "c", "d"]] and count(sb, "draft/add") == 1
        [media_id] = {media for media, _, _ in places(root, sb).values()}
        assert places(root, sb)["posts/c.md"] == (media_id, "weekly", 2)

        before = contents(sb)[0]
        member(root, "b", index=2, body="An edit.")
        done = dry_then_run(root, env, "posts/b.md")  # a hook names the changed post only
        assert count(sb, "draft/update") == 1 and count(sb, "draft/add") == 1
        after = contents(sb)[0]
        assert [x == y for x, y in zip(before, after, strict=True)] == [True, False, True, True]
        assert "An edit." in after[1] and {p["media_id"] for p in done} == {media_id}

        member(root, "d", index=0)  # d becomes the 头条
        dry_then_run(root, env, "posts/d.md")
        assert box(sb) == [["d", "a", "b", "c"]]
        assert media_id not in {d.media_id for d in sb.store.drafts()}  # the old draft was deleted

        member(root, "a", bundle=None)  # a leaves the bundle: a draft of its own
        dry_then_run(root, env, "posts/")
        assert sorted(box(sb)) == [["a"], ["d", "b", "c"]]
        assert places(root, sb)["posts/a.md"][1:] == ("", 0)

        code, report = mdwx_json("send", "posts/b.md", "--yes", cwd=root, env=env)
        [sent] = report["sends"]
        assert code == 0 and sent["status"] == "sent"
        assert [Path(p).name for p in sent["paths"]] == ["d.md", "b.md", "c.md"]
        [message] = sb.store.history()
        assert [item["title"] for item in message.items] == ["d", "b", "c"]
        assert count(sb, "message/mass/sendall") == 1
        answer = httpx.post(
            f"{sb.base_url}/cgi-bin/message/mass/get",
            params={"access_token": _token(sb)},
            json={"msg_id": sent["msg_id"]},
        ).json()
        assert answer["msg_id"] == int(sent["msg_id"])


def _token(sb: SandboxServer) -> str:
    answer = httpx.get(
        f"{sb.base_url}/cgi-bin/token",
        params={"grant_type": "client_credential", "appid": sb.appid, "secret": sb.secret},
    ).json()
    return str(answer["access_token"])


def test_a_bundle_of_nine_is_refused_with_nothing_sent(tmp_path: Path) -> None:
    root = bundle_site(tmp_path / "site")
    for number in range(9):
        member(root, f"p{number}", index=number)
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        for extra in (("--dry-run",), ()):
            code, posts = publish(root, env, *extra, "posts/p3.md")
            assert code == 1 and len(posts) == 9, posts
            assert {p["error"]["code"] for p in posts} == {"bundle"}
            assert "at most 8 articles" in posts[0]["error"]["message"]
        assert [r.endpoint for r in sb.requests] == []  # not even a token
        code, report = mdwx_json("send", "posts/p0.md", "--yes", cwd=root, env=env)
        assert code != 0 and report["error"]["code"] == "bundle" and sb.requests == []


def test_the_media_backend_and_mixed_post_types_are_refused_offline(tmp_path: Path) -> None:
    media = bundle_site(tmp_path / "media", backend="media")
    member(media, "a")
    member(media, "b")
    mixed = bundle_site(tmp_path / "mixed")
    member(mixed, "a")
    member(mixed, "b", extra="type: images\n")
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        code, posts = publish(media, env, "posts/")
        assert (
            code == 1
            and "media backend publishes one article at a time" in posts[0]["error"]["message"]
        )
        code, posts = publish(mixed, env, "posts/")
        assert code == 1 and "mixes articles with image posts" in posts[0]["error"]["message"]
        # a.md says why under its own path, and where (b.md's type: images) the fault is
        assert "because of posts/b.md:3: it mixes" in posts[0]["error"]["message"]
        assert posts[0]["path"].endswith("a.md")
        assert sb.requests == []


def test_a_bundles_digests_are_dropped_with_a_warning(tmp_path: Path) -> None:
    root = bundle_site(tmp_path / "site")
    member(root, "a", index=1, extra="digest: A summary of mine\n")
    member(root, "b", index=2)
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        code, posts = publish(root, env, "posts/")
        assert code == 0
        codes = [d["code"] for d in posts[0]["diagnostics"]]
        assert "bundle-digest-dropped" in codes
        assert [item.get("digest", "") for item in sb.store.drafts()[0].items] == ["", ""]


def test_submitting_a_bundle_submits_its_one_draft_once(tmp_path: Path) -> None:
    root = bundle_site(tmp_path / "site")
    member(root, "a", index=1)
    member(root, "b", index=2)
    with sandbox(publish_seconds=0) as sb:
        env = sandbox_env(sb, tmp_path)
        code, report = mdwx_json("publish", "posts/", cwd=root, env=env)
        assert code == 0, report
        assert count(sb, "freepublish/submit") == 1 and count(sb, "draft/add") == 1
        assert {p["status"] for p in report["posts"]} <= {"submitted", "published"}
        code, again = mdwx_json("publish", "posts/", cwd=root, env=env)
        assert code == 0 and count(sb, "freepublish/submit") == 1
        assert {tuple(p["steps"]) for p in again["posts"]} == {("unchanged",)}


def test_check_refuses_what_publish_refuses_and_a_bundle_split_across_accounts(
    tmp_path: Path,
) -> None:
    big = bundle_site(tmp_path / "big")
    for number in range(9):
        member(big, f"p{number}", index=number)
    split = bundle_site(tmp_path / "split")
    (split / "mdwx.toml").write_text(
        'backend = "draft"\n[accounts.blog]\nappid = "wx0123456789abcdef"\nsecret_env = "WECHAT_APPSECRET_BLOG"\n'
        '[accounts.news]\nappid = "wxfedcba9876543210"\nsecret_env = "WECHAT_APPSECRET_NEWS"\n',
        encoding="utf-8",
    )
    member(split, "a", extra="accounts: [blog]\n")
    member(split, "b", extra="accounts: [news]\n")
    with sandbox() as sb:
        env = {
            **sandbox_env(sb, tmp_path),
            "WECHAT_APPSECRET_BLOG": "s",
            "WECHAT_APPSECRET_NEWS": "s",
        }
        code, report = mdwx_json("check", "posts/p0.md", cwd=big, env=env)
        assert code == 1 and "at most 8 articles" in report["posts"][0]["error"]["message"]
        code, report = mdwx_json("check", "posts/", cwd=split, env=env)
        assert code == 1 and "split across accounts" in report["posts"][0]["error"]["message"]
        code, posts = publish(split, env, "posts/a.md")
        assert code == 1 and {p["error"]["code"] for p in posts} == {"bundle"}
        assert sb.requests == []


def test_a_bundle_waits_for_its_latest_publish_at(tmp_path: Path) -> None:
    root = bundle_site(tmp_path / "site")
    member(root, "a", index=1)
    member(root, "b", index=2, extra="publish_at: 2099-01-01T08:00:00+08:00\n")
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        code, report = mdwx_json("publish", "posts/a.md", cwd=root, env=env)
        assert code == 0 and {p["status"] for p in report["posts"]} == {"scheduled"}
        assert count(sb, "freepublish/submit") == 0 and box(sb) == [["a", "b"]]
        code, report = mdwx_json("publish", "--due", "posts/", cwd=root, env=env)
        assert code == 0 and {p["status"] for p in report["posts"]} == {"skipped"}


def test_deleting_one_post_of_a_bundle_is_refused_before_anything_is_sent(tmp_path: Path) -> None:
    root = bundle_site(tmp_path / "site")
    member(root, "a", index=1)
    member(root, "b", index=2)
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        assert publish(root, env, "posts/")[0] == 0
        sent = len(sb.requests)
        result = mdwx("delete", "posts/b.md", "--yes", cwd=root, env=env)
        assert result.returncode == 1 and "article 2 of bundle 'weekly'" in result.stderr
        assert "Traceback" not in result.stderr
        assert len(sb.requests) == sent and box(sb) == [["a", "b"]]
