"""What the publish stage asks of WeChat: the methods of :class:`mdwx.wechat.WeChatClient`
it calls, as Protocols, so the publisher, resolver, video upload and backends say which
calls they make and tests can pass a fake that has just those.

Each method is the WeChatClient method of the same name (the endpoint it wraps and the
errors it raises are documented there: contract sections 一–四 for the media API,
docs/wechat/draft-api.md for ``draft/*`` and ``freepublish/*``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from mdwx.wechat.models import (
        Draft,
        DraftPage,
        Material,
        PublishedArticle,
        PublishedPage,
        PublishJob,
        PublishStatus,
        Submission,
    )


class ImageAPI(Protocol):
    """Picture uploads: body images (``media/uploadimg``) and permanent images
    (``material/add_material``, covers and GIFs)."""

    async def add_material(
        self, data: bytes, filename: str, *, kind: str = "image"
    ) -> Material: ...
    async def uploadimg(self, data: bytes, filename: str) -> str: ...


class VideoStatusLike(Protocol):
    """``material/upload_video`` ``query_status``'s answer: review ``status`` code, WeChat's
    ``wording`` for it, the ``vid``."""

    @property
    def status(self) -> int: ...
    @property
    def wording(self) -> str: ...
    @property
    def vid(self) -> str: ...


class VideoAPI(Protocol):
    """The chunked video upload and its review (``material/upload_video``)."""

    @property
    def appid(self) -> str: ...

    async def init_upload(self, filename: str, filesha: str, filesize: int) -> str: ...
    async def upload_block(self, vid: str, part_num: int, data: bytes) -> None: ...
    async def upload_finish(self, vid: str) -> None: ...
    async def save_video(
        self,
        *,
        vid: str,
        title: str,
        description: str,
        cover_url: str,
        tags: Sequence[str] = (),
        category: str = "",
        subcategory: str = "",
        declare_original: bool = False,
    ) -> str: ...
    async def query_status(self, media_id: str) -> VideoStatusLike: ...


class MediaAPI(Protocol):
    """The media API's articles (``cgi-bin/publish/*``, the contract)."""

    async def uploadnews(self, article: dict[str, object]) -> str: ...
    async def update(self, media_id: str, article: dict[str, object], index: int = 1) -> None: ...
    async def submit(self, media_id: str) -> None: ...
    async def query(self, media_id: str) -> PublishStatus: ...
    async def delete(self, media_id: str, index: int = 0) -> None: ...


class DraftAPI(Protocol):
    """The draft box and free publishing (``cgi-bin/draft/*``, ``cgi-bin/freepublish/*``)."""

    async def draft_add(self, articles: Sequence[Mapping[str, Any]]) -> str: ...
    async def draft_update(
        self, media_id: str, article: Mapping[str, Any], index: int = 0
    ) -> None: ...
    async def draft_get(self, media_id: str) -> Draft: ...
    async def draft_delete(self, media_id: str) -> None: ...
    async def draft_batchget(
        self, offset: int = 0, count: int = 20, *, no_content: bool = False
    ) -> DraftPage: ...
    async def freepublish_submit(self, media_id: str) -> Submission: ...
    async def freepublish_get(self, publish_id: str) -> PublishJob: ...
    async def freepublish_getarticle(self, article_id: str) -> PublishedArticle: ...
    async def freepublish_delete(self, article_id: str, index: int = 0) -> None: ...
    async def freepublish_batchget(
        self, offset: int = 0, count: int = 20, *, no_content: bool = False
    ) -> PublishedPage: ...


class WeChatAPI(ImageAPI, VideoAPI, MediaAPI, DraftAPI, Protocol):
    """Everything publishing a post may call: what the publisher is given."""
