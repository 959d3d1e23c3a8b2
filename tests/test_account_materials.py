"""``mdwx materials count|list|prune`` against a sandbox over HTTP, and the prune rule as a
property over random histories: a cover still used is never deleted."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mdwx.account.materials import CLOCK_SLACK, Usage, classify, epoch, prune_plan, usage_of
from mdwx.publish.state.schema import UploadRecord
from mdwx.sandbox import SandboxServer
from tests import factories
from tests.cli_helpers import mdwx, mdwx_json, sandbox_env, write_post
from tests.factories import png_bytes
from tests.sandbox_helpers import Api


@pytest.fixture(name="site")
def site_fixture(tmp_path: Path) -> Path:
    site = factories.draft_site(tmp_path)
    for name, colour in (("one", (200, 10, 10)), ("two", (10, 200, 10))):
        write_post(site / name / "post.md", title=name.title())
        (site / name / "pic.png").write_bytes(png_bytes((900, 500), colour))
    return site


def covers(sb: SandboxServer) -> set[str]:
    return {d.items[0]["thumb_media_id"] for d in sb.store.drafts()}


def test_count_and_list_show_who_uses_each_image(
    sb: SandboxServer, site: Path, tmp_path: Path
) -> None:
    env = sandbox_env(sb, tmp_path)
    assert (
        mdwx("publish", "one/post.md", "two/post.md", "--draft", cwd=site, env=env).returncode == 0
    )
    foreign = Api(sb).cover()  # put there by another tool
    code, count = mdwx_json("materials", "count", cwd=site, env=env)
    assert code == 0 and count["counts"]["image"] == 3 and count["caps"]["image"] == 100_000
    _, listed = mdwx_json("materials", "list", cwd=site, env=env)
    rows = {r["media_id"]: r for r in listed["items"]}
    assert not rows[foreign]["uploaded_by_mdwx"] and rows[foreign]["used_by"] == []
    assert {m for m, r in rows.items() if r["used_by"]} == covers(sb)


def test_prune_deletes_only_mdwx_covers_no_article_uses(
    sb: SandboxServer, site: Path, tmp_path: Path
) -> None:
    env = sandbox_env(sb, tmp_path)
    assert (
        mdwx("publish", "one/post.md", "two/post.md", "--draft", cwd=site, env=env).returncode == 0
    )
    old = covers(sb)
    (site / "one" / "pic.png").write_bytes(png_bytes((900, 500), (10, 10, 200)))  # a new cover
    assert mdwx("publish", "one/post.md", "--draft", cwd=site, env=env).returncode == 0
    unused = old - covers(sb)
    foreign = Api(sb).cover()
    assert len(unused) == 1
    _, dry = mdwx_json("materials", "prune", cwd=site, env=env)
    assert [r["media_id"] for r in dry["prunable"]] == list(unused) and not dry["applied"]
    assert sb.store.image_by_media_id(next(iter(unused))) is not None  # a dry run deletes nothing
    _, done = mdwx_json("materials", "prune", "--yes", cwd=site, env=env)
    assert done["applied"]
    assert sb.store.image_by_media_id(next(iter(unused))) is None
    assert all(sb.store.image_by_media_id(m) for m in covers(sb) | {foreign})
    _, again = mdwx_json("materials", "prune", cwd=site, env=env)
    assert again["prunable"] == []


def test_prune_deletes_nothing_when_the_published_list_is_closed(
    sb: SandboxServer, site: Path, tmp_path: Path
) -> None:
    env = sandbox_env(sb, tmp_path)
    assert mdwx("publish", "one/post.md", "--draft", cwd=site, env=env).returncode == 0
    (site / "one" / "pic.png").write_bytes(png_bytes((900, 500), (1, 2, 3)))
    assert mdwx("publish", "one/post.md", "--draft", cwd=site, env=env).returncode == 0
    sb.configure(account_kind="unverified")  # freepublish/batchget answers 48001
    _, dry = mdwx_json("materials", "prune", "--yes", cwd=site, env=env)
    assert dry["prunable"] == [] and all(
        "could not be listed" in why for why in dry["kept"].values()
    )


def test_prune_deletes_nothing_while_media_api_articles_live(
    sb: SandboxServer, site: Path, tmp_path: Path
) -> None:
    env = sandbox_env(sb, tmp_path)
    (site / "mdwx.toml").write_text('backend = "media"\n', encoding="utf-8")
    assert mdwx("publish", "one/post.md", "--draft", cwd=site, env=env).returncode == 0
    _, dry = mdwx_json("materials", "prune", cwd=site, env=env)
    assert dry["prunable"] == [] and all("media API" in why for why in dry["kept"].values())


def test_a_quota_answer_is_an_error_line(sb: SandboxServer, site: Path, tmp_path: Path) -> None:
    sb.configure(quota_hit_at=1)
    result = mdwx("materials", "count", cwd=site, env=sandbox_env(sb, tmp_path))
    assert result.returncode == 1 and "45009" in result.stderr and "Traceback" not in result.stderr


# -- the rule over random histories ---------------------------------------------------------

EVENT = st.tuples(
    st.sampled_from(["publish", "change_cover", "delete"]), st.integers(0, 3), st.integers(0, 5)
)


@given(st.lists(EVENT, max_size=30), st.sets(st.integers(0, 5)))
def test_prune_never_deletes_a_cover_still_used(
    history: list[tuple[str, int, int]], foreign: set[int]
) -> None:
    """Posts 0–3 publish with cover c0–c5 (uploaded by mdwx once), change covers, are deleted;
    other tools' articles use covers ``foreign``. What prune picks is used by no live article."""
    uploads: dict[int, UploadRecord] = {}
    live: dict[int, int] = {}
    for event, post, cover in history:
        if event == "delete":
            live.pop(post, None)
            continue
        uploads.setdefault(
            cover,
            UploadRecord("wx", f"h{cover}", "cover", f"https://x/{cover}", f"m{cover}", 1, ""),
        )
        live[post] = cover
    articles = [(f"post {p}", {f"m{c}"}, "") for p, c in live.items()]
    articles += [("theirs", set(), f'<img src="https://x/{c}">') for c in foreign]
    prunable, kept = prune_plan(uploads.values(), usage_of(articles, uploads.values()))
    used = {f"m{c}" for c in live.values()} | {f"m{c}" for c in foreign}
    assert not {u.media_id for u in prunable} & used
    assert {u.media_id for u in prunable} | set(kept) == {u.media_id for u in uploads.values()}
    assert set(kept) == used & {u.media_id for u in uploads.values()}
    blind, _ = prune_plan(uploads.values(), Usage({}, "cannot see"))
    assert blind == []


