"""Side drafts: a published or sent, unchanged post back in the draft box for a preview or a
群发 (docs/reach.md, "Side drafts").

After ``publish`` WeChat takes the draft out of the box, and after a 群发 too; a preview or a
send needs one still there. mdwx then uploads the same articles again as a *side draft*,
recorded beside the post's article record (:mod:`mdwx.publish.state.sidedrafts`), never in
it: the post keeps its published ``media_id``, and ``publish`` never submits a side draft (it
does not know it), so a post is never published twice. An unchanged post reuses its side
draft (nothing uploaded); a post published again in another version gets a new one and the
old is deleted. Only an *unchanged* post gets one — a post edited after it was published is
refused with the command that publishes the edit, so what reaches a phone is what was published.

The articles carry a mark of their own (:func:`side_mark`), never the post's: another door
adopting the post's article by its mark cannot take a side draft for it, while a run whose
``draft/add`` answer was lost finds the side draft it made by that mark. The media backend
makes its side draft as an unsubmitted article of the publishing library (``uploadnews``)
and cannot find a lost one (that API lists nothing): a warning names it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mdwx.prepare import prepare
from mdwx.publish.backends.draft import DraftBackend
from mdwx.publish.marker import Mark as MarkType
from mdwx.publish.resolve import Uploader
from mdwx.publish.results import PostResult
from mdwx.publish.rules import apply_rules
from mdwx.publish.state.sidedrafts import SideDraftRecord, side_version
from mdwx.wechat.errors import OutcomeUnknown, TransportError, WeChatError

if TYPE_CHECKING:
    from mdwx.publish.marker import Mark
    from mdwx.publish.publisher import Publisher
    from mdwx.publish.results import PostResult
    from mdwx.publish.state.store import ArticleRecord, State
    from mdwx.source.posts import Post

#: Plan steps: the side draft in the box is reused, or a new one is uploaded.
REUSE_SIDE, UPLOAD_SIDE = "reuse side draft", "uploadnews side draft"
#: Statuses of an article whose draft left the box (published, or being published or sent).
OUT_OF_BOX = ("submitting", "submitted", "published")


@dataclass(frozen=True)
class SidePlan:
    """What a preview or a send does for a message whose draft left the box.

    ``step``: :data:`REUSE_SIDE` (``media_id`` the side draft in the box) or
    :data:`UPLOAD_SIDE`; ``replaces``: side drafts deleted once the new one is recorded.
    """

    sources: tuple[str, ...]
    version: str
    step: str
    media_id: str = ""
    replaces: tuple[str, ...] = ()
    interrupted: bool = False  # an earlier draft/add's answer was lost

    @property
    def steps(self) -> list[str]:
        out = [self.step + (f" {self.media_id}" if self.media_id else "")]
        return out + [f"delete old side draft {m}" for m in self.replaces]


def needs_side_draft(records: Sequence[ArticleRecord | None]) -> bool:
    """Whether the message's draft left the box (every record names a published article)."""
    return bool(records) and all(
        r is not None and r.media_id and r.status in OUT_OF_BOX for r in records
    )


def plan_side(state: State, appid: str, records: Sequence[ArticleRecord]) -> SidePlan:
    """The side-draft step, decided from the state alone (the dry run takes the same)."""
    sources = tuple(r.source_path for r in records)
    version = side_version([(r.source_path, r.content_hash) for r in records])
    mine = state.side_draft(appid, sources)
    overlapping = [
        s
        for s in state.side_drafts(appid)
        if s.backend == state.backend and set(s.sources) & set(sources)
    ]
    replaces = [m for s in overlapping for m in _in_box(s)]
    if mine is not None and mine.status == "draft" and mine.version == version and mine.media_id:
        # A run killed after recording it may have left the draft it replaced: deleted now.
        left = tuple(dict.fromkeys(m for m in replaces if m != mine.media_id))
        return SidePlan(sources, version, REUSE_SIDE, mine.media_id, replaces=left)
    return SidePlan(
        sources,
        version,
        UPLOAD_SIDE,
        replaces=tuple(dict.fromkeys(replaces)),
        interrupted=mine is not None and mine.status == "uploading",
    )


