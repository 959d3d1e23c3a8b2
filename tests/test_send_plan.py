"""The whole run is planned before its first request: submits against each account's quota.

A run that would submit more articles to an account than it has left today stops with one
error naming the account, the submits planned and those left — before any upload, for
every account — and ``--dry-run`` stops alike. A hypothesis property draws sites (posts,
their accounts, backends, ``draft``/``publish_at``) and each account's count for today, and
checks the dry run and the real run against the count predicted from the posts alone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from mdwx import api
from mdwx.api.sendplan import QuotaExceeded
from mdwx.publish.state.store import WECHAT_TZ, State
from mdwx.sandbox import SandboxServer, SandboxSettings
from mdwx.wechat import MemoryTokenCache
from tests.cli_helpers import mdwx, write_post
from tests.test_check_equals_publish import cli_env, rows, two_account_site

LIMIT = 200  # the media API's daily submissions (docs/wechat/media-api.md)
AHEAD = "publish_at: 2999-01-01T00:00:00+08:00\n"


@pytest.fixture(scope="module")
def accounts() -> Iterator[tuple[SandboxServer, SandboxServer]]:
    # The sandboxes' own cap is lifted: the property submits hundreds of articles in all.
    blog = SandboxSettings(
        appid="wx00000000000000c1",
        secret="blog-secret-0123456789abcdef0c",
        review_seconds=0.05,
        daily_submit_limit=10**6,
    )
    news = SandboxSettings(
        appid="wx00000000000000c2",
        secret="news-secret-0123456789abcdef0d",
        review_seconds=0.05,
        daily_submit_limit=10**6,
    )
    with SandboxServer(blog) as one, SandboxServer(news) as two:
        yield one, two


def set_used(state_path: Path, appid: str, count: int) -> None:
    """Today's submission count of ``appid`` in the state, for today and tomorrow (Beijing
    time): a run that crosses WeChat's midnight meanwhile sees the same count."""
    State.open(state_path).close()  # the schema
    today = dt.datetime.now(WECHAT_TZ).date()
    with sqlite3.connect(state_path) as conn:
        for day in (today, today + dt.timedelta(days=1)):
            conn.execute(
                "INSERT OR REPLACE INTO submissions (appid, day, count) VALUES (?, ?, ?)",
                (appid, day.isoformat(), count),
            )
    conn.close()


def sent(blog: SandboxServer, news: SandboxServer) -> tuple[int, int]:
    """(requests, articles and drafts) the two accounts have seen."""
    return len(blog.requests) + len(news.requests), rows(blog) + rows(news)


def test_a_run_over_one_accounts_quota_sends_nothing_to_any_account(
    tmp_path: Path, accounts: tuple[SandboxServer, SandboxServer]
) -> None:
    blog, news = accounts
    site = two_account_site(tmp_path / "site", blog, news)
    for name in "abc":
        write_post(
            site / "posts" / f"{name}.md", title=f"Post {name}", extra="accounts: [blog, news]\n"
        )
    set_used(site / ".mdwx" / "state.db", news.appid, LIMIT - 1)
    env = cli_env(
        tmp_path, blog, news, WECHAT_APPSECRET_BLOG=blog.secret, WECHAT_APPSECRET_NEWS=news.secret
    )
    before = sent(blog, news)
    for extra in ([], ["--dry-run"], ["--json"]):
        run = mdwx("publish", "posts", *extra, cwd=site, env=env)
        assert run.returncode == 1, (extra, run.stdout, run.stderr)
        assert run.stderr.count("\n") <= 2 and "Traceback" not in run.stderr, run.stderr
        assert (
            f"account 'news' (AppID {news.appid}): this run would submit 3 articles but 1 of today's "
            f"200 submissions is left (199 used); nothing was sent"
        ) in run.stderr, run.stderr
        assert sent(blog, news) == before  # not a token, not an upload, not a draft
    # The failed run is remembered, so the next push through a hook retries it.
    status = mdwx("status", "posts", cwd=site, env=env)
    assert "failed, will retry" in status.stderr and "would submit 3 articles" in status.stderr
    # Uploading without submitting plans no submit: it goes through.
    assert mdwx("publish", "posts", "--draft", cwd=site, env=env).returncode == 0
    assert rows(blog) + rows(news) == before[1] + 6
    # One account's run is judged by that account's quota only.
    blog_only = mdwx("publish", "posts", "--account", "blog", cwd=site, env=env)
    assert blog_only.returncode == 0, blog_only.stderr


