"""The material library: counts against WeChat's caps, the images listed with who uses them,
and pruning the permanent images mdwx uploaded that no article uses any more.

mdwx puts few pictures in the library: a post's body pictures go through ``uploadimg``,
which WeChat keeps outside the 100,000-image cap; only covers (``thumb_media_id``), animated
GIFs and an image post's pictures are permanent. Still, every changed cover adds one, and
nothing removes them. ``prune`` deletes an image only when all of these hold:

- the state records that mdwx uploaded it (never a material someone else put there);
- no draft and no published article of the account uses it (cover, image post picture, or
  its URL in the content), as ``draft/batchget`` and ``freepublish/batchget`` list them;
- every list could be read in full, and the state has no live article of the media API
  (which lists nothing, so its articles' pictures cannot be seen): otherwise nothing goes;
- no 群发 mdwx recorded could use it: a sent article leaves the draft box and WeChat lists
  no sent message, so an image that existed when a send went out is *not known to be used*
  rather than unused, and kept.

``list`` says the same of every image: ``used`` (with the articles), ``unused`` (mdwx sees
every article that could use it and none does) or ``unknown`` (with why).

A deleted image is forgotten by the state, so a later publish uploads it again.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from mdwx.account.content import MAX_PAGES, PAGE
from mdwx.account.policy import explaining
from mdwx.account.session import AccountSession, open_account
from mdwx.account.types import MaterialRow, MaterialsReport
from mdwx.errors import ConfigError
from mdwx.publish.run_options import RunOptions
from mdwx.publish.state.schema import UploadRecord
from mdwx.wechat.errors import WeChatError
from mdwx.wechat.reach_models import MATERIAL_CAPS

#: Seconds of clock difference allowed between an image's time and a send's (WeChat's clock,
#: another machine's): an image made this close after a send still counts as possibly in it.
CLOCK_SLACK = 300.0


@dataclass(frozen=True)
class Usage:
    """Which articles of the account use which permanent image; ``blind`` says why the
    picture is incomplete (then nothing may be pruned), None when it is complete;
    ``unseen`` the articles mdwx knows exist but cannot see, as (when made, epoch seconds,
    what): any image that existed then may be in them."""

    users: Mapping[str, tuple[str, ...]]
    blind: str | None = None
    unseen: tuple[tuple[float, str], ...] = ()


def classify(usage: Usage, media_id: str, made_at: float) -> tuple[str, str]:
    """``("used", who)``, ``("unknown", why)`` or ``("unused", "")`` for the image
    ``media_id`` made at ``made_at`` (epoch seconds; ``-inf`` when unknown): unused only
    when mdwx sees every article that could use it and none does."""
    if usage.users.get(media_id):
        return "used", "used by " + ", ".join(usage.users[media_id][:3])
    if usage.blind is not None:
        return "unknown", usage.blind
    for when, what in usage.unseen:
        if made_at <= when + CLOCK_SLACK:
            return "unknown", f"{what} cannot be listed and may use it"
    return "unused", ""


def epoch(timestamp: str) -> float:
    """An ISO 8601 time of the state as epoch seconds; ``-inf`` when unreadable (the
    image is then as old as can be: any send may hold it)."""
    try:
        when = dt.datetime.fromisoformat(timestamp)
    except ValueError:
        return -math.inf
    return (when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)).timestamp()


def prune_plan(
    uploads: Iterable[UploadRecord], usage: Usage
) -> tuple[list[UploadRecord], dict[str, str]]:
    """The uploads that may be deleted, and why each other one is kept (media_id → reason).

    A pure function of what the state recorded and what the account's articles use, so the
    rule can be checked over any history."""
    prunable, kept = [], {}
    for upload in uploads:
        media_id = upload.media_id or ""
        if not media_id:
            continue
        if usage.blind is not None:
            kept[media_id] = usage.blind
            continue
        verdict, why = classify(usage, media_id, epoch(upload.created_at))
        if verdict == "unused":
            prunable.append(upload)
        else:
            kept[media_id] = why
    return prunable, kept


async def materials(
    folder: Path,
    options: RunOptions | None = None,
    *,
    action: str = "count",
    apply: bool = False,
    limit: int = 200,
) -> MaterialsReport:
    """``count`` the library, ``list`` its images (at most ``limit``, newest first) or
    ``prune`` (a dry run unless ``apply``). Raises WeChatError as the calls do."""
    if action not in ("count", "list", "prune"):
        raise ConfigError(f"action is count, list or prune, not {action!r}")
    report = MaterialsReport(caps=dict(MATERIAL_CAPS))
    async with open_account(folder, options) as session:
        with explaining():
            return await _materials(session, report, action, apply, limit)


async def _materials(
    session: AccountSession, report: MaterialsReport, action: str, apply: bool, limit: int
) -> MaterialsReport:
    client = session.client
    assert client is not None
    count = await client.material_count()
    report.counts = {
        "image": count.image,
        "video": count.video,
        "voice": count.voice,
        "news": count.news,
    }
    if action == "count":
        return report
    uploads = session.state.permanent_uploads(session.appid)
    usage = await account_usage(session, uploads)
    if action == "list":
        report.items = await _listed(session, uploads, usage, limit)
        return report
    prunable, report.kept = prune_plan(uploads, usage)
    report.prunable = [
        MaterialRow(u.media_id or "", u.kind, u.url, 0, True, usage="unused") for u in prunable
    ]
    if apply:
        for upload in prunable:  # forgotten one by one: an interrupted prune leaves a true record
            await client.material_delete(upload.media_id or "")
            session.state.forget_upload(session.appid, upload.media_id or "")
        report.applied = True
    return report


async def account_usage(session: AccountSession, uploads: list[UploadRecord]) -> Usage:
    """Who uses each upload: every draft and published article of the account, read in full,
    and the 群发 mdwx recorded (unseen: WeChat lists no sent message)."""

    unseen = tuple(
        (epoch(send.created_at), f"the 群发 of {send.sources[0] if send.sources else '?'}")
        for send in session.state.mass_sends(session.appid)
        if send.status != "deleted"
    )
    live_media = [
        a for a in session.state.known_articles(session.appid) if a.backend == "media" and a.live
    ]
    if live_media:
        return Usage(
            {},
            f"{len(live_media)} live article(s) of the media API, which lists nothing: their "
            "pictures cannot be seen",
            unseen,
        )
    try:
        return replace(usage_of(await _articles(session), uploads), unseen=unseen)
    except WeChatError as exc:
        return Usage({}, f"the account's articles could not be listed ({exc.message})", unseen)
    except _Incomplete as exc:
        return Usage({}, str(exc), unseen)


def usage_of(
    articles: Iterable[tuple[str, set[str], str]], uploads: Iterable[UploadRecord]
) -> Usage:
    """Which upload each article uses: ``articles`` are (title, media_ids it names, content);
    an upload is used when its media_id is named or its URL is in the content."""
    users: dict[str, list[str]] = {}
    listed = list(uploads)
    for title, refs, content in articles:
        for upload in listed:
            media_id = upload.media_id or ""
            if media_id and (media_id in refs or (upload.url and upload.url in content)):
                users.setdefault(media_id, []).append(title or "(untitled)")
    return Usage({k: tuple(v) for k, v in users.items()})


class _Incomplete(Exception):
    """A list was longer than mdwx reads."""


async def _articles(session: AccountSession) -> list[tuple[str, set[str], str]]:
    """(title, media_ids it names, content) of every draft and live published article."""
    assert session.client is not None
    out: list[tuple[str, set[str], str]] = []
    for lister in (session.client.draft_batchget, session.client.freepublish_batchget):
        for page in range(MAX_PAGES + 1):
            if page == MAX_PAGES:
                raise _Incomplete(
                    f"the account holds more than {MAX_PAGES * PAGE} drafts or articles"
                )
            answer = await lister(page * PAGE, PAGE)
            for entry in answer.items:
                for item in entry.news_item:
                    if not item.is_deleted:
                        out.append(
                            (item.title, {item.thumb_media_id, *item.image_media_ids}, item.content)
                        )
            if (page + 1) * PAGE >= answer.total_count:
                break
    return out


async def _listed(
    session: AccountSession, uploads: list[UploadRecord], usage: Usage, limit: int
) -> list[MaterialRow]:
    assert session.client is not None
    mine = {u.media_id for u in uploads}
    rows: list[MaterialRow] = []
    for page in range(MAX_PAGES):
        answer = await session.client.material_batchget("image", page * PAGE, PAGE)
        for i in answer.items:
            verdict, why = classify(usage, i.media_id, float(i.update_time or -math.inf))
            rows.append(
                MaterialRow(
                    i.media_id,
                    i.name,
                    i.url,
                    i.update_time,
                    i.media_id in mine,
                    tuple(usage.users.get(i.media_id, ())),
                    usage=verdict,
                    why=why if verdict == "unknown" else "",
                )
            )
        if (page + 1) * PAGE >= min(answer.total_count, limit):
            break
    return rows[:limit]
