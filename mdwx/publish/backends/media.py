"""The media API (``cgi-bin/publish/*``, the contract ``docs/wechat/media-api.md``).

``publish/uploadnews`` creates the article, ``publish/update`` changes it while unsubmitted
(**index from 1**), ``publish/submit`` submits it, ``publish/query`` follows review with
status strings (未提交, 审核中, 发布成功, 审核未通过) and gives the URL, ``publish/delete``
deletes by ``media_id``. 200 submissions a day (Beijing time). Image posts do not exist here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mdwx.config import SiteConfig
from mdwx.errors import PublishError
from mdwx.publish.backends.base import Gone, checked_content
from mdwx.publish.backends.offline_rules import MediaRules
from mdwx.publish.plan import SETTLE, UPDATE, UPLOAD, ArticleStep
from mdwx.publish.review import STATUS_BY_TEXT, Progress
from mdwx.wechat.errors import AlreadySubmitted

if TYPE_CHECKING:
    from mdwx.prepare import Prepared
    from mdwx.publish.marker import Mark, Marked
    from mdwx.publish.resolve import Resolved
    from mdwx.publish.state.store import ArticleRecord
    from mdwx.publish.wechat_api import MediaAPI


class MediaBackend(MediaRules):
    """The media API's calls over ``client``, with its offline rules (:class:`MediaRules`)."""

    texts: dict[ArticleStep, str] = {
        UPDATE: "update the unsubmitted article (publish/update, index 1)",
        UPLOAD: "upload the article to the publishing library (publish/uploadnews)",
        SETTLE: "ask WeChat (publish/query) whether the previous submit went through",
    }
    library = "the publishing library (媒体API)"

    def __init__(self, client: MediaAPI, config: SiteConfig) -> None:
        super().__init__(config)
        self.client = client

    def payload(self, prepared: Prepared, resolved: Resolved) -> dict[str, object]:
        article = prepared.article
        content = checked_content(prepared, resolved)
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

    async def create(self, payload: dict[str, object], *, mark: Mark | None = None) -> str:
        return str(await self.client.uploadnews(payload))

    async def find_marked(self, mark: Mark) -> Marked | None:
        """The media API lists no articles: only the state knows them."""
        return None

    async def update(
        self, media_id: str, payload: dict[str, object], *, mark: Mark | None = None
    ) -> None:
        try:
            await self.client.update(media_id, payload, index=1)
        except AlreadySubmitted:
            raise Gone(submitted=True) from None

    async def submit(self, media_id: str) -> str:
        await self.client.submit(media_id)
        return ""

    async def progress(self, record: ArticleRecord) -> Progress:
        assert record.media_id
        status = await self.client.query(record.media_id)
        text = STATUS_BY_TEXT.get(status.status, "submitted")
        error = None
        if text == "rejected":
            error = PublishError(
                "the article failed review (审核未通过)",
                path=record.source_path,
                hint="see the reason in the account's backend, edit the post "
                "and publish with --force",
            )
        return Progress(text, status.url, status.status, error)

    async def settle(self, record: ArticleRecord) -> Progress:
        return await self.progress(record)

    async def delete(
        self,
        media_id: str,
        *,
        status: str,
        article_id: str = "",
        publish_id: str = "",
        index: int = 0,
    ) -> None:
        await self.client.delete(media_id, index=index)
