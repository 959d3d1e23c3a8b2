"""Finding damage in a state database before SQLite opens it, without repairing anything.

Two kinds of damage reach mdwx, and neither may pass silently — a state that quietly forgot
an upload or an article makes the next run upload or publish it again:

* **A torn journal.** The write-ahead log (``state.db-wal``) ends inside a frame, or holds
  frames written after its last commit: the last write was cut short. SQLite would discard
  that tail without a word on the next open, so :func:`check_journal` looks first (before
  any connection exists) and raises a :class:`StateError` naming the recovery command.
* **A damaged database file** (cut short, pages missing): :func:`check_header` refuses a file
  shorter than its header says; what SQLite later reports as malformed
  :mod:`mdwx.publish.state.schema` turns into a one-line error naming the same command
  (:func:`recover_command`), which :mod:`mdwx.publish.state.recovery` implements.

WAL layout used here (https://www.sqlite.org/fileformat2.html#walformat): a 32-byte header
(magic 0x377f0682/3, page size at byte 8, salts at 16..24), then frames of a 24-byte header
(commit size at byte 4, nonzero on a commit frame; salts at 8..16) and one page.
"""

from __future__ import annotations

import os
import struct
import time
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG

from mdwx.errors import StateError
from mdwx.files.reader import file_kind

WAL_MAGIC = (0x377F0682, 0x377F0683)
WAL_HEADER_BYTES = 32
FRAME_HEADER_BYTES = 24
DB_HEADER_BYTES = 100
SHM_HEADER_BYTES = 48  # the wal-index header (WalIndexHdr), kept twice at the start of -shm
#: A torn journal is scanned again this many times, ``_RESCAN_DELAY`` s apart: if it changes
#: meanwhile, another process is writing it right now and it is not torn.
_RESCANS = 3
_RESCAN_DELAY = 0.05


def recover_command(db_path: Path) -> str:
    return f"mdwx state recover {db_path}"


@dataclass(frozen=True)
class JournalScan:
    """What the write-ahead log holds: ``frames`` whole frames of its current generation,
    ``committed`` of them up to the last commit; ``torn`` when a write was cut short."""

    frames: int
    committed: int
    torn: bool
    salts: bytes = b""  # the log's generation (its header's salts), as the wal-index copies them


def wal_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + "-wal")


def scan_wal(path: Path) -> JournalScan | None:
    """Scan the WAL file at ``path``; None when there is none or it is empty."""
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size == 0:
                return None
            header = handle.read(WAL_HEADER_BYTES)
            if (
                len(header) < WAL_HEADER_BYTES
                or struct.unpack(">I", header[:4])[0] not in WAL_MAGIC
            ):
                return JournalScan(0, 0, torn=True)
            page_size = struct.unpack(">I", header[8:12])[0]
            salts = header[16:24]
            frames = committed = 0
            offset, torn = WAL_HEADER_BYTES, False
            while offset < size:
                handle.seek(offset)
                frame = handle.read(FRAME_HEADER_BYTES)
                if len(frame) >= 16 and frame[8:16] != salts:
                    break  # a frame of an earlier generation: the log ended before it
                if offset + FRAME_HEADER_BYTES + page_size > size:
                    torn = True  # the file ends inside a frame of this generation
                    break
                frames += 1
                if struct.unpack(">I", frame[4:8])[0]:
                    committed = frames
                offset += FRAME_HEADER_BYTES + page_size
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StateError(
            f"cannot read the state database's journal: {exc.strerror}", path=path
        ) from exc
    return JournalScan(frames, committed, torn=torn or frames > committed, salts=salts)


def check_header(db_path: Path) -> None:
    """Raise :class:`StateError` if ``db_path`` is shorter than its header says, or was cut
    inside the 100-byte header itself.

    SQLite takes a file cut inside its header for a new, empty database and would write a
    fresh one over it, forgetting everything; a file cut later answers lookups that miss the
    lost pages as if nothing were wrong until one touches them. (A 0-byte file is left to
    the caller: it is also what a brand-new state looks like for an instant.)
    """
    try:
        size = check_regular(db_path).st_size
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StateError(f"cannot read the state database: {exc.strerror}", path=db_path) from exc
    _refuse_foreign(db_path, size)
    expected = size if size == 0 else _size_in_header(db_path, size)
    if expected is not None and size < expected:
        shown = (
            "less than its header"
            if size < DB_HEADER_BYTES
            else f"of the {expected} its header names"
        )
        raise StateError(
            f"the state database is cut short ({size} bytes, {shown})",
            path=db_path,
            hint=f"run `{recover_command(db_path)}`; it keeps a backup of the damaged file",
        )


SQLITE_MAGIC = b"SQLite format 3\x00"


def check_regular(db_path: Path) -> os.stat_result:
    """The state file's ``stat``; :class:`StateError` when it is no regular file (SQLite would
    block opening a FIFO, or take a device for a database). OSError when it cannot be stat-ed."""
    info = db_path.stat()
    if not S_ISREG(info.st_mode):
        raise StateError(
            f"the state database is not a regular file ({file_kind(info.st_mode)})",
            path=db_path,
            hint="delete it; mdwx makes a new one",
        )
    return info


