"""What one record of a state export may hold: a small schema per record type.

An export is a file in the repository, so anyone who can open a pull request can write it.
Every record is checked against its type's columns before anything is stored: each value has
its column's type (text, whole number, ISO 8601 time), stays within its bounds, and the
columns the database requires are present. A record that passes can be stored and merged
again by any later import; one that does not is refused with the export's line number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from mdwx.publish.state.schema import ARTICLE_STATUSES, UPLOAD_KINDS

MAX_TEXT = 4096  # characters of one text value (paths, URLs, titles, hashes)
MAX_WHOLE = 2**53  # a whole number JSON keeps exact


@dataclass(frozen=True)
class Column:
    """``kind`` is ``"text"``, ``"int"``, ``"time"`` (ISO 8601 with zone), ``"day"``
    (``YYYY-MM-DD``) or ``"paths"`` (a JSON list of texts);
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
TEXT = Column("text")
MAYBE = Column("text", nullable=True)
TIME = Column("time", required=True)
MAYBE_TIME = Column("time", nullable=True)
STATUS = Column("text", required=True, choices=ARTICLE_STATUSES)
BACKEND = Column("text", required=True, choices=("media", "draft"))

SCHEMA: dict[str, dict[str, Column]] = {
    "article": {"appid": KEY, "backend": BACKEND, "source_path": KEY, "media_id": MAYBE, "content_hash": TEXT,
                "status": STATUS, "url": MAYBE, "title": TEXT, "created_at": TIME, "updated_at": TIME,
                "submitted_at": MAYBE_TIME, "published_at": MAYBE_TIME, "source_hash": TEXT, "post_key": TEXT,
                "publish_id": TEXT, "article_id": TEXT, "msg_data_id": TEXT},
    "superseded": {"appid": KEY, "source_path": KEY, "media_id": KEY, "status": STATUS, "url": MAYBE,
                   "title": TEXT, "created_at": TIME, "superseded_at": TIME, "backend": BACKEND,
                   "article_id": TEXT},
    "upload": {"appid": KEY, "content_hash": KEY, "kind": Column("text", required=True, choices=UPLOAD_KINDS),
               "url": Column("text", required=True), "media_id": MAYBE, "size": Column("int", required=True),
               "created_at": TIME},
    "video": {"appid": KEY, "file_sha1": KEY, "vid": Column("text", required=True),
              "filename": Column("text", required=True), "filesize": Column("int", required=True),
              "blocks_confirmed": Column("int"), "finished": Column("int", high=1), "media_id": MAYBE,
              "status": Column("int", nullable=True, low=-(2**31), high=2**31), "wording": TEXT,
              "updated_at": TIME},
    "submissions": {"appid": KEY, "day": Column("day", required=True, key=True),
                    "count": Column("int", required=True, high=1_000_000)},
    # 群发 sends (docs/reach.md): exported so a fresh CI runner knows what was sent.
    "mass_send": {"appid": KEY, "clientmsgid": KEY, "media_id": Column("text", required=True),
                  "target": Column("text", required=True), "sources": Column("paths", required=True),
                  "status": Column("text", required=True, choices=("sending", "sent", "deleted")),
                  "msg_id": TEXT, "msg_data_id": TEXT, "msg_status": TEXT, "created_at": TIME,
                  "sent_at": MAYBE_TIME, "updated_at": TIME},
    "previews": {"appid": KEY, "day": Column("day", required=True, key=True),
                 "count": Column("int", required=True, high=1_000_000)},
}


def problem(kind: str, record: dict[str, Any]) -> str | None:
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
    if column.kind == "paths" and not _is_paths(value):
        return f"must be a JSON list of paths, not {_show(value)}"
    if len(value) > MAX_TEXT:
        return f"is longer than {MAX_TEXT} characters"
    if column.key and not value:
        return "must not be empty"
    if column.choices and value not in column.choices:
        return f"must be one of {', '.join(column.choices)}, not {_show(value)}"
    if column.kind in ("time", "day") and not _is_time(value, column.kind):
        shape = "an ISO 8601 time with a zone" if column.kind == "time" else "a day (YYYY-MM-DD)"
        return f"must be {shape}, not {_show(value)}"
    return None


def _is_paths(text: str) -> bool:
    """A JSON list of non-empty texts (a send's posts, in article order)."""
    import json

    try:
        value = json.loads(text)
    except ValueError:
        return False
    return isinstance(value, list) and all(isinstance(p, str) and p for p in value)


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
