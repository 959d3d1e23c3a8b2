"""The state database after a crash mid-write (power loss simulated by cutting ``state.db``
or its ``-wal`` at any offset): a one-line error naming ``mdwx state recover``, never a
traceback or a silent loss of records; the recovery keeps a backup and every readable row."""

from __future__ import annotations

import functools
import os
import shutil
import sqlite3
import struct
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.errors import StateError
from mdwx.publish.state.damage import scan_wal
from mdwx.publish.state.recovery import recover
from mdwx.publish.state.store import State
from tests.cli_helpers import mdwx

APPID = "wx_recovery_test"
UPLOADS = 120
ARTICLES = 24


def _fill(state: State) -> None:
    for i in range(UPLOADS):
        state.record_upload(APPID, f"{i:064x}", "body", url=f"http://mmbiz/{i}", size=100 + i)
    for i in range(ARTICLES):
        rel = f"posts/p{i:02d}.md"
        state.begin_upload(APPID, rel, title=f"Post {i}", content_hash=f"h{i}")
        state.record_uploaded(APPID, rel, f"media{i}", f"h{i}", f"Post {i}")


@functools.cache
def _images(root: str) -> tuple[Path, Path]:
    """A cleanly closed state (``clean/state.db``) and a crash image: the files of a state
    still open in a process that was killed (``crash/state.db`` + ``crash/state.db-wal``)."""
    base = Path(root)
    clean = base / "clean" / "state.db"
    with State.open(clean) as state:
        _fill(state)
    crash = base / "crash" / "state.db"
    live = State.open(base / "live" / "state.db")
    _fill(live)
    crash.parent.mkdir()
    for suffix in ("", "-wal"):
        shutil.copyfile(f"{live.path}{suffix}", f"{crash}{suffix}")
    live.close()
    return clean, crash


