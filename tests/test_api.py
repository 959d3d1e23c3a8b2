"""The library API (``mdwx.api``): in-memory posts checked, built and published to the sandbox.

The script-like test uses nothing but ``mdwx.api`` and ``SandboxServer``; the others pin
what a plugin relies on: text and file posts read alike, ``meta`` overrides front matter,
the sync wrappers and the event loop, JSON shapes equal to the CLI's, and the example in
docs/architecture.md running as written.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import re
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx import api
from mdwx.config import SiteConfig
from mdwx.errors import ArticleError
from mdwx.sandbox import SandboxServer, SandboxSettings
from mdwx.source.article import read_article, read_article_text
from mdwx.wechat import MemoryTokenCache
from tests.hang import HANG_SECONDS
from tests.publish_helpers import png_bytes

REPO = Path(__file__).resolve().parents[1]
FAST = SandboxSettings(review_seconds=0.05, video_review_seconds=0.05)


def sandbox_options(sb: SandboxServer, **changes: Any) -> api.Options:
    return api.Options(
        credentials=api.Credentials(sb.appid, sb.secret),
        api_base=sb.base_url,
        token_cache=MemoryTokenCache(),
        **changes,
    )


def test_a_script_checks_builds_and_publishes_in_memory_posts_with_only_the_api(
    tmp_path: Path,
) -> None:
    site = tmp_path / "site"
    (site / "posts").mkdir(parents=True)
    (site / "mdwx.toml").write_text('author = "Site"\n', encoding="utf-8")
    (site / "posts" / "pic.png").write_bytes(png_bytes())
    posts = [
        api.Post(
            '---\ntitle: From front matter\n---\n\nFirst ![a](pic.png "A picture")\n',
            path=site / "posts" / "first.md",
            meta={"title": "Title from meta", "author": "Meta"},
        ),
        api.Post(
            "# Second\n\nBody with `code` and a [link](https://example.com).\n",
            path=site / "posts" / "second.md",
        ),
    ]
    with SandboxServer(FAST) as sb:
        options = sandbox_options(sb, wait=True, out_dir=tmp_path / "out")
        checked = api.check(posts, options)
        assert checked.ok and [r.title for r in checked.posts] == ["Title from meta", "Second"]
        built = api.build(posts, options)
        content = (tmp_path / "out" / "first" / "content.html").read_text("utf-8")
        assert built.ok and "First" in content and "pic.png" in content
        report = api.publish(posts, options)
        assert report.ok, [str(r.error) for r in report.posts]
        assert [r.status for r in report.posts] == ["published", "published"]
        assert all(r.url and r.url.startswith(sb.base_url) for r in report.posts)
        titles = sorted(a.article["title"] for a in sb.store.articles())
        assert titles == ["Second", "Title from meta"]
        assert {a.article["author"] for a in sb.store.articles()} == {"Meta", "Site"}
        assert (site / ".mdwx" / "state.db").is_file()  # the path's site keeps the state
        # The same posts again: nothing to send; the file posts keep their identity.
        again = api.publish(posts, options)
        assert [r.steps for r in again.posts] == [["unchanged"], ["unchanged"]]
        status = api.status(posts, options)
        assert [row.status for row in status.posts] == ["published", "published"]
        assert status.posts[0].live == "发布成功"


def test_a_file_post_and_the_same_text_in_memory_are_one_article(tmp_path: Path) -> None:
    text = "---\ntitle: Same\n---\n\nOne body.\n"
    post_file = tmp_path / "posts" / "same.md"
    post_file.parent.mkdir()
    with SandboxServer(FAST) as sb:
        options = sandbox_options(sb, wait=True)
        first = api.publish(api.Post(text, path=post_file), options)
        post_file.write_text(text, encoding="utf-8")
        second = api.publish(post_file, options)
        assert first.posts[0].media_id == second.posts[0].media_id
        assert second.posts[0].steps == ["unchanged"] and len(sb.store.articles()) == 1


#: Credentials a dry run finds present (it fetches no token with them).
PRESENT = api.Credentials(appid="wx0123456789abcdef", secret="dry-run-secret")


def test_results_serialise_to_the_clis_json_shapes(tmp_path: Path) -> None:
    post = api.Post("# T\n\nbody\n", path=tmp_path / "t.md")
    report = api.check(post)
    assert list(report.to_json()) == ["posts"]
    assert list(report.to_json()["posts"][0]) == [
        "path",
        "title",
        "slug",
        "ok",
        "content_chars",
        "content_bytes",
        "warnings",
        "outputs",
        "error",
        "diagnostics",
    ]
    dry = api.publish(post, api.Options(dry_run=True, credentials=PRESENT))
    assert dry.ok and dry.posts[0].status == "dry-run"
    assert list(dry.to_json()["posts"][0]) == [
        "path",
        "title",
        "media_id",
        "status",
        "url",
        "uploads",
        "actions",
        "steps",
        "warnings",
        "error",
        "diagnostics",
    ]
    json.dumps(dry.to_json(), ensure_ascii=False)
    status = api.status(post)
    assert status.to_json() == {
        "posts": [
            {
                "path": str(tmp_path / "t.md"),
                "status": "not published",
                "recorded": True,
                "media_id": None,
                "url": None,
                "live": None,
                "error": None,
                "renamed_from": None,
                "superseded": [],
            }
        ]
    }


def test_sync_wrappers_refuse_a_running_loop_and_work_from_a_thread(tmp_path: Path) -> None:
    post = api.Post("# T\n\nbody\n", path=tmp_path / "t.md")

    async def inside() -> api.StatusReport:
        with pytest.raises(api.RunningLoopError, match=r"await mdwx\.api\.aio\.status"):
            api.status(post)
        return await api.aio.status(post)

    assert asyncio.run(inside()).posts[0].status == "not published"
    results: list[Any] = []
    thread = threading.Thread(
        target=lambda: results.append(
            api.publish(post, api.Options(dry_run=True, credentials=PRESENT))
        )
    )
    thread.start()
    thread.join(timeout=HANG_SECONDS)
    assert results and results[0].posts[0].status == "dry-run"


def test_an_in_memory_post_needs_a_path_to_be_published_but_not_to_be_checked() -> None:
    post = api.Post("# Hello\n\nbody\n")
    assert api.check(post).ok
    with pytest.raises(api.ConfigError, match="needs a path to publish"):
        api.publish(post, api.Options(dry_run=True))


def test_errors_in_meta_name_the_post_and_keep_validation(tmp_path: Path) -> None:
    path = tmp_path / "p.md"
    report = api.check(
        api.Post("---\ntitle: ok\n---\n\nbody\n", path=path, meta={"title": "x" * 65})
    )
    error = report.posts[0].error
    assert isinstance(error, ArticleError) and error.path == str(path) and error.line is None
    assert "title is 65 characters" in error.message
    report = api.check(api.Post("---\ntitle: [\n---\n\nbody\n", path=path))
    assert report.posts[0].error is not None and report.posts[0].error.line == 2


def test_credentials_never_show_their_secrets() -> None:
    credentials = api.Credentials("wx0123456789abcdef", "APP-SECRET-VALUE", "TOKEN-VALUE")
    assert "APP-SECRET-VALUE" not in repr(credentials) and "TOKEN-VALUE" not in repr(credentials)
    assert "APP-SECRET-VALUE" not in repr(api.Options(credentials=credentials))
    assert api.Credentials.from_env(
        {"WECHAT_APPID": "wx1", "WECHAT_APPSECRET": ""}
    ) == api.Credentials("wx1")


def test_import_mdwx_and_mdwx_api_stay_light_and_reexport_lazily() -> None:
    code = (
        "import sys, mdwx; assert 'mdwx.api' not in sys.modules and 'httpx' not in sys.modules; "
        "assert mdwx.Post is mdwx.api.Post and mdwx.check is mdwx.api.check; "
        "assert 'httpx' not in sys.modules and 'mdwx.publish.publisher' not in sys.modules; "
        "assert mdwx.api.Events.__module__ == 'mdwx.publish.results'; "
        "import mdwx.publish; assert mdwx.publish.__name__ == 'mdwx.publish'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_the_plugin_example_in_the_architecture_doc_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (REPO / "docs" / "architecture.md").read_text("utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) == 1 and "api.publish" in blocks[0] and "SandboxServer" in blocks[0]
    assert len(blocks[0].strip().splitlines()) <= 20
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(blocks[0], "docs/architecture.md", "exec"), {"__name__": "example"})  # noqa: S102
    status, url = out.getvalue().split()
    assert status == "published" and url.startswith("http://127.0.0.1:")


# -- reading from text is reading the file ---------------------------------------------------

_values = st.one_of(
    st.text(max_size=80),
    st.integers(),
    st.booleans(),
    st.none(),
    st.lists(st.text(max_size=8), max_size=6),
)
_keys = st.sampled_from(
    [
        "title",
        "author",
        "digest",
        "slug",
        "draft",
        "comments",
        "cover",
        "id",
        "source_url",
        "show_cover_pic",
        "video",
        "unknown",
    ]
)
_bodies = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)


def _post_text(front: dict[str, Any] | None, body: str, raw_front: str | None) -> str:
    if raw_front is not None:
        return f"---\n{raw_front}\n---\n{body}"
    if front is None:
        return body
    lines = "".join(
        f"{key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in front.items()
    )
    return f"---\n{lines}---\n{body}"


def _outcome(call: Any) -> Any:
    try:
        return call()
    except ArticleError as exc:
        return ("error", exc.message, exc.path, exc.line, exc.hint)


@settings(max_examples=120)
@given(
    front=st.none() | st.dictionaries(_keys, _values, max_size=5),
    body=_bodies,
    raw_front=st.none() | st.text(max_size=40),
    newline=st.sampled_from(["\n", "\r\n"]),
    meta=st.dictionaries(_keys, _values, max_size=3),
)
def test_a_post_read_from_text_is_the_post_read_from_its_file(
    tmp_path: Path, front: Any, body: str, raw_front: str | None, newline: str, meta: dict[str, Any]
) -> None:
    text = _post_text(front, body, raw_front).replace("\n", newline)
    path = tmp_path / "post.md"
    path.write_bytes(text.encode("utf-8"))
    config = SiteConfig(root=tmp_path)
    assert _outcome(lambda: read_article_text(text, path, config)) == _outcome(
        lambda: read_article(path, config)
    )
    # meta: the same as writing those keys into the front matter, except that errors name no line.
    merged = _outcome(lambda: read_article_text(text, path, config, meta))
    if meta and isinstance(merged, tuple):
        assert merged[2] == str(path)
    elif meta and front is not None and raw_front is None:
        combined = _outcome(
            lambda: read_article_text(_post_text({**front, **meta}, body, None), path, config)
        )
        if isinstance(
            combined, tuple
        ):  # YAML could not hold a value that meta can: nothing to compare
            return
        assert (
            merged.title,
            merged.author,
            merged.digest,
            merged.slug,
            merged.draft,
            merged.body,
        ) == (
            combined.title,
            combined.author,
            combined.digest,
            combined.slug,
            combined.draft,
            combined.body,
        )


def test_the_environment_is_read_at_the_boundary_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mdwx.api.aio import site_posts
    from mdwx.cli.main import options_from_env

    state = tmp_path / "elsewhere" / "state.db"
    monkeypatch.setenv("MDWX_STATE", str(state))
    monkeypatch.setenv("MDWX_API_BASE", "http://127.0.0.1:9/relay")
    assert SiteConfig(root=tmp_path).state_path == tmp_path / ".mdwx" / "state.db"
    assert SiteConfig(root=tmp_path).api_base == "https://api.weixin.qq.com"
    options = options_from_env()
    (post,) = site_posts(api.Post("# T\n\nbody\n", path=tmp_path / "t.md"), options)
    assert post.config.state_path == state and post.config.api_base == "http://127.0.0.1:9/relay"
    (plain,) = site_posts(api.Post("# T\n\nbody\n", path=tmp_path / "t.md"), api.Options())
    assert plain.config.state_path == tmp_path / ".mdwx" / "state.db"


def test_delete_asks_the_confirm_callback_before_sending_anything(tmp_path: Path) -> None:
    post = api.Post("# Gone soon\n\nbody\n", path=tmp_path / "gone.md")
    with SandboxServer(FAST) as sb:
        options = sandbox_options(sb, draft=True)
        media_id = api.publish(post, options).posts[0].media_id
        asked: list[api.DeleteTarget] = []
        kept = api.delete(post, options, confirm=lambda target: bool(asked.append(target)))
        assert not kept.deleted and len(sb.store.articles()) == 1
        assert (
            asked[0].media_id == media_id
            and asked[0].title == "Gone soon"
            and not asked[0].superseded
        )
        gone = api.delete(post, options, confirm=lambda target: True)
        assert gone.to_json() == {
            "path": str(tmp_path / "gone.md"),
            "media_id": media_id,
            "deleted": True,
            "already_deleted": False,
        }
        again = api.delete(post, options, confirm=lambda target: pytest.fail("asked again"))
        assert again.already_deleted and api.status(post, options).posts[0].status == "deleted"
        with pytest.raises(api.MdwxError, match="is not one of this post's articles"):
            api.delete(post, options, article="nope")


def test_the_draft_backend_through_the_api(tmp_path: Path) -> None:
    post = api.Post("# Via the draft box\n\nbody\n", path=tmp_path / "draft-box.md")
    with SandboxServer(SandboxSettings(review_seconds=0.05, publish_seconds=0)) as sb:
        options = sandbox_options(sb, wait=True, backend="draft")
        report = api.publish(post, options)
        assert report.ok and report.posts[0].status == "published", report.to_json()
        row = api.status(post, options).posts[0]
        assert row.status == "published" and row.error is None
        assert (
            api.status(post, sandbox_options(sb)).posts[0].status == "not published"
        )  # media's records
        assert api.delete(post, options).deleted
