"""``mdwx send --dry-run``: the decision of a send, taken by the real run's code, sending nothing.

The draft step is the publishing pipeline's own dry run (``publish --draft --dry-run``:
the same gate, the same plan, credentials resolved, no token fetched); the send step is
decided from the state as :func:`mdwx.api.sending.send` decides it: a version whose send is
recorded as taken is ``already sent``, anything else would be sent. A post whose article
is no longer a draft and was never mass-sent is refused with the real run's message. A tag
given by id is taken as is; one given by name is looked up with ``tags/get`` (which fetches
a token) when credentials are set, so the send it names is the one the real run names.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mdwx.api.reach import not_a_draft, one_account
from mdwx.api.sending import SendResult, resolve_tag

if TYPE_CHECKING:
    from mdwx.api.types import Options
    from mdwx.publish.mass import Target

#: Plan steps after which the post's recorded version is the one the real run would send.
_SAME_VERSION = ("unchanged", "keep")


async def _recorded(path: Path, options: Options, target: Target) -> tuple[Any, ...]:
    """What the state holds for the send: account name, post, AppID, target, record, sends.

    A tag given by name is looked up (its id names the send).
    """
    from mdwx.api.accounts import account_options, routes
    from mdwx.api.connection import connect, open_state
    from mdwx.api.inputs import site_posts
    from mdwx.publish.backends import backend_name

    posts = site_posts([path], options, need_path="send")
    items = [item for post in posts for item in routes(post, options)]
    name = one_account(items, "send")
    taken = next(item for item in items if item.skipped is None)
    post = taken.post
    with open_state([post], []) as state:
        acc = account_options(options, taken.account, need_client=False)
        async with connect(post.config, acc, need_client=False, account=name) as conn:
            appid = conn.appid
            if target.tag is not None and not target.tag.isdigit() and conn.client is not None:
                target = (await resolve_tag(conn.client, target))[0]  # a name: WeChat knows its id
        record = state.for_backend(backend_name(post.config, options.backend)).article(appid, post.relative)
        return name, post, appid, target, record, state.mass_sends(appid, post.relative)


async def dry_send(path: Path, options: Options, target: Target) -> SendResult:
    """What ``send`` would do, sending nothing.

    ``status`` is ``would send`` or ``already sent``, ``actions`` the planned steps. Raises
    what the real run raises before its first request.
    """
    from mdwx.api import aio
    from mdwx.publish.mass import clientmsgid
    from mdwx.wechat.mass_codes import PROTECTION_NOTE

    dry = dataclasses.replace(options, dry_run=True, draft=True, wait=False, events=None)
    report = await aio.publish([path], dry)
    [result] = [r for r in report.posts if r.status != "skipped"] or report.posts
    if result.error is not None:
        raise result.error
    name, post, appid, target, record, sends = await _recorded(path, options, target)
    out = SendResult(path=str(path), title=result.title, to=target.describe(), status="would send",
                     media_id=record.media_id if record and record.media_id else "", clientmsgid="",
                     account=name, warnings=list(result.warnings), actions=[*result.steps])
    if record is not None and record.media_id and any(step in _SAME_VERSION for step in result.steps):
        out.clientmsgid = clientmsgid(appid, target, [(post.relative, record.content_hash)])
        taken = next((s for s in sends if s.clientmsgid == out.clientmsgid and s.status != "sending"), None)
        if taken is not None:
            out.status, out.msg_id, out.msg_data_id = "already sent", taken.msg_id, taken.msg_data_id
            out.actions.append("nothing to send: this version was sent to the same followers before")
            return out
        gone = not_a_draft(record, post.path)
        if gone is not None:
            raise gone
    out.actions.append("send " + ("message/mass/send" if target.openids else "message/mass/sendall")
                       + f" to {target.describe()}")
    if target.to_all:
        out.warnings.append(PROTECTION_NOTE)
    return out
