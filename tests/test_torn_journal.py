"""A process killed while writing the state leaves an uncommitted tail in its journal.

With ``synchronous = FULL`` a write mdwx acts on has committed (its frames and commit frame
are on disk) before the call returns; the frames after the last commit belong to a write
that never returned, so nothing was sent on its strength. SQLite's recovery drops them and
the next run opens the state as it was a moment earlier — no ``mdwx state recover``. The
wal-index (``state.db-shm``) tells that tail from real damage: a journal missing committed
frames the index names is refused, wherever it was cut.
"""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.errors import StateError
from mdwx.publish.state.damage import scan_wal
from mdwx.publish.state.store import State

APPID = "wx_torn_journal"
COMMITTED = 40  # uploads committed before the write that is cut
FRAME = 24 + 4096  # a frame of the state's pages

#: A writer that commits COMMITTED uploads, then starts a write too big for its cache (so
#: SQLite spills its frames into the journal before the commit) and never commits it.
WRITER = f"""
import sys
from mdwx.publish.state.store import State
state = State.open(sys.argv[1])
for i in range({COMMITTED}):
    state.record_upload({APPID!r}, f"{{i:064x}}", "body", url=f"http://mmbiz/{{i}}", size=i)
conn = state._conn
conn.execute("PRAGMA cache_size = 2")
conn.execute("BEGIN")
print("committed", flush=True)
i = 0
while True:
    conn.execute("INSERT INTO uploads (appid, content_hash, kind, url, size, created_at) VALUES (?, ?, 'body', ?, 1, ?)",
                 ({APPID!r}, f"u{{i:063x}}", "x" * 3000, "2026-01-01T00:00:00+00:00"))
    i += 1
"""


def kill_mid_write(folder: Path, spilled: int) -> Path:
    """A state whose writer was SIGKILLed once ``spilled`` bytes of its uncommitted write
    were in the journal; its database, journal and wal-index as the kill left them."""
    db = folder / "state.db"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db)], stdout=subprocess.PIPE)
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == b"committed"
        wal = Path(f"{db}-wal")
        base = wal.stat().st_size
        deadline = time.monotonic() + 60  # bounds a hang only
        while wal.stat().st_size < base + spilled and time.monotonic() < deadline:
            time.sleep(0.001)
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    return db


def committed_rows(db: Path) -> int:
    with State.open(db) as state:
        return sum(1 for i in range(COMMITTED) if state.lookup_upload(APPID, f"{i:064x}", "body"))


def test_a_state_killed_mid_write_opens_with_every_committed_write(tmp_path: Path) -> None:
    db = kill_mid_write(tmp_path, 8 * FRAME)
    scan = scan_wal(Path(f"{db}-wal"))
    assert scan is not None and scan.torn and scan.frames > scan.committed  # the kill cut a write
    assert committed_rows(db) == COMMITTED
    with State.open(db) as state:  # the cut write is gone, as if the kill came a moment earlier
        assert state._one("SELECT count(*) AS n FROM uploads", ())["n"] == COMMITTED  # type: ignore[index]


@pytest.fixture(scope="module")
def crash_image(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The files a kill mid-write left (nothing opened them since)."""
    return kill_mid_write(tmp_path_factory.mktemp("killed"), 6 * FRAME)


def copy_image(db: Path, folder: Path, *, index: bool = True) -> Path:
    folder.mkdir(parents=True)
    for suffix in ("", "-wal", *(("-shm",) if index else ())):
        shutil.copyfile(f"{db}{suffix}", folder / f"state.db{suffix}")
    return folder / "state.db"


def committed_end(wal: Path) -> int:
    scan = scan_wal(wal)
    assert scan is not None
    return 32 + scan.committed * FRAME


@settings(max_examples=15)
@given(fraction=st.floats(0.0, 1.0))
def test_any_cut_inside_the_uncommitted_tail_opens_as_before_the_write(
    crash_image: Path, tmp_path_factory: pytest.TempPathFactory, fraction: float
) -> None:
    db = copy_image(crash_image, tmp_path_factory.mktemp("tail") / "site")
    wal = Path(f"{db}-wal")
    end, size = committed_end(wal), wal.stat().st_size
    with wal.open("r+b") as handle:
        handle.truncate(end + int((size - end) * fraction))
    assert committed_rows(db) == COMMITTED


@settings(max_examples=15)
@given(fraction=st.floats(0.0, 1.0, exclude_max=True))
def test_a_journal_cut_before_its_last_commit_is_refused_even_at_a_commit(
    crash_image: Path, tmp_path_factory: pytest.TempPathFactory, fraction: float
) -> None:
    db = copy_image(crash_image, tmp_path_factory.mktemp("cut") / "site")
    wal = Path(f"{db}-wal")
    end = committed_end(wal)
    cut = 32 + int((end - 32) * fraction)
    with wal.open("r+b") as handle:
        handle.truncate(cut)
    with pytest.raises(StateError) as raised:
        State.open(db).close()
    message = str(raised.value)
    assert (
        "lost committed writes" in message
        and f"mdwx state recover {db}" in message
        and "\n" not in message
    )


def test_a_torn_tail_without_its_index_is_still_refused(crash_image: Path, tmp_path: Path) -> None:
    """A copied state without ``-shm`` (or a power loss) cannot tell a cut write from lost ones."""
    db = copy_image(crash_image, tmp_path / "site", index=False)
    with pytest.raises(StateError, match="ends in the middle of a write"):
        State.open(db).close()
    assert sqlite3.sqlite_version
