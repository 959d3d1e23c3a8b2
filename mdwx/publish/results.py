"""What a publish run gives back: each post's result, and the progress callbacks (what it is
given is :class:`mdwx.publish.run_options.RunOptions`). Plain data, imported by the publisher, its submission steps, the library
API and the command line alike (so none of them needs the publisher to name a result).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from mdwx.diagnostics import Diagnostic, of_error
from mdwx.errors import MdwxError
from mdwx.publish.statuses import PostStatus
from mdwx.source.posts import Post


@dataclass
class PostResult:
    """What publishing did to one post; ``error`` set means the post failed.

    ``status`` is ``published``, ``submitted`` (under review), ``draft`` (uploaded, not
    submitted), ``rejected`` (failed review), ``skipped`` (``draft: true``), ``dry-run`` or
    ``failed``, or ``scheduled`` (uploaded, held unsubmitted until its ``publish_at``).
    ``account`` is the ``[accounts.NAME]`` it went to (None: the call's credentials);
    ``publish_at`` the post's front matter time (ISO 8601). ``media_id`` is the article's id in the publishing library, ``url`` where it
    is read once published (the ``url`` ``cgi-bin/publish/query`` answers, media API contract).
    ``uploads`` counts ``images`` and ``videos`` sent and ``cached`` ones reused;
    ``actions`` are human lines, ``steps`` the plan's machine names (planned in a dry run,
    taken otherwise).
    """

    path: str
    title: str | None = None
    media_id: str | None = None
    status: PostStatus = "failed"
    url: str | None = None
    uploads: dict[str, int] = field(default_factory=lambda: {"images": 0, "cached": 0, "videos": 0})
    error: MdwxError | None = None
    actions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(
        default_factory=list
    )  # the post's own warnings, as read offline
    steps: list[str] = field(default_factory=list)  # the plan's steps: planned (dry run) or taken
    account: str | None = None
    publish_at: str | None = None

    def to_json(self) -> dict[str, object]:
        """One post of ``publish --json``.

        ``{"path", "title", "media_id", "status", "url", "uploads", "actions", "steps",
        "warnings", "error": {"code", "message"} | None, "diagnostics": [Diagnostic.to_json(), …]}``
        (every error, then every warning: the post's own and those publishing met), plus ``"account"`` when it went to a
        named account and ``"publish_at"`` when the post has one.
        """
        extra: dict[str, object] = {}
        if self.account is not None:
            extra["account"] = self.account
        if self.publish_at is not None:
            extra["publish_at"] = self.publish_at
        return {
            **extra,
            "path": self.path,
            "title": self.title,
            "media_id": self.media_id,
            "status": self.status,
            "url": self.url,
            "uploads": self.uploads,
            "actions": self.actions,
            "steps": self.steps,
            "warnings": self.warnings,
            "error": {"code": self.error.code, "message": str(self.error)} if self.error else None,
            "diagnostics": [d.to_json() for d in self.all_diagnostics()],
        }

    def warn(self, message: str, *, code: str, line: int | None = None) -> None:
        """A warning met while publishing the post, at its ``line``, under its stable ``code``."""
        self.add(Diagnostic(message, self.path, line, code=code))

    def add(self, found: Diagnostic) -> None:
        """A diagnostic met while publishing the post: kept with its code, and one line in ``warnings``."""
        self.diagnostics.append(found)
        self.warnings.append(str(found))

    def all_diagnostics(self) -> list[Diagnostic]:
        """Every error (the error and those it carries), then every warning: the post's own
        (``diagnostics``) and the lines publishing added to ``warnings`` (code ``warning``)."""
        found = of_error(self.error) if self.error else []
        own = [*self.diagnostics, *(d for d in found if not d.is_error)]
        said = {str(d) for d in own}
        met = [Diagnostic(w, self.path) for w in self.warnings if w not in said]
        return [*(d for d in found if d.is_error), *own, *met]


@dataclass
class Events:
    """Callbacks for progress display; the library itself prints nothing.

    ``on_post(post, total)``: a post starts uploading, ``total`` uploads ahead of it;
    ``on_upload()``: one image or cover uploaded; ``on_video(name, done, total)``: a video's
    upload progress in bytes sent of its size in bytes. ``on_checked(post, done, total)``:
    ``check``/``build`` finished a post, the ``done``-th of ``total``.
    """

    on_post: Callable[[Post, int], None] = lambda post, total: None  # total uploads ahead
    on_upload: Callable[[], None] = lambda: None
    on_video: Callable[[str, int, int], None] = lambda name, done, total: None  # bytes sent / size
    on_checked: Callable[[Post, int, int], None] = lambda post, done, total: (
        None
    )  # posts done / all
