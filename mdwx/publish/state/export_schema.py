"""What one record of a state export may hold: a small schema per record type.

An export is a file in the repository, so anyone who can open a pull request can write it.
Every record is checked against its type's columns before anything is stored: each value has
its column's type (text, whole number, ISO 8601 time), stays within its bounds, and the
columns the database requires are present. A record that passes can be stored and merged
again by any later import; one that does not is refused with the export's line number.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from mdwx.publish.state.schema import UPLOAD_KINDS
from mdwx.publish.statuses import ARTICLE_STATUSES

MAX_TEXT = 4096  # characters of one text value (paths, URLs, titles, hashes)
MAX_WHOLE = 2**53  # a whole number JSON keeps exact
MAX_PATH = (
    1024  # characters of a post's path in the site (PATH_MAX is 4096 bytes; a post's is short)
)
#: C0 and C1 control characters, NUL included: no file name mdwx records holds them.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class Column:
    """``kind`` is ``"text"``, ``"int"``, ``"time"`` (ISO 8601 with zone), ``"day"``
    (``YYYY-MM-DD``), ``"path"`` (a post's path in the site: :func:`path_problem`) or
    ``"paths"`` (a JSON list of such paths, a send's posts in article order);
    ``required``: the record needs it; ``nullable``: ``null`` is allowed;
    ``low``/``high`` bound a whole number; ``choices`` the allowed texts; ``key``: part of
    the record's key (never empty)."""

    kind: str
    required: bool = False
    key: bool = False
    nullable: bool = False
    low: int = 0
    high: int = MAX_WHOLE
    choices: tuple[str, ...] = ()


KEY = Column("text", required=True, key=True)
SOURCE_PATH = Column("path", required=True, key=True)
TEXT = Column("text")
MAYBE = Column("text", nullable=True)
TIME = Column("time", required=True)
MAYBE_TIME = Column("time", nullable=True)
STATUS = Column("text", required=True, choices=ARTICLE_STATUSES)
BACKEND = Column("text", required=True, choices=("media", "draft"))

SCHEMA: dict[str, dict[str, Column]] = {
    "article": {
        "appid": KEY,
        "backend": BACKEND,
        "source_path": SOURCE_PATH,
        "media_id": MAYBE,
        "content_hash": TEXT,
        "status": STATUS,
        "url": MAYBE,
        "title": TEXT,
        "created_at": TIME,
        "updated_at": TIME,
        "submitted_at": MAYBE_TIME,
        "published_at": MAYBE_TIME,
        "source_hash": TEXT,
        "post_key": TEXT,
        "publish_id": TEXT,
        "article_id": TEXT,
        "msg_data_id": TEXT,
        "bundle": TEXT,
        "bundle_index": Column("int", high=999),
    },
    "superseded": {
        "appid": KEY,
        "source_path": SOURCE_PATH,
        "media_id": KEY,
        "status": STATUS,
        "url": MAYBE,
        "title": TEXT,
        "created_at": TIME,
        "superseded_at": TIME,
        "backend": BACKEND,
        "article_id": TEXT,
    },
    "upload": {
        "appid": KEY,
        "content_hash": KEY,
        "kind": Column("text", required=True, choices=UPLOAD_KINDS),
        "url": Column("text", required=True),
        "media_id": MAYBE,
        "size": Column("int", required=True),
        "created_at": TIME,
    },
    "video": {
        "appid": KEY,
        "file_sha1": KEY,
        "vid": Column("text", required=True),
        "filename": Column("text", required=True),
        "filesize": Column("int", required=True),
        "blocks_confirmed": Column("int"),
        "finished": Column("int", high=1),
        "media_id": MAYBE,
        "status": Column("int", nullable=True, low=-(2**31), high=2**31),
        "wording": TEXT,
        "updated_at": TIME,
    },
    "submissions": {
        "appid": KEY,
        "day": Column("day", required=True, key=True),
        "count": Column("int", required=True, high=1_000_000),
    },
    # 群发 sends (docs/reach.md): exported so a fresh CI runner knows what was sent.
    "mass_send": {
        "appid": KEY,
        "clientmsgid": KEY,
        "media_id": Column("text", required=True),
        "target": Column("text", required=True),
        "sources": Column("paths", required=True),
        "status": Column("text", required=True, choices=("sending", "sent", "deleted")),
        "msg_id": TEXT,
        "msg_data_id": TEXT,
        "msg_status": TEXT,
        "created_at": TIME,
        "sent_at": MAYBE_TIME,
        "updated_at": TIME,
    },
    "previews": {
        "appid": KEY,
        "day": Column("day", required=True, key=True),
        "count": Column("int", required=True, high=1_000_000),
    },
    # side drafts (mdwx.publish.state.sidedrafts): a fresh runner reuses them, never a copy.
    "side_draft": {
        "appid": KEY,
        "backend": BACKEND,
        "sources": Column("paths", required=True, key=True),
        "version": Column("text", required=True),
        "media_id": TEXT,
        "old_media_id": TEXT,
        "status": Column("text", required=True, choices=("uploading", "draft", "sent")),
        "title": TEXT,
        "created_at": TIME,
        "updated_at": TIME,
    },
}


def problem(kind: str, record: dict[str, object]) -> str | None:
    """Why ``record`` (of type ``kind``) cannot be stored, or None; unknown keys are ignored
    (a newer mdwx may add columns), missing optional ones take the database's default."""
    for name, column in SCHEMA[kind].items():
        if name not in record:
            if column.required:
                return f"{kind} record without {name}"
            continue
        found = _value_problem(column, record[name])
        if found:
            return f"{kind} record: {name} {found}"
    return None


def _value_problem(column: Column, value: Any) -> str | None:
    if value is None:
        return None if column.nullable else "must not be null"
    if column.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            return f"must be a whole number, not {_show(value)}"
        if not column.low <= value <= column.high:
            return f"must be between {column.low} and {column.high}, not {value}"
        return None
    if not isinstance(value, str):
        return f"must be text, not {_show(value)}"
    if column.kind == "paths" and (problem := paths_problem(value)):
        return problem
    if len(value) > MAX_TEXT:
        return f"is longer than {MAX_TEXT} characters"
    if column.key and not value:
        return "must not be empty"
    if column.choices and value not in column.choices:
        return f"must be one of {', '.join(column.choices)}, not {_show(value)}"
    if column.kind == "path":
        return path_problem(value)
    if column.kind in ("time", "day") and not _is_time(value, column.kind):
        shape = "an ISO 8601 time with a zone" if column.kind == "time" else "a day (YYYY-MM-DD)"
        return f"must be {shape}, not {_show(value)}"
    return None


def path_problem(text: str) -> str | None:
    """Why ``text`` is no post path as the state records it, or None.

    A post's path is relative to the site root, in POSIX form (``posts/a.md``): never
    absolute (``/…``, ``C:…``), never ``..``, ``.`` or an empty part, without control
    characters (NUL included), at most :data:`MAX_PATH` characters. A record whose path
    left the site would make ``status`` and ``delete`` name a file outside it.
    """
    if len(text) > MAX_PATH:
        return f"is longer than {MAX_PATH} characters"
    if _CONTROL.search(text):
        return f"holds a control character: {_show(text)}"
    if text.startswith("/") or _DRIVE.match(text):
        return f"must be a path relative to the site, not the absolute {_show(text)}"
    if any(part in ("", ".", "..") for part in text.split("/")):
        return f"must be a path inside the site (no '..', '.' or empty part), not {_show(text)}"
    return None


def paths_problem(text: str) -> str | None:
    """Why ``text`` is no JSON list of post paths (a send's posts, in article order), or None;
    each path follows :func:`path_problem`."""
    try:
        value = json.loads(text)
    except ValueError:
        return f"must be a JSON list of paths, not {_show(text)}"
    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        return f"must be a JSON list of paths, not {_show(text)}"
    for path in value:
        problem = path_problem(path)
        if problem:
            return f"holds a path that {problem}"
    return None


def _is_time(text: str, kind: str) -> bool:
    try:
        if kind == "day":
            return len(text) == 10 and dt.date.fromisoformat(text) is not None
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return False
    return moment.tzinfo is not None


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"