def _in_box(record: SideDraftRecord) -> list[str]:
    """The drafts a side-draft row names that may still sit in the box."""
    found = [record.old_media_id] if record.old_media_id else []
    if record.media_id and record.status in ("draft", "uploading"):
        found.append(record.media_id)
    return found


def side_mark(mark: Mark) -> Mark:
    """A side draft's article mark: derived from the post's, never equal to it."""
    return MarkType(hashlib.sha256(f"side\0{mark.key}".encode()).hexdigest()[:24], mark.version)


async def side_draft(
    publisher: Publisher, posts: Sequence[Post], records: Sequence[ArticleRecord]
) -> tuple[str, SidePlan, list[tuple[str, str]]]:
    """The message's side draft in the box: reused, found after a lost answer, or uploaded.

    Returns its ``media_id``, the plan taken and warnings (message, diagnostic code).
    Raises what loading, uploading or ``draft/add`` raise; a certain refusal leaves the
    state as it was, a lost answer keeps the intent (the next run looks for the draft by
    its mark before making another).
    """
    state, appid = publisher.state, publisher.appid
    plan = plan_side(state, appid, records)
    if plan.step == REUSE_SIDE:
        return plan.media_id, plan, await _delete_replaced(publisher, plan, plan.media_id)
    payloads, marks = await side_payloads(publisher, posts)
    backend = publisher.backend
    assert backend is not None
    warnings: list[tuple[str, str]] = []
    if plan.interrupted:
        found = await backend.find_marked(marks[0])
        if found is not None and found.status == "draft" and found.version == marks[0].version:
            state.record_side_draft(appid, plan.sources, found.media_id, plan.version)
            return found.media_id, plan, await _delete_replaced(publisher, plan, found.media_id)
        warnings.append(
            (
                "the previous run stopped while uploading this side draft; if WeChat kept "
                f"that copy it sits in {backend.library} — delete it there if you see two",
                "interrupted-upload",
            )
        )
    previous = state.side_draft(appid, plan.sources)
    title = str(payloads[0].get("title", ""))
    state.begin_side_draft(appid, plan.sources, plan.version, title)
    media_id = await _create(publisher, plan, previous, payloads, marks)
    state.record_side_draft(appid, plan.sources, media_id, plan.version)
    warnings += await _delete_replaced(publisher, plan, media_id)
    return media_id, plan, warnings


async def _create(
    publisher: Publisher,
    plan: SidePlan,
    previous: SideDraftRecord | None,
    payloads: list[dict[str, object]],
    marks: list[Mark],
) -> str:
    """``draft/add`` (or the media API's ``uploadnews``) of the side draft's articles."""
    backend = publisher.backend
    assert backend is not None
    try:
        if len(payloads) == 1:
            return await backend.create(payloads[0], mark=marks[0])

        assert isinstance(backend, DraftBackend)  # bundles pass the gate for the draft box only
        return await backend.create_bundle(payloads, list(marks))
    except (OutcomeUnknown, TransportError):
        raise  # it may exist: the intent stays for the next run to find
    except WeChatError:
        publisher.state.restore_side_draft(publisher.appid, plan.sources, previous)
        raise


async def _delete_replaced(
    publisher: Publisher, plan: SidePlan, media_id: str
) -> list[tuple[str, str]]:
    """Delete the side drafts the new one replaces; forget the rows of other messages.

    Returns (warning, code) for each that WeChat would not delete.
    """
    state, appid, backend = publisher.state, publisher.appid, publisher.backend
    assert backend is not None
    warnings: list[tuple[str, str]] = []
    for old in plan.replaces:
        if old == media_id:
            continue
        try:
            await backend.delete(old, status="draft")
        except WeChatError as exc:
            if exc.errcode != 40007:  # 40007: already gone
                warnings.append(
                    (
                        f"the old side draft {old} could not be deleted ({exc}); delete it "
                        f"in {backend.library}",
                        "side-draft-old",
                    )
                )
                continue
    state.old_side_draft_deleted(appid, plan.sources)
    for other in state.side_drafts(appid):
        if (
            other.backend == state.backend
            and other.sources != plan.sources
            and set(other.sources) & set(plan.sources)
        ):
            state.forget_side_draft(appid, other.sources)
    return warnings