def test_forced_submitted_posts_count_only_when_changed(
    tmp_path: Path, accounts: tuple[SandboxServer, SandboxServer]
) -> None:
    """``--force`` resubmits a submitted post only if it changed: planned as the dry run plans it."""
    blog, news = accounts
    site = two_account_site(tmp_path / "site", blog, news)
    posts = [
        write_post(site / "posts" / f"{n}.md", title=f"Post {n}", extra="accounts: [news]\n")
        for n in "ab"
    ]
    env = cli_env(tmp_path, blog, news, WECHAT_APPSECRET_NEWS=news.secret)
    assert mdwx("publish", "posts", cwd=site, env=env).returncode == 0
    set_used(site / ".mdwx" / "state.db", news.appid, LIMIT - 1)
    before = sent(blog, news)
    unchanged = mdwx("publish", "posts", "--force", cwd=site, env=env)
    assert unchanged.returncode == 0 and "2 unchanged" in unchanged.stderr, unchanged.stderr
    assert sent(blog, news)[1] == before[1]
    for post in posts:
        post.write_text(post.read_text("utf-8") + "\nMore text.\n", encoding="utf-8")
    for extra in (["--dry-run"], []):
        run = mdwx("publish", "posts", "--force", *extra, cwd=site, env=env)
        assert run.returncode == 1 and "would submit 2 articles but 1 of today's" in run.stderr, (
            run.stderr
        )
    assert sent(blog, news)[1] == before[1]
    posts[1].write_text(posts[1].read_text("utf-8").replace("\nMore text.\n", ""), encoding="utf-8")
    assert (
        mdwx("publish", "posts", "--force", cwd=site, env=env).returncode == 0
    )  # one changed: 1 ≤ 1


@dataclass(frozen=True)
class Case:
    """Drawn posts (each: its accounts, and how it is held back) and each account's count."""

    posts: tuple[tuple[tuple[str, ...], str], ...]  # (accounts, "" | "draft" | "ahead")
    backends: tuple[str | None, str | None]  # blog's, news's (None: the site's, media)
    left: tuple[int, int]  # submissions left today: blog, news
    draft_run: bool


cases = st.builds(
    Case,
    posts=st.lists(
        st.tuples(
            st.sampled_from([("blog",), ("news",), ("blog", "news")]),
            st.sampled_from(["", "", "", "draft", "ahead"]),
        ),
        min_size=1,
        max_size=4,
    ).map(tuple),
    backends=st.tuples(
        st.sampled_from([None, None, "draft"]), st.sampled_from([None, None, "draft"])
    ),
    left=st.tuples(st.integers(0, 4), st.integers(0, 4)),
    draft_run=st.sampled_from([False, False, False, True]),
)


def make_site(root: Path, case: Case, blog: SandboxServer, news: SandboxServer) -> None:
    two_account_site(root, blog, news)
    text = (root / "mdwx.toml").read_text("utf-8")
    for name, backend in zip(("blog", "news"), case.backends, strict=True):
        if backend:
            text = text.replace(
                f"[accounts.{name}]\n", f'[accounts.{name}]\nbackend = "{backend}"\n'
            )
    (root / "mdwx.toml").write_text(text, encoding="utf-8")
    for index, (listed, held) in enumerate(case.posts):
        extra = (
            f"accounts: [{', '.join(listed)}]\n"
            + {"": "", "draft": "draft: true\n", "ahead": AHEAD}[held]
        )
        write_post(root / "posts" / f"p{index}.md", title=f"Post {index}", extra=extra)
    for server, left in zip((blog, news), case.left, strict=True):
        set_used(root / ".mdwx" / "state.db", server.appid, LIMIT - left)


