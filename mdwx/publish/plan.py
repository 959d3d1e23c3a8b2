"""What publishing one post will do: decided once, then printed (``--dry-run``) or executed.

The dry run and the real run share this decision, so what ``--dry-run`` says is what the run
does: the same steps, the same refusal (and exit code), the same upload counts. The decision
needs the article's ``content`` hash; it is computed from the state's cached URLs when every
asset is already on WeChat, and is "changed" when something must be uploaded (a new upload
gets a new URL, so the content differs).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Final, Literal

from mdwx.diagnostics import Diagnostic
from mdwx.errors import PublishError  # PublishError: re-exported, the API's name
from mdwx.publish.claims import RunClaims
from mdwx.publish.identity import Found
from mdwx.publish.marker import ADOPTED, Mark
from mdwx.publish.resolve import LoadedAsset, Resolved, lookup_cached
from mdwx.publish.state.store import ArticleRecord, State
from mdwx.publish.upload_labels import upload_label
from mdwx.publish.video import STATUS_PASSED, file_sha1
from mdwx.source.posts import Post

#: What is done to a post's article, a word of ``steps`` in ``publish --json``. KEEP: a
#: submitted article is kept though the post changed (``on_submitted_change = "warn"``):
#: nothing is sent, a warning names the next command.
ArticleStep = Literal["unchanged", "update", "uploadnews", "settle", "keep"]
UNCHANGED: Final = "unchanged"
UPDATE: Final = "update"
UPLOAD: Final = "uploadnews"
SETTLE: Final = "settle"
KEEP: Final = "keep"


@dataclass
class Plan:
    """The steps for one post; ``steps`` are machine names, :meth:`actions` the human lines."""

    uploads: list[str] = field(default_factory=list)  # "kind source" of each asset to upload
    images: int = 0  # images (cover, body, formulas, cards) to upload
    videos: int = 0  # videos to upload (or to resume uploading)
    cached: int = 0  # images and videos already on WeChat, reused
    renamed_from: str | None = None
    article: ArticleStep = UPLOAD
    supersede: str | None = None  # media_id of the submitted article --force replaces
    submit: bool = False
    error: PublishError | None = None
    publish_at: datetime | None = None  # the post's publish_at (front matter)
    held: bool = False  # publish_at is still ahead: the article is kept unsubmitted
    warning: Diagnostic | None = None  # KEEP: what changed and the command that publishes it anew
    mark: Mark | None = (
        None  # what the article carries so another door finds it (mdwx.publish.marker)
    )

    @property
    def steps(self) -> list[str]:
        steps = [f"upload {u}" for u in self.uploads]
        if self.renamed_from:
            steps.insert(0, f"follow rename from {self.renamed_from}")
        if self.error:
            return [*steps[:1], "refuse"] if self.renamed_from else ["refuse"]
        if self.supersede:
            steps.append(f"supersede {self.supersede}")
        steps.append(self.article)
        if self.submit:
            steps.append("submit")
        elif self.held and self.publish_at is not None:
            steps.append(f"hold until {self.publish_at.isoformat()}")
        return steps

    def counts(self) -> dict[str, int]:
        return {"images": self.images, "cached": self.cached, "videos": self.videos}


def decide(
    record: ArticleRecord | None,
    digest: str | None,
    *,
    draft: bool,
    force: bool,
    path: str | Path | None,
    on_change: str = "warn",
) -> tuple[ArticleStep, str | None, bool, PublishError | None]:
    """(article step, media_id superseded, submit?, refusal) for a post whose payload hash is
    ``digest`` (None: it will differ from any recorded one).

    A post changed after its article was submitted follows ``on_change`` (the site's
    ``on_submitted_change``): "warn" keeps the article (:data:`KEEP`; see
    :func:`submitted_change`), "error" refuses the post, "republish" (or ``force``) uploads a
    new article superseding the old one. Every door publishes through here, so the setting
    means the same from the command line, a hook, CI or a plugin.
    """
    if record and record.status == "submitting":
        return SETTLE, None, False, None
    if (
        record
        and record.media_id
        and record.content_hash == digest
        and record.status not in ("uploading", "updating", "deleted")
    ):
        return UNCHANGED, None, record.status == "draft" and not draft, None
    if record and record.media_id and record.status in ("draft", "updating"):
        return UPDATE, None, not draft, None
    if record and record.media_id and record.status in ("submitted", "published", "rejected"):
        if force or on_change == "republish":
            return UPLOAD, record.media_id, not draft, None
        if on_change == "warn":
            return KEEP, None, False, None
        return (
            UPLOAD,
            None,
            False,
            PublishError(
                f"the post changed but its article was already submitted ({record.status})",
                path=path,
                hint="WeChat cannot change a submitted article; " + _next_step(path, draft=draft),
            ),
        )
    return UPLOAD, None, not draft, None


def _next_step(path: str | Path | None, *, draft: bool) -> str:
    return (
        f"`{republish_command(path, draft=draft)}` publishes it as a new article (the old one stays "
        "listed by `mdwx status`), or set on_submitted_change in mdwx.toml"
    )


def republish_command(path: str | Path | None, *, draft: bool) -> str:
    """The exact command that publishes ``path`` anew, its path relative to the current folder
    when it lies below it (where a hook or the user runs mdwx), shell-quoted."""
    where = str(path or "")
    if path is not None:
        try:
            where = os.path.relpath(os.path.abspath(path))
        except ValueError:  # another drive (Windows)
            where = str(path)
        if where.startswith(".."):
            where = os.path.abspath(path)
    return " ".join(
        ["mdwx", "publish", *(["--draft"] if draft else []), "--force", shlex.quote(where)]
    )


def submitted_change(record: ArticleRecord, path: str | Path | None, *, draft: bool) -> Diagnostic:
    """The ``submitted-changed`` warning for a changed post whose submitted article is kept (``KEEP``)."""
    return Diagnostic(
        f"changed after its article was submitted ({record.status}): the submitted article is kept and the "
        "change is not published (WeChat cannot change a submitted article)",
        path=str(path) if path is not None else None,
        code="submitted-changed",
        hint="to publish the change as a new article run: " + republish_command(path, draft=draft),
    )


ACTION_TEXT: dict[ArticleStep, str] = {
    UNCHANGED: "unchanged: nothing sent",
    UPDATE: "update the unsubmitted article (index 1)",
    UPLOAD: "upload the article to the publishing library",
    SETTLE: "ask WeChat whether the previous submit went through",
    KEEP: "kept as submitted: the change is not sent",
}


def describe(
    plan: Plan, *, planned: bool, texts: Mapping[ArticleStep, str] | None = None
) -> list[str]:
    """Human lines for ``plan``: "would …" for a dry run; ``texts``: the backend's words for
    the article steps (default :data:`ACTION_TEXT`)."""
    lead = "would " if planned else ""
    # Each upload is one line already, its size last (mdwx.publish.upload_labels).
    lines = [f"{lead}upload {u}" for u in plan.uploads]
    if plan.renamed_from:
        lines.insert(
            0, f"{'would follow' if planned else 'followed'} the rename from {plan.renamed_from}"
        )
    if plan.error:
        return lines
    if plan.supersede:
        lines.append(f"{lead}keep {plan.supersede} as a superseded article and publish a new one")
    text = (
        {**ACTION_TEXT, **(texts or {})}[plan.article]
        if plan.article not in (UNCHANGED, KEEP)
        else ACTION_TEXT[plan.article]
    )
    lines.append(text if plan.article in (UNCHANGED, KEEP) else lead + text)
    if plan.submit:
        lines.append(f"{lead}submit it for review")
    elif plan.held and plan.publish_at is not None:
        lines.append(
            f"{lead}keep it unsubmitted until {plan.publish_at.isoformat()} (publish_at); "
            "the first run at or after that time submits it"
        )
    return lines


def is_due(publish_at: datetime | None, now: datetime) -> bool:
    """Whether a post may be submitted at ``now``: it has no ``publish_at``, or that time came.

    Both are aware datetimes (any zones); ``now`` equal to ``publish_at`` is due.
    """
    return publish_at is None or now >= publish_at


def payload_hash(article: dict[str, object]) -> str:
    return hashlib.sha256(
        json.dumps(article, ensure_ascii=False, sort_keys=True).encode()
    ).hexdigest()


async def plan_post(
    state: State,
    appid: str,
    post: Post,
    assets: list[LoadedAsset],
    found: Found,
    *,
    draft: bool,
    force: bool,
    payload: Callable[[Resolved], dict[str, object]],
    publish_at: datetime | None = None,
    now: datetime | None = None,
    mark: Mark | None = None,
    claims: RunClaims | None = None,
    position: int = 0,
) -> Plan:
    """Decide what publishing ``post`` does. ``assets``: the cover first, then the rest as
    loaded; ``payload`` builds the article JSON from resolved values (to hash it).

    ``publish_at`` (aware) holds the submit back while ``now`` (aware) is before it: the
    article is uploaded or updated as a draft, and submitted by the first run at or after it.
    ``mark`` is the post's (:mod:`mdwx.publish.marker`): an article adopted from another door
    at its version is the post unchanged.
    """
    held = not draft and now is not None and not is_due(publish_at, now)
    plan = Plan(renamed_from=found.renamed_from, publish_at=publish_at, held=held, mark=mark)
    asked_draft, draft = draft, draft or held
    digest = await planned_digest(
        state, appid, assets, plan, payload, claims=claims, position=position
    )
    record = found.record
    if record is not None and mark is not None and record.content_hash == ADOPTED + mark.version:
        digest = record.content_hash  # adopted from another door at this very version
    plan.article, plan.supersede, plan.submit, plan.error = decide(
        found.record,
        digest,
        draft=draft,
        force=force,
        path=post.path,
        on_change=post.config.on_submitted_change,
    )
    if plan.article == KEEP and found.record is not None:
        plan.warning = submitted_change(found.record, post.path, draft=asked_draft)
    if plan.article in (UNCHANGED, KEEP):  # nothing needs uploading: every asset counted as reused
        if claims is not None:
            claims.release(plan)  # a later post of the run uploads what this one would have
        plan.uploads, plan.images, plan.videos = [], 0, 0
    return plan


async def planned_digest(
    state: State,
    appid: str,
    assets: list[LoadedAsset],
    plan: Plan,
    payload: Callable[[Resolved], dict[str, object]],
    seen: set[tuple[str, str]] | None = None,
    claims: RunClaims | None = None,
    position: int = 0,
) -> str | None:
    """Count what ``assets`` would upload into ``plan`` (``uploads``, ``images``, ``videos``,
    ``cached``); the article's payload hash when everything is already on WeChat, else None
    (an upload gets a new URL, so the content will differ from any recorded one).

    ``seen``: pictures an earlier article of the same run uploads (a bundle's), counted as
    reused here, and shared with the caller. ``claims``: the run's owners of shared pictures
    (:mod:`mdwx.publish.claims`), the post at ``position`` in the run; a picture an earlier
    post of the run uploads is counted reused, as the run's uploader counts it.
    """
    seen = set() if seen is None else seen
    pending = False  # a picture another article of the run uploads first
    videos: dict[str, str] = {}
    for item in assets:
        if item.kind == "video":
            vid = await cached_video(state, appid, item)
            if vid is None:
                plan.videos += 1
                plan.uploads.append(upload_label(item.asset, "video"))
            else:
                plan.cached += 1
                if vid:
                    videos[item.asset.key] = vid
            continue
        if claims is not None and not item.cached:
            key = (item.content_hash, item.kind)
            before = plan.images
            claims.claim(key, position, plan)
            pending = True  # its URL is known only once it is uploaded
            if plan.images > before:
                plan.uploads.append(_upload_line(item))
            continue
        if item.cached or (item.content_hash, item.kind) in seen:  # the uploader sends a twin once
            plan.cached += 1
            pending = pending or not item.cached
            continue
        seen.add((item.content_hash, item.kind))
        plan.images += 1
        plan.uploads.append(_upload_line(item))
    if (
        not plan.uploads
        and not pending
        and len(videos) == sum(1 for x in assets if x.kind == "video")
    ):
        values = {x.asset.key: x.cached_url or "" for x in assets[1:] if x.kind != "video"}
        resolved = Resolved(
            values={**values, **videos},
            thumb_media_id=assets[0].cached_media_id or "",
            media_ids={x.asset.key: x.cached_media_id or "" for x in assets if x.kind != "video"},
        )
        return payload_hash(payload(resolved))
    return None


def _upload_line(item: LoadedAsset) -> str:
    size = f" ({len(item.prepared.data):,} bytes as {item.prepared.ext})" if item.prepared else ""
    return f"{upload_label(item.asset, item.kind)}{size}"


async def cached_video(state: State, appid: str, item: LoadedAsset) -> str | None:
    """The vid of a video this account already holds ("" while it is under review), else None."""
    assert item.video_path is not None
    record = state.video(appid, await asyncio.to_thread(file_sha1, item.video_path))
    if record is None or not record.media_id:
        return None
    return record.vid if record.status == STATUS_PASSED else ""


def refresh_cached(state: State, appid: str, assets: list[LoadedAsset]) -> None:
    """Look the assets up again (another process may have uploaded them meanwhile)."""
    for item in assets:
        if item.kind != "video" and not item.cached:
            lookup_cached(state, appid, item)
