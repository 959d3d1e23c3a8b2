"""The state as a text file a repository can commit: ``mdwx state export`` / ``import``.

CI runners and server hooks start without ``.mdwx/state.db``; a lost state means every post
is published again as a new article. The export is one JSON object per line, keys sorted,
lines sorted, so the same state always gives the same bytes and two branches' exports merge
line by line in git. It holds what a fresh runner needs never to send a post, picture or
video again: articles (with the content and file hashes identity follows), the articles a
``--force`` superseded, uploads by content hash, videos, and the daily submission counts.
There are no secrets in the state database, hence none here.

Merging (import, or two exports): records are keyed as in the database; when both sides
hold a record, the one updated last wins (ties broken by the record's text, so the merge is
the same in any order). An article whose two versions name different WeChat articles
(media_id) is a conflict: the newer is kept and the conflict reported.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mdwx.errors import StateError
from mdwx.files.reader import read_config_text
from mdwx.install_hint import upgrade_hint
from mdwx.publish.state.export_schema import problem
from mdwx.publish.state.store import State

FORMAT = "mdwx-state"
VERSION = 1
MAX_LINE = 1 << 20  # bytes of one record: a bound for reading a hostile file
#: An import reads at most this many records and bytes (docs/reliability.md): a real
#: site's state is a few thousand records; a file past these is refused before it is stored.
MAX_RECORDS = 200_000
MAX_BYTES = 64 * 1024 * 1024

#: record type → (table, key columns, column telling which version is newer)
TABLES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "article": ("articles", ("appid", "backend", "source_path"), "updated_at"),
    "superseded": ("superseded", ("appid", "media_id"), "superseded_at"),
    "upload": ("uploads", ("appid", "content_hash", "kind"), "created_at"),
    "video": ("videos", ("appid", "file_sha1"), "updated_at"),
    "submissions": ("submissions", ("appid", "day"), "count"),
    "mass_send": ("mass_sends", ("appid", "clientmsgid"), "updated_at"),
    "previews": ("previews", ("appid", "day"), "count"),
    "side_draft": ("side_drafts", ("appid", "backend", "sources"), "updated_at"),
}


@dataclass
class Merged:
    """Records by (type, key); ``conflicts``: one line per article known as two articles."""

    records: dict[tuple[str, tuple[object, ...]], dict[str, object]] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)


def _kind(record: dict[str, object]) -> str:
    """The record's ``type``: a key of :data:`TABLES` (every record was validated when read)."""
    return str(record["type"])


def record_key(record: dict[str, object]) -> tuple[str, tuple[object, ...]]:
    kind = _kind(record)
    return kind, tuple(record[c] for c in TABLES[kind][1])


def dump_line(record: dict[str, object]) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _newer(a: dict[str, object], b: dict[str, object]) -> dict[str, object]:
    """The record to keep of two versions: newer by its time column, then by text."""
    column = TABLES[_kind(a)][2]
    rank_a = (_rank(a.get(column), column), dump_line(a))
    rank_b = (_rank(b.get(column), column), dump_line(b))
    return a if rank_a >= rank_b else b


def _rank(value: object, column: str) -> str | int:
    """The merge rank of a time or a count; a database written before records were checked
    may hold anything, which ranks lowest rather than stopping every later import."""
    if column != "count":
        return str(value or "")
    return value if isinstance(value, int) and not isinstance(value, bool) else -1


def merge(*sources: Iterable[dict[str, object]]) -> Merged:
    """Merge record streams: commutative, associative and idempotent (see module doc)."""
    merged = Merged()
    for source in sources:
        for record in source:
            key = record_key(record)
            have = merged.records.get(key)
            merged.records[key] = record if have is None else _newer(have, record)
    return merged


