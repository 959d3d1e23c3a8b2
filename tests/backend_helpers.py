"""The two publishing APIs as the tests see them: which endpoints each calls and where the
sandbox keeps what it made, so one test body checks either backend."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mdwx.sandbox import SandboxServer


@dataclass(frozen=True)
class Api:
    name: str
    create: str  # the call that creates the unsubmitted article
    update: str  # the call that changes it
    submit: str
    follow: str  # the call that follows a submission
    prefixes: tuple[str, ...]  # every endpoint of the article's API

    def created(self, sb: SandboxServer) -> list[dict[str, Any]]:
        """The first article of every item created, whatever became of it."""
        if self.name == "media":
            return [a.article for a in sb.store.articles()]
        return [d.items[0] for d in sb.store.drafts(any_state=True)]

    def submitted(self, sb: SandboxServer) -> list[dict[str, Any]]:
        """The first article of every submission WeChat took."""
        if self.name == "media":
            return [a.article for a in sb.store.articles() if a.state == "submitted"]
        return [p.items[0] for p in sb.store.publications()]

    def submissions(self, sb: SandboxServer) -> int:
        return sb.store.submission_count() if self.name == "media" else len(sb.store.publications())

    def article(self, sb: SandboxServer, media_id: str) -> dict[str, Any]:
        if self.name == "media":
            return sb.store.article(media_id).article
        return sb.store.draft(media_id, any_state=True).items[0]

    def sent(self, sb: SandboxServer) -> list[str]:
        """The article API's calls in the log (no uploads, no token)."""
        return [r.endpoint for r in sb.requests if r.endpoint.startswith(self.prefixes)]


MEDIA = Api(
    "media",
    "publish/uploadnews",
    "publish/update",
    "publish/submit",
    "publish/query",
    ("publish/",),
)
DRAFT = Api(
    "draft",
    "draft/add",
    "draft/update",
    "freepublish/submit",
    "freepublish/get",
    ("draft/", "freepublish/"),
)
APIS = {"media": MEDIA, "draft": DRAFT}
