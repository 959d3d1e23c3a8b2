"""Where a setting is in its file, and the one-line error naming that line.

``tomllib`` keeps no line numbers, so the line of a key is found again in the text: the
line assigning ``key`` inside its ``[table]`` (or ``[tool.mdwx.table]`` of
``pyproject.toml``), or the line opening the table a whole section is.
"""

from __future__ import annotations

import difflib
import re
import sys
from pathlib import Path

from mdwx.errors import ConfigError, MdwxError
from mdwx.files.reader import read_config_text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

_TABLE = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")


def setting_error(where: Path, setting: str, message: str, hint: str | None = None) -> ConfigError:
    """A configuration error at the line of ``where`` that sets ``setting`` (``name`` or
    ``table.name``), so the one-line message reads ``mdwx.toml:LINE: …``."""
    return ConfigError(message, path=where, line=setting_line(where, setting), hint=hint)


def setting_line(where: Path, setting: str) -> int | None:
    """The 1-based line of ``where`` (``mdwx.toml``, or ``pyproject.toml``'s ``[tool.mdwx]``)
    that sets ``setting`` or opens its table; None when it is not found (or unreadable)."""
    *tables, key = setting.split(".")
    return _line(where, tables, key)


def table_key_error(
    where: Path, table: str, key: str, message: str, hint: str | None = None
) -> ConfigError:
    """The error at the line of ``key`` inside the table setting ``table`` (a key of any
    text, dots and all: ``"https://cdn.example.com/" = …`` in ``[mirrors]``); at the table's
    line when the key's is not found."""
    line = _line(where, table.split("."), key) or setting_line(where, table)
    return ConfigError(message, path=where, line=line, hint=hint)


def _line(where: Path, tables: list[str], key: str) -> int | None:
    try:
        lines = read_config_text(where).splitlines()
    except MdwxError:
        return None
    prefix = ["tool", "mdwx"] if where.name == "pyproject.toml" else []
    whole, parent = ".".join([*prefix, *tables, key]), ".".join([*prefix, *tables])
    table = ""
    for number, line in enumerate(lines, 1):
        header = _TABLE.match(line)
        if header:
            table = re.sub(r"[\s\"']", "", header.group(1))
            if table == whole:
                return number
        elif table == parent and _assigned_key(line) == key:
            return number
    return None


def _assigned_key(line: str) -> str | None:
    """The (first part of the) key a ``key = value`` line assigns, as TOML reads it: bare,
    quoted, escaped or dotted (``"../x"``, ``'a b'``, ``"\\u0041"``, ``a.b``); None for any
    other line. The key is parsed by TOML itself, so every spelling finds its line."""
    start = 0
    while (equals := line.find("=", start)) != -1:
        try:
            parsed = tomllib.loads(line[:equals] + "= 0")
        except tomllib.TOMLDecodeError:
            start = equals + 1
            continue
        return next(iter(parsed), None)
    return None


def did_you_mean(word: str, known: set[str]) -> str:
    """`` (did you mean 'name'?)`` for the setting closest to an unknown ``word``, else ""."""
    close = difflib.get_close_matches(word, sorted(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