def merge_reporting(
    ours: Iterable[dict[str, object]], theirs: Iterable[dict[str, object]]
) -> Merged:
    """:func:`merge` of two sides, with a line for each article they know as different ones."""
    ours, theirs = list(ours), list(theirs)
    merged = merge(ours, theirs)
    mine = {record_key(r): r for r in ours if r["type"] == "article"}
    for record in theirs:
        if record["type"] != "article":
            continue
        other = mine.get(record_key(record))
        if (
            other
            and other.get("media_id")
            and record.get("media_id")
            and other["media_id"] != record["media_id"]
        ):
            kept = merged.records[record_key(record)]
            merged.conflicts.append(
                f"{record['source_path']} ({record['appid']}, {record['backend']}) is recorded as article "
                f"{other['media_id']} and as {record['media_id']}: kept {kept['media_id']} (updated last)"
            )
    return merged


def render(records: Iterable[dict[str, object]]) -> str:
    """The export's text: a header line, then the records' lines sorted."""
    header = dump_line({"format": FORMAT, "version": VERSION})
    return "\n".join([header, *sorted(dump_line(r) for r in records)]) + "\n"


def parse(text: str, *, path: Path | None = None) -> list[dict[str, object]]:
    """The records of an export; StateError naming the file and line for anything else."""
    # Only "\n" ends a record (a checkout with CRLF endings adds "\r"): the text may hold
    # U+2028, U+0085 and the like, which str.splitlines would take for line ends.
    return list(_records(enumerate(text.split("\n"), 1), path))


def _records(lines: Iterable[tuple[int, str]], path: Path | None) -> Iterator[dict[str, object]]:
    """The checked records of numbered lines, at most :data:`MAX_RECORDS`."""
    count = 0
    for number, line in lines:
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        if len(line) > MAX_LINE:
            raise StateError("record too long", path=path, line=number)
        try:
            value = json.loads(line)
        except (ValueError, RecursionError) as exc:  # not JSON, too deep, a number too long to read
            reason = (
                exc.msg
                if isinstance(exc, json.JSONDecodeError)
                else "nested too deeply"
                if isinstance(exc, RecursionError)
                else "a number too long to read"
            )
            raise StateError(
                f"not a JSON record: {reason}",
                path=path,
                line=number,
                hint="a merge conflict left in the file? keep both lines: import merges them",
            ) from None
        if not isinstance(value, dict):
            raise StateError("a record must be a JSON object", path=path, line=number)
        if "format" in value:
            if value.get("format") != FORMAT or value.get("version") != VERSION:
                raise StateError(
                    f"not an mdwx state export of version {VERSION}",
                    path=path,
                    line=number,
                    hint=upgrade_hint(),
                )
            continue
        count += 1
        if count > MAX_RECORDS:
            raise StateError(
                f"more than {MAX_RECORDS:,} records: not a state export mdwx imports",
                path=path,
                line=number,
            )
        yield _validated(value, path, number)


def _validated(value: dict[str, object], path: Path | None, line: int) -> dict[str, object]:
    kind = value.get("type")
    if not isinstance(kind, str) or kind not in TABLES:
        raise StateError(f"unknown record type {str(kind)[:40]!r}", path=path, line=line)
    found = problem(kind, value)
    if found:
        raise StateError(found, path=path, line=line)
    return value


