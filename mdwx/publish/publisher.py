"""Publishing: from a post to a submitted WeChat article, remembering every step.

One pipeline for both WeChat APIs: what differs between the media API and the draft-box API
is asked of the run's :class:`mdwx.publish.backends.Backend` (its limits, the article's JSON, the calls
that create, change, submit, follow and settle it). For each post: prepare offline (read, render, check), load every asset (nothing sent yet,
so an invalid post sends nothing), upload what is new, upload or update the article, submit,
and optionally follow review. The state is written *before* each call that creates
something and *after* it answers, so a run killed at any instant is finished by the next one
without a duplicate submission.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mdwx.diagnostics import Diagnostic
from mdwx.errors import ConfigError, MdwxError, PublishError
from mdwx.files.used_files import noting
from mdwx.prepare import Prepared, prepare
from mdwx.publish.backends import Backend, Gone, backend_name, make_backend
from mdwx.publish.bundle import BundleSteps
from mdwx.publish.bundling import bundles_of
from mdwx.publish.claims import Counted, RunClaims
from mdwx.publish.identity import Found, article_fingerprint, find_article
from mdwx.publish.lock import post_lock, post_lock_path
from mdwx.publish.marker import Mark, post_mark, record_adopted
from mdwx.publish.overlap import DEFAULT_WINDOW, in_order
from mdwx.publish.plan import (
    ACTION_TEXT,
    KEEP,
    SETTLE,
    UNCHANGED,
    UPDATE,
    UPLOAD,
    ArticleStep,
    Plan,
    cached_video,
    decide,
    describe,
    is_due,
    payload_hash,
    plan_post,
    refresh_cached,
    submitted_change,
)
from mdwx.publish.resolve import AssetLoader, LoadedAsset, Resolved, Uploader
from mdwx.publish.results import Events, PostResult
from mdwx.publish.review import follow_review
from mdwx.publish.rules import apply_rules
from mdwx.publish.run_options import RunOptions
from mdwx.publish.state.account_view import AccountState
from mdwx.publish.state.post_inputs import PostInputs
from mdwx.publish.state.store import ArticleRecord, State
from mdwx.publish.submission import SubmitSteps
from mdwx.publish.unchanged import UnchangedPosts, replay
from mdwx.publish.video import upload_video, wait_for_review
from mdwx.source.article import EmptyPost, split_text
from mdwx.source.posts import Post
from mdwx.urls import redact

__all__ = [
    "Events",
    "PostResult",
    "PublishError",
    "RunOptions",
    "Publisher",
    "follow_review",
    "payload_hash",
    "post_lock_path",
]


class Publisher(BundleSteps, SubmitSteps):
    """Publishes posts one by one with one client and one state database."""

    def __init__(
        self,
        client: Any,
        state: State,
        appid: str,
        options: RunOptions,
        events: Events | None = None,
    ) -> None:
        self.client = client
        self._all_state = state
        self.state = state  # the backend's view of it, once bound (:meth:`bind_backend`)
        self.appid = appid
        self.records = AccountState(state, appid)  # this account's records in ``state``
        self.options = options
        self.events = events or Events()
        self.backend: Backend | None = None
        #: Posts the run's gate prepared already (:func:`mdwx.api.routed.gate_routes`), by path.
        self.ready: dict[Path, Prepared] = {}
        #: Posts whose inputs are unchanged since their last successful run, by path, and the
        #: run's record of what each post used (:mod:`mdwx.publish.unchanged`).
        self.unchanged: dict[Path, PostInputs] = {}
        self.inputs: UnchangedPosts | None = None
        self._uploader: Uploader | None = None
        #: The dry run's owners of the pictures posts share (the real run's: its uploader's).
        self.claims = RunClaims()
        self._positions: dict[Path, int] = {}  # each post's place in the run (publish_all)
        self._counted: dict[Path, Counted] = {}  # each post's live counts, read at the end
        self.left_bundle: set[str] = set()
        #: Endpoints whose skipped lookup (:meth:`_say_skipped`) the run has reported.
        self.said_skipped: set[str] = set()
        self.bundled: set[str] = set()

    def bind_backend(self, post: Post) -> Backend:
        """The run's backend (``--backend``, else the first post's site), and its records."""
        name = backend_name(post.config, self.options.backend)
        if self.backend is None:
            self.backend = make_backend(name, self.client, post.config)
            self.state = self._all_state.for_backend(name)
            self.records = AccountState(self.state, self.appid)
        elif self.backend.name != name:
            raise ConfigError(
                f"{post.path} names backend {name!r}, the run publishes through {self.backend.name!r}",
                hint="publish sites with different backends in separate runs, or pass --backend",
            )
        return self.backend

    async def publish_all(self, posts: Sequence[Post]) -> list[PostResult]:
        """Publish the posts side by side, then follow every review at once (``--wait``).

        A 多图文 bundle's posts go first, each bundle as one draft (:mod:`mdwx.publish.bundle`);
        the other posts: up to the site's concurrency in flight (:mod:`mdwx.publish.overlap`).
        One failure does not stop the others; the results are in the order of ``posts``.
        """
        done = await self._publish_bundles(posts)  # 多图文: each bundle's posts as one draft
        rest = [post for post in posts if post.path not in done]
        self._positions = {post.path: n for n, post in enumerate(rest)}
        window = self.options.concurrency or (
            posts[0].config.concurrency if posts else DEFAULT_WINDOW
        )
        alone = dict(
            zip(
                [p.path for p in rest],
                await in_order(rest, functools.partial(self.publish, follow=False), window),
                strict=True,
            )
        )
        results = [done[post.path] if post.path in done else alone[post.path] for post in posts]
        for path, counted in self._counted.items():  # as the run's order decided them
            if path in alone and alone[path].uploads:
                alone[path].uploads.update(images=counted.images, cached=counted.cached)
        await asyncio.gather(
            *(
                self._follow_result(post, result)
                for post, result in zip(posts, results, strict=True)
            )
        )
        return results

    async def _publish_bundles(self, posts: Sequence[Post]) -> dict[Path, PostResult]:
        """Publish the bundles among ``posts`` (docs/reach.md, "多图文"); results by post path."""
        for post in posts:
            # An unchanged post is replayed, not read (it is in no bundle: mdwx.publish.state.post_inputs).
            if post.path not in self.ready and post.path not in self.unchanged:
                try:
                    self.ready[post.path] = prepare(post)
                except MdwxError:
                    continue  # published (and reported) on its own
        done: dict[Path, PostResult] = {}
        bundles = bundles_of([self.ready[p.path] for p in posts if p.path in self.ready])
        self.bundled = {p.post.relative for bundle in bundles for p in bundle.prepared}
        for bundle, results in zip(bundles, await self.publish_bundles(bundles), strict=True):
            for path, result in zip(bundle.paths, results, strict=True):
                done[path] = result
                self.ready.pop(path, None)
        return done

    async def publish(self, post: Post, *, follow: bool = True) -> PostResult:
        """Publish one post (``follow``: and follow its review with ``wait``); raises ConfigError."""
        result = PostResult(path=str(post.path))
        try:
            await self._publish(post, result)
        except ConfigError:
            raise  # the site or the credentials are wrong: no post can succeed
        except MdwxError as exc:
            if exc.path is None:  # a WeChat or transport error met while publishing this post
                exc.at(post.path)
            result.status, result.error = "failed", exc
            result.title = result.title or front_matter_title(post)
        if follow:
            await self._follow_result(post, result)
        return result

    async def _follow_result(self, post: Post, result: PostResult) -> None:
        if result.status == "submitted" and self.options.wait and not result.error:
            try:
                await self._follow(post, result)
            except ConfigError:
                raise
            except MdwxError as exc:
                result.error = exc

    async def _publish(self, post: Post, result: PostResult) -> None:
        self.bind_backend(post)
        kept = self.unchanged.pop(post.path, None)
        if kept is not None and replay(
            self.state, self.appid, kept, result, draft=self.options.draft
        ):
            return  # nothing it uses changed since its last successful run: nothing read, rendered or sent
        with noting(self.inputs.used_by(post) if self.inputs else {}):
            await self._publish_post(post, result)

    async def _publish_post(self, post: Post, result: PostResult) -> None:
        backend = self.bind_backend(post)
        try:
            prepared = self.ready.pop(post.path, None) or prepare(post)
        except EmptyPost as exc:  # a generator site's stub page: nothing to publish
            result.status = "skipped"
            result.add(Diagnostic(exc.message, exc.path, exc.line, code=exc.code))
            result.actions.append(f"skipped: {exc.skipped_as}")
            return
        apply_rules(
            prepared, backend.name
        )  # as check applies them: before anything is loaded or sent
        article = prepared.article
        result.title, result.warnings, result.diagnostics = (
            article.title,
            prepared.warnings,
            list(prepared.diagnostics),
        )
        if article.draft:
            result.status = "skipped"
            result.actions.append("skipped: draft: true in front matter")
            return
        result.publish_at = article.publish_at.isoformat() if article.publish_at else None
        if self.options.due and (
            article.publish_at is None or not is_due(article.publish_at, self._now())
        ):
            result.status, result.warnings, result.diagnostics = (
                "skipped",
                [],
                [],
            )  # a cron's log: nothing about posts it left alone
            result.actions.append(
                f"skipped: not due until {result.publish_at}"
                if article.publish_at
                else "skipped: no publish_at (--due publishes only scheduled posts that are due)"
            )
            return
        assets, parts = await self.load_assets(post, prepared, result)
        await self._run(post, prepared, assets, parts, result)

    async def load_assets(
        self,
        post: Post,
        prepared: Prepared,
        result: PostResult,
    ) -> tuple[list[LoadedAsset], tuple[LoadedAsset, LoadedAsset | None, list[LoadedAsset]]]:
        """Every asset of the post read and made to fit, nothing sent.

        All of them (the cover, an image post's first picture, first), and (cover, video
        cover, the others).
        """
        assert self.backend is not None
        backend, article = self.backend, prepared.article
        loader = AssetLoader(
            post.config, self.state, self.appid, fetch_transport=self.options.fetch_transport
        )
        if article.post_type == "images":  # its pictures are permanent images; no cover
            pictures = await asyncio.gather(
                *(loader.load_permanent(a, article.path) for a in prepared.document.assets)
            )
            _picture_warnings(result, pictures)
            return [*pictures], (pictures[0], None, list(pictures[1:]))
        # Every asset is read and normalised before the first upload, so a picture that cannot
        # be made to fit stops the post with nothing sent.
        loaded = list(
            await asyncio.gather(*(loader.load(a, article.path) for a in prepared.document.assets))
        )
        _picture_warnings(result, loaded)
        reference = prepared.cover
        size = bool(article.pic_crop_235_1 or article.pic_crop_1_1)  # crops are checked against it
        if reference is None:  # nothing given, found or configured: make one
            from mdwx.render.pipeline import article_theme

            cover, note = await loader.load_generated_cover(
                article.title, article_theme(article, post.config), article.path, size=size
            )
            if not cover.cached:  # said when it is made and sent, not on every unchanged run
                result.actions.append(note)
        else:
            cover = await loader.load_cover(
                *reference, article.path, size=size, written=article.as_written(reference[0])
            )
        if cover.prepared is not None:  # a remote cover's crops: known only now
            backend.check_cover(article, cover.prepared.width, cover.prepared.height)
        video_cover = None
        if article.video.cover and any(x.kind == "video" for x in loaded):
            video_cover = await loader.load_cover(
                article.video.cover, article.path, article.key_lines.get("video"), article.path
            )
        return [cover, *([video_cover] if video_cover else []), *loaded], (
            cover,
            video_cover,
            loaded,
        )

    async def _run(
        self,
        post: Post,
        prepared: Prepared,
        assets: list[LoadedAsset],
        loaded_parts: tuple[LoadedAsset, LoadedAsset | None, list[LoadedAsset]],
        result: PostResult,
    ) -> None:
        """Plan, then print the plan (dry run) or carry it out under the post's lock.

        ``assets``: every asset, the cover (an image post's first picture) first.
        """
        article = prepared.article
        if self.inputs is not None:  # what any run of these inputs shows, kept for the next
            self.inputs.note_loaded(prepared, result, len(assets))
        left = await self._leave_bundle(post)
        if self.options.dry_run:
            found = self._find(post, article)
            plan = await self._make_plan(
                post, prepared, assets, found, self.mark_for(post, article)
            )
            self._counted[post.path] = plan  # a later-started earlier post may take one
            result.status, result.steps = "dry-run", [*left, *plan.steps]
            result.uploads, result.actions = (
                plan.counts(),
                describe(plan, planned=True, texts=self._texts),
            )
            result.media_id = found.record.media_id if found.record else None
            if plan.warning:
                result.add(plan.warning)
            if plan.error:
                raise plan.error
            return
        async with post_lock(
            post_lock_path(self.state.path, self.appid, post.relative),
            timeout=self.options.lock_timeout,
            post_path=post.path,
        ):
            # Read again under the lock: another process may have just published this post.
            refresh_cached(self.state, self.appid, assets)
            found, mark = self._find(post, article), self.mark_for(post, article)
            record = found.record
            # Another door (with a state of its own) may have made the article, or an earlier
            # run whose create answer was lost: the account is asked before creating one.
            if record is None or (record.status == "uploading" and not record.media_id):
                found = await self._adopt(post, article, mark, result) or found
            plan = await self._make_plan(post, prepared, assets, found, mark)
            result.uploads = plan.counts()
            result.steps += left
            await self._execute(post, prepared, plan, found, loaded_parts, result)

    @property
    def _texts(self) -> dict[ArticleStep, str]:
        return self.backend.texts if self.backend else {}

    async def _make_plan(
        self, post: Post, prepared: Prepared, assets: list[LoadedAsset], found: Found, mark: Mark
    ) -> Plan:
        """The one decision both the dry run and the real run act on."""
        return await plan_post(
            self.state,
            self.appid,
            post,
            assets,
            found,
            draft=self.options.draft,
            force=self.options.force,
            payload=lambda resolved: self._payload(prepared, resolved),
            publish_at=prepared.article.publish_at,
            now=self._now(),
            mark=mark,
            claims=self.claims if self.options.dry_run else None,
            position=self._positions.get(post.path, 0),
        )

    def mark_for(self, post: Post, article: Any) -> Mark:
        """The post's mark (:mod:`mdwx.publish.marker`): its site and identity, its version."""
        print_ = article_fingerprint(post, article)
        return post_mark(post.config.root, print_.post_key or post.relative, print_.source_hash)

    async def _adopt(
        self, post: Post, article: Any, mark: Mark, result: PostResult
    ) -> Found | None:
        """Take over the account's article carrying the post's mark (another door made it).

        Recorded in the state, so the plan updates, keeps or submits it instead of creating a
        second article.
        """
        assert self.backend is not None
        found = await self.backend.find_marked(mark)
        self._say_skipped(post, result)
        if found is None:
            return None
        record_adopted(self.state, self.appid, post.relative, found)
        result.steps.append(f"adopt {found.media_id}")
        result.add(
            Diagnostic(
                f"this post's {found.status} article {found.media_id} was made by another copy of the site (a hook, "
                "CI, another machine): it was found in the account by its mark and taken over instead of making a "
                "second",
                path=str(post.path),
                code="adopted-article",
            )
        )
        return self._find(post, article)

    def _say_skipped(self, post: Post, result: PostResult) -> None:
        """Say once per run each lookup the backend skipped as the account may not make it.

        The draft backend skips ``freepublish/batchget`` when it answers 48001.
        """
        skipped: dict[str, str] = getattr(self.backend, "skipped", {})
        for endpoint, words in skipped.items():
            if endpoint not in self.said_skipped:
                self.said_skipped.add(endpoint)
                result.add(Diagnostic(words, path=str(post.path), code="lookup-skipped"))

    def _now(self) -> dt.datetime:
        """The run's clock (``RunOptions.now``, else the system's), as an aware datetime."""
        now = self.options.now() if self.options.now else dt.datetime.now(dt.timezone.utc)
        if now.tzinfo is None or now.utcoffset() is None:
            raise ConfigError("the clock (Options.now) must return an aware datetime (with a zone)")
        return now

    async def _cached_video(self, item: LoadedAsset) -> str | None:
        return await cached_video(self.state, self.appid, item)

    async def _execute(
        self,
        post: Post,
        prepared: Prepared,
        plan: Plan,
        found: Found,
        loaded_parts: tuple[LoadedAsset, LoadedAsset | None, list[LoadedAsset]],
        result: PostResult,
    ) -> None:
        record = found.record
        if found.renamed_from:
            self.records.rename_article(found.renamed_from, post.relative)
            result.steps.append(f"follow rename from {found.renamed_from}")
            result.actions.append(f"followed the rename from {found.renamed_from}")
            record = self.records.article(post.relative)
        if plan.error:
            result.steps.append("refuse")
            raise plan.error  # before any upload: nothing is sent
        if plan.article in (UNCHANGED, KEEP):
            assert record is not None
            self._keep(record, plan.article, result, warning=plan.warning)
            if plan.article == UNCHANGED:  # a kept article stays known by what was submitted
                self._remember_identity(post, prepared.article)
        else:
            await self._send(post, prepared, plan, record, loaded_parts, result)
        if plan.submit and result.status == "draft":
            await self._submit(post, result)
            result.steps.append("submit")
        elif plan.held and result.status == "draft" and plan.publish_at is not None:
            result.status = "scheduled"
            result.steps.append(f"hold until {plan.publish_at.isoformat()}")
            result.actions.append(
                f"held unsubmitted until {plan.publish_at.isoformat()} (publish_at)"
            )

    async def _send(
        self,
        post: Post,
        prepared: Prepared,
        plan: Plan,
        record: ArticleRecord | None,
        loaded_parts: tuple[LoadedAsset, LoadedAsset | None, list[LoadedAsset]],
        result: PostResult,
    ) -> None:
        """Upload what the plan says is new, then upload or update the article."""
        cover, video_cover, loaded = loaded_parts
        pending = sum(1 for x in [*loaded, cover] if not x.cached and x.kind != "video")
        self.events.on_post(post, pending)
        if (
            self._uploader is None
        ):  # one per run: the account's concurrency limit, one upload per picture
            concurrency = self.options.concurrency or post.config.concurrency
            self._uploader = Uploader(
                self.client, self.state, self.appid, concurrency, self.events.on_upload
            )
        uploader = self._uploader
        position = self._positions.get(post.path)
        resolved = await self.resolve_assets(prepared, uploader, loaded, cover, position)
        await self.resolve_videos(prepared, uploader, loaded, video_cover, resolved)
        result.uploads = resolved.counts.to_json()
        self._counted[post.path] = resolved.counts  # a later-started earlier post may take one
        result.steps += [f"upload {u}" for u in plan.uploads]
        payload = self._payload(prepared, resolved)
        if plan.article == SETTLE:  # ask first; then decide again on what WeChat said
            assert record is not None  # SETTLE is decided only for a recorded article
            record = await self._settle_submit(post, record, result)
            result.steps.append(SETTLE)
            plan.article, plan.supersede, plan.submit, plan.error = decide(
                record,
                payload_hash(payload),
                draft=self.options.draft or plan.held,
                force=self.options.force,
                path=post.path,
                on_change=post.config.on_submitted_change,
            )
            if plan.error:
                raise plan.error
        if plan.supersede:
            self.records.supersede(post.relative)
            result.steps.append(f"supersede {plan.supersede}")
        await self._upload_article(post, payload, record, plan, result)
        self._remember_identity(post, prepared.article)

    def _find(self, post: Post, article: Any) -> Found:
        found = find_article(self.state, self.appid, post, article_fingerprint(post, article))
        if (
            found.record is not None
            and found.record.bundle
            and found.record.status in ("uploading", "updating", "draft")
        ):
            return Found(
                None
            )  # an article of a bundle's draft: the post alone gets a draft of its own
        return found

    def _remember_identity(self, post: Post, article: Any) -> None:
        print_ = article_fingerprint(post, article)
        self.records.set_identity(
            post.relative, source_hash=print_.source_hash, post_key=print_.post_key
        )

    # -- resolve -------------------------------------------------------------------------

    async def resolve_assets(
        self,
        prepared: Prepared,
        uploader: Uploader,
        loaded: list[LoadedAsset],
        cover: LoadedAsset,
        position: int | None = None,
    ) -> Resolved:
        """Upload the cover and every image concurrently; videos come after (a cover URL).

        ``position``: the post's place in the run, whose earliest post needing a shared
        picture is counted as uploading it (:mod:`mdwx.publish.claims`).
        """
        resolved = Resolved()
        images = [x for x in loaded if x.kind != "video"]
        urls = await asyncio.gather(
            *(uploader.url_of(x, resolved.counts, position) for x in [cover, *images])
        )
        (resolved.cover_url, thumb), image_urls = urls[0], urls[1:]
        if not thumb:
            raise PublishError("the cover upload returned no media_id", path=prepared.article.path)
        resolved.thumb_media_id = thumb
        resolved.values = {x.asset.key: url for x, (url, _) in zip(images, image_urls, strict=True)}
        resolved.media_ids = {
            x.asset.key: media_id or ""
            for x, (_, media_id) in zip([cover, *images], urls, strict=True)
        }
        return resolved

    async def resolve_videos(
        self,
        prepared: Prepared,
        uploader: Uploader,
        loaded: list[LoadedAsset],
        video_cover: LoadedAsset | None,
        resolved: Resolved,
    ) -> None:
        """Upload each video (resumably), wait until it passed review, record its vid."""
        meta, defaults = prepared.article.video, prepared.post.config.video
        cover_url = resolved.cover_url
        if video_cover is not None:
            cover_url = (await uploader.url_of(video_cover, resolved.counts))[0]
        for item in (x for x in loaded if x.kind == "video"):
            assert item.video_path is not None
            name = item.video_path.name
            reused = await self._cached_video(item) is not None
            upload = await upload_video(
                self.client,
                self.state,
                item.video_path,
                title=meta.title or item.asset.alt or prepared.article.title,
                description=meta.description or prepared.article.digest,
                cover_url=cover_url,
                tags=meta.tags or defaults.tags,
                category=meta.category or defaults.category,
                subcategory=meta.subcategory or defaults.subcategory,
                declare_original=meta.declare_original or defaults.declare_original,
                appid=self.appid,
                progress=functools.partial(self.events.on_video, name),
            )
            if upload.status != 3:
                upload = await wait_for_review(
                    self.client,
                    self.state,
                    self.appid,
                    upload.file_sha1,
                    upload.media_id,
                    timeout=defaults.review_timeout,
                    poll_interval=self.options.video_poll_interval or defaults.poll_interval,
                )
            resolved.values[item.asset.key] = upload.vid
            if reused:  # counted like images: what this run uploaded, and what it reused
                resolved.counts.cached += 1
            else:
                resolved.counts.videos += 1

    def _payload(self, prepared: Prepared, resolved: Resolved) -> dict[str, object]:
        assert self.backend is not None
        return self.backend.payload(prepared, resolved)

    # -- article -------------------------------------------------------------------------

    async def _upload_article(
        self,
        post: Post,
        payload: dict[str, object],
        record: ArticleRecord | None,
        plan: Plan,
        result: PostResult,
    ) -> None:
        """Run the plan's article step: update the unsubmitted article, or upload a new one."""
        assert self.backend is not None
        digest = payload_hash(payload)
        rel = post.relative
        if plan.article in (UNCHANGED, KEEP):  # settled to a recorded article: unchanged, or kept
            assert record is not None
            warning = (
                submitted_change(record, post.path, draft=self.options.draft)
                if plan.article == KEEP
                else None
            )
            self._keep(record, plan.article, result, warning=warning)
            return
        if record and record.status == "uploading":
            result.warn(
                "the previous run stopped while uploading this article; if WeChat kept that copy it "
                f"sits unsubmitted in {self.backend.library} — delete it there if you see two",
                code="interrupted-upload",
            )
        if plan.article == UPDATE:
            assert record is not None and record.media_id
            self.records.begin_update(rel)
            try:
                async with self._intent(rel, record):
                    await self.backend.update(record.media_id, payload, mark=plan.mark)
            except Gone as gone:
                self.records.record_uploaded(
                    rel, record.media_id, record.content_hash, record.title
                )
                self.records.record_submitted(rel)
                what = (
                    "was submitted outside mdwx"
                    if gone.submitted
                    else f"left {self.backend.library} outside mdwx (published or deleted there)"
                )
                raise PublishError(
                    f"this article {what} and can no longer be changed",
                    path=post.path,
                    hint="run again with --force to publish it as a new article",
                ) from None
            self.records.record_uploaded(rel, record.media_id, digest, str(payload["title"]))
            result.media_id, result.status = record.media_id, "draft"
            result.steps.append(UPDATE)
            result.actions.append(self._text(UPDATE, past=True))
            return
        self.records.begin_upload(rel, title=str(payload["title"]), content_hash=digest)
        async with self._intent(rel, record):
            media_id = await self.backend.create(payload, mark=plan.mark)
        self.records.record_uploaded(rel, media_id, digest, str(payload["title"]))
        result.media_id, result.status = media_id, "draft"
        result.steps.append(UPLOAD)
        result.actions.append(self._text(UPLOAD, past=True))

    @staticmethod
    def _keep(
        record: ArticleRecord, step: ArticleStep, result: PostResult, *, warning: Diagnostic | None
    ) -> None:
        """Nothing sent: the recorded article stands (unchanged, or kept after a submit)."""
        result.media_id, result.status, result.url = record.media_id, record.status, record.url
        result.steps.append(step)
        result.actions.append(ACTION_TEXT[step])
        if warning:
            result.add(warning)

    def _text(self, step: ArticleStep, *, past: bool) -> str:
        """The backend's words for an article step ("update …" → "updated …" when done)."""
        text = self._texts.get(step, ACTION_TEXT[step])
        if not past:
            return text
        verb, _, rest = text.partition(" ")
        return (
            {"update": "updated", "upload": "uploaded", "put": "put", "ask": "asked"}.get(
                verb, verb
            )
            + " "
            + rest
        )


def front_matter_title(post: Post) -> str | None:
    """The title a failed post's front matter gives, so a report names it even then."""
    try:
        text = post.source_text()
        title = split_text(text, post.path, post.meta).front.get("title")
    except (MdwxError, OSError, ValueError):
        return None
    return " ".join(title.split()) if isinstance(title, str) and title.strip() else None


def _picture_warnings(result: PostResult, loaded: Sequence[LoadedAsset]) -> None:
    """What making each picture fit changed (a GIF's frames, a size), at its reference's line."""
    for item in loaded:
        for warning in item.prepared.warnings if item.prepared else ():
            result.warn(
                f"{redact(item.asset.source)}: {warning}",
                code="picture-adjusted",
                line=item.asset.line,
            )
