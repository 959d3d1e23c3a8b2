"""The state database: schema, migrations, each table's round trip, concurrency, no secrets."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from mdwx.errors import StateError
from mdwx.publish.state.store import SCHEMA_VERSION, State

APPID = "wx0000000000000001"
OTHER = "wx0000000000000002"


class Clock:
    """A settable clock so tests can cross WeChat's midnight without waiting for it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / ".mdwx" / "state.db"


@pytest.fixture
def state(db_path: Path):
    with State.open(db_path) as opened:
        yield opened


def test_open_creates_folder_schema_and_wal(db_path: Path) -> None:
    with State.open(db_path) as state:
        assert state.schema_version == SCHEMA_VERSION
    assert db_path.is_file()
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    finally:
        conn.close()
    assert {"uploads", "videos", "articles", "submissions"} <= tables


def test_reopening_keeps_data(db_path: Path) -> None:
    with State.open(db_path) as state:
        state.record_upload(APPID, "h1", "body", url="https://mmbiz/1", size=10)
    with State.open(db_path) as state:
        record = state.lookup_upload(APPID, "h1", "body")
    assert record is not None and record.url == "https://mmbiz/1"


def test_database_from_newer_mdwx_is_refused(db_path: Path) -> None:
    State.open(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(StateError, match="newer") as info:
        State.open(db_path)
    assert "upgrade mdwx" in str(info.value)


def test_corrupt_file_is_a_state_error_with_hint(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"this is not sqlite at all" * 200)
    with pytest.raises(StateError, match="not an mdwx state database") as info:
        State.open(db_path)
    # Not SQLite at all: nothing to salvage, so no recovery is offered (it would replace the file).
    assert "state recover" not in str(info.value) and "restore it from a backup" in str(info.value)
    assert str(db_path) in str(info.value)


def test_schema_has_no_place_for_secrets(state: State, db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    try:
        tables = [
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        columns = [
            column[1].lower()
            for table in tables
            for column in conn.execute(f"PRAGMA table_info({table})")
        ]
    finally:
        conn.close()
    assert columns
    for forbidden in ("token", "secret", "password", "credential"):
        assert not [name for name in columns if forbidden in name]


def test_upload_round_trip_and_kinds(state: State) -> None:
    assert state.lookup_upload(APPID, "abc", "cover") is None
    state.record_upload(APPID, "abc", "cover", url="http://mmbiz/c", media_id="M1", size=2048)
    record = state.lookup_upload(APPID, "abc", "cover")
    assert record is not None
    assert (record.url, record.media_id, record.size) == ("http://mmbiz/c", "M1", 2048)
    assert datetime.fromisoformat(record.created_at).tzinfo is not None
    # the same source bytes as a body image are a different upload
    assert state.lookup_upload(APPID, "abc", "body") is None
    with pytest.raises(ValueError):
        state.record_upload(APPID, "abc", "thumbnail", url="x", size=1)


def test_rows_of_one_appid_are_invisible_to_another(state: State) -> None:
    state.record_upload(APPID, "abc", "body", url="u", size=1)
    state.start_video(APPID, "s1", vid="wxv_1", filename="a.mp4", filesize=5)
    state.begin_upload(APPID, "posts/a.md", title="A", content_hash="c")
    state.record_submission(APPID)
    assert state.lookup_upload(OTHER, "abc", "body") is None
    assert state.video(OTHER, "s1") is None
    assert state.article(OTHER, "posts/a.md") is None
    assert state.articles(OTHER) == []
    assert state.count_submissions_today(OTHER) == 0


def test_video_progress_round_trip(state: State) -> None:
    state.start_video(APPID, "sha", vid="wxv_1", filename="clip.mp4", filesize=3_000_000)
    state.confirm_block(APPID, "sha", 1)
    state.confirm_block(APPID, "sha", 2)
    state.confirm_block(APPID, "sha", 2)  # a repeated confirmation changes nothing
    record = state.video(APPID, "sha")
    assert record is not None
    assert (record.vid, record.blocks_confirmed, record.finished) == ("wxv_1", 2, False)
    state.finish_video(APPID, "sha")
    state.set_video_media_id(APPID, "sha", "MEDIA")
    state.set_video_status(APPID, "sha", 3, "check pass")
    record = state.video(APPID, "sha")
    assert record is not None
    assert (record.finished, record.media_id, record.status, record.wording) == (
        True,
        "MEDIA",
        3,
        "check pass",
    )


def test_confirmed_blocks_stay_contiguous(state: State) -> None:
    state.start_video(APPID, "sha", vid="wxv_1", filename="clip.mp4", filesize=5_000_000)
    state.confirm_block(APPID, "sha", 1)
    with pytest.raises(StateError, match="block 3"):
        state.confirm_block(APPID, "sha", 3)
    assert state.video(APPID, "sha").blocks_confirmed == 1  # type: ignore[union-attr]


def test_restarting_and_resetting_a_video_forget_progress(state: State) -> None:
    state.start_video(APPID, "sha", vid="wxv_1", filename="clip.mp4", filesize=5)
    state.confirm_block(APPID, "sha", 1)
    state.start_video(APPID, "sha", vid="wxv_2", filename="clip.mp4", filesize=5)
    record = state.video(APPID, "sha")
    assert record is not None and (record.vid, record.blocks_confirmed) == ("wxv_2", 0)
    state.reset_video(APPID, "sha")
    assert state.video(APPID, "sha") is None
    with pytest.raises(StateError):
        state.finish_video(APPID, "sha")


def test_article_lifecycle(state: State) -> None:
    state.begin_upload(APPID, "posts/a.md", title="Hello", content_hash="h1")
    record = state.article(APPID, "posts/a.md")
    assert record is not None and (record.status, record.media_id) == ("uploading", None)
    state.record_uploaded(APPID, "posts/a.md", "MID", "h1", "Hello")
    assert state.article(APPID, "posts/a.md").status == "draft"  # type: ignore[union-attr]
    state.begin_submit(APPID, "posts/a.md")
    assert state.article(APPID, "posts/a.md").status == "submitting"  # type: ignore[union-attr]
    state.record_submitted(APPID, "posts/a.md")
    record = state.article(APPID, "posts/a.md")
    assert record is not None and record.status == "submitted" and record.submitted_at
    state.record_status(APPID, "posts/a.md", "published", url="https://mp.weixin.qq.com/s/x")
    record = state.article(APPID, "posts/a.md")
    assert record is not None
    assert (record.status, record.url, record.media_id) == (
        "published",
        "https://mp.weixin.qq.com/s/x",
        "MID",
    )
    assert record.published_at is not None
    state.mark_deleted(APPID, "posts/a.md")
    assert state.article(APPID, "posts/a.md").status == "deleted"  # type: ignore[union-attr]


def test_new_upload_keeps_previous_media_id_until_recorded(state: State) -> None:
    state.begin_upload(APPID, "a.md", title="A", content_hash="h1")
    state.record_uploaded(APPID, "a.md", "OLD", "h1", "A")
    state.begin_upload(APPID, "a.md", title="A2", content_hash="h2")
    record = state.article(APPID, "a.md")
    assert record is not None
    assert (record.status, record.media_id, record.content_hash) == ("uploading", "OLD", "h2")


def test_article_updates_need_a_record_and_a_known_status(state: State) -> None:
    with pytest.raises(StateError, match="no record"):
        state.begin_submit(APPID, "missing.md")
    state.begin_upload(APPID, "a.md", title="A", content_hash="h")
    with pytest.raises(ValueError):
        state.record_status(APPID, "a.md", "lost")


def test_articles_lists_one_account_sorted(state: State) -> None:
    for path in ("b.md", "a.md"):
        state.begin_upload(APPID, path, title=path, content_hash="h")
    assert [record.source_path for record in state.articles(APPID)] == ["a.md", "b.md"]


def test_submissions_count_per_beijing_day(db_path: Path) -> None:
    # 15:59 UTC is 23:59 in Beijing; two minutes later it is the next WeChat day.
    clock = Clock(datetime(2024, 5, 1, 15, 59, tzinfo=timezone.utc))
    with State.open(db_path, clock=clock) as state:
        assert state.count_submissions_today(APPID) == 0
        state.record_submission(APPID)
        assert state.record_submission(APPID) == 2
        assert state.wechat_day() == "2024-05-01"
        clock.now += timedelta(minutes=2)
        assert state.wechat_day() == "2024-05-02"
        assert state.count_submissions_today(APPID) == 0
        state.record_submission(APPID)
        assert state.count_submissions_today(APPID) == 1


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from mdwx.publish.state.store import State

    with State.open(Path(sys.argv[1])) as state:
        for index in range(int(sys.argv[2])):
            state.record_upload("wx1", f"hash{index}", "body", url=f"u{index}", size=index)
            state.record_submission("wx1")
    """
)


def test_two_processes_share_the_database_without_lock_errors(db_path: Path) -> None:
    rows = 300
    State.open(db_path).close()
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(db_path), str(rows)]) for _ in range(2)
    ]
    with State.open(db_path) as reader:
        # read and write while the other processes write; none may see "database is locked"
        while any(writer.poll() is None for writer in writers):
            reader.lookup_upload("wx1", "hash1", "body")
            reader.record_upload("wx2", "mine", "cover", url="m", size=1)
            reader.count_submissions_today("wx1")
        assert [writer.wait() for writer in writers] == [0, 0]
        assert reader.count_submissions_today("wx1") == 2 * rows
        assert reader.lookup_upload("wx1", f"hash{rows - 1}", "body") is not None


def test_one_state_serves_many_threads(state: State) -> None:
    # the publisher may call the state from asyncio.to_thread workers
    def work(index: int) -> None:
        state.record_upload(APPID, f"h{index}", "body", url=f"u{index}", size=index)
        state.record_submission(APPID)
        assert state.lookup_upload(APPID, f"h{index}", "body") is not None

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(work, range(200)))
    assert state.count_submissions_today(APPID) == 200