# -- what mdwx cannot see: 群发 and the media API ---------------------------------------------


def backdate(site: Path, sb: SandboxServer, cover: str, seconds: float) -> None:
    """The send was made ``seconds`` earlier and ``cover`` uploaded an hour before it, in
    mdwx's state and on WeChat's side alike."""

    def earlier(when: str, by: float) -> str:
        return (dt.datetime.fromisoformat(when) - dt.timedelta(seconds=by)).isoformat()

    with sqlite3.connect(site / ".mdwx" / "state.db") as db:
        db.create_function("earlier", 2, earlier)
        db.execute("UPDATE mass_sends SET created_at = earlier(created_at, ?)", (seconds,))
        db.execute(
            "UPDATE uploads SET created_at = earlier(created_at, ?) WHERE media_id = ?",
            (seconds + 3600, cover),
        )
    with sb.store._tx() as db:
        db.execute(
            "UPDATE images SET created = created - ? WHERE media_id = ?", (seconds + 3600, cover)
        )


def test_a_sent_posts_cover_is_not_known_to_be_unused_and_prune_keeps_it(
    sb: SandboxServer, site: Path, tmp_path: Path
) -> None:
    env = sandbox_env(sb, tmp_path)
    assert mdwx("publish", "one/post.md", "--draft", cwd=site, env=env).returncode == 0
    [sent_cover] = covers(sb)
    assert mdwx("send", "one/post.md", "--yes", cwd=site, env=env).returncode == 0
    assert covers(sb) == set()  # the sent draft left the box: WeChat lists it nowhere now
    backdate(site, sb, sent_cover, CLOCK_SLACK * 10)  # made and sent well before what follows
    assert mdwx("publish", "two/post.md", "--draft", cwd=site, env=env).returncode == 0
    (site / "two" / "pic.png").write_bytes(png_bytes((900, 500), (7, 7, 7)))
    assert mdwx("publish", "two/post.md", "--draft", cwd=site, env=env).returncode == 0
    _, listed = mdwx_json("materials", "list", cwd=site, env=env)
    rows = {r["media_id"]: r for r in listed["items"]}
    assert rows[sent_cover]["usage"] == "unknown" and "群发" in rows[sent_cover]["why"]
    unused = {m for m, r in rows.items() if r["usage"] == "unused"}
    assert len(unused) == 1 and not unused & covers(sb)  # two's first cover, after the send
    assert {m for m, r in rows.items() if r["usage"] == "used"} == covers(sb)
    shown = mdwx("materials", "list", cwd=site, env=env)
    assert "not known to be used" in shown.stderr and "unused" in shown.stderr
    _, done = mdwx_json("materials", "prune", "--yes", cwd=site, env=env)
    assert [r["media_id"] for r in done["prunable"]] == list(unused)
    assert sb.store.image_by_media_id(sent_cover) is not None
    assert "群发" in done["kept"][sent_cover]


