"""Repairing a state database damaged by a crash or power loss mid-write.

:mod:`mdwx.publish.state.damage` finds the damage (a torn journal, a file cut short) and
names the command that repairs it. :func:`recover` is that command (``mdwx state recover``):
it moves the damaged files aside as a dated backup, salvages every record SQLite can still
read (each table scanned from both ends, so rows on either side of a missing page survive),
writes them into a fresh database and puts it in place. What could not be read is gone; the
report says how much was kept.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import struct
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from mdwx.errors import StateError
from mdwx.publish.state.damage import (
    DB_HEADER_BYTES,
    check_not_foreign,
    recover_command,
    scan_wal,
    wal_path,
)
from mdwx.publish.state.store import State

# recover_command is named here too: the command's own module says how to call it.
__all__ = ["RecoveryReport", "one_line", "recover", "recover_command", "state_tables"]


@dataclass
class RecoveryReport:
    """What :func:`recover` did: rows kept per table, where the damaged files went."""

    path: Path
    backup: list[Path] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    problem: str = ""  # what SQLite said of the damaged database ("ok" if nothing)
    torn_journal: bool = False

    def to_json(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "backup": [str(p) for p in self.backup],
            "rows": self.rows,
            "problem": self.problem,
            "torn_journal": self.torn_journal,
        }


def _make_readable(scratch: Path) -> None:
    """Let SQLite read what is left of a cut database: clear the in-header page count (it
    then counts pages from the file size) and drop a last page that is only partly there
    (its cells could be cut in the middle of a value)."""
    size = scratch.stat().st_size
    if size < DB_HEADER_BYTES:
        return
    with scratch.open("r+b") as handle:
        header = handle.read(DB_HEADER_BYTES)
        if not header.startswith(b"SQLite format 3\0"):
            return
        handle.seek(28)
        handle.write(b"\0\0\0\0")
        page_size = struct.unpack(">H", header[16:18])[0]
        page_size = 65536 if page_size == 1 else page_size
        if page_size and size % page_size:
            handle.truncate(max(page_size, size - size % page_size))


def _salvage_table(conn: sqlite3.Connection, table: str) -> dict[int, sqlite3.Row]:
    """Every row of ``table`` SQLite can reach, scanning from the lowest and highest rowid."""
    rows: dict[int, sqlite3.Row] = {}
    for order in ("ASC", "DESC"):
        try:
            for row in conn.execute(
                f"SELECT rowid AS _rowid_, * FROM {table} ORDER BY rowid {order}"
            ):
                rows[row["_rowid_"]] = row
        except sqlite3.DatabaseError:
            continue  # stop at the damage; the other direction reaches past it
    return rows


def one_line(verdicts: Iterable[str]) -> str:
    """``quick_check``'s answer (rows of possibly several lines each) as one short line."""
    parts = [line.strip() for text in verdicts for line in text.splitlines()]
    text = "; ".join(p for p in parts if p and not p.startswith("***"))
    return text if len(text) <= 200 else text[:199] + "…"


def state_tables(conn: sqlite3.Connection) -> list[str]:
    """The tables of the state schema in ``conn``'s database, in creation order."""
    return [
        str(r[0])
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
        )
    ]


def _fresh_state(fresh: Path) -> list[str]:
    """Create a state with the current schema at ``fresh``; its table names."""
    State.open(fresh).close()
    conn = sqlite3.connect(fresh)
    try:
        return state_tables(conn)
    finally:
        conn.close()


