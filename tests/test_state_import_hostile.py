"""A hostile state export (a pull request can write it) is imported whole or refused whole,
with one line naming the export's line: every record is checked against its type's schema,
the import is capped in records and bytes, and read a line at a time."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.errors import StateError
from mdwx.publish.state import export
from mdwx.publish.state.export import TABLES, export_text, import_file, render, write_records
from mdwx.publish.state.export_schema import SCHEMA
from mdwx.publish.state.store import State
from tests.cli_helpers import mdwx
from tests.test_state_export import RECORDS

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=3), inner, max_size=2)
    ),
    max_leaves=4,
)


@st.composite
def hostile_record(draw: st.DrawFn) -> str:
    """One export line: a valid record with a value changed, dropped or added, or junk."""
    record = dict(draw(RECORDS))
    action = draw(st.sampled_from(["keep", "change", "drop", "add", "junk"]))
    names = sorted(record)
    if action == "change":
        record[draw(st.sampled_from(names))] = draw(json_values)
    elif action == "drop":
        record.pop(draw(st.sampled_from(names)))
    elif action == "add":
        record[draw(st.text(max_size=6))] = draw(json_values)
    elif action == "junk":
        return draw(
            st.sampled_from(
                [
                    "[]",
                    "1",
                    "null",
                    '"x"',
                    "{",
                    "<<<<<<< HEAD",
                    '{"type": 7}',
                    '{"format":"mdwx-state","version":2}',
                    "[" * 5000 + "]" * 5000,
                ]
            )
        )
    return json.dumps(record, ensure_ascii=False)


def _all_rows(db: Path) -> str:
    return export_text(db) if db.exists() else ""


@settings(max_examples=80)
@given(base=st.lists(RECORDS, max_size=4), lines=st.lists(hostile_record(), min_size=1, max_size=6))
def test_an_export_is_imported_whole_or_refused_naming_its_line(
    tmp_path_factory, base, lines
) -> None:
    folder = tmp_path_factory.mktemp("import")
    db, source = folder / "s.db", folder / "x.jsonl"
    write_records(db, export.merge(base).records.values())
    before = _all_rows(db)
    source.write_text('{"format":"mdwx-state","version":1}\n' + "\n".join(lines) + "\n", "utf-8")
    try:
        import_file(db, source)
    except StateError as exc:
        message = str(exc)
        assert "\n" not in message and exc.path == str(source) and exc.line is not None, message
        assert 2 <= exc.line <= len(lines) + 1
        assert _all_rows(db) == before  # nothing of the export was stored
        return
    # Imported: what was stored is again a valid export, and importing anything later works.
    again = folder / "again.jsonl"
    again.write_text(export_text(db), "utf-8")
    import_file(db, again)
    import_file(folder / "fresh.db", again)


def test_the_reported_count_abc_is_refused_and_later_imports_still_work(tmp_path: Path) -> None:
    good = {"type": "submissions", "appid": "wx1", "day": "2026-01-01", "count": 3}
    (tmp_path / "bad.jsonl").write_text(render([{**good, "count": "abc"}]), "utf-8")
    (tmp_path / "good.jsonl").write_text(render([good]), "utf-8")
    result = mdwx(
        "state", "import", "bad.jsonl", "s.db", cwd=tmp_path, env={"PATH": "/usr/bin:/bin"}
    )
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert (
        "bad.jsonl:2: submissions record: count must be a whole number, not 'abc'" in result.stderr
    )
    assert (
        mdwx(
            "state", "import", "good.jsonl", "s.db", cwd=tmp_path, env={"PATH": "/usr/bin:/bin"}
        ).returncode
        == 0
    )


def test_a_database_holding_a_bad_count_from_before_does_not_stop_imports(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    State.open(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO submissions (appid, day, count) VALUES ('wx1', '2026-01-01', 'abc')"
        )
    (tmp_path / "x.jsonl").write_text(
        render([{"type": "submissions", "appid": "wx1", "day": "2026-01-01", "count": 2}]), "utf-8"
    )
    assert import_file(db, tmp_path / "x.jsonl").added == 1


def test_the_import_is_capped_in_records_and_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    line = json.dumps({"type": "submissions", "appid": "wx1", "day": "2026-01-01", "count": 1})
    (tmp_path / "x.jsonl").write_text("\n".join([line] * 11) + "\n", "utf-8")
    monkeypatch.setattr(export, "MAX_RECORDS", 10)
    with pytest.raises(StateError, match="more than 10 records") as info:
        import_file(tmp_path / "s.db", tmp_path / "x.jsonl")
    assert (
        info.value.line == 11
        and not (tmp_path / "s.db").exists()
        or _all_rows(tmp_path / "s.db").count("\n") == 1
    )
    monkeypatch.setattr(export, "MAX_BYTES", len(line) * 5)
    with pytest.raises(StateError, match="an import reads at most"):
        import_file(tmp_path / "s.db", tmp_path / "x.jsonl")


def test_a_fifo_is_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "x.jsonl")
    with pytest.raises(StateError, match="not a regular file"):
        import_file(tmp_path / "s.db", tmp_path / "x.jsonl")


def test_the_schema_names_every_column_of_the_database(tmp_path: Path) -> None:
    State.open(tmp_path / "s.db").close()
    with sqlite3.connect(tmp_path / "s.db") as conn:
        for kind, (table, keys, _) in TABLES.items():
            columns = {row[1]: row for row in conn.execute(f"PRAGMA table_info({table})")}
            assert set(SCHEMA[kind]) == set(columns), kind
            for name in keys:  # a key is never empty: checked as a key, or by its choices
                column = SCHEMA[kind][name]
                assert column.required and (
                    column.key or column.choices and "" not in column.choices
                )
            for name, row in columns.items():  # NOT NULL without a default: the record must say it
                if row[3] and row[4] is None:
                    assert SCHEMA[kind][name].required, (kind, name)
                assert SCHEMA[kind][name].nullable == (not row[3]), (kind, name)


def test_a_million_line_export_is_refused_in_bounded_time(tmp_path: Path) -> None:
    line = (
        json.dumps({"type": "submissions", "appid": "wx1", "day": "2026-01-01", "count": 1}) + "\n"
    )
    (tmp_path / "x.jsonl").write_text(line * 1_000_000, "utf-8")  # ~70 MB: over the byte cap
    started = time.monotonic()
    with pytest.raises(StateError, match="an import reads at most"):
        import_file(tmp_path / "s.db", tmp_path / "x.jsonl")
    assert time.monotonic() - started < 60  # a bound against a hang, not a speed test
