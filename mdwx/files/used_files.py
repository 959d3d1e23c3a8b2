"""Which site files one post used: noted by the one reader while a post is prepared and loaded.

A publish run wraps each post's offline work (render, checks, loading its pictures) in
:func:`noting`; :func:`mdwx.files.reader.check_file` and :func:`~mdwx.files.reader.read_file`
note every file they admit into the set given. For a file read whole the note is the sha256
of the very bytes read (what was rendered, not what the file holds later); for a file only
checked (a video streamed later) it is a ``stat`` signature, replaced by the bytes' hash when
the same file is read too. :mod:`mdwx.publish.unchanged` keeps these notes in the state to
know, on the next run, that nothing a post used has changed.

Outside :func:`noting` nothing is kept (one context-variable read per file).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

#: path (absolute, links resolved) → "sha256:HEX" | "stat:SIZE:MTIME_NS:CTIME_NS:INO"
UsedFiles = dict[str, str]

_NOTES: ContextVar[UsedFiles | None] = ContextVar("mdwx_used_files", default=None)


@contextmanager
def noting(into: UsedFiles) -> Iterator[UsedFiles]:
    """Note every file the reader admits, in this task or thread, into ``into``."""
    token = _NOTES.set(into)
    try:
        yield into
    finally:
        _NOTES.reset(token)


def stat_signature(info: os.stat_result) -> str:
    """A file's ``stat`` signature: it changes whenever its bytes are written."""
    return f"stat:{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}"


def note_checked(path: Path, info: os.stat_result) -> None:
    """The reader admitted ``path`` (``info``: its stat) without reading it yet."""
    notes = _NOTES.get()
    if notes is not None:
        notes.setdefault(os.path.realpath(path), stat_signature(info))


def note_read(path: Path, data: bytes) -> None:
    """The reader read ``data``, the whole of ``path``."""
    notes = _NOTES.get()
    if notes is not None:
        notes[os.path.realpath(path)] = "sha256:" + hashlib.sha256(data).hexdigest()
