"""Typed errors shared by every stage.

Every error a user can cause is an :class:`MdwxError`: the CLI prints ``str(error)`` as one
line, never a traceback, and maps the error's class to an exit code (see ``mdwx.cli``: the
errors themselves know nothing of the command line). ``str()`` is built from the location
(``file:line``), the message and a hint saying what to do about it.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import TypeVar

from mdwx.urls import redact

E = TypeVar("E", bound="MdwxError")


class MdwxError(Exception):
    """Base of every error mdwx reports to a person.

    ``message`` is the problem, ``path`` and ``line`` (1-based) where it is, ``hint`` what to
    do about it; ``code`` is a stable word for the kind (``"config"``, ``"article"``, …).
    """

    code = "error"

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        # Messages name the URLs a user wrote; a password in one must not reach a log.
        message, hint = redact(message), redact(hint) if hint is not None else None
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.hint = hint

    def at(self: E, path: str | Path | None, line: int | None = None) -> E:
        """Set where the error is and return the same error.

        ``path`` is the file naming the faulty reference and ``line`` its line; returning the
        error itself lets a caller add the location without changing its class or cause.
        """
        self.path = str(path) if path is not None else None
        self.line = line
        return self

    @property
    def location(self) -> str:
        """``path:line``, ``path``, or "" when the error has no place."""
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line else self.path

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.hint:
            text = f"{text} ({self.hint})"
        return one_line(text)

    def to_json(self) -> dict[str, object]:
        """``{"code", "message", "path", "line"}``: the error in ``--json`` documents."""
        return {
            "code": self.code,
            "message": str(self),
            "path": self.path,
            "line": self.line,
        }


def one_line(text: str) -> str:
    r"""``text`` with every control or line-breaking character escaped.

    ``\n``, ``\x1b``, ``\u2028`` and the like are written as escapes, so a message built from
    a file name or a URL-decoded path stays on one line and cannot move the terminal's cursor.
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else _escape(ch) for ch in text)


def _escape(ch: str) -> str:
    if unicodedata.category(ch) == "Zs":  # an odd space: printable enough, keep it
        return ch
    escaped = repr(ch)[1:-1]
    return escaped if escaped != ch else f"\\u{ord(ch):04x}"


class ConfigError(MdwxError):
    """The site configuration, the credentials or the call is wrong: nothing was attempted."""

    code = "config"


class ArticleError(MdwxError):
    """A post's front matter or body is invalid."""

    code = "article"


class RenderError(MdwxError):
    """A post could not be turned into WeChat-safe HTML (e.g. content over the limit)."""

    code = "render"


class AssetError(MdwxError):
    """An image, video, formula or card could not be read, fetched or made to fit."""

    code = "asset"


class StateError(MdwxError):
    """The state database is unusable (locked, corrupt, from a newer mdwx)."""

    code = "state"
