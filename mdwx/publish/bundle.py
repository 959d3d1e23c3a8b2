"""Publishing a 多图文 bundle: its posts as one draft of several articles (docs/reach.md).

A mixin of :class:`mdwx.publish.publisher.Publisher`. Every post of the bundle is loaded
first (nothing sent while one fails), the one plan (:func:`mdwx.publish.bundleplan.plan_bundle`)
is made from the state's records and the posts' payload hashes, then printed (dry run) or
carried out under the bundle's lock: new pictures uploaded, then one ``draft/add`` with every
article, ``draft/update`` at each changed index, or a new draft and ``draft/delete`` of the
old, and one submit for the whole message. Each post's result carries the bundle's outcome.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from mdwx.diagnostics import Diagnostic
from mdwx.errors import ConfigError, MdwxError, PublishError
from mdwx.publish.backends import Gone
from mdwx.publish.bundlelost import adopt_lost_bundle
from mdwx.publish.bundleplan import REMAKE, BundlePlan, describe_bundle, plan_bundle
from mdwx.publish.bundling import (
    Bundle,
    BundleError,
    bundle_problem,
    note_digest_dropped,
    whole_bundle_error,
)
from mdwx.publish.lock import post_lock, post_lock_path
from mdwx.publish.plan import (
    KEEP,
    SETTLE,
    UNCHANGED,
    UPDATE,
    UPLOAD,
    Plan,
    is_due,
    payload_hash,
    planned_digest,
    refresh_cached,
)
from mdwx.publish.resolve import Uploader
from mdwx.publish.results import PostResult
from mdwx.publish.rules import apply_rules
from mdwx.wechat.errors import AlreadySubmitted, WeChatError

if TYPE_CHECKING:
    from mdwx.prepare import Prepared
    from mdwx.publish.marker import Mark
    from mdwx.publish.resolve import LoadedAsset, Resolved
    from mdwx.publish.state.account_view import AccountState
    from mdwx.source.posts import Post

T = TypeVar("T")
#: Loaded assets as the publisher passes them: (cover, video cover, the others).
Parts = tuple["LoadedAsset", "LoadedAsset | None", "list[LoadedAsset]"]


@dataclass
class Member:
    """One post of the bundle, loaded: its assets, planned uploads and payload hash."""

    prepared: Prepared
    result: PostResult
    assets: list[LoadedAsset]
    parts: Parts
    counted: Plan
    digest: str | None = None
    mark: Mark | None = None

    @property
    def rel(self) -> str:
        return self.prepared.post.relative


class BundleSteps:
    """Needs the Publisher's state, appid, options, backend and its per-post helpers."""

    state: Any
    appid: str
    records: AccountState  # the account's records in ``state``
    options: Any
    backend: Any
    #: Posts a bundle of this run left behind (its plan drops their records).
    left_bundle: set[str]
    #: Posts of every bundle of this run (by site path).
    bundled: set[str]

    async def _leave_bundle(self, post: Post) -> list[str]:
        """The steps for a post on its own whose record still sits in a bundle's draft.

        It is never updated at that draft's index: its record is dropped (a draft of its own
        is made) or, once sent, detached. When no other post of the run holds that draft and
        no other record names it, the emptied draft is deleted too, so no article is left
        twice in the box. A bundle of this run that the post left did this already.
        """
        record = self.records.article(post.relative)
        if record is None or not record.bundle or post.relative in self.left_bundle:
            return []
        steps = [f"leave bundle {record.bundle}"]
        in_box = record.status in ("uploading", "updating", "draft")
        others = [
            r
            for r in self.records.bundle_members(record.bundle)
            if r.source_path != post.relative and r.media_id == record.media_id
        ]
        emptied = in_box and record.media_id and not others
        if emptied:
            steps.append(f"delete old draft {record.media_id}")
        if self.options.dry_run:
            return steps
        if in_box:
            self.records.forget_article(post.relative)
        else:
            self.records.place_in_bundle(post.relative, "", 0)
        if emptied and record.media_id:  # (emptied implies a media_id: said for mypy)
            result = PostResult(path=str(post.path))
            await self._delete_old(record.media_id, result)
        return steps

    async def publish_bundles(self, bundles: Sequence[Bundle]) -> list[list[PostResult]]:
        """Publish each bundle as one message; per bundle one result per post, in message order.

        Every bundle is loaded, then every plan is made from the same state (under every
        bundle's lock), then each is carried out: a post moving from one bundle of the run to
        another is planned alike whichever runs first, and alike in a dry run.
        """
        staged: list[tuple[Bundle, list[PostResult], list[Member] | None]] = []
        for bundle in bundles:
            results = [
                PostResult(
                    path=str(p.post.path),
                    title=p.article.title,
                    warnings=list(p.warnings),
                    diagnostics=list(p.diagnostics),
                )
                for p in bundle.prepared
            ]
            if self.options.due and not self._due(bundle):
                for result in results:
                    result.status, result.warnings, result.diagnostics = "skipped", [], []
                    result.actions.append(
                        "skipped: the bundle is not due (--due publishes a bundle when "
                        "its posts' publish_at have all come)"
                    )
                staged.append((bundle, results, None))
                continue
            members = await self._guarded(bundle, results, self._stage(bundle, results))
            staged.append((bundle, results, members))
        async with contextlib.AsyncExitStack() as stack:
            ready = [(b, r, m) for b, r, m in staged if m is not None]
            if not self.options.dry_run:
                for bundle, _, _ in sorted(ready, key=lambda item: item[0].name):
                    lock = post_lock_path(self.state.path, self.appid, f"bundle:{bundle.name}")
                    await stack.enter_async_context(
                        post_lock(
                            lock,
                            timeout=self.options.lock_timeout,
                            post_path=bundle.prepared[0].post.path,
                        )
                    )
            plans = []
            for bundle, results, members in ready:
                assert members is not None
                for member in members:
                    refresh_cached(self.state, self.appid, member.assets)
                plans.append(
                    await self._guarded(bundle, results, self._plan_bundle(bundle, members))
                )
            for plan in plans:
                if plan is not None:
                    self._note_left(plan)
            for (bundle, results, members), plan in zip(ready, plans, strict=True):
                if plan is not None and members is not None:
                    await self._guarded(bundle, results, self._finish(bundle, members, plan))
        return [results for _, results, _ in staged]

    def _due(self, bundle: Bundle) -> bool:
        """``--due``: some post of the bundle is scheduled, and every one's time has come."""
        times = [p.article.publish_at for p in bundle.prepared]
        now = self._now()  # type: ignore[attr-defined]
        return any(t is not None for t in times) and all(is_due(t, now) for t in times)

    async def _guarded(
        self, bundle: Bundle, results: list[PostResult], step: Awaitable[T]
    ) -> T | None:
        """``step``'s value; an :class:`MdwxError` fails every post of the bundle (None)."""
        try:
            return await step
        except ConfigError:
            raise
        except MdwxError as exc:
            whole_bundle_error(exc, bundle.name, bundle.paths, bundle.root)
            for result in results:
                result.status, result.error = "failed", exc
            return None

    async def _stage(self, bundle: Bundle, results: list[PostResult]) -> list[Member]:
        """Every post of the bundle checked and its assets loaded; nothing sent."""
        backend = self.bind_backend(bundle.prepared[0].post)  # type: ignore[attr-defined]
        problem = bundle_problem(bundle, backend.name)
        if problem is not None:
            raise problem
        members = []
        for prepared, result in zip(bundle.prepared, results, strict=True):
            apply_rules(prepared, backend.name)
            assets, parts = await self.load_assets(prepared.post, prepared, result)  # type: ignore[attr-defined]
            members.append(Member(prepared, result, assets, parts, Plan()))
        for found in note_digest_dropped(bundle):  # posts the gate did not judge this run
            next(m for m in members if str(m.prepared.article.path) == found.path).result.add(found)
        return members

    async def _finish(self, bundle: Bundle, members: list[Member], plan: BundlePlan) -> None:
        """Print the plan (dry run) or carry it out."""
        if self.options.dry_run:
            self._report(bundle, members, plan, planned=True)
            if plan.error:
                raise plan.error
            return
        if plan.action == SETTLE:
            await self._settle_bundle(bundle, members)
            plan = await self._plan_bundle(bundle, members)
        if plan.error:
            self._report(bundle, members, plan, planned=False)
            raise plan.error
        await self._carry_out(bundle, members, plan)
        self._report(bundle, members, plan, planned=False)

    def _note_left(self, plan: BundlePlan) -> None:
        if plan.action in (UPLOAD, REMAKE):
            self.left_bundle.update(plan.leaving)

    def bundle_payload(
        self, prepared: Prepared, resolved: Resolved, *, size: int
    ) -> dict[str, object]:
        payload: dict[str, object] = self.backend.payload(prepared, resolved)
        if size >= 2 and "digest" in payload:
            payload["digest"] = ""  # WeChat keeps digests only for one-article drafts
        return payload

    async def _plan_bundle(self, bundle: Bundle, members: list[Member]) -> BundlePlan:
        """The one decision the dry run and the run act on (payload hashes before uploading)."""
        if not self.options.dry_run:
            await self._adopt_lost(bundle, members)
        size = len(members)
        seen: set[tuple[str, str]] = set()  # a picture two posts share is uploaded once
        for member in members:
            member.counted = Plan()
            member.mark = self.mark_for(member.prepared.post, member.prepared.article)  # type: ignore[attr-defined]
            member.digest = await planned_digest(
                self.state,
                self.appid,
                member.assets,
                member.counted,
                functools.partial(self.bundle_payload, member.prepared, size=size),
                seen,
            )
        if self.options.dry_run:  # the run's other posts find these uploaded (bundles go first)
            for key in seen:
                self.claims.claim(key, -1, Plan())  # type: ignore[attr-defined]
        config = bundle.prepared[0].post.config
        now = self._now()  # type: ignore[attr-defined]
        held = not self.options.draft and not all(
            is_due(m.prepared.article.publish_at, now) for m in members
        )
        plan = plan_bundle(
            self.records.bundle_members(bundle.name),
            [(m.rel, m.digest) for m in members],
            draft=self.options.draft or held,
            force=self.options.force,
            on_change=config.on_submitted_change,
            name=bundle.name,
        )
        if plan.error is not None:
            plan.error.at(bundle.prepared[0].post.path)
        # A post moving to another bundle of this run is that bundle's to record, whichever
        # bundle runs first: the plan is the same in a dry run and in the run.
        moving = self.bundled - {m.rel for m in members}
        plan.leaving = [rel for rel in plan.leaving if rel not in moving]
        for member in members:  # a post that had a draft of its own: replaced by the bundle's
            record = self.records.article(member.rel)
            if (
                record is not None
                and not record.bundle
                and record.media_id
                and record.status == "draft"
                and record.media_id != plan.media_id
                and plan.action != UPDATE
            ):
                plan.absorbed.append(record.media_id)
        return plan

    async def _adopt_lost(self, bundle: Bundle, members: list[Member]) -> None:
        """A draft/add of this bundle whose answer was lost is found by its marks and
        recorded before the plan is made, so no second draft is made (mdwx.publish.bundlelost)."""
        head = members[0].result
        media_id = await adopt_lost_bundle(
            self.state,
            self.appid,
            self.backend.client,
            [(m.rel, self.mark_for(m.prepared.post, m.prepared.article)) for m in members],  # type: ignore[attr-defined]
            name=bundle.name,
            delete_old=lambda old: self._delete_old(old, head),
        )
        if media_id is not None:
            head.steps.append(f"adopt {media_id}")
            head.add(
                Diagnostic(
                    f"bundle {bundle.name!r}'s draft {media_id} was made by a run that stopped "
                    "before WeChat's answer was recorded: it was found in the draft box by its "
                    "marks and taken over instead of making a second",
                    path=head.path,
                    code="adopted-article",
                )
            )

    def _report(
        self, bundle: Bundle, members: list[Member], plan: BundlePlan, *, planned: bool
    ) -> None:
        """Each post's steps, actions and counts: the same in a dry run and in the run."""
        lines = describe_bundle(plan, bundle.name, len(members), planned=planned)
        for index, member in enumerate(members):
            result, counted = member.result, member.counted
            sending = plan.action in (UPLOAD, REMAKE) or index in plan.updates
            uploads = counted.uploads if sending and not plan.error else []
            result.steps = [*(f"upload {u}" for u in uploads), *plan.article_steps(index)]
            if index == 0:
                result.steps += plan.bundle_steps()
            result.uploads = (
                counted.counts()
                if sending
                else {
                    "images": 0,
                    "cached": counted.cached + counted.images + counted.videos,
                    "videos": 0,
                }
            )
            where = f"article {index + 1} of {len(members)} in bundle {bundle.name!r}" + (
                " (头条)" if index == 0 else ""
            )
            result.actions = [
                where,
                *(f"{'would ' if planned else ''}upload {u}" for u in uploads),
                *lines,
            ]
            if plan.warning is not None:
                result.add(plan.warning)
            if planned:
                result.status = "dry-run"
                result.media_id = plan.media_id

    async def _carry_out(self, bundle: Bundle, members: list[Member], plan: BundlePlan) -> None:
        if plan.action in (UNCHANGED, KEEP):
            for member in members:
                record = self.records.article(member.rel)
                member.result.media_id, member.result.status = (
                    plan.media_id,
                    record.status if record else "draft",
                )
                member.result.url = record.url if record else None
                if plan.action == UNCHANGED:
                    self._remember_identity(member.prepared.post, member.prepared.article)  # type: ignore[attr-defined]
        else:
            payloads = await self._resolve_members(members)
            if plan.action == UPDATE:
                await self._update_members(members, payloads, plan)
            else:
                await self._create(bundle, members, payloads, plan)
        if plan.submit and all(m.result.status == "draft" for m in members):
            await self._submit_bundle(members)
        elif not self.options.draft and all(m.result.status == "draft" for m in members):
            for member in members:  # a post's publish_at is still ahead: the bundle waits for it
                member.result.status = "scheduled"

    async def _resolve_members(self, members: list[Member]) -> list[dict[str, object]]:
        """Upload what each post needs; every post's payload with the real URLs."""
        payloads = []
        for member in members:
            post, prepared = member.prepared.post, member.prepared
            cover, video_cover, loaded = member.parts
            refresh_cached(self.state, self.appid, member.assets)  # what an earlier post uploaded
            concurrency = self.options.concurrency or post.config.concurrency
            uploader = Uploader(
                self.client,  # type: ignore[attr-defined]
                self.state,
                self.appid,
                concurrency,
                self.events.on_upload,  # type: ignore[attr-defined]
            )
            resolved = await self.resolve_assets(prepared, uploader, loaded, cover)  # type: ignore[attr-defined]
            await self.resolve_videos(prepared, uploader, loaded, video_cover, resolved)  # type: ignore[attr-defined]
            member.result.uploads = resolved.counts.to_json()
            payloads.append(self.bundle_payload(prepared, resolved, size=len(members)))
        return payloads

    async def _update_members(
        self, members: list[Member], payloads: list[dict[str, object]], plan: BundlePlan
    ) -> None:
        """``draft/update`` at each changed index; the others are untouched."""
        assert plan.media_id
        for index, (member, payload) in enumerate(zip(members, payloads, strict=True)):
            member.result.media_id, member.result.status = plan.media_id, "draft"
            if index not in plan.updates:
                continue
            self.records.begin_update(member.rel)
            try:
                await self.backend.update(plan.media_id, payload, mark=member.mark, index=index)
            except Gone:
                for other in members:
                    self.records.record_submitted(other.rel)
                raise PublishError(
                    "the bundle's draft left the draft box outside mdwx (submitted, sent or "
                    "deleted) and can no longer be changed",
                    hint="run again with --force to publish the bundle as a new message",
                ) from None
            self.records.record_uploaded(
                member.rel, plan.media_id, payload_hash(payload), str(payload["title"])
            )
            self._remember_identity(member.prepared.post, member.prepared.article)  # type: ignore[attr-defined]

    async def _create(
        self,
        bundle: Bundle,
        members: list[Member],
        payloads: list[dict[str, object]],
        plan: BundlePlan,
    ) -> None:
        """One new draft with every article; then the old draft deleted and the posts that
        left the bundle dropped from (in the box) or detached in (sent) the state."""
        for index, (member, payload) in enumerate(zip(members, payloads, strict=True)):
            self.records.begin_upload(
                member.rel, title=str(payload["title"]), content_hash=payload_hash(payload)
            )
            self.records.place_in_bundle(member.rel, bundle.name, index)
        media_id = await self.backend.create_bundle(payloads, [m.mark for m in members])
        # The drafts replaced are deleted and the posts that left dropped while every post is
        # still recorded "uploading" with its old draft: a run stopped anywhere before the
        # last record below is settled by the next run (mdwx.publish.bundlelost).
        if plan.action == REMAKE and plan.old_media_id and plan.old_media_id != media_id:
            await self._delete_old(plan.old_media_id, members[0].result)
        for old in plan.absorbed:
            await self._delete_old(old, members[0].result)
        for rel in plan.leaving:
            record = self.records.article(rel)
            if record is not None and record.status in ("uploading", "updating", "draft"):
                self.records.forget_article(rel)
            elif record is not None:
                self.records.place_in_bundle(rel, "", 0)
        for member, payload in zip(members, payloads, strict=True):
            self.records.record_uploaded(
                member.rel, media_id, payload_hash(payload), str(payload["title"])
            )
            self._remember_identity(member.prepared.post, member.prepared.article)  # type: ignore[attr-defined]
            member.result.media_id, member.result.status = media_id, "draft"

    async def _delete_old(self, media_id: str, result: PostResult) -> None:
        try:
            await self.backend.delete(media_id, status="draft")
        except WeChatError as exc:
            if exc.errcode != 40007:  # already gone: nothing to delete
                result.warn(
                    f"the bundle's old draft {media_id} could not be deleted ({exc}); delete it in the "
                    "draft box (草稿箱)",
                    code="bundle-old-draft",
                )

    async def _submit_bundle(self, members: list[Member]) -> None:
        """Submit the bundle's one draft once, recording it for every post."""
        media_id = members[0].result.media_id
        assert media_id
        for member in members:
            self.records.begin_submit(member.rel)
        publish_id = ""
        try:
            publish_id = await self.backend.submit(media_id)
        except AlreadySubmitted:
            pass
        else:
            self.records.record_submission()
        kept = getattr(self.backend, "msg_data_ids", {})
        for member in members:
            self.records.record_submitted(member.rel, publish_id, kept.get(publish_id, ""))
            member.result.status = "submitted"

    async def _settle_bundle(self, bundle: Bundle, members: Sequence[Member]) -> None:
        """A submit of the bundle whose answer was lost: ask WeChat, record the answer for all."""
        records = [r for r in self.records.bundle_members(bundle.name) if r.media_id]
        progress = await self.backend.settle(records[0])
        for record in records:
            if progress.status != "draft":
                self.records.record_submitted(record.source_path, progress.publish_id)
            elif record.media_id:  # every record here has one (filtered above)
                self.records.record_uploaded(
                    record.source_path,
                    record.media_id,
                    record.content_hash,
                    record.title,
                )
        members[0].result.actions.append(
            f"the bundle's previous submit was unknown; WeChat says: {progress.live}"
        )


__all__ = ["BundleError", "BundleSteps"]