def iter_export(source: Path) -> Iterator[dict[str, object]]:
    """The checked records of the export file ``source``, read a line at a time.

    Raises :class:`StateError` naming the file (and line) for a file that is not a regular
    file, is over :data:`MAX_BYTES`, holds a line over :data:`MAX_LINE` bytes, more than
    :data:`MAX_RECORDS` records, text that is not UTF-8, or a record its type's schema refuses.
    """
    try:
        # Non-blocking: opening a FIFO must not wait for a writer; the mode is checked next.
        descriptor = os.open(source, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        os.set_blocking(descriptor, True)
        handle = os.fdopen(descriptor, "rb")
    except FileNotFoundError:
        raise StateError("no such state export", path=source) from None
    except OSError as exc:
        raise StateError(f"cannot read it: {exc.strerror}", path=source) from None
    with handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise StateError("not a regular file", path=source)
        if info.st_size > MAX_BYTES:
            raise StateError(
                f"the export is {info.st_size:,} bytes; an import reads at most {MAX_BYTES:,}",
                path=source,
            )
        yield from _records(_lines(handle, source), source)


def _lines(handle: Any, source: Path) -> Iterator[tuple[int, str]]:
    number, total = 0, 0
    while True:
        raw = handle.readline(MAX_LINE + 2)
        if not raw:
            return
        number += 1
        total += len(raw)
        if total > MAX_BYTES:  # the file grew while it was read
            raise StateError(f"the export is over {MAX_BYTES:,} bytes", path=source, line=number)
        if len(raw) > MAX_LINE + 1:
            raise StateError("record too long", path=source, line=number)
        try:
            yield number, raw.decode("utf-8").removesuffix("\n")
        except UnicodeDecodeError:
            raise StateError("not valid UTF-8", path=source, line=number) from None


# -- the database side ---------------------------------------------------------------------


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def read_records(db: Path) -> list[dict[str, object]]:
    """Every record of the state database at ``db`` (opened and migrated first)."""
    State.open(db).close()
    conn = sqlite3.connect(db)
    try:
        records = []
        for kind, (table, _, _) in TABLES.items():
            columns = _columns(conn, table)
            for row in conn.execute(f"SELECT {', '.join(columns)} FROM {table}"):
                records.append({"type": kind, **dict(zip(columns, row, strict=True))})
        return records
    except sqlite3.Error as exc:
        raise StateError(f"cannot read the state database: {exc}", path=db) from None
    finally:
        conn.close()


def export_text(db: Path) -> str:
    return render(read_records(db))


def write_records(db: Path, records: Iterable[dict[str, object]]) -> int:
    """Insert or replace ``records`` in one transaction; returns how many."""
    state = State.open(db)
    count = 0
    try:
        with state._guard() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                for record in records:
                    table = TABLES[_kind(record)][0]
                    columns = [c for c in _columns(conn, table) if c in record]
                    conn.execute(
                        f"INSERT OR REPLACE INTO {table} ({', '.join(columns)})"
                        f" VALUES ({', '.join('?' * len(columns))})",
                        [record[c] for c in columns],
                    )
                    count += 1
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
    except sqlite3.Error as exc:
        raise StateError(f"cannot import into the state database: {exc}", path=db) from None
    finally:
        state.close()
    return count


@dataclass
class ImportReport:
    path: Path
    added: int  # records new or newer than the database's
    conflicts: list[str]

    def to_json(self) -> dict[str, object]:
        return {"path": str(self.path), "added": self.added, "conflicts": self.conflicts}


def import_file(db: Path, source: Path) -> ImportReport:
    """Merge the export ``source`` into the database ``db`` (idempotent), all or nothing.

    Every record is read and checked first (:func:`iter_export`), then the changed ones are
    written in one transaction. Raises :class:`StateError` naming the export's line.
    """
    records = list(iter_export(source))  # every record checked before the database is touched
    ours = read_records(db)
    merged = merge_reporting(ours, records)
    current = {record_key(r): dump_line(r) for r in ours}
    changed = [r for k, r in merged.records.items() if current.get(k) != dump_line(r)]
    write_records(db, changed)
    return ImportReport(source, len(changed), merged.conflicts)


def write_export(db: Path, target: Path) -> bool:
    """Write the export of ``db`` to ``target`` atomically; False when it already said that."""
    text = export_text(db)
    try:
        if read_config_text(target, error=StateError, limit=MAX_BYTES) == text:
            return False
    except StateError:
        pass
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(temp, target)
    except OSError as exc:
        raise StateError(f"cannot write the state export: {exc.strerror}", path=target) from None
    return True


def sync_before(db: Path, export: Path) -> ImportReport | None:
    """Before a run: merge the committed export into the database (creating it if missing)."""
    if not export.is_file():
        return None
    return import_file(db, export)


def sync_after(db: Path, export: Path) -> bool:
    """After a run: bring the export up to date when the database changed; True if written."""
    if not db.is_file():
        return False
    return write_export(db, export)
