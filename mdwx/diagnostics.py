"""Diagnostics: every problem mdwx finds in a post, as data.

A :class:`Diagnostic` is one finding — an error that stops the post or a warning that does
not — with where it is (``path``, 1-based ``line`` and ``column`` where known), a stable
``code`` naming its kind, a ``severity``, the ``message`` and an optional ``hint``. The
human output, ``--json``, ``--format github`` and the plugins' logs are all printed from this
one structure; nothing parses a message back.

Codes are short kebab-case words (``relative-link``, ``unknown-key``, ``no-cover``…). They are
stable: users silence a kind by its code (``[warnings] ignore = ["relative-link"]``), so a
code, once published, is never renamed. :data:`CODES` lists each with one line saying what
it means; a code not listed there is a programming error caught by the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from mdwx.errors import one_line


class Severity(str, Enum):
    """How bad a diagnostic is: an ``error`` fails the post; a ``warning`` does not."""

    ERROR = "error"
    WARNING = "warning"


#: Every stable diagnostic code, with what it means (one line each). Errors raised as
#: :class:`mdwx.errors.MdwxError` use their class's code (``config``, ``article``, ``render``,
#: ``asset``…) unless they carry a more precise one.
CODES: dict[str, str] = {
    "warning": "a warning without a more precise kind",
    "error": "an error without a more precise kind",
    "config": "the site configuration, the credentials or the call is wrong",
    "article": "the post's front matter or body is invalid",
    "render": "the post could not be turned into WeChat-safe HTML",
    "asset": "a picture, video, formula or card could not be read or made to fit",
    "state": "the state database is unusable",
    "publish": "a publishing rule of the backend or account refuses the post",
    "wechat": "WeChat refused a call",
    "unknown-key": "a front-matter key that neither mdwx nor the site's generator reads",
    "relative-link": "a link to a relative target, which cannot work inside WeChat",
    "in-page-link": "a link to an anchor in the page, which WeChat rejects",
    "low-contrast": "a theme draws some text below WCAG contrast (4.5:1 reading text, 3:1 accents)",
    "unsafe-link": "a link or image whose target would run code or open a local file (javascript:, file:…)",
    "unknown-language": "a fence's info string names a language without a highlighter",
    "unclosed-hidden": "an element WeChat never shows is never closed",
    "empty-target": "an image or link with an empty target",
    "deep-nesting": "content nested deeper than the renderer or WeChat keeps",
    "shortcode-removed": "a generator's shortcode or template tag WeChat cannot show",
    "embed-as-name": "an embed of a file WeChat cannot show, shown as its name",
    "digest-length": "the digest is longer than WeChat keeps",
    "long-text": "the visible text is longer than WeChat's editor advises",
    "no-cover": "no cover image: publish makes one from the title",
}


@dataclass(frozen=True)
class Diagnostic:
    """One finding in a post: what (``code``, ``message``), where, and how bad.

    ``path`` is the file (as given), ``line`` and ``column`` 1-based or None where unknown;
    ``hint`` says what to do. ``str()`` is the one-line human form ``path:line: message (hint)``.
    """

    message: str
    path: str | None = None
    line: int | None = None
    code: str = "warning"
    severity: Severity = Severity.WARNING
    column: int | None = None
    hint: str | None = None

    @property
    def location(self) -> str:
        """``path:line[:column]``, ``path``, or "" when the diagnostic has no place."""
        if not self.path:
            return ""
        if not self.line:
            return self.path
        return f"{self.path}:{self.line}:{self.column}" if self.column else f"{self.path}:{self.line}"

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.hint:
            text = f"{text} ({self.hint})"
        return one_line(text)

    def to_json(self) -> dict[str, object]:
        """``{"code", "severity", "message", "path", "line", "column", "hint"}``."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": one_line(self.message),
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "hint": self.hint,
        }