def _salvage(scratch: Path, tables: list[str]) -> tuple[dict[str, list[sqlite3.Row]], str]:
    """Rows per table from the scratch copy, and what ``quick_check`` made of it. A table
    the damaged file does not have (an older schema, or lost) gives no rows."""
    _make_readable(scratch)
    found: dict[str, list[sqlite3.Row]] = {t: [] for t in tables}
    try:
        conn = sqlite3.connect(scratch, isolation_level=None)
    except sqlite3.Error as exc:
        return found, str(exc)
    conn.row_factory = sqlite3.Row
    try:
        # A table or index whose root page the damage cut off makes the whole schema
        # "malformed" and every query fail; with writable_schema SQLite reads the schema
        # anyway, so the tables that survived can still be scanned.
        conn.execute("PRAGMA writable_schema = ON")
        try:
            problem = one_line(str(r[0]) for r in conn.execute("PRAGMA quick_check(3)"))
        except sqlite3.DatabaseError as exc:
            problem = str(exc)
        for table in tables:
            found[table] = list(_salvage_table(conn, table).values())
    finally:
        conn.close()
    return found, problem


def _restore(fresh: Path, found: dict[str, list[sqlite3.Row]]) -> dict[str, int]:
    """Insert the salvaged rows into the fresh state at ``fresh``; rows per table kept."""
    kept: dict[str, int] = {}
    conn = sqlite3.connect(fresh, isolation_level=None)
    try:
        conn.execute("BEGIN")
        for table, rows in found.items():
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            before = conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for row in rows:
                present = set(row.keys())
                names = [c for c in columns if c in present]
                marks = ", ".join("?" for _ in names)
                try:
                    conn.execute(
                        f"INSERT OR IGNORE INTO {table} ({', '.join(names)}) VALUES ({marks})",
                        [row[c] for c in names],
                    )
                except sqlite3.IntegrityError:
                    continue  # a damaged row missing a required value: not kept
            kept[table] = conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] - before
        conn.execute("COMMIT")
    finally:
        conn.close()
    return kept


def _siblings(db_path: Path) -> list[Path]:
    return [db_path.with_name(db_path.name + suffix) for suffix in ("", "-wal", "-shm")]


def recover(db_path: Path, *, now: Callable[[], datetime] | None = None) -> RecoveryReport:
    """Replace the state at ``db_path`` by a fresh database holding every readable record.

    The damaged files are moved to ``<name>.damaged-<UTC time>`` (and its ``-wal``/``-shm``)
    beside it, never deleted. Raises :class:`StateError` when there is no state file or the
    folder is not writable. Run it while no other mdwx process uses the state.
    """
    db_path = Path(db_path)
    if not db_path.is_file():
        raise StateError(
            "there is no state database here",
            path=db_path,
            hint="give the path of the state file (default .mdwx/state.db in the site)",
        )
    check_not_foreign(db_path)
    report = RecoveryReport(path=db_path)
    scan = scan_wal(wal_path(db_path))
    report.torn_journal = bool(scan and scan.torn)
    stamp = (now or (lambda: datetime.now(timezone.utc)))().strftime("%Y%m%dT%H%M%SZ")
    backup = db_path.with_name(f"{db_path.name}.damaged-{stamp}")
    fresh = db_path.with_name(f"{db_path.name}.recovering")
    try:
        for stale in _siblings(fresh):
            stale.unlink(missing_ok=True)
        with tempfile.TemporaryDirectory(prefix="mdwx-recover-") as tmp:
            scratch = Path(tmp) / "state.db"
            for source, target in zip(_siblings(db_path), _siblings(scratch), strict=True):
                if source.exists() and not source.name.endswith("-shm"):
                    shutil.copyfile(source, target)
            found, report.problem = _salvage(scratch, _fresh_state(fresh))
            if scratch.stat().st_size < DB_HEADER_BYTES:
                report.problem = (
                    "the file is empty or ends inside its header: nothing in it is readable"
                )
            report.rows = _restore(fresh, found)
        for source, target in zip(_siblings(db_path), _siblings(backup), strict=True):
            if source.exists():
                os.replace(source, target)
                report.backup.append(target)
        os.replace(fresh, db_path)
    except OSError as exc:
        raise StateError(
            f"cannot recover the state database: {exc.strerror}",
            path=db_path,
            hint="check the folder's permissions and free space",
        ) from exc
    return report
