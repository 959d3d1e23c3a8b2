"""The draft-box and free-publish API (``cgi-bin/draft/*``, ``cgi-bin/freepublish/*``;
docs/wechat/draft-api.md): what most verified accounts can use.

``draft/add`` creates the draft, ``draft/update`` changes it while it is in the box (**index
from 0**), ``freepublish/submit`` publishes it (the draft leaves the box) and answers a
``publish_id``, followed with ``freepublish/get`` until ``publish_status`` is final (0 success;
2, 3, 4 failures, with ``fail_idx`` for 2 and 4; 5 and 6 removals after success). The URL
comes from ``freepublish/get``'s ``article_detail`` (else ``freepublish/getarticle``); a
published article is deleted by its ``article_id`` (``freepublish/delete``, index from 1), a
draft by its ``media_id`` (``draft/delete``). A lost ``freepublish/submit`` answer is settled
by asking ``draft/get`` (40007: the draft left the box, so the submit was taken) and finding
the article in ``freepublish/batchget``. No documented daily submission cap.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from mdwx.config import SiteConfig
from mdwx.errors import PublishError
from mdwx.publish.backends.base import Gone, checked_content
from mdwx.publish.backends.offline_rules import DraftRules
from mdwx.publish.marker import Marked, marked, read_mark
from mdwx.publish.plan import SETTLE, UPDATE, UPLOAD, ArticleStep
from mdwx.publish.review import Progress
from mdwx.publish.statuses import ArticleStatus
from mdwx.wechat.draft_codes import DRAFT_ROUTE
from mdwx.wechat.errors import PermissionDenied, PublishFailed, WeChatError, publish_status_words

if TYPE_CHECKING:
    from mdwx.prepare import Prepared
    from mdwx.publish.marker import Mark, Marked
    from mdwx.publish.resolve import Resolved
    from mdwx.publish.state.store import ArticleRecord
    from mdwx.publish.wechat_api import DraftAPI

NOT_AUTHORISED = 48001  # the account may not call it (unverified or personal since July 2025)
FREEPUBLISH_SKIPPED = (
    "the account may not list published articles (freepublish/batchget answered 48001), so "
    "only the draft box was searched for this post's article; drafts still work: " + DRAFT_ROUTE
)
GONE = 40007  # draft/get, draft/update: the media_id names no draft in the box
SETTLE_PAGES = 5  # freepublish/batchget pages (20 each) searched for a lost submit's article
LOOKUP_PAGES = 5  # draft/batchget and freepublish/batchget pages (20 each) searched for a mark
SETTLE_SLACK = 300  # seconds of clock difference allowed between this machine and WeChat
#: publish_status → the state's status (1, still publishing, stays "submitted").
STATUS_BY_PUBLISH_STATUS: dict[int, ArticleStatus] = {
    0: "published",
    2: "rejected",
    3: "rejected",
    4: "rejected",
    5: "deleted",
    6: "rejected",
}


class DraftBackend(DraftRules):
    """The draft-box and free-publish calls over ``client``, with :class:`DraftRules`."""

    texts: dict[ArticleStep, str] = {
        UPDATE: "update the draft in the draft box (draft/update, index 0)",
        UPLOAD: "put the article into the draft box (draft/add)",
        SETTLE: "ask WeChat (draft/get, freepublish/batchget) whether the previous submit went through",
    }
    library = "the draft box (草稿箱)"

    def __init__(self, client: DraftAPI, config: SiteConfig) -> None:
        super().__init__(config)
        self.client = client
        #: publish_id → freepublish/submit's msg_data_id, recorded with the submission.
        self.msg_data_ids: dict[str, str] = {}
        #: endpoint → why a call refused with 48001 was skipped (said once per run).
        self.skipped: dict[str, str] = {}

    # -- offline: the article's JSON -------------------------------------------------------

    def payload(self, prepared: Prepared, resolved: Resolved) -> dict[str, object]:
        article = prepared.article
        comments = {
            "need_open_comment": article.need_open_comment,
            "only_fans_can_comment": article.only_fans_can_comment,
        }
        if article.post_type == "images":
            from mdwx.render.imagepost import image_post_images, image_post_text

            limits = self.config.draft
            images = image_post_images(article, prepared.document, limits.image_post_images)
            return {
                "article_type": "newspic",
                "title": article.title,
                "content": image_post_text(article, limits.image_post_text),
                "image_info": {
                    "image_list": [{"image_media_id": resolved.media_ids[a.key]} for a in images]
                },
                **comments,
            }
        content = checked_content(prepared, resolved)
        payload = {
            "article_type": "news",
            "title": article.title,
            "author": article.author,
            "digest": self._digest(article.digest, article.digest_given),
            "content": content,
            "content_source_url": article.source_url,
            "thumb_media_id": resolved.thumb_media_id,
            **comments,
        }
        for name, crop in (
            ("pic_crop_235_1", article.pic_crop_235_1),
            ("pic_crop_1_1", article.pic_crop_1_1),
        ):
            if crop:
                payload[name] = crop
        return payload

    def _digest(self, digest: str, given: bool) -> str:
        """A made digest cut to the draft API's limit (a given one was checked by :meth:`check`)."""
        limit = self.config.draft.digest
        if given or self._size("digest", digest)[0] <= limit:
            return digest
        while digest and self._size("digest", digest + "…")[0] > limit:
            digest = digest[:-1]
        return digest.rstrip() + "…" if digest else ""

    # -- calls ---------------------------------------------------------------------------

    async def create(self, payload: dict[str, object], *, mark: Mark | None = None) -> str:
        return str(await self.client.draft_add([_with_mark(payload, mark)]))

    async def create_bundle(
        self, payloads: list[dict[str, object]], marks: list[Mark | None]
    ) -> str:
        """One draft of several articles (a 多图文 bundle, the first the 头条); its ``media_id``."""
        return str(
            await self.client.draft_add(
                [_with_mark(p, m) for p, m in zip(payloads, marks, strict=True)]
            )
        )

    async def update(
        self, media_id: str, payload: dict[str, object], *, mark: Mark | None = None, index: int = 0
    ) -> None:
        """Replace article ``index`` (from 0) of the draft; raises :class:`Gone` once it left the box."""
        try:
            await self.client.draft_update(media_id, _with_mark(payload, mark), index=index)
        except WeChatError as exc:
            if exc.errcode == GONE:  # submitted (or deleted) outside mdwx: it left the box
                raise Gone(submitted=False) from None
            raise

    async def submit(self, media_id: str) -> str:
        submission = await self.client.freepublish_submit(media_id)
        publish_id = str(submission.publish_id)
        self.msg_data_ids[publish_id] = str(submission.msg_data_id or "")
        return publish_id

    async def progress(self, record: ArticleRecord) -> Progress:
        if record.publish_id:
            return await self._job(record.publish_id, record.bundle_index)
        if record.article_id:
            return await self._article(record.article_id, record.bundle_index)
        if record.status in ("submitted", "published", "rejected"):  # its publish_id was lost
            found = await self._find_published(record)
            return found or Progress(
                "submitted", live="submitted; not among the published articles yet"
            )
        return await self._in_box(record)

    async def settle(self, record: ArticleRecord) -> Progress:
        """``draft/get``: still in the box → the submit was not taken ("draft"); 40007 → it
        left the box, so it was: the article is looked for in ``freepublish/batchget``."""
        box = await self._in_box(record)
        if box.status == "draft":
            return box
        found = await self._find_published(record)
        return found or Progress("submitted", live="the draft left the box: publishing")

    async def delete(
        self,
        media_id: str,
        *,
        status: str,
        article_id: str = "",
        publish_id: str = "",
        index: int = 0,
    ) -> None:
        if status in ("draft", "uploading", "updating"):
            await self.client.draft_delete(media_id)
            return
        if not article_id and publish_id:
            article_id = (await self.client.freepublish_get(publish_id)).article_id or ""
        if not article_id:
            raise PublishError(
                "WeChat has not named a published article for this draft (no article_id)",
                hint="it may still be publishing or have failed; `mdwx status` shows where it stands",
            )
        await self.client.freepublish_delete(article_id, index=index)

    async def find_marked(self, mark: Mark) -> Marked | None:
        """The draft, else the published article, whose content carries ``mark``'s key:
        ``draft/batchget`` then ``freepublish/batchget``, :data:`LOOKUP_PAGES` pages each. An
        article still publishing (publish_status 1) is in neither list."""
        for page in range(LOOKUP_PAGES):
            drafts = await self.client.draft_batchget(page * 20, 20)
            for draft in drafts.items:
                found = read_mark(draft.news_item[0].content) if draft.news_item else None
                if found is not None and found.key == mark.key:
                    return Marked(draft.media_id, "draft", found.version, draft.news_item[0].title)
            if (page + 1) * 20 >= drafts.total_count:
                break
        return await self._published_marked(mark)

    async def _published_marked(self, mark: Mark) -> Marked | None:
        """The published article carrying ``mark``'s key, from ``freepublish/batchget``.

        An account without free publishing (48001: unverified or personal since July 2025)
        has nothing published through the API: the list is skipped, and :attr:`skipped`
        says so once, instead of failing a run that only drafts (docs/wechat/draft-api.md).
        """
        for page in range(LOOKUP_PAGES):
            try:
                published = await self.client.freepublish_batchget(page * 20, 20)
            except PermissionDenied as exc:
                if exc.errcode != NOT_AUTHORISED:
                    raise
                self.skipped.setdefault("freepublish/batchget", FREEPUBLISH_SKIPPED)
                return None
            for article in published.items:
                first = article.news_item[0] if article.news_item else None
                found = (
                    read_mark(first.content) if first is not None and not first.is_deleted else None
                )
                if first is not None and found is not None and found.key == mark.key:
                    return Marked(
                        article.article_id,
                        "published",
                        found.version,
                        first.title,
                        first.url or None,
                        article.article_id,
                    )
            if (page + 1) * 20 >= published.total_count:
                break
        return None

    # -- answers -------------------------------------------------------------------------

    async def _job(self, publish_id: str, index: int = 0) -> Progress:
        """``freepublish/get``; a published article's address is the one of article ``index``
        (from 0: the post's place in its 多图文), else ``freepublish/getarticle``'s."""
        job = await self.client.freepublish_get(publish_id)
        live = publish_status_words(job.publish_status)
        if job.publishing:
            return Progress("submitted", live=live, publish_id=publish_id)
        article_id = job.article_id or ""
        if job.succeeded:
            url = job.url_at(index)
            if url is None and article_id:
                url = (await self._article(article_id, index)).url
            return Progress("published", url, live, publish_id=publish_id, article_id=article_id)
        status = STATUS_BY_PUBLISH_STATUS.get(job.publish_status, "rejected")
        error = PublishFailed(publish_id, job.publish_status, job.fail_idx)
        return Progress(status, None, live, error, publish_id=publish_id, article_id=article_id)

    async def _article(self, article_id: str, index: int = 0) -> Progress:
        """``freepublish/getarticle``: article ``index`` (from 0) of the published message."""
        published = await self.client.freepublish_getarticle(article_id)
        items = published.news_item
        if items and all(i.is_deleted for i in items):
            return Progress("deleted", None, "deleted", article_id=article_id)
        url = items[index].url if index < len(items) else None
        return Progress("published", url or None, "published", article_id=article_id)

    async def _in_box(self, record: ArticleRecord) -> Progress:
        assert record.media_id
        try:
            await self.client.draft_get(record.media_id)
        except WeChatError as exc:
            if exc.errcode != GONE:
                raise
            return Progress("submitted", live="not in the draft box")
        return Progress("draft", live="in the draft box (草稿箱)")

    async def _find_published(self, record: ArticleRecord) -> Progress | None:
        """The published article made from this draft: the newest with its title published
        since the submit's intent was recorded (batchget lists newest first); a bundle's post
        is looked for, and addressed, at its own place in the message."""
        since = _timestamp(record.updated_at) - SETTLE_SLACK
        index = record.bundle_index
        for page in range(SETTLE_PAGES):
            answer = await self.client.freepublish_batchget(page * 20, 20, no_content=True)
            for article in answer.items:
                if article.update_time and article.update_time < since:
                    return None
                items = article.news_item
                if index < len(items) and items[index].title == record.title:
                    return await self._article(article.article_id, index)
            if (page + 1) * 20 >= answer.total_count:
                return None
        return None


def _with_mark(payload: dict[str, object], mark: Mark | None) -> dict[str, object]:
    """The payload as sent: a news article's content carries the post's mark (an image
    post's plain text cannot)."""
    content = payload.get("content")
    if mark is None or payload.get("article_type") != "news" or not isinstance(content, str):
        return payload  # (a news article's content is always text: the check is for mypy)
    return {**payload, "content": marked(content, mark)}


def _timestamp(text: str) -> float:
    try:
        return datetime.fromisoformat(text).timestamp()
    except ValueError:
        return 0.0