async def side_payloads(
    publisher: Publisher, posts: Sequence[Post]
) -> tuple[list[dict[str, object]], list[Mark]]:
    """Each post's article as the publishing pipeline makes it (pictures already on WeChat
    are reused from the state), with its side mark; a bundle's digests dropped."""
    payloads, marks = [], []
    for post in posts:
        backend = publisher.bind_backend(post)
        prepared = prepare(post)
        apply_rules(prepared, backend.name)
        result: PostResult = PostResult(path=str(post.path))
        _assets, (cover, video_cover, loaded) = await publisher.load_assets(post, prepared, result)
        uploader = Uploader(
            publisher.client,
            publisher.state,
            publisher.appid,
            publisher.options.concurrency or post.config.concurrency,
            publisher.events.on_upload,
        )
        resolved = await publisher.resolve_assets(prepared, uploader, loaded, cover)
        await publisher.resolve_videos(prepared, uploader, loaded, video_cover, resolved)
        payloads.append(publisher.bundle_payload(prepared, resolved, size=len(posts)))
        marks.append(side_mark(publisher.mark_for(post, prepared.article)))
    return payloads, marks


def note_side(result: PostResult, plan: SidePlan, uploaded: bool) -> None:
    """The side-draft step in a post's result, as the dry run words it too."""
    result.steps += plan.steps
    result.actions.append(
        f"reused its side draft {plan.media_id} (the post is unchanged since it was published)"
        if not uploaded
        else "put a side draft into the draft box for it (its article was published; the "
        "published article is untouched)"
    )


def side_drafts_in_box(state: State, appid: str, source_path: str) -> list[str]:
    """The ``media_id`` of every side draft of ``state``'s backend holding the post that may
    still sit in the box (what ``delete`` removes with the post's article)."""
    return list(
        dict.fromkeys(
            m
            for s in state.side_drafts(appid, source_path)
            if s.backend == state.backend
            for m in _in_box(s)
        )
    )


async def delete_side_drafts(backend: Any, state: State, appid: str, source_path: str) -> None:
    """Delete the post's side drafts from the box (40007: gone already) and forget them.

    Raises the :class:`~mdwx.wechat.errors.WeChatError` of a refused delete (its row stays,
    so a later ``delete`` tries again).
    """
    for record in [s for s in state.side_drafts(appid, source_path) if s.backend == state.backend]:
        for media_id in _in_box(record):
            try:
                await backend.delete(media_id, status="draft")
            except WeChatError as exc:
                if exc.errcode != 40007:
                    raise
        state.forget_side_draft(appid, record.sources)


def side_notes(state: State, appid: str, source_path: str) -> list[str]:
    """What ``delete`` says it will remove besides the post's article (said before it asks):
    its side drafts, in the draft box or (the media backend has no box) unsubmitted articles."""
    return [
        f"its side draft {m} (made for a preview or a 群发) will be deleted from the draft box too"
        if state.backend == "draft"
        else f"its unsubmitted article {m} (made for a preview or a 群发) will be deleted too"
        for m in side_drafts_in_box(state, appid, source_path)
    ]


async def drop_side_drafts(
    backend: Any, state: State, appid: str, sources: Sequence[str]
) -> list[tuple[str, str]]:
    """Delete the side drafts of posts that have a draft of their own again (made anew as
    a draft since): a refusal is a (warning, code), the row kept for a later try."""
    warnings = []
    for rel in sources:
        stale = side_drafts_in_box(state, appid, rel)
        if not stale:
            continue
        try:
            await delete_side_drafts(backend, state, appid, rel)
        except WeChatError as exc:
            warnings.append(
                (
                    f"an old side draft of {rel} could not be deleted ({exc}); delete "
                    + (
                        f"{', '.join(stale)} in the draft box"
                        if state.backend == "draft"
                        else f"its unsubmitted article {', '.join(stale)}"
                    ),
                    "side-draft-old",
                )
            )
    return warnings
