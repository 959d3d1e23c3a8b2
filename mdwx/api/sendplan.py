"""The run's plan before its first request: submits against each account's daily quota.

Each account's submissions are counted against what is left of its daily quota, and each
post's article identity is resolved.

What a run will submit is known offline for almost every post: the state's record of the
post's article and :func:`mdwx.publish.plan.decide` say it (a new post, or a changed
unsubmitted one, is submitted; an unchanged submitted one is not). Only a post whose
article was submitted and which ``--force`` or ``on_submitted_change = "republish"`` would
submit anew depends on whether its content changed; those are planned as the dry run plans
them (their assets loaded, nothing sent) when, and only when, the count without them fits
and the count with them does not. A run that would submit more than an account has left
today stops here with :class:`QuotaExceeded`, before any upload: exit code 1, and the
dry run stops alike. The per-submit check (:meth:`mdwx.publish.submission.SubmitSteps._submit`)
stays as the last guard: another process may submit meanwhile. The quota: the media API's
200 submissions a day per account (Beijing time; ``docs/wechat/media-api.md``), counted
by the state (``submissions``) per AppID; the draft API documents no cap.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from mdwx.errors import ConfigError, MdwxError
from mdwx.prepare import Prepared
from mdwx.publish.backends import backend_name, make_rules
from mdwx.publish.connection import state_appid
from mdwx.publish.identity import article_fingerprint, find_article
from mdwx.publish.plan import decide, is_due
from mdwx.publish.publisher import Publisher

if TYPE_CHECKING:
    from mdwx.api.types import Options
    from mdwx.prepare import Prepared
    from mdwx.publish.routing import Route
    from mdwx.publish.state.store import State

#: Per site: its routes, and per route the gate's verdict (as :func:`mdwx.api.aio._gate`).
Gated = list[tuple[list["Route"], list["Prepared | MdwxError | None"]]]


class QuotaExceeded(MdwxError):
    """The run would submit more articles to an account than it has left today (exit code 1).

    Kept apart from :class:`mdwx.publish.plan.PublishError` so ``import mdwx.api`` stays light.
    """

    code = "quota"


@dataclass
class AccountQuota:
    """One WeChat account (one AppID) in this run: today's count and the run's submits."""

    appid: str
    limit: int
    names: list[str] = field(default_factory=list)  # how the run's routes name the account
    used: dict[Path, int] = field(default_factory=dict)  # today's count, by state file
    sure: int = 0  # routes that submit whatever their content
    maybe: list[tuple[Route, Prepared, State]] = field(
        default_factory=list
    )  # submit only if changed

    @property
    def left(self) -> int:
        """Submissions left today: the limit less those of every state file's count."""
        return max(self.limit - sum(self.used.values()), 0)

    def error(self, planned: int) -> QuotaExceeded:
        """The run's refusal: ``planned`` submits for this account, more than are left."""
        named = " and ".join(self.names)
        used = sum(self.used.values())
        return QuotaExceeded(
            f"{named} (AppID {self.appid}): this run would submit {planned} "
            f"{'article' if planned == 1 else 'articles'} but {self.left} of today's {self.limit} "
            f"submissions {'is' if self.left == 1 else 'are'} left ({used} used); nothing was sent",
            hint="publish fewer posts in this run (fewer paths, --account, or --draft to upload without "
            "submitting), or run again tomorrow (Beijing time); deleting articles does not return quota",
        )


async def check_plan(
    gated: Gated, states: list[State], credentials: dict[str | None, Options], options: Options
) -> None:
    """Refuse the run before anything is sent when it would exceed an account's daily quota.

    ``gated`` and ``states`` are per site, in the same order; ``credentials`` are the
    resolved options by account name (:func:`mdwx.api.routed.resolve_credentials`). A
    post whose article the state cannot tell (two earlier articles match it) is refused
    here for every account it goes to (its verdict in ``gated`` becomes the error).
    Raises :class:`QuotaExceeded` naming the account, the submits planned and those left.
    """
    quotas: dict[str, AccountQuota] = {}
    now = _now(options)
    for (items, ready), state in zip(gated, states, strict=True):
        for index, item in enumerate(items):
            prepared = ready[index]
            if not _is_prepared(prepared):
                continue
            assert prepared is not None and not isinstance(prepared, MdwxError)
            quota, view, appid = _quota_for(quotas, item, state, credentials, options)
            try:
                submits = route_submits(view, appid, item, prepared, options, now)
            except (
                MdwxError
            ) as exc:  # the post's identity is ambiguous: refused for all its accounts
                _refuse_post(items, ready, item, exc)
                continue
            if quota is None or submits == 0:
                continue
            if submits is None:
                quota.maybe.append((item, prepared, view))
            else:
                quota.sure += 1
    for quota in quotas.values():
        await _judge(quota, options)


