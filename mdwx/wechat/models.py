"""What the WeChat endpoints answer, as small immutable values with the questions callers ask."""

from __future__ import annotations

from dataclasses import dataclass

#: query_status codes (the contract's table).
VIDEO_CHECKING, VIDEO_CHECK_FAIL, VIDEO_CHECK_PASS = 0, 2, 3
VIDEO_TRANSCODING, VIDEO_TRANSCODE_FAIL, VIDEO_FORBIDDEN, VIDEO_DELETED = 4, 5, 9, 10
VIDEO_FAILED = frozenset({VIDEO_CHECK_FAIL, VIDEO_TRANSCODE_FAIL, VIDEO_FORBIDDEN, VIDEO_DELETED})

#: publish/query status strings (the contract: 未提交、审核中、发布成功、审核未通过).
NOT_SUBMITTED, REVIEWING, PUBLISHED, REJECTED = "未提交", "审核中", "发布成功", "审核未通过"
_REJECTED = frozenset({REJECTED, "发布失败", "审核失败", "已删除"})


@dataclass(frozen=True)
class Material:
    """A permanent material: ``media_id`` for thumb_media_id, ``url`` for showing it."""

    media_id: str
    url: str


@dataclass(frozen=True)
class VideoStatus:
    """``query_status``: poll until :attr:`passed` before embedding the video."""

    status: int
    ori_status: int
    wording: str
    vid: str

    @property
    def passed(self) -> bool:
        return self.status == VIDEO_CHECK_PASS

    @property
    def failed(self) -> bool:
        return self.status in VIDEO_FAILED

    @property
    def pending(self) -> bool:
        """Still in review or transcoding (any status that is neither pass nor fail)."""
        return not (self.passed or self.failed)


@dataclass(frozen=True)
class PublishStatus:
    """``publish/query``: where a submitted article stands."""

    status: str
    url: str | None
    errcode: int
    errmsg: str

    @property
    def published(self) -> bool:
        return self.status == PUBLISHED

    @property
    def rejected(self) -> bool:
        return self.status in _REJECTED

    @property
    def final(self) -> bool:
        """No later query can change the answer."""
        return self.published or self.rejected


#: ``freepublish/get`` publish_status values (docs/wechat/draft-api.md).
PUBLISH_SUCCESS, PUBLISHING = 0, 1
PUBLISH_ORIGINALITY_FAILED, PUBLISH_FAILED, PUBLISH_REJECTED = 2, 3, 4
PUBLISH_DELETED, PUBLISH_BANNED = 5, 6
_PUBLISH_FAILURES = frozenset({PUBLISH_ORIGINALITY_FAILED, PUBLISH_FAILED, PUBLISH_REJECTED})


@dataclass(frozen=True)
class NewsItem:
    """One ARTICLE as the draft API answers it (``draft/get``, ``freepublish/getarticle``,
    the batchgets). ``content`` is "" when asked with ``no_content``; ``image_media_ids``
    are an image post's (``article_type`` "newspic") images; ``url`` is the draft's preview
    or the published article's address; ``is_deleted`` only for published articles."""

    title: str
    content: str = ""
    article_type: str = "news"
    author: str = ""
    digest: str = ""
    content_source_url: str = ""
    thumb_media_id: str = ""
    thumb_url: str = ""
    url: str = ""
    need_open_comment: int = 0
    only_fans_can_comment: int = 0
    pic_crop_235_1: str = ""
    pic_crop_1_1: str = ""
    image_media_ids: tuple[str, ...] = ()
    is_deleted: bool = False


@dataclass(frozen=True)
class Draft:
    """A draft of the draft box: ``news_item`` in order (``draft/update`` index 0 is the
    first); times are Unix seconds (0 when the answer had none)."""

    media_id: str
    news_item: tuple[NewsItem, ...]
    update_time: int = 0
    create_time: int = 0


@dataclass(frozen=True)
class DraftPage:
    """A ``draft/batchget`` page: ``total_count`` drafts in the box, ``items`` of this page."""

    total_count: int
    items: tuple[Draft, ...]


@dataclass(frozen=True)
class Submission:
    """``freepublish/submit``: follow ``publish_id`` with ``freepublish/get``."""

    publish_id: str
    msg_data_id: str


@dataclass(frozen=True)
class PublishJob:
    """``freepublish/get``: where a submission stands.

    ``article_urls`` are the articles' addresses in ``idx`` order (from 1), known once
    :attr:`succeeded`; ``fail_idx`` lists the failing articles (from 1) for statuses 2 and 4.
    """

    publish_id: str
    publish_status: int
    article_id: str | None = None
    article_urls: tuple[tuple[int, str], ...] = ()
    fail_idx: tuple[int, ...] = ()

    @property
    def publishing(self) -> bool:
        """Still publishing: ask again later."""
        return self.publish_status == PUBLISHING

    @property
    def succeeded(self) -> bool:
        return self.publish_status == PUBLISH_SUCCESS

    @property
    def failed(self) -> bool:
        """Publishing failed (2 originality check, 3 general failure, 4 review rejected)."""
        return self.publish_status in _PUBLISH_FAILURES

    @property
    def final(self) -> bool:
        """No later ``freepublish/get`` turns this into a success (5 and 6 came after one)."""
        return self.publish_status != PUBLISHING

    @property
    def url(self) -> str | None:
        """The first article's address, once published."""
        return self.article_urls[0][1] if self.article_urls else None

    def url_at(self, index: int) -> str | None:
        """The address of article ``index`` (**from 0**, as a bundle's place is kept): the
        ``article_detail`` item whose ``idx`` (from 1) is ``index + 1``; None when WeChat
        named no such item. A 多图文's articles each have their own address."""
        return next((url for idx, url in self.article_urls if idx == index + 1 and url), None)


@dataclass(frozen=True)
class PublishedArticle:
    """A published article (``freepublish/getarticle`` and ``freepublish/batchget``)."""

    article_id: str
    news_item: tuple[NewsItem, ...]
    update_time: int = 0


@dataclass(frozen=True)
class PublishedPage:
    """A ``freepublish/batchget`` page, newest first."""

    total_count: int
    items: tuple[PublishedArticle, ...]
