"""Publishing: from a post to a submitted WeChat article, remembering every step.

For each post: prepare offline (read, render, check), load every asset (nothing sent yet,
so an invalid post sends nothing), upload what is new, upload or update the article, submit,
and optionally follow review. The state is written *before* each call that creates
something and *after* it answers, so a run killed at any instant is finished by the next one
without a duplicate submission.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from mdwx.build import Prepared, cover_reference, prepare
from mdwx.errors import ConfigError, MdwxError
from mdwx.posts import Post
from mdwx.resolve import AssetLoader, LoadedAsset, Resolved, Uploader
from mdwx.state import ArticleRecord, State

# publish/query's status text → the state's article status
STATUS_BY_TEXT = {"未提交": "draft", "审核中": "submitted", "发布成功": "published", "审核未通过": "rejected"}

DAILY_SUBMIT_LIMIT = 200
SUBMIT_WARN_AT = 190


class PublishError(MdwxError):
    code = "publish"


@dataclass
class PublishOptions:
    draft: bool = False
    wait: bool = False
    dry_run: bool = False
    force: bool = False
    concurrency: int | None = None  # default: the site's config
    wait_timeout: float = 900.0
    poll_interval: float = 2.0
    fetch_transport: Any = None  # httpx transport for remote images (tests, proxies)


@dataclass
class PostResult:
    path: str
    title: str | None = None
    media_id: str | None = None
    status: str = "failed"
    url: str | None = None
    uploads: dict[str, int] = field(default_factory=lambda: {"images": 0, "cached": 0, "videos": 0})
    error: MdwxError | None = None
    actions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path, "title": self.title, "media_id": self.media_id,
            "status": self.status, "url": self.url, "uploads": self.uploads,
            "actions": self.actions, "warnings": self.warnings,
            "error": {"code": self.error.code, "message": str(self.error)} if self.error else None,
        }


@dataclass
class Events:
    """Callbacks for progress display; the library itself prints nothing."""

    on_post: Callable[[Post, int], None] = lambda post, total: None  # total uploads ahead
    on_upload: Callable[[], None] = lambda: None
    on_video: Callable[[str, int, int], None] = lambda name, done, total: None  # bytes sent / size


def payload_hash(article: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(article, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


class Publisher:
    """Publishes posts one by one with one client and one state database."""

    def __init__(self, client: Any, state: State, appid: str, options: PublishOptions,
                 events: Events | None = None) -> None:
        self.client = client
        self.state = state
        self.appid = appid
        self.options = options
        self.events = events or Events()

    async def publish_all(self, posts: Sequence[Post]) -> list[PostResult]:
        results = []
        for post in posts:  # one failure does not stop the others
            results.append(await self.publish(post))
        return results

    async def publish(self, post: Post) -> PostResult:
        result = PostResult(path=str(post.path))
        try:
            await self._publish(post, result)
        except ConfigError:
            raise  # the site or the credentials are wrong: no post can succeed
        except MdwxError as exc:
            result.status, result.error = "failed", exc
        return result

    async def _publish(self, post: Post, result: PostResult) -> None:
        prepared = prepare(post)
        article = prepared.article
        result.title, result.warnings = article.title, prepared.warnings
        if article.draft:
            result.status = "skipped"
            result.actions.append("skipped: draft: true in front matter")
            return
        loader = AssetLoader(post.config, self.state, self.appid, fetch_transport=self.options.fetch_transport)
        # Every asset is read and normalised before the first upload, so a picture that cannot
        # be made to fit stops the post with nothing sent.
        loaded = list(await asyncio.gather(*(loader.load(a, article.path) for a in prepared.document.assets)))
        result.warnings += [f"{x.asset.source}: {w}" for x in loaded if x.prepared for w in x.prepared.warnings]
        reference = cover_reference(article, prepared.document, post)
        if reference is None:  # nothing given, found or configured: make one
            from mdwx.render.pipeline import article_theme

            cover, note = await loader.load_generated_cover(
                article.title, article_theme(article, post.config), article.path)
            result.warnings = [w for w in result.warnings if "no cover image: publish will" not in w]
            result.actions.append(note)
        else:
            cover = await loader.load_cover(*reference, article.path)
        video_cover = None
        if article.video.cover and any(x.kind == "video" for x in loaded):
            video_cover = await loader.load_cover(article.video.cover, article.path,
                                                  article.key_lines.get("video"), article.path)
        record = self.state.article(self.appid, post.relative)
        if self.options.dry_run:
            self._plan(prepared, loaded, cover, record, result)
            return
        pending = sum(1 for x in [*loaded, cover] if not x.cached and x.kind != "video")
        self.events.on_post(post, pending)
        concurrency = self.options.concurrency or post.config.concurrency
        uploader = Uploader(self.client, self.state, self.appid, concurrency, self.events.on_upload)
        resolved = await self._resolve(prepared, uploader, loaded, cover)
        await self._resolve_videos(prepared, uploader, loaded, video_cover, resolved)
        result.uploads = resolved.counts.to_json()
        payload = self._payload(prepared, resolved)
        await self._upload_article(post, payload, record, result)
        if result.status == "draft" and not self.options.draft:
            await self._submit(post, result)
        if result.status == "submitted" and self.options.wait:
            await self._follow(post, result)

    # -- resolve -------------------------------------------------------------------------

    async def _resolve(self, prepared: Prepared, uploader: Uploader, loaded: list[LoadedAsset],
                       cover: LoadedAsset) -> Resolved:
        """Upload the cover and every image concurrently; videos come after (they need a cover URL)."""
        resolved = Resolved()
        images = [x for x in loaded if x.kind != "video"]
        urls = await asyncio.gather(*(uploader.url_of(x, resolved.counts) for x in [cover, *images]))
        (resolved.cover_url, thumb), image_urls = urls[0], urls[1:]
        if not thumb:
            raise PublishError("the cover upload returned no media_id", path=prepared.article.path)
        resolved.thumb_media_id = thumb
        resolved.values = {x.asset.key: url for x, (url, _) in zip(images, image_urls, strict=True)}
        return resolved

    async def _resolve_videos(self, prepared: Prepared, uploader: Uploader, loaded: list[LoadedAsset],
                              video_cover: LoadedAsset | None, resolved: Resolved) -> None:
        """Upload each video (resumably), wait until it passed review, record its vid."""
        from mdwx.video import upload_video, wait_for_review

        meta, defaults = prepared.article.video, prepared.post.config.video
        cover_url = resolved.cover_url
        if video_cover is not None:
            cover_url = (await uploader.url_of(video_cover, resolved.counts))[0]
        for item in (x for x in loaded if x.kind == "video"):
            assert item.video_path is not None
            name = item.video_path.name
            upload = await upload_video(
                self.client, self.state, item.video_path,
                title=meta.title or item.asset.alt or prepared.article.title,
                description=meta.description or prepared.article.digest, cover_url=cover_url,
                tags=meta.tags or defaults.tags, category=meta.category or defaults.category,
                subcategory=meta.subcategory or defaults.subcategory,
                declare_original=meta.declare_original or defaults.declare_original, appid=self.appid,
                progress=lambda done, total, name=name: self.events.on_video(name, done, total))
            if upload.status != 3:
                upload = await wait_for_review(self.client, self.state, self.appid, upload.file_sha1,
                                               upload.media_id, timeout=defaults.review_timeout,
                                               poll_interval=defaults.poll_interval)
            resolved.values[item.asset.key] = upload.vid
            resolved.counts.videos += 1

    def _payload(self, prepared: Prepared, resolved: Resolved) -> dict[str, Any]:
        from mdwx.render import check_content

        article = prepared.article
        content = prepared.content(resolved.values)
        problems = check_content(content, prepared.post.config.limits)
        if problems:
            raise PublishError("; ".join(problems), path=article.path)
        return {
            "title": article.title,
            "author": article.author,
            "digest": article.digest,
            "content": content,
            "content_source_url": article.source_url,
            "thumb_media_id": resolved.thumb_media_id,
            "show_cover_pic": int(article.show_cover_pic),
            "need_open_comment": article.need_open_comment,
            "only_fans_can_comment": article.only_fans_can_comment,
        }

    # -- article -------------------------------------------------------------------------

    async def _upload_article(self, post: Post, payload: dict[str, Any], record: ArticleRecord | None,
                              result: PostResult) -> None:
        from mdwx.wechat.errors import AlreadySubmitted

        digest = payload_hash(payload)
        rel = post.relative
        if record and record.status == "submitting":
            record = await self._settle_submit(post, record, result)
        if record and record.status == "uploading":
            result.warnings.append(
                "the previous run stopped while uploading this article; if WeChat kept that copy it "
                "sits unsubmitted in the publishing library (媒体API) — delete it there if you see two")
        if record and record.media_id and record.content_hash == digest \
                and record.status not in ("uploading", "updating", "deleted"):
            result.media_id, result.status, result.url = record.media_id, record.status, record.url
            result.actions.append("unchanged: nothing sent")
            return
        if record and record.media_id and record.status in ("draft", "updating"):
            self.state.begin_update(self.appid, rel)
            try:
                async with self._intent(rel, record):
                    await self.client.update(record.media_id, payload, index=1)
            except AlreadySubmitted:
                self.state.record_uploaded(self.appid, rel, record.media_id, record.content_hash, record.title)
                self.state.record_submitted(self.appid, rel)
                raise PublishError("this article was submitted outside mdwx and can no longer be changed",
                                   path=post.path, hint="run again with --force to publish it as a new article") from None
            self.state.record_uploaded(self.appid, rel, record.media_id, digest, payload["title"])
            result.media_id, result.status = record.media_id, "draft"
            result.actions.append("updated the unsubmitted article (index 1)")
            return
        if record and record.media_id and record.status in ("submitted", "published", "rejected") \
                and not self.options.force:
            raise PublishError(
                f"the post changed but its article was already submitted ({record.status})",
                path=post.path,
                hint="WeChat cannot change a submitted article; --force publishes it as a new article")
        self.state.begin_upload(self.appid, rel, title=payload["title"], content_hash=digest)
        async with self._intent(rel, record):
            media_id = await self.client.uploadnews(payload)
        self.state.record_uploaded(self.appid, rel, media_id, digest, payload["title"])
        result.media_id, result.status = media_id, "draft"
        result.actions.append("uploaded the article to the publishing library")

    @contextlib.asynccontextmanager
    async def _intent(self, rel: str, previous: ArticleRecord | None) -> AsyncIterator[None]:
        """Keep the intent written before a creating call only while its outcome is unknown.

        When WeChat refused the call (a token, quota or content error), nothing was done, so
        the article's record goes back to what it was and the next run starts clean.
        """
        from mdwx.wechat.errors import AlreadySubmitted, OutcomeUnknown, WeChatError

        try:
            yield
        except (OutcomeUnknown, AlreadySubmitted):
            raise
        except WeChatError:
            self.state.restore_article(self.appid, rel, previous)
            raise

    async def _settle_submit(self, post: Post, record: ArticleRecord, result: PostResult) -> ArticleRecord | None:
        """A previous submit's outcome is unknown: ask WeChat instead of submitting twice."""
        assert record.media_id
        status = await self.client.query(record.media_id)
        text = STATUS_BY_TEXT.get(status.status, "submitted")
        if text == "draft":
            self.state.record_uploaded(self.appid, post.relative, record.media_id, record.content_hash, record.title)
        else:
            self.state.record_submitted(self.appid, post.relative)
            self.state.record_submission(self.appid)
            if text != "submitted":
                self.state.record_status(self.appid, post.relative, text, status.url)
        result.actions.append(f"the previous submit's outcome was unknown; WeChat says: {status.status}")
        return self.state.article(self.appid, post.relative)

    async def _submit(self, post: Post, result: PostResult) -> None:
        from mdwx.wechat.errors import AlreadySubmitted, OutcomeUnknown

        used = self.state.count_submissions_today(self.appid)
        if used >= DAILY_SUBMIT_LIMIT:
            raise PublishError(f"today's {DAILY_SUBMIT_LIMIT} submissions are used up (deleting does not return them)",
                               path=post.path, hint="the article is uploaded; run again tomorrow (Beijing time) to submit it")
        if used >= SUBMIT_WARN_AT:
            result.warnings.append(f"{used + 1} of {DAILY_SUBMIT_LIMIT} submissions used today")
        assert result.media_id
        for attempt in range(3):
            before = self.state.article(self.appid, post.relative)
            self.state.begin_submit(self.appid, post.relative)
            try:
                async with self._intent(post.relative, before):
                    await self.client.submit(result.media_id)
            except AlreadySubmitted:
                result.actions.append("WeChat says it was already submitted")
            except OutcomeUnknown:
                record = self.state.article(self.appid, post.relative)
                assert record
                settled = await self._settle_submit(post, record, result)
                if settled and settled.status == "draft" and attempt < 2:
                    continue
                if settled and settled.status != "draft":
                    result.status, result.url = settled.status, settled.url
                    return
                raise
            else:
                self.state.record_submission(self.appid)
                result.actions.append("submitted for review")
            self.state.record_submitted(self.appid, post.relative)
            result.status = "submitted"
            return

    async def _follow(self, post: Post, result: PostResult) -> None:
        assert result.media_id
        status, url = await follow_review(self.client, result.media_id, timeout=self.options.wait_timeout,
                                          interval=self.options.poll_interval)
        if status != "submitted":
            self.state.record_status(self.appid, post.relative, status, url)
        result.status, result.url = status, url
        result.actions.append({"published": "review passed: published",
                               "rejected": "review failed (审核未通过)"}.get(status, "still under review"))
        if status == "rejected":  # the status stays "rejected"; the error makes the run fail
            result.error = PublishError("the article failed review (审核未通过)", path=post.path,
                                        hint="see the reason in the account's backend, edit the post "
                                             "and publish with --force")

    # -- dry run -------------------------------------------------------------------------

    def _plan(self, prepared: Prepared, loaded: list[LoadedAsset], cover: LoadedAsset,
              record: ArticleRecord | None, result: PostResult) -> None:
        result.status = "dry-run"
        new = [x for x in [cover, *loaded] if not x.cached]
        result.uploads = {
            "images": sum(1 for x in new if x.kind != "video"),
            "cached": sum(1 for x in [cover, *loaded] if x.cached),
            "videos": sum(1 for x in loaded if x.kind == "video"),
        }
        for item in new:
            what = "video" if item.kind == "video" else item.kind
            size = f" ({len(item.prepared.data):,} bytes as {item.prepared.ext})" if item.prepared else ""
            result.actions.append(f"would upload {what} {item.asset.source[:80]}{size}")
        if record is None or record.status in ("deleted", "uploading"):
            result.actions.append("would upload the article (uploadnews)")
        elif record.status == "draft":
            result.actions.append("would update the unsubmitted article if it changed")
        else:
            result.actions.append(f"article already {record.status}: needs --force if the post changed")
        if not self.options.draft:
            result.actions.append("would submit it for review")
        result.media_id = record.media_id if record else None


async def follow_review(client: Any, media_id: str, *, timeout: float, interval: float,
                        sleep: Callable[[float], Any] = asyncio.sleep) -> tuple[str, str | None]:
    """Poll publish/query with backoff until a final status; ("submitted", None) on timeout."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    delay = interval
    while True:
        status = await client.query(media_id)
        text = STATUS_BY_TEXT.get(status.status, "submitted")
        if text in ("published", "rejected"):
            return text, status.url
        if loop.time() + delay > deadline:
            return "submitted", None
        await sleep(delay)
        delay = min(delay * 1.5, 30.0)
