"""Scheduled publishing: front matter ``publish_at``, an injected clock, ``--due``.

Before its time a post is uploaded and held unsubmitted (``scheduled``); the first run at or
after it submits it; the dry run predicts the same; ``due`` publishes only what is due;
``status`` says what is due and when. The clock is injected, so nothing sleeps. A value
without a zone (in any form YAML gives it) is an error at its line.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx import api
from mdwx.config import SiteConfig
from mdwx.errors import ArticleError
from mdwx.publish.identity import Found
from mdwx.publish.plan import is_due, plan_post
from mdwx.publish.resolve import LoadedAsset
from mdwx.publish.state.store import State
from mdwx.sandbox import SandboxServer, SandboxSettings
from mdwx.source.article import read_article_text
from mdwx.source.posts import Post as SitePost
from mdwx.wechat import MemoryTokenCache
from tests.cli_helpers import count, mdwx, sandbox_env, write_post

UTC = dt.timezone.utc
BEIJING = dt.timezone(dt.timedelta(hours=8))
AT = dt.datetime(2026, 12, 1, 8, 0, tzinfo=BEIJING)
FAST = SandboxSettings(review_seconds=0.05, video_review_seconds=0.05)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def options_for(sb: SandboxServer, clock: Clock, **changes: Any) -> api.Options:
    return api.Options(
        credentials=api.Credentials(sb.appid, sb.secret),
        api_base=sb.base_url,
        token_cache=MemoryTokenCache(),
        now=clock,
        **changes,
    )


def test_a_post_is_a_draft_before_publish_at_and_submitted_by_the_first_run_after(
    tmp_path: Path,
) -> None:
    post = write_post(
        tmp_path / "site" / "posts" / "later.md", extra="publish_at: 2026-12-01T08:00:00+08:00\n"
    )
    (tmp_path / "site" / "mdwx.toml").write_text("", encoding="utf-8")
    clock = Clock(AT - dt.timedelta(hours=3))
    with SandboxServer(FAST) as sb:
        options = options_for(sb, clock)
        planned = api.publish(post, options_for(sb, clock, dry_run=True)).posts[0]
        assert planned.steps[-1] == f"hold until {AT.isoformat()}" and "submit" not in planned.steps
        early = api.publish(post, options).posts[0]
        assert early.status == "scheduled" and early.publish_at == AT.isoformat()
        assert early.steps[-1] == planned.steps[-1] and early.media_id
        assert count(sb, "publish/uploadnews") == 1 and count(sb, "publish/submit") == 0
        # A second early run sends nothing and still holds it.
        assert api.publish(post, options).posts[0].steps == [
            "unchanged",
            f"hold until {AT.isoformat()}",
        ]
        row = api.status(post, options).posts[0]
        assert (row.status, row.publish_at, row.due) == ("draft", AT.isoformat(), False)

        clock.now = AT.astimezone(UTC)  # exactly the time, in another zone: due
        assert api.status(post, options).posts[0].due is True
        assert api.publish(post, options_for(sb, clock, dry_run=True)).posts[0].steps == [
            "unchanged",
            "submit",
        ]
        due = api.publish(post, options).posts[0]
        assert due.status == "submitted" and due.steps == ["unchanged", "submit"]
        assert count(sb, "publish/submit") == 1 and count(sb, "publish/uploadnews") == 1
        row = api.status(post, options).posts[0]
        assert row.publish_at == AT.isoformat() and row.due is None  # submitted: no longer waiting


def test_due_publishes_only_what_is_due(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "mdwx.toml").write_text("", encoding="utf-8")
    soon = write_post(
        site / "posts" / "soon.md", title="Soon", extra=f"publish_at: '{AT.isoformat()}'\n"
    )
    later = write_post(
        site / "posts" / "later.md",
        title="Later",
        extra=f"publish_at: {(AT + dt.timedelta(days=1)).isoformat()}\n",
    )
    plain = write_post(site / "posts" / "plain.md", title="Plain")
    clock = Clock(AT + dt.timedelta(minutes=5))
    with SandboxServer(FAST) as sb:
        report = api.publish([soon, later, plain], options_for(sb, clock, due=True))
        assert [r.status for r in report.posts] == ["submitted", "skipped", "skipped"]
        assert (
            "not due until" in report.posts[1].actions[0]
            and "no publish_at" in report.posts[2].actions[0]
        )
        assert (
            report.posts[1].warnings == [] == report.posts[2].warnings
        )  # nothing said of posts left alone
        assert [a.article["title"] for a in sb.store.articles()] == ["Soon"]
        assert count(sb, "publish/submit") == 1


def test_the_cli_schedules_and_status_shows_what_is_due(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "mdwx.toml").write_text("", encoding="utf-8")
    future = (dt.datetime.now(UTC) + dt.timedelta(days=30)).replace(microsecond=0)
    write_post(site / "posts" / "later.md", extra=f"publish_at: {future.isoformat()}\n")
    with SandboxServer(FAST) as sb:
        env = sandbox_env(sb, tmp_path)
        run = mdwx("publish", "posts", cwd=site, env=env)
        assert run.returncode == 0, run.stderr
        assert "later.md: scheduled" in run.stderr and "1 scheduled" in run.stderr
        shown = mdwx("status", "posts", cwd=site, env=env)
        assert f"scheduled for {future.isoformat()} (not due yet)" in shown.stderr
        due = mdwx("publish", "--due", "posts", cwd=site, env=env)
        assert due.returncode == 0 and "skipped" in due.stderr and count(sb, "publish/submit") == 0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-12-01T08:00:00", "has no time zone"),  # YAML makes it a naive datetime
        ("'2026-12-01T08:00:00'", "has no time zone"),  # a string without a zone
        ("2026-12-01", "a date without a time and zone"),
        ("'next tuesday'", "is not an ISO 8601 time"),
        ("1764547200", "must be an ISO 8601 time, not int"),
    ],
)
def test_a_publish_at_without_a_zone_is_an_error_at_its_line(
    tmp_path: Path, value: str, message: str
) -> None:
    post = write_post(tmp_path / "p.md", extra=f"author: A\npublish_at: {value}\n")
    (tmp_path / "mdwx.toml").write_text("", encoding="utf-8")
    with pytest.raises(ArticleError, match=message) as caught:
        read_article_text(post.read_text("utf-8"), post, SiteConfig(root=tmp_path))
    assert caught.value.line == 4 and str(caught.value).startswith(f"{post}:4:")
    report = api.check(post)  # the same line from check, and publish sends nothing
    assert not report.ok and str(report.posts[0].error).startswith(f"{post}:4:")
    published = api.publish(post, api.Options(dry_run=True)).posts[0]
    assert published.error is not None and published.error.line == 4


zones = st.builds(
    lambda minutes: dt.timezone(dt.timedelta(minutes=minutes)), st.integers(-14 * 60, 14 * 60)
)
moments = st.builds(
    lambda naive, zone: naive.replace(tzinfo=zone),
    st.datetimes(min_value=dt.datetime(2000, 1, 2), max_value=dt.datetime(2099, 12, 30)),
    zones,
)


@settings(max_examples=100)
@given(moment=moments, quoted=st.booleans(), zulu=st.booleans())
def test_any_zoned_publish_at_reads_back_as_the_same_instant(
    moment: dt.datetime, quoted: bool, zulu: bool
) -> None:
    text = moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if zulu else moment.isoformat()
    value = f"'{text}'" if quoted else text
    article = read_article_text(
        f"---\npublish_at: {value}\n---\n\nBody.\n", Path("/s/p.md"), SiteConfig(root=Path("/s"))
    )
    assert article.publish_at == moment


@settings(max_examples=60)
@given(
    naive=st.datetimes(min_value=dt.datetime(2000, 1, 2), max_value=dt.datetime(2099, 12, 30)),
    quoted=st.booleans(),
)
def test_any_zoneless_publish_at_is_refused_at_its_line(naive: dt.datetime, quoted: bool) -> None:
    value = f"'{naive.isoformat()}'" if quoted else naive.isoformat()
    with pytest.raises(ArticleError) as caught:
        read_article_text(
            f"---\ntitle: T\npublish_at: {value}\n---\n\nBody.\n",
            Path("/s/p.md"),
            SiteConfig(root=Path("/s")),
        )
    assert caught.value.line == 3


PAYLOAD = {"title": "T"}


def _plan(tmp: Path, publish_at: dt.datetime, now: dt.datetime, record_draft: bool) -> Any:
    from mdwx.document import Asset, AssetKind
    from mdwx.publish.plan import payload_hash

    post = SitePost(tmp / "p.md", SiteConfig(root=tmp), text="x")
    with State.open(tmp / "state.db") as state:
        found = Found(None)
        assets = [
            LoadedAsset(
                Asset("k", AssetKind.IMAGE, "cover.png", 1, "", False, None), "cover", "hash"
            )
        ]
        if record_draft:  # an uploaded, unchanged draft: only the submit is left to decide
            digest = payload_hash(PAYLOAD)
            state.begin_upload("wx1", "p.md", title="T", content_hash=digest)
            state.record_uploaded("wx1", "p.md", "m1", digest, "T")
            found = Found(state.article("wx1", "p.md"))
            assets[0].cached_url, assets[0].cached_media_id = "u", "thumb"
        return asyncio.run(
            plan_post(
                state,
                "wx1",
                post,
                assets,
                found,
                draft=False,
                force=False,
                payload=lambda resolved: PAYLOAD,
                publish_at=publish_at,
                now=now,
            )
        )


@settings(max_examples=60)
@given(
    publish_at=moments,
    offset=st.one_of(st.integers(-3, 3), st.integers(-(10**9), 10**9)),
    micro=st.integers(-1, 1),
    zone=zones,
    record_draft=st.booleans(),
)
def test_the_plan_submits_iff_now_is_at_or_after_publish_at(
    tmp_path_factory: Any,
    publish_at: dt.datetime,
    offset: int,
    micro: int,
    zone: dt.timezone,
    record_draft: bool,
) -> None:
    # Around the instant (seconds and microseconds either side, in any zone) and far from it.
    now = (publish_at + dt.timedelta(seconds=offset, microseconds=micro)).astimezone(zone)
    plan = _plan(tmp_path_factory.mktemp("plan"), publish_at, now, record_draft)
    assert plan.submit == (now >= publish_at) == is_due(publish_at, now)
    assert plan.held == (now < publish_at)
    assert ("submit" in plan.steps) == (now >= publish_at)
    assert plan.article == ("unchanged" if record_draft else "uploadnews")