def check_not_foreign(db_path: Path) -> None:
    """Raise :class:`StateError` if ``db_path`` exists and is not an SQLite file at all."""
    try:
        size = db_path.stat().st_size
    except OSError:
        return
    _refuse_foreign(db_path, size)


def _refuse_foreign(db_path: Path, size: int) -> None:
    """A file whose first bytes are not (a prefix of) SQLite's magic string is some other
    file named as the state: never call it damaged, never offer to "recover" it (that would
    move it aside and write a database in its place)."""
    if size == 0:
        return
    try:
        with db_path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise StateError(f"cannot read the state database: {exc.strerror}", path=db_path) from exc
    if not SQLITE_MAGIC.startswith(head):
        raise StateError(
            "this is not an mdwx state database (not an SQLite file)",
            path=db_path,
            hint="if it should be the state, restore it from a backup; to start afresh delete it "
            "(posts already published would be published again); MDWX_STATE names another file",
        )


def _size_in_header(db_path: Path, size: int) -> int | None:
    """The file size the database header promises, when it can be trusted; None otherwise.

    Trusted only without a journal (with one, SQLite takes the size from the journal's last
    commit, and a checkpoint cut short legitimately leaves the file shorter) and when the
    header's "version-valid-for" matches its change counter, as SQLite requires.
    """
    if size < DB_HEADER_BYTES:
        return DB_HEADER_BYTES
    try:
        if wal_path(db_path).stat().st_size > 0:
            return None
    except FileNotFoundError:
        pass
    except OSError:
        return None
    try:
        with db_path.open("rb") as handle:
            header = handle.read(DB_HEADER_BYTES)
    except OSError:
        return None  # unreadable: SQLite's own error says so
    if not header.startswith(b"SQLite format 3\0") or header[24:28] != header[92:96]:
        return None
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    page_count: int = struct.unpack(">I", header[28:32])[0]
    return page_size * page_count


def check_files(db_path: Path) -> None:
    """The checks to make before SQLite opens the state: :func:`check_header`, then
    :func:`check_journal`."""
    check_header(db_path)
    check_journal(db_path)


def _fingerprint(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_size, stat.st_mtime_ns


def shm_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + "-shm")


def indexed_frames(db_path: Path, salts: bytes) -> int | None:
    """The frames the wal-index (``state.db-shm``) says were committed to the log of
    generation ``salts`` (its ``mxFrame``); None when it cannot be trusted.

    SQLite updates the index's header at every commit, after the commit's frames are in the
    log. Trusted only when both copies of its 48-byte header agree, it is initialised, and
    its salts are the log's (the same generation). Native byte order, as SQLite maps it.
    """
    try:
        with shm_path(db_path).open("rb") as handle:
            head = handle.read(2 * SHM_HEADER_BYTES)
    except OSError:
        return None
    if (
        len(head) < 2 * SHM_HEADER_BYTES
        or head[:SHM_HEADER_BYTES] != head[SHM_HEADER_BYTES:]
        or not salts
    ):
        return None
    is_init, mx_frame = head[12], struct.unpack("=I", head[16:20])[0]
    return mx_frame if is_init and head[32:40] == salts else None


def journal_problem(db_path: Path) -> str | None:
    """What is wrong with the state's log, or None when SQLite may open it as it is.

    A log whose tail follows its last commit (whole frames without a commit, or a frame cut
    short) holds a write that never committed: mdwx's call writing it had not returned, so
    nothing was sent on its strength, and SQLite's own recovery drops it as if the run had
    been killed a moment earlier. That is safe when the wal-index shows every committed
    frame is still in the log. Damage is a log missing committed frames the index names
    (cut short, a bad copy), or a cut tail when no index can tell (power loss, a copied
    state without its ``-shm``): the last committed changes may be gone.
    """
    wal = wal_path(db_path)
    scan = scan_wal(wal)
    if scan is None:
        return None
    indexed = indexed_frames(db_path, scan.salts)
    if indexed is not None and scan.committed < indexed:
        return f"lost committed writes ({scan.committed} of the {indexed} frames its index names are left)"
    if indexed is None and scan.torn:
        return "ends in the middle of a write"
    return None


def check_journal(db_path: Path) -> None:
    """Raise :class:`StateError` if the state's WAL lost committed writes (:func:`journal_problem`).

    Call before opening the database: SQLite's own recovery would silently drop them. A log
    that another process is writing at this moment may look wrong for an instant, so it is
    looked at again a few times and only reported if it stays as it is.
    """
    wal = wal_path(db_path)
    problem = journal_problem(db_path)
    for _ in range(_RESCANS):
        if problem is None:
            return
        before = _fingerprint(wal)
        time.sleep(_RESCAN_DELAY)
        if _fingerprint(wal) != before:
            return  # a live writer: not a crash
        problem = journal_problem(db_path)
    if problem is not None:
        raise StateError(
            f"the state database's journal {problem} (the last run was killed or the machine lost power while"
            " writing, or the file was cut), so its last changes may be lost",
            path=wal,
            hint=f"run `{recover_command(db_path)}`; it keeps a backup of the damaged files",
        )


# -- recovery ------------------------------------------------------------------------------