def _is_prepared(verdict: object) -> bool:
    return isinstance(verdict, Prepared)


def _quota_for(
    quotas: dict[str, AccountQuota],
    item: Route,
    state: State,
    credentials: dict[str | None, Options],
    options: Options,
) -> tuple[AccountQuota | None, State, str]:
    """(the route's account quota, the state's view of its backend, the account's AppID).

    The quota is None when the backend has no daily cap.
    """
    config = item.post.config
    backend = backend_name(config, options.backend)
    view = state.for_backend(backend)
    appid = state_appid(credentials[item.name], config, item.name)
    limit = make_rules(backend, config).daily_submit_limit
    if limit is None:
        return None, view, appid
    quota = quotas.setdefault(appid, AccountQuota(appid, limit))
    quota.limit = min(quota.limit, limit)
    name = f"account {item.name!r}" if item.name else "the account"
    if name not in quota.names:
        quota.names.append(name)
    if state.path not in quota.used:
        quota.used[state.path] = state.count_submissions_today(appid)
    return quota, view, appid


def route_submits(
    state: State, appid: str, item: Route, prepared: Prepared, options: Options, now: dt.datetime
) -> int | None:
    """1 when publishing the route submits its post, 0 when not, None when that depends.

    None: it depends on whether the post's article changed (known once its assets load).

    As :func:`mdwx.publish.plan.plan_post` decides: a ``draft: true`` post, ``--draft``, a
    ``publish_at`` still ahead and ``--due`` for a post not due submit nothing; a submit whose
    answer was lost counts one (WeChat took it, or the run submits it). Raises
    :class:`~mdwx.errors.StateError` when two earlier articles match the post.
    """
    article, post = prepared.article, item.post
    if article.draft or options.draft or not is_due(article.publish_at, now):
        return 0
    if options.due and article.publish_at is None:
        return 0
    record = find_article(state, appid, post, article_fingerprint(post, article)).record
    if record is not None and record.status == "submitting":
        return 1
    digests = (None, record.content_hash if record is not None else None)  # changed, unchanged
    verdicts = {
        decide(
            record,
            digest,
            draft=False,
            force=options.force,
            path=post.path,
            on_change=post.config.on_submitted_change,
        )[2]
        for digest in digests
    }
    return int(verdicts.pop()) if len(verdicts) == 1 else None


async def _judge(quota: AccountQuota, options: Options) -> None:
    """Raise :class:`QuotaExceeded` when the account's planned submits exceed what is left."""
    if quota.sure > quota.left:
        raise quota.error(quota.sure)
    if quota.sure + len(quota.maybe) <= quota.left:
        return
    planned = quota.sure
    for (
        item,
        prepared,
        state,
    ) in quota.maybe:  # the count hangs on them: planned as the dry run plans
        planned += await _plans_submit(item, prepared, state, quota.appid, options)
    if planned > quota.left:
        raise quota.error(planned)


async def _plans_submit(
    item: Route, prepared: Prepared, state: State, appid: str, options: Options
) -> int:
    """1 when the dry run's plan for the route submits (its assets loaded, nothing sent)."""
    run = replace(options, dry_run=True, wait=False)
    publisher = Publisher(None, state, appid, run)
    publisher.ready[item.post.path] = prepared
    result = await publisher.publish(item.post, follow=False)
    return int(result.error is None and "submit" in result.steps)


def _refuse_post(
    items: list[Route], ready: list[Prepared | MdwxError | None], item: Route, error: MdwxError
) -> None:
    """The post of ``item`` refused for every route it takes, as the gate refuses it."""
    if error.path is None:
        error.at(item.post.path)
    for index, other in enumerate(items):
        if other.post.path == item.post.path and _is_prepared(ready[index]):
            ready[index] = error


def _now(options: Options) -> dt.datetime:
    """The run's clock, as :meth:`mdwx.publish.publisher.Publisher._now` reads it."""
    now = options.now() if options.now else dt.datetime.now(dt.timezone.utc)
    if now.tzinfo is None or now.utcoffset() is None:
        raise ConfigError("the clock (Options.now) must return an aware datetime (with a zone)")
    return now
