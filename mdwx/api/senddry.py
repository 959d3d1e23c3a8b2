"""``mdwx send --dry-run``: the decision of a send, taken by the real run's code, sending nothing.

The draft step is the publishing pipeline's own dry run (``publish --draft --dry-run``:
the same gate, the same plan, credentials resolved, no token fetched); the send step is
decided from the state as :func:`mdwx.api.sending.send` decides it: a version whose send is
recorded as taken is ``already sent``, anything else would be sent. A post whose article
is no longer a draft (published, or sent to other followers) and unchanged since is sent
as its side draft (the step is shown: reused, or uploaded); one edited since is refused with
the real run's message. A tag
given by id is taken as is; one given by name is looked up with ``tags/get`` (which fetches
a token) when credentials are set, so the send it names is the one the real run names.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mdwx.api import aio
from mdwx.api.bundles import with_bundle_siblings
from mdwx.api.reach import not_a_draft, one_account
from mdwx.api.sending import SendResult, resolve_tag
from mdwx.publish.backends import backend_name
from mdwx.publish.connection import connect, open_state
from mdwx.publish.mass import clientmsgid
from mdwx.publish.routing import account_options, routes
from mdwx.publish.sources import site_posts
from mdwx.wechat.mass_codes import PROTECTION_NOTE

if TYPE_CHECKING:
    from mdwx.api.types import Options
    from mdwx.publish.mass import Target

#: Plan steps after which the post's recorded version is the one the real run would send.
_SAME_VERSION = ("unchanged", "keep")


async def _recorded(paths: list[Path], options: Options, target: Target) -> tuple[Any, ...]:
    """What the state holds for the send: account name, posts, AppID, target, records, sends.

    A tag given by name is looked up (its id names the send). A bundle's posts (its siblings
    too, as the real run takes them) come ordered by their place in its draft.
    """
    from mdwx.publish.sidedraft import needs_side_draft, plan_side, side_drafts_in_box

    posts = with_bundle_siblings(site_posts(paths, options, need_path="send"), options)
    items = [item for post in posts for item in routes(post, options)]
    name = one_account(items, "send")
    taken = [item for item in items if item.skipped is None]
    post = taken[0].post
    with open_state([post], [], write=False) as state:
        acc = account_options(options, taken[0].account, need_client=False)
        async with connect(post.config, acc, need_client=False, account=name) as conn:
            appid = conn.appid
            if target.tag is not None and not target.tag.isdigit() and conn.client is not None:
                target = (await resolve_tag(conn.client, target))[0]  # a name: WeChat knows its id
        view = state.for_backend(backend_name(post.config, options.backend))
        found = sorted(
            ((item.post, view.article(appid, item.post.relative)) for item in taken),
            key=lambda pair: pair[1].bundle_index if pair[1] is not None else 0,
        )
        records = [r for _, r in found]
        side = (
            plan_side(view, appid, [r for r in records if r is not None])
            if needs_side_draft(records)
            else None
        )
        stale = [m for p, _ in found for m in side_drafts_in_box(view, appid, p.relative)]
        return (
            name,
            [p for p, _ in found],
            appid,
            target,
            records,
            state.mass_sends(appid, found[0][0].relative),
            side,
            stale,
        )


async def dry_send(path: Path | list[Path], options: Options, target: Target) -> SendResult:
    """What ``send`` would do, sending nothing.

    ``status`` is ``would send`` or ``already sent``, ``actions`` the planned steps. Raises
    what the real run raises before its first request.
    """
    from mdwx.publish.plan import UNCHANGED

    paths = [path] if isinstance(path, Path) else list(path)
    dry = dataclasses.replace(options, dry_run=True, draft=True, wait=False, events=None)
    report = await aio.publish(paths, dry)
    results = [r for r in report.posts if r.status != "skipped"] or report.posts
    for result in results:
        if result.error is not None:
            raise result.error
    name, posts, appid, target, records, sends, side, stale = await _recorded(
        paths, options, target
    )
    if len(posts) > 1 and (
        len({r.media_id if r else None for r in records}) != 1
        or len({r.bundle if r else "" for r in records} - {""}) != 1
    ):
        from mdwx.errors import ConfigError

        raise ConfigError(
            "send takes one post, or the posts of one bundle: each 群发 is one message",
            hint="name one post, or give the posts of one bundle (bundle: in front matter)",
        )
    post, record = posts[0], records[0]
    _refuse_kept(posts, records, results, sends, side is not None)
    # The publish dry run's own lines, in its backend's words (draft/add, not uploadnews): the
    # plan the real run's draft step follows, never the raw step names.
    steps = [action for result in results for action in result.actions]
    title = next((r.title for r in results if r.path == str(post.path)), results[0].title)
    out = SendResult(
        path=str(post.path),
        title=title,
        to=target.describe(),
        status="would send",
        media_id=record.media_id if record and record.media_id else "",
        clientmsgid="",
        account=name,
        warnings=[w for r in results for w in r.warnings],
        actions=steps,
        paths=[str(p.path) for p in posts],
    )
    same = all(any(step in _SAME_VERSION for step in r.steps) for r in results)
    if record is not None and record.media_id and same and all(r is not None for r in records):
        out.clientmsgid = clientmsgid(
            appid, target, [(r.source_path, r.content_hash) for r in records]
        )
        taken = next(
            (s for s in sends if s.clientmsgid == out.clientmsgid and s.status != "sending"), None
        )
        if taken is not None:
            out.status, out.msg_id, out.msg_data_id = (
                "already sent",
                taken.msg_id,
                taken.msg_data_id,
            )
            out.actions.append(
                "nothing to send: this version was sent to the same followers before"
            )
            return out
        unchanged = all(UNCHANGED in r.steps for r in results)
        if side is not None and unchanged:  # published or sent: its side draft is sent
            out.actions += side.steps
            out.media_id = side.media_id
        else:
            gone = not_a_draft(record, post.path)
            if gone is not None:
                raise gone
    if side is None:  # a draft of its own again: side drafts of an earlier version go
        out.actions += [f"delete old side draft {m}" for m in dict.fromkeys(stale)]
    out.actions.append(
        "send "
        + ("message/mass/send" if target.openids else "message/mass/sendall")
        + f" to {target.describe()}"
    )
    if target.to_all:
        out.warnings.append(PROTECTION_NOTE)
    return out


def _refuse_kept(
    posts: list[Any], records: list[Any], results: list[Any], sends: list[Any], side: bool
) -> None:
    """The real run's refusal (:func:`mdwx.api.reach.drafted`) of a kept, edited article.

    A post whose article the run keeps out of the box: published and edited since, never
    sent in that version.
    """
    from mdwx.publish.plan import UNCHANGED

    by_path = {r.path: r for r in results}
    for post, record in zip(posts, records, strict=True):
        result = by_path.get(str(post.path))
        if result is None or not set(_SAME_VERSION) & set(result.steps):
            continue  # the run makes or updates its draft: the record before it says nothing
        error = not_a_draft(record, post.path)
        resent = record is not None and any(
            s.media_id == record.media_id and s.status != "sending" for s in sends
        )
        if error is not None and not (side and UNCHANGED in result.steps) and not resent:
            raise error
