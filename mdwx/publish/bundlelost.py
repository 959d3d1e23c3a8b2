"""A bundle's ``draft/add`` whose answer was lost: found by its marks before another is made.

Making a bundle's draft records each post ``uploading`` (keeping the draft it had) before
``draft/add`` is sent, and the new ``media_id`` after the answer. A run killed in between
leaves WeChat holding a draft the state does not name. As for a single post
(docs/reliability.md), the next run asks the account first: the draft box is searched for a
draft whose articles carry the bundle's posts' marks in the bundle's order. Found, it is
recorded for every post and the drafts it replaced are deleted, so the box holds one copy;
not found, ``draft/add`` never reached WeChat and the run makes the draft as planned.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from mdwx.publish.backends.draft import LOOKUP_PAGES
from mdwx.publish.bundleplan import IN_BOX
from mdwx.publish.marker import read_mark

if TYPE_CHECKING:
    from mdwx.publish.marker import Mark
    from mdwx.publish.state.store import ArticleRecord, State

PAGE = 20  # draft/batchget's largest page


async def find_bundle_draft(client: Any, keys: Sequence[str]) -> str | None:
    """The ``media_id`` of the newest draft whose articles carry exactly the mark ``keys`` in
    order (``draft/batchget``, :data:`LOOKUP_PAGES` pages of 20), else None. ``client`` is
    a :class:`mdwx.wechat.WeChatClient`; raises its WeChat errors."""
    wanted = list(keys)
    for page in range(LOOKUP_PAGES):
        drafts = await client.draft_batchget(page * PAGE, PAGE)
        for draft in drafts.items:
            marks = [read_mark(item.content) for item in draft.news_item]
            if [m.key if m is not None else None for m in marks] == wanted:
                return str(draft.media_id)
        if (page + 1) * PAGE >= drafts.total_count:
            break
    return None


def interrupted(records: Sequence[ArticleRecord | None]) -> bool:
    """Whether a run stopped between recording a bundle's ``draft/add`` and its answer."""
    return any(r is not None and r.status == "uploading" for r in records)


async def adopt_lost_bundle(
    state: State,
    appid: str,
    client: Any,
    members: Sequence[tuple[str, Mark | None]],
    *,
    name: str,
    delete_old: Callable[[str], Awaitable[None]],
) -> str | None:
    """Settle bundle ``name`` (``members``: each post's site path and mark, in message order)
    after a lost ``draft/add``; the adopted draft's ``media_id``, else None (nothing lost, or
    the draft was never made). The drafts the lost one replaced are deleted by
    ``delete_old`` once no record of another post still names them."""
    records = [state.article(appid, rel) for rel, _ in members]
    if not interrupted(records) or any(mark is None for _, mark in members):
        return None
    keys = [mark.key for _, mark in members if mark is not None]
    media_id = await find_bundle_draft(client, keys)
    if media_id is None:
        return None
    replaced = {
        r.media_id
        for r in records
        if r is not None and r.status == "uploading" and r.media_id and r.media_id != media_id
    }
    paths = {rel for rel, _ in members}
    for (rel, _), record in zip(members, records, strict=True):
        assert record is not None  # begin_upload wrote every member's record
        state.record_uploaded(appid, rel, media_id, record.content_hash or "", record.title or "")
    for record in state.bundle_members(appid, name):  # posts the remade bundle left
        if record.source_path not in paths and record.media_id in replaced:
            if record.status in IN_BOX:
                state.forget_article(appid, record.source_path)
            else:
                state.place_in_bundle(appid, record.source_path, "", 0)
    still_named = {
        r.media_id
        for r in state.articles(appid)
        if r.source_path not in paths and r.status in IN_BOX
    }
    for old in sorted(replaced - still_named):
        await delete_old(old)
    return media_id
