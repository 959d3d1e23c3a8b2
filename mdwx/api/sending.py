"""群发 from the library: a post sent to followers with ``message/mass/sendall`` or ``send``.

The least reversible act mdwx takes — a mass message cannot be recalled from phones — so
everything is settled before the send request (:func:`mdwx.api.reach.drafted`: the gate,
the account and its credentials, the post as an unsubmitted draft), the recipients are
resolved (a tag by name or id through ``tags/get``) and shown with what mdwx knows of the
quota, and the caller's ``confirm`` decides. The send carries a ``clientmsgid`` derived from
the account, the target and the post's version (:func:`mdwx.publish.mass.clientmsgid`), and
its intent is in the state before the request: a killed or retried run sends the same
clientmsgid, WeChat answers 45065 with the ``msg_id`` it already took (checked with
``message/mass/get``, since a false 45065 was reported), and no follower gets it twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from mdwx.api.reach import ReachError, drafted
from mdwx.errors import ConfigError, MdwxError
from mdwx.publish.bundling import whole_bundle_error
from mdwx.publish.mass import Target as TargetType
from mdwx.publish.mass import clientmsgid
from mdwx.wechat.errors import OutcomeUnknown, WeChatError
from mdwx.wechat.mass_codes import MASS_STATUS_MEANINGS

if TYPE_CHECKING:
    from mdwx.api.reach import Drafted
    from mdwx.api.types import Options
    from mdwx.publish.mass import Target
    from mdwx.wechat.client import WeChatClient
    from mdwx.wechat.mass import MassStatus


@dataclass
class SendPlan:
    """What a send is about to do, shown before it is asked for (``confirm``).

    ``followers`` is the tag's follower count when WeChat gives it (None for everyone:
    ``tags/get`` does not count all followers); ``sent_today`` the sends mdwx recorded
    today (Beijing time) for the account; ``again`` that this exact send was taken before.
    """

    path: str
    title: str | None
    to: str
    followers: int | None
    sent_today: int
    media_id: str
    clientmsgid: str
    again: bool = False
    notes: list[str] = field(default_factory=list)


@dataclass
class SendResult:
    """What ``mdwx send`` did.

    ``status``: ``sent``, ``already sent`` (the same send was taken earlier: nothing new
    went out) or ``cancelled``; ``msg_status`` the last ``message/mass/get`` answer and
    ``meaning`` it in words.
    """

    path: str
    title: str | None
    to: str
    status: str
    media_id: str
    clientmsgid: str
    msg_id: str = ""
    msg_data_id: str = ""
    msg_status: str = ""
    meaning: str = ""
    account: str | None = None
    actions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)  # a 多图文 bundle's posts, 头条 first

    def to_json(self) -> dict[str, object]:
        """What ``send --json`` prints (one entry of ``"sends"``)."""
        return {
            "path": self.path,
            "paths": list(self.paths or [self.path]),
            "title": self.title,
            "to": self.to,
            "status": self.status,
            "media_id": self.media_id,
            "clientmsgid": self.clientmsgid,
            "msg_id": self.msg_id,
            "msg_data_id": self.msg_data_id,
            "msg_status": self.msg_status,
            "meaning": self.meaning,
            "account": self.account,
            "actions": list(self.actions),
            "warnings": list(self.warnings),
            "error": None,
        }


async def resolve_tag(
    client: WeChatClient | None, target: Target
) -> tuple[Target, str, int | None]:
    """The target with a tag named by id, its words, and its follower count (if known).

    A tag is looked up with ``tags/get`` (by id or by name); raises :class:`ConfigError`
    for a tag the account does not have, naming the ones it has.
    """
    if target.tag is None:
        words = target.describe()
        return target, words, (len(target.openids) if target.openids else None)
    assert client is not None
    tags = await client.tags_get()
    wanted = target.tag.strip()
    found = next((t for t in tags if str(t.id) == wanted), None) or next(
        (t for t in tags if t.name == wanted), None
    )
    if found is None:
        known = ", ".join(f"{t.name} ({t.id})" for t in tags) or "none"
        raise ConfigError(
            f"the account has no tag {wanted[:40]!r}; its tags: {known}",
            hint="--tag takes a tag's name or id",
        )
    return (
        TargetType(tag=str(found.id)),
        f"the followers tagged {found.name} ({found.id})",
        found.count,
    )


def _sent_today(done: Drafted) -> int:
    today = done.state.wechat_day()

    def day(stamp: str | None) -> str:
        if not stamp:
            return ""
        return (datetime.fromisoformat(stamp) + timedelta(hours=8)).date().isoformat()

    return sum(
        1
        for s in done.state.mass_sends(done.appid)
        if s.status != "sending" and day(s.sent_at) == today
    )


async def plan_send(done: Drafted, target: Target) -> tuple[SendPlan, Target]:
    """The send about to happen, resolved (a tag named by id) but not sent."""
    resolved, words, followers = await resolve_tag(done.conn.client, target)
    post, record = done.posts[0], done.records[0]
    assert record.media_id
    cid = clientmsgid(done.appid, resolved, [(r.source_path, r.content_hash) for r in done.records])
    earlier = done.state.mass_send(done.appid, cid)
    plan = SendPlan(
        path=str(post.path),
        title=done.results[0].title,
        to=words,
        followers=followers,
        sent_today=_sent_today(done),
        media_id=record.media_id,
        clientmsgid=cid,
        again=earlier is not None,
    )
    if resolved.to_all:
        from mdwx.wechat.mass_codes import PROTECTION_NOTE

        plan.notes.append(PROTECTION_NOTE)
    return plan, resolved


async def _take(
    done: Drafted, plan: SendPlan, target: Target, ignore_reprint: bool
) -> tuple[str, str, bool]:
    """Send (or re-ask with the same clientmsgid): ``msg_id``, ``msg_data_id``, ``existing``."""
    client = done.conn.client
    assert client is not None
    done.state.begin_mass_send(
        done.appid,
        plan.clientmsgid,
        plan.media_id,
        target.key,
        tuple(r.source_path for r in done.records),
    )
    try:
        if target.openids:
            sent = await client.mass_send(
                plan.media_id,
                target.openids,
                clientmsgid=plan.clientmsgid,
                ignore_reprint=ignore_reprint,
            )
        else:
            sent = await client.mass_sendall(
                plan.media_id,
                tag_id=None if target.to_all else int(target.tag or 0),
                clientmsgid=plan.clientmsgid,
                ignore_reprint=ignore_reprint,
            )
    except OutcomeUnknown as exc:
        raise ReachError(
            f"{exc}; the send may have gone out",
            path=plan.path,
            hint="run the same command again: it asks WeChat for this very send "
            "(same clientmsgid) and never sends it twice",
        ) from None
    except WeChatError as exc:
        if exc.errcode not in (45066,):  # 45066: an earlier attempt reached WeChat: keep the intent
            done.state.forget_mass_send(done.appid, plan.clientmsgid)
        raise
    done.state.record_mass_sent(done.appid, plan.clientmsgid, sent.msg_id, sent.msg_data_id)
    return sent.msg_id, sent.msg_data_id, sent.existing


async def _check(done: Drafted, msg_id: str, plan: SendPlan) -> MassStatus:
    """``message/mass/get`` of the send.

    A msg_id WeChat does not know (a false 45065) is said plainly rather than taken for a send.
    """
    assert done.conn.client is not None
    try:
        status = await done.conn.client.mass_get(msg_id)
    except WeChatError as exc:
        if exc.errcode is None:
            raise
        raise ReachError(
            f"WeChat named send {msg_id} for this clientmsgid but message/mass/get does "
            f"not know it ({exc.errcode})",
            path=plan.path,
            hint="check the account's 群发 history at mp.weixin.qq.com before sending again",
        ) from None
    done.state.record_mass_status(done.appid, msg_id, status.msg_status)
    return status


def one_message(done: Drafted) -> Drafted:
    """The drafted posts as one message: one post, or one 多图文 bundle's posts.

    A bundle's posts share its draft (docs/reach.md) and come ordered as the draft holds
    them (头条 first). Raises :class:`ConfigError` for several posts that are not one bundle's draft.
    """
    if len(done.records) != len(done.posts):
        raise ConfigError("a post to send has no article", hint="publish it with --draft first")
    if len(done.posts) == 1:
        return done
    bundles = {r.bundle for r in done.records}
    media = {r.media_id for r in done.records}
    if len(media) != 1 or len(bundles) != 1 or "" in bundles:
        raise ConfigError(
            "send takes one post, or the posts of one bundle: each 群发 is one message",
            hint="name one post, or give the posts of one bundle (bundle: in front matter)",
        )
    order = sorted(range(len(done.posts)), key=lambda i: done.records[i].bundle_index)
    done.posts = [done.posts[i] for i in order]
    done.results = [done.results[i] for i in order]
    done.records = [done.records[i] for i in order]
    return done


async def send(
    path: Path | Sequence[Path],
    options: Options,
    target: Target,
    *,
    ignore_reprint: bool = False,
    confirm: Callable[[SendPlan], bool] | None = None,
) -> SendResult:
    """群发 one post, or one 多图文 bundle's posts as one message, to ``target``.

    See the module's docstring for the guarantees.
    ``confirm`` sees the :class:`SendPlan` and returns whether to send (None: send). Raises
    :class:`~mdwx.api.reach.ReachError` (an unclear answer: run again), :class:`ConfigError`
    (an unknown tag, the site, the credentials) and the call's
    :class:`~mdwx.wechat.errors.WeChatError` (45028 no quota, 48001 not allowed, 40007 a draft
    WeChat does not take for 群发).
    """
    paths = [path] if isinstance(path, Path) else list(path)
    async with drafted(paths, options, verb="send", resend=True) as drafts:
        done = one_message(drafts)
        try:
            plan, resolved = await plan_send(done, target)
            earlier = done.state.mass_send(done.appid, plan.clientmsgid)
            result = SendResult(
                path=plan.path,
                title=plan.title,
                to=plan.to,
                status="sent",
                media_id=plan.media_id,
                clientmsgid=plan.clientmsgid,
                account=done.account,
                warnings=[w for r in done.results for w in r.warnings],
                paths=[str(p.path) for p in done.posts],
            )
            if earlier is not None and earlier.status != "sending":
                msg_id, msg_data_id, existing = earlier.msg_id, earlier.msg_data_id, True
                result.actions.append(
                    "already sent: this version was sent to the same followers before"
                )
            else:
                if earlier is not None and _older_than_dedup(earlier.created_at, options):
                    raise ReachError(
                        "an earlier 群发 of this version lost its answer more than 24 hours ago: WeChat "
                        "no longer recognises its clientmsgid, so sending again could reach followers twice",
                        path=done.posts[0].path,
                        hint="look in the account's 群发 history (公众号后台 → 内容与互动 → 已群发); if it is not "
                        "there, send it from the WeChat editor, or change the post (a new version is a new "
                        "send) and run `mdwx send` again",
                    )
                # Its own draft, or (published, or sent to other followers) its side draft.
                said = len(done.results[0].warnings)
                plan.media_id = result.media_id = await done.in_box()
                result.actions += done.results[0].actions[-1:] if done.side else []
                result.warnings += done.results[0].warnings[said:]  # the side draft's, if any
                if confirm is not None and not confirm(plan):
                    result.status = "cancelled"
                    result.actions.append(
                        "not sent: the draft stays in the draft box"
                        if done.backend == "draft"  # the media backend has no box
                        else "not sent: its unsubmitted article stays as it is"
                    )
                    return result
                msg_id, msg_data_id, existing = await _take(done, plan, resolved, ignore_reprint)
                result.actions.append(
                    "WeChat already had this send (45065): nothing new went out"
                    if existing
                    else "sent (message/mass/" + ("send" if resolved.openids else "sendall") + ")"
                )
            status = await _check(done, msg_id, plan)
            known = done.state.mass_send(done.appid, plan.clientmsgid)
            msg_data_id = (known.msg_data_id if known else "") or msg_data_id
            if done.side:  # the side draft left the box; the posts' own records stay as they are
                done.state.side_draft_sent(done.appid, known.media_id if known else plan.media_id)
            for rel, record in (
                (p.relative, r) for p, r in zip(done.posts, done.records, strict=True)
            ):
                if done.side:
                    break
                if msg_data_id:
                    done.state.set_article_msg_data_id(done.appid, done.backend, rel, msg_data_id)
                if record.status == "draft":  # the sent draft left the box
                    done.state.record_submitted(done.appid, rel, "", msg_data_id)
                    done.state.record_status(done.appid, rel, "published")
            result.status = "already sent" if existing else "sent"
            result.msg_id, result.msg_data_id, result.msg_status = (
                msg_id,
                msg_data_id,
                status.msg_status,
            )
            result.meaning = MASS_STATUS_MEANINGS.get(status.msg_status, status.msg_status)
            return result
        except MdwxError as exc:  # a bundle's send failed: the bundle's, not its 头条's
            if len(done.posts) > 1:
                paths = [post.path for post in done.posts]
                whole_bundle_error(exc, done.records[0].bundle, paths, done.config.root)
            raise


#: How long WeChat recognises a clientmsgid it was sent (docs/reach.md): a lost answer is
#: settled by sending again with the same one only within this window.
CLIENTMSGID_WINDOW = 24 * 3600


def _older_than_dedup(created_at: str, options: Options) -> bool:
    """Whether an intent written at ``created_at`` (ISO 8601) is past WeChat's clientmsgid window."""
    try:
        written = dt.datetime.fromisoformat(created_at)
    except ValueError:
        return True  # unreadable: never assume WeChat still knows it
    now = options.now() if callable(options.now) else dt.datetime.now(dt.timezone.utc)
    return (now - written).total_seconds() > CLIENTMSGID_WINDOW