@pytest.fixture(name="images", scope="module")
def images_fixture(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return _images(str(tmp_path_factory.mktemp("state-images")))


def _rows(path: Path) -> set[tuple[str, ...]]:
    with State.open(path) as state:
        uploads = {
            ("u", r.content_hash, r.url)
            for r in (state.lookup_upload(APPID, f"{i:064x}", "body") for i in range(UPLOADS))
            if r
        }
        return uploads | {
            ("a", a.source_path, a.media_id or "", a.status) for a in state.articles(APPID)
        }


def _copy(source: Path, folder: Path) -> Path:
    folder.mkdir(parents=True)
    for suffix in ("", "-wal"):
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", folder / f"state.db{suffix}")
    return folder / "state.db"


def _history(path: str) -> frozenset[tuple[str, ...]]:
    """Every version a record of the crash image had: the final rows, plus each article's
    intent (``uploading``, no media_id yet) that ``_fill`` wrote before its upload."""
    intents = {("a", f"posts/p{i:02d}.md", "", "uploading") for i in range(ARTICLES)}
    return _all_rows(path) | intents


def _assert_one_line_recover_error(error: StateError, db: Path) -> None:
    text = str(error)
    assert "\n" not in text
    assert f"mdwx state recover {db}" in text


def _commit_ends(wal: Path) -> set[int]:
    """Offsets where a commit frame of the WAL's current generation ends."""
    data = wal.read_bytes()
    page = struct.unpack(">I", data[8:12])[0]
    ends, offset = set(), 32
    while offset + 24 + page <= len(data) and data[offset + 8 : offset + 16] == data[16:24]:
        if struct.unpack(">I", data[offset + 4 : offset + 8])[0]:
            ends.add(offset + 24 + page)
        offset += 24 + page
    return ends


@functools.cache
def _all_rows(path: str) -> frozenset[tuple[str, ...]]:
    """The records of the state at ``path``, read from a copy (opening a crash image would
    checkpoint its journal and change it for the next example)."""
    with tempfile.TemporaryDirectory() as tmp:
        return frozenset(_rows(_copy(Path(path), Path(tmp) / "copy")))


@settings(max_examples=20)
@given(fraction=st.floats(0.0, 1.0, exclude_max=True))
def test_a_cut_database_file_is_an_error_and_recovery_keeps_only_real_rows(
    images: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory, fraction: float
) -> None:
    clean, _ = images
    original = _all_rows(str(clean))
    db = _copy(clean, tmp_path_factory.mktemp("cut") / "site")
    size = db.stat().st_size
    cut = max(1, int(size * fraction))
    os.truncate(db, cut)
    damaged = db.read_bytes()
    with pytest.raises(StateError) as caught:
        State.open(db).close()
    _assert_one_line_recover_error(caught.value, db)
    report = recover(db)
    assert report.backup[0].read_bytes() == damaged  # the damaged file is kept untouched
    kept = _rows(db)  # the recovered state opens, and holds nothing that was not there
    assert kept <= original
    assert sum(report.rows.values()) == len(kept)


@settings(max_examples=20)
@given(fraction=st.floats(0.0, 1.0, exclude_min=True, exclude_max=True))
def test_a_cut_journal_is_never_forgotten_silently(
    images: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory, fraction: float
) -> None:
    _, crash = images
    db = _copy(crash, tmp_path_factory.mktemp("torn") / "site")
    wal = Path(f"{db}-wal")
    size = wal.stat().st_size
    cut = max(1, int(size * fraction))
    at_commit = cut in _commit_ends(wal)
    os.truncate(wal, cut)
    if at_commit:  # indistinguishable from a run that stopped right after that commit
        assert len(_rows(db)) > 0
        return
    with pytest.raises(StateError) as caught:
        State.open(db).close()
    _assert_one_line_recover_error(caught.value, db)
    assert str(wal) in str(caught.value)
    report = recover(db)
    assert report.torn_journal
    assert _rows(db) <= _history(str(crash))


def test_the_whole_crash_image_opens_and_holds_every_record(
    images: tuple[Path, Path], tmp_path: Path
) -> None:
    clean, crash = images
    db = _copy(crash, tmp_path / "site")
    scan = scan_wal(Path(f"{db}-wal"))
    assert scan is not None and not scan.torn and scan.committed == scan.frames > 0
    assert _rows(db) == _all_rows(str(clean))


def test_recovering_a_healthy_state_keeps_every_record(
    images: tuple[Path, Path], tmp_path: Path
) -> None:
    clean, _ = images
    db = _copy(clean, tmp_path / "site")
    report = recover(db)
    assert report.problem == "ok"
    assert report.rows["uploads"] == UPLOADS and report.rows["articles"] == ARTICLES
    assert _rows(db) == _all_rows(str(clean))


def test_opening_a_state_another_process_has_open_is_not_refused(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    with State.open(db) as writer:
        _fill(writer)
        with State.open(db) as reader:  # as a second process would, while the WAL is live
            assert len(reader.articles(APPID)) == ARTICLES


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("MDWX_STATE", None)
    return mdwx(*args, cwd=cwd, env=env)


def test_cli_names_the_recovery_and_the_recovery_works(
    images: tuple[Path, Path], tmp_path: Path
) -> None:
    clean, _ = images
    site = tmp_path / "site"
    db = _copy(clean, site / ".mdwx")
    (site / "mdwx.toml").write_text("", encoding="utf-8")
    os.truncate(db, db.stat().st_size - 4096)  # the last page lost, as a torn copy leaves it
    check = _cli("state", "check", ".", cwd=site)
    assert check.returncode == 1
    lines = check.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mdwx: error: ")
    assert "Traceback" not in check.stderr
    assert f"mdwx state recover {db}" in lines[0]
    done = _cli("state", "recover", ".", "--json", cwd=site)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert list(site.glob(".mdwx/state.db.damaged-*"))
    again = _cli("state", "check", ".", cwd=site)
    assert again.returncode == 0, again.stderr
    assert " ok (" in again.stderr


def test_recover_without_a_state_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StateError, match="no state database"):
        recover(tmp_path / "missing.db")


def test_a_wal_that_is_not_a_wal_counts_as_torn(tmp_path: Path) -> None:
    wal = tmp_path / "state.db-wal"
    wal.write_bytes(b"\x00" * 40)
    scan = scan_wal(wal)
    assert scan is not None and scan.torn
    wal.write_bytes(b"")
    assert scan_wal(wal) is None
    assert sqlite3.sqlite_version  # the WAL format checked here is SQLite 3's


def test_state_check_finds_damage_that_opening_does_not_touch(
    images: tuple[Path, Path], tmp_path: Path
) -> None:
    clean, _ = images
    site = tmp_path / "site"
    db = _copy(clean, site / ".mdwx")
    (site / "mdwx.toml").write_text("", encoding="utf-8")
    with db.open("r+b") as handle:  # garbage over the last page, where no open looks
        handle.seek(db.stat().st_size - 4096)
        handle.write(b"\xa5" * 4096)
    State.open(db).close()
    check = _cli("state", "check", ".", cwd=site)
    assert check.returncode == 1
    assert check.stderr.count("\n") == 1 and "corrupt" in check.stderr
    assert f"mdwx state recover {db}" in check.stderr
    assert "Traceback" not in check.stderr