def over_quota(case: Case) -> str | None:
    """The first account (in the order the run meets them) whose planned submits exceed what is left."""
    if case.draft_run:
        return None
    planned = {"blog": 0, "news": 0}
    for listed, held in case.posts:
        for name in listed:
            planned[name] += held == ""
    order = dict.fromkeys(name for listed, _ in case.posts for name in listed)
    capped = {"blog": case.backends[0] is None, "news": case.backends[1] is None}
    left = dict(zip(("blog", "news"), case.left, strict=True))
    return next((n for n in order if capped[n] and planned[n] > left[n]), None)


def outcome(run: object) -> tuple[int, str]:
    try:
        report = run()  # type: ignore[operator]
    except QuotaExceeded as exc:
        return 1, str(exc)
    assert not [p.error for p in report.posts if p.error], report.posts
    return 0, ""


@settings(max_examples=8)
@given(case=cases)
def test_dry_run_and_publish_refuse_exactly_the_runs_over_an_accounts_quota(
    accounts: tuple[SandboxServer, SandboxServer], case: Case
) -> None:
    blog, news = accounts
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "site"
        make_site(root, case, blog, news)
        options = api.Options(
            accounts={
                "blog": api.Credentials(secret=blog.secret),
                "news": api.Credentials(secret=news.secret),
            },
            token_cache=MemoryTokenCache(),
            draft=case.draft_run,
            poll_interval=0.02,
            allow_api_base=(blog.base_url, news.base_url),
        )
        before = sent(blog, news)
        dry = outcome(
            lambda: api.publish(root / "posts", dataclasses.replace(options, dry_run=True))
        )
        assert sent(blog, news) == before
        real = outcome(lambda: api.publish(root / "posts", options))
        assert dry == real, (case, dry, real)
        refused = over_quota(case)
        event("refused" if refused else "sent")
        assert real[0] == (1 if refused else 0), (case, real)
        if refused:
            assert f"account {refused!r}" in real[1] and "nothing was sent" in real[1]
            assert sent(blog, news) == before


def test_too_many_video_tags_in_the_sites_config_stop_check_offline(tmp_path: Path) -> None:
    """``[video] tags`` was judged only by the video upload, after the post's pictures went."""
    (tmp_path / "mdwx.toml").write_text(
        '[video]\ntags = ["a", "b", "c", "d", "e", "f"]\n', encoding="utf-8"
    )
    post = write_post(tmp_path / "p.md")
    run = mdwx("check", str(post), cwd=tmp_path)
    assert (
        run.returncode == 2
        and "mdwx.toml:2: video.tags has 6 tags; WeChat takes at most 5" in run.stderr
    ), run.stderr


def test_a_post_whose_article_is_ambiguous_for_one_account_is_sent_to_none(
    tmp_path: Path, accounts: tuple[SandboxServer, SandboxServer]
) -> None:
    """Which article a post is was decided account by account while sending: blog got the post,
    then news refused it. It is part of the plan now."""
    import hashlib

    blog, news = accounts
    site = two_account_site(tmp_path / "site", blog, news)
    post = write_post(site / "posts" / "new.md", title="Moved", extra="accounts: [blog, news]\n")
    digest = hashlib.sha256(post.read_bytes()).hexdigest()
    with State.open(site / ".mdwx" / "state.db") as state:
        media = state.for_backend("media")
        for gone in ("posts/gone1.md", "posts/gone2.md"):  # two earlier articles of the same text
            media.begin_upload(news.appid, gone, title="Moved", content_hash="h")
            media.record_uploaded(news.appid, gone, f"media-{gone}", "h", "Moved")
            media.set_identity(news.appid, gone, source_hash=digest, post_key="")
    options = api.Options(
        accounts={
            "blog": api.Credentials(secret=blog.secret),
            "news": api.Credentials(secret=news.secret),
        },
        token_cache=MemoryTokenCache(),
        allow_api_base=(blog.base_url, news.base_url),
    )
    before = sent(blog, news)
    for dry_run in (True, False):
        report = api.publish(post, dataclasses.replace(options, dry_run=dry_run))
        assert [r.account for r in report.posts] == ["blog", "news"]
        assert all(
            r.error is not None and "matches several earlier articles" in str(r.error)
            for r in report.posts
        )
        assert sent(blog, news) == before
