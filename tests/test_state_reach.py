"""The state of reaching followers (schema 5): freepublish/submit's msg_data_id kept on the
article row, 群发 sends keyed by clientmsgid with their intent, previews counted per day."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from mdwx.errors import MdwxError
from mdwx.publish.state.schema import MIGRATIONS
from mdwx.publish.state.store import State
from tests.publish_helpers import copy_site, publish, sandbox

REL = "posts/hello-mdwx.md"


def test_freepublish_msg_data_id_is_kept_on_the_article(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    with sandbox() as sb:
        publish([site / REL], sb, backend="draft")
        publications = sb.store.publications()
        assert len(publications) == 1
        with State.open(site / ".mdwx" / "state.db") as state:
            record = state.for_backend("draft").article(sb.appid, REL)
            assert record is not None and record.msg_data_id == str(publications[0].msg_data_id)


def test_a_version_4_database_migrates_keeping_its_articles(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    conn = sqlite3.connect(path)
    for migration in MIGRATIONS[:4]:
        conn.executescript(migration)
    conn.execute(
        "INSERT INTO articles (appid, backend, source_path, status, created_at, updated_at)"
        " VALUES ('wx1', 'draft', 'a.md', 'published', 't', 't')"
    )
    conn.execute("PRAGMA user_version = 4")
    conn.commit()
    conn.close()
    with State.open(path) as state:
        record = state.for_backend("draft").article("wx1", "a.md")
        assert record is not None and record.msg_data_id == "" and record.status == "published"
        assert state.mass_sends("wx1") == [] and state.count_previews_today("wx1") == 0


def test_a_send_is_an_intent_until_wechat_answers(tmp_path: Path) -> None:
    with State.open(tmp_path / "state.db") as state:
        state.begin_mass_send("wx1", "cid", "M", "all", ("a.md", "b.md"))
        state.begin_mass_send("wx1", "cid", "M", "all", ("a.md", "b.md"))  # a re-run: one row
        [record] = state.mass_sends("wx1")
        assert record.status == "sending" and record.sources == ("a.md", "b.md")
        state.record_mass_sent("wx1", "cid", "1001", "2002")
        state.record_mass_sent("wx1", "cid", "1001", "")  # a later 45065 knows no msg_data_id
        state.forget_mass_send("wx1", "cid")  # only an unsent intent is forgotten
        record = state.mass_send("wx1", "cid")
        assert record is not None and (record.msg_id, record.msg_data_id) == ("1001", "2002")
        state.record_mass_status("wx1", "1001", "DELETE")
        assert state.mass_sends("wx1", "b.md")[0].status == "deleted"
        assert state.mass_sends("wx1", "c.md") == []


@hsettings(max_examples=15)
@given(hours=st.lists(st.integers(min_value=0, max_value=24 * 5), min_size=1, max_size=12))
def test_previews_are_counted_per_beijing_day(tmp_path_factory: object, hours: list[int]) -> None:
    start = datetime(2026, 12, 1, 0, 0, tzinfo=timezone.utc)
    now = [start]
    folder = tmp_path_factory.mktemp("previews")  # type: ignore[attr-defined]
    with State.open(folder / "state.db", clock=lambda: now[0]) as state:
        expected: dict[str, int] = {}
        for hour in sorted(hours):
            now[0] = start + timedelta(hours=hour)
            day = (now[0] + timedelta(hours=8)).date().isoformat()
            expected[day] = expected.get(day, 0) + 1
            assert state.reserve_preview("wx1", limit=1000) == expected[day]
            assert state.reserve_preview("wx2", limit=1000) == expected[day]  # accounts apart


def test_sends_and_previews_travel_with_the_state_export(tmp_path: Path) -> None:
    from mdwx.publish.state.export import export_text, import_file

    first, second = tmp_path / "1.db", tmp_path / "2.db"
    with State.open(first) as state:
        state.begin_mass_send("wx1", "cid", "M", "all", ("a.md",))
        state.record_mass_sent("wx1", "cid", "1001", "2002")
        state.reserve_preview("wx1", limit=1)
    (tmp_path / "x.jsonl").write_text(export_text(first), encoding="utf-8")
    import_file(second, tmp_path / "x.jsonl")
    with State.open(second) as state:
        record = state.mass_send("wx1", "cid")
        assert record is not None and (record.msg_id, record.sources) == ("1001", ("a.md",))
        assert state.count_previews_today("wx1") == 1
    assert export_text(second) == export_text(first)


def test_an_export_with_a_bad_send_is_refused_at_its_line(tmp_path: Path) -> None:
    from mdwx.publish.state.export import export_text, import_file

    with State.open(tmp_path / "1.db") as state:
        state.begin_mass_send("wx1", "cid", "M", "all", ("a.md",))
    lines = export_text(tmp_path / "1.db").splitlines()
    record = json.loads(lines[-1])
    record["sources"] = "{not json"
    (tmp_path / "x.jsonl").write_text("\n".join([*lines[:-1], json.dumps(record)]) + "\n", "utf-8")
    with pytest.raises(MdwxError, match="JSON list of paths"):
        import_file(tmp_path / "2.db", tmp_path / "x.jsonl")


@hsettings(max_examples=15)
@given(
    limit=st.integers(min_value=0, max_value=6),
    processes=st.integers(min_value=1, max_value=4),
    tries=st.integers(min_value=1, max_value=4),
)
def test_previews_reserved_at_once_never_pass_the_limit(
    tmp_path_factory: pytest.TempPathFactory, limit: int, processes: int, tries: int
) -> None:
    """Several processes (each its own connection) reserving at once: exactly the limit is
    taken, never one more, and a released reservation can be taken again."""
    import threading

    path = tmp_path_factory.mktemp("previews") / "state.db"
    State.open(path).close()
    taken: list[int | None] = []
    lock = threading.Lock()

    def reserve() -> None:
        with State.open(path) as state:
            for _ in range(tries):
                got = state.reserve_preview("wx1", limit)
                with lock:
                    taken.append(got)

    threads = [threading.Thread(target=reserve) for _ in range(processes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    granted = [t for t in taken if t is not None]  # each the count just after its reservation
    assert len(granted) == min(limit, processes * tries)
    assert all(1 <= count <= limit for count in granted)
    with State.open(path) as state:
        assert state.count_previews_today("wx1") == len(granted)
        if granted:
            state.release_preview("wx1")
            assert state.reserve_preview("wx1", limit) == len(granted)
