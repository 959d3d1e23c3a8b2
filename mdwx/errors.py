"""Typed errors shared by every stage.

Every error a user can cause is an :class:`MdwxError`: the CLI prints ``str(error)`` as one
line, never a traceback, and maps the error's class to an exit code (see ``mdwx.cli``: the
errors themselves know nothing of the command line). ``str()`` is built from the location
(``file:line``), the message and a hint saying what to do about it.

A :class:`Diagnostic` is the same finding as data (code, severity, place, message, hint): what
reports hold and every output format prints (see :mod:`mdwx.diagnostics` for the codes). It
lives here, beside the errors it is made from, so the two modules import in one direction.

Every error mdwx defines, by where it sits below :class:`MdwxError` (``code`` in brackets;
the command line exits 2 for a :class:`ConfigError` and 1 for every other;
``tests/test_errors_tree.py`` checks the tree against the classes mdwx defines)::

    MdwxError [error]
        ArticleError [article]                 front matter or body
            mdwx.source.article.EmptyPost [empty-post]
                mdwx.source.article.NotPublished [not-published]
        AssetError [asset]                     a picture, video, formula or card
            mdwx.assets.diagram_errors.DiagramError [asset]
            mdwx.publish.video.VideoReviewPending [video_pending]
        ConfigError [config]                   site config, credentials, the call
        PublishError [publish]                 refused, or wrong to publish
        RenderError [render]                   no WeChat-safe HTML (e.g. too long)
        StateError [state]                     the state database is unusable
        mdwx.account.feedback.NoMessageError [no_msg_data_id]
        mdwx.api.reach.ReachError [reach]
        mdwx.api.sendplan.QuotaExceeded [quota]
        mdwx.publish.bundling.BundleError [bundle]
        mdwx.wechat.errors.WeChatError [wechat]      WeChat's refusals and failures
            mdwx.wechat.errors.AlreadySubmitted [already_submitted]
            mdwx.wechat.errors.ContentRejected [content_rejected]
            mdwx.wechat.errors.IPWhitelistError [ip_whitelist]
            mdwx.wechat.errors.MassSendRefused [mass_refused]
            mdwx.wechat.errors.OutcomeUnknown [outcome_unknown]
            mdwx.wechat.errors.PermissionDenied [permission]
            mdwx.wechat.errors.PublishFailed [publish_failed]
            mdwx.wechat.errors.PublishRefused [publish_refused]
            mdwx.wechat.errors.QuotaError [quota]
            mdwx.wechat.errors.TokenError [token]
            mdwx.wechat.errors.TransportError [transport]
            mdwx.wechat.errors.VideoError [video]
                mdwx.publish.video.VideoReviewFailed [video]
            mdwx.wechat.relay.RelayRefused [relay]

Not user errors, so not below :class:`MdwxError`: ``mdwx.api.RunningLoopError`` (a
synchronous call made inside a running event loop: a programming error) and the signals one
module raises to another (``mdwx.publish.backends.base.Gone``: the unsubmitted article left
that state).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
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
    column: int | None = None  # 1-based, where the error's source knows it (a YAML parser does)
    also: Sequence[MdwxError] = ()  # the post's further errors, found in the same pass (gather)
    warnings: Sequence[Diagnostic] = ()  # the warnings found beside them

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

    @property
    def errors(self) -> list[MdwxError]:
        """This error and every further one of the same post (:meth:`gather`), in order found."""
        return [self, *self.also]

    @staticmethod
    def gather(errors: Sequence[MdwxError], warnings: Sequence[Diagnostic] = ()) -> MdwxError:
        """The first of ``errors`` (at least one), carrying the others and ``warnings``.

        A post's problems are collected, not raised at the first; the one raised reads as that
        first error (its class, message, place and exit code are unchanged) and carries every
        other error of the post in ``also`` and what was found beside them in ``warnings``.
        """
        flat: list[MdwxError] = []
        for error in errors:  # an error may carry its own gathered ones
            flat += [e for e in error.errors if all(e is not seen for seen in flat)]
        found = [w for error in errors for w in error.warnings]
        first = flat[0]
        first.also, first.warnings = flat[1:], [*found, *warnings]
        return first

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
        return finding_line(self.location, self.message, self.hint)

    def to_json(self) -> dict[str, object]:
        """``{"code", "message", "path", "line"}``: the error in ``--json`` documents."""
        return {
            "code": self.code,
            "message": str(self),
            "path": self.path,
            "line": self.line,
        }


def finding_line(location: str, message: str, hint: str | None) -> str:
    """The one-line form of a finding: ``location: message (hint)``, controls escaped."""
    text = f"{location}: {message}" if location else message
    return one_line(f"{text} ({hint})" if hint else text)


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


def in_file_order(errors: Sequence[MdwxError], path: str | Path) -> list[MdwxError]:
    """``errors`` as a reader meets them.

    Those in ``path`` by line (those without a line last), then those in other files (a site's
    default cover, a template); errors on one line keep the order they were found in.
    """
    own = str(path)
    return sorted(errors, key=lambda e: (e.path != own, e.line is None, e.line or 0))


def raise_all(errors: Sequence[MdwxError], warnings: Sequence[Diagnostic] = ()) -> None:
    """Raise nothing for no error, else the first error carrying the rest (see :meth:`MdwxError.gather`)."""
    if errors:
        raise MdwxError.gather(errors, warnings)


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


class PublishError(MdwxError):
    """A post could not be published: WeChat refused it, or publishing it would be wrong.

    Defined here rather than beside the publishing plan (:mod:`mdwx.publish.plan`, which
    re-exports it) so that the backends' offline rules, which ``check`` and ``build`` apply,
    raise it without importing the publishing stack.
    """

    code = "publish"


class Severity(str, Enum):
    """How bad a diagnostic is: an ``error`` fails the post; a ``warning`` does not."""

    ERROR = "error"
    WARNING = "warning"


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

    def __post_init__(self) -> None:
        # A URL's password (http://user:PASSWORD@host/…) never reaches any output format.
        object.__setattr__(self, "message", redact(self.message))
        if self.hint is not None:
            object.__setattr__(self, "hint", redact(self.hint))

    @property
    def location(self) -> str:
        """``path:line[:column]``, ``path``, or "" when the diagnostic has no place."""
        if not self.path:
            return ""
        if not self.line:
            return self.path
        return (
            f"{self.path}:{self.line}:{self.column}" if self.column else f"{self.path}:{self.line}"
        )

    def __str__(self) -> str:
        return finding_line(self.location, self.message, self.hint)

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

    @classmethod
    def from_error(cls, error: MdwxError) -> Diagnostic:
        """The error-severity diagnostic of one :class:`~mdwx.errors.MdwxError` (its own, not those it carries)."""
        return cls(
            error.message,
            error.path,
            error.line,
            code=error.code,
            severity=Severity.ERROR,
            column=error.column if error.line else None,
            hint=error.hint,
        )

    @property
    def is_error(self) -> bool:
        """True for an error (it fails the post), False for a warning."""
        return self.severity is Severity.ERROR