def test_media_api_covers_are_listed_as_not_known_to_be_used(
    sb: SandboxServer, site: Path, tmp_path: Path
) -> None:
    env = sandbox_env(sb, tmp_path)
    (site / "mdwx.toml").write_text('backend = "media"\n', encoding="utf-8")
    assert mdwx("publish", "one/post.md", "--draft", cwd=site, env=env).returncode == 0
    _, listed = mdwx_json("materials", "list", cwd=site, env=env)
    assert listed["items"] and all(r["usage"] == "unknown" for r in listed["items"])
    assert all("media API" in r["why"] for r in listed["items"])


SEEN_EVENT = st.tuples(
    st.sampled_from(["publish", "change_cover", "delete", "send"]),
    st.integers(0, 3),
    st.integers(0, 5),
)


@given(st.lists(SEEN_EVENT, max_size=30), st.sets(st.integers(0, 5)))
def test_prune_never_deletes_a_cover_an_unseen_send_may_hold(
    history: list[tuple[str, int, int]], foreign: set[int]
) -> None:
    """As above, and a post may be sent (群发): its article leaves every list WeChat gives,
    so prune sees only when the send was made. Nothing a sent, live or foreign article uses
    is ever pruned, and ``classify`` calls an upload unused only when nothing uses it."""
    uploads: dict[int, UploadRecord] = {}
    live: dict[int, int] = {}
    sends: list[tuple[float, int]] = []
    for clock, (event, post, cover) in enumerate(history):
        now = clock * 1000.0  # each step well apart from the last (more than CLOCK_SLACK)
        if event == "delete":
            live.pop(post, None)
        elif event == "send":
            if post in live:
                sends.append((now, live.pop(post)))
        else:
            made = dt.datetime.fromtimestamp(now, dt.timezone.utc).isoformat()
            uploads.setdefault(
                cover,
                UploadRecord(
                    "wx", f"h{cover}", "cover", f"https://x/{cover}", f"m{cover}", 1, made
                ),
            )
            live[post] = cover
    articles = [(f"post {p}", {f"m{c}"}, "") for p, c in live.items()]
    articles += [("theirs", set(), f'<img src="https://x/{c}">') for c in foreign]
    usage = replace(
        usage_of(articles, uploads.values()),
        unseen=tuple((when, "the 群发 of a post") for when, _ in sends),
    )
    prunable, kept = prune_plan(uploads.values(), usage)
    used = {f"m{c}" for c in live.values()} | {f"m{c}" for c in foreign}
    used |= {f"m{c}" for _, c in sends}
    assert not {u.media_id for u in prunable} & used
    assert {u.media_id for u in prunable} | set(kept) == {u.media_id for u in uploads.values()}
    for upload in uploads.values():
        verdict, _ = classify(usage, upload.media_id or "", epoch(upload.created_at))
        assert verdict != "unused" or upload.media_id not in used
        assert (verdict == "unused") == (upload in prunable)
