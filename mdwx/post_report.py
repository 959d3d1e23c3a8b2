"""What ``check`` and ``build`` found for one post: :class:`PostReport`, the ``--json`` shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mdwx.diagnostics import Diagnostic, of_error
from mdwx.errors import MdwxError


@dataclass
class PostReport:
    """What check/build found for one post; ``error`` set means the post failed.

    ``title`` as read and ``slug`` the post's final identity (its build folder, None when the
    post could not be read); ``diagnostics``
    every error and warning of the post found in the one pass (:class:`Diagnostic`), errors
    first; ``error`` the first error and ``warnings`` the warnings one line each (both kept for
    ``--json`` readers of old); ``outputs`` the files ``build`` wrote (content.html,
    preview.html); ``content_chars`` the visible text in characters (code points) and
    ``content_bytes`` the content HTML in bytes of UTF-8 with WeChat-length image URLs,
    which WeChat limits (45002 past about 682 KB; see docs/limits.md).
    """

    path: Path
    title: str | None = None
    slug: str | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    error: MdwxError | None = None
    outputs: list[Path] = field(default_factory=list)
    content_chars: int | None = None  # visible text, as measured on content.html
    content_bytes: int | None = None  # UTF-8 bytes of the content as sent (URLs estimated)

    @property
    def ok(self) -> bool:
        """True when the post passed (``error`` is None)."""
        return self.error is None

    @property
    def warnings(self) -> list[str]:
        """The warnings, one line each naming ``file:line``."""
        return [str(d) for d in self.diagnostics if not d.is_error]

    def fail(self, error: MdwxError) -> None:
        """The post failed with ``error`` (and every error and warning it carries)."""
        self.error = error
        found = of_error(error)
        self.diagnostics = [
            *(d for d in found if d.is_error),
            *(d for d in self.diagnostics if not d.is_error),
            *(d for d in found if not d.is_error),
        ]

    def to_json(self) -> dict[str, object]:
        """One post of ``check``/``build --json``.

        ``{"path", "title", "slug", "ok", "content_chars", "content_bytes", "warnings",
        "outputs", "error", "diagnostics": [Diagnostic.to_json(), …]}``.
        """
        return {
            "path": str(self.path),
            "title": self.title,
            "slug": self.slug,
            "ok": self.ok,
            "content_chars": self.content_chars,
            "content_bytes": self.content_bytes,
            "warnings": self.warnings,
            "outputs": [str(p) for p in self.outputs],
            "error": self.error.to_json() if self.error else None,
            "diagnostics": [d.to_json() for d in self.diagnostics],
        }
