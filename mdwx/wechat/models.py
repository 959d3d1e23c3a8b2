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
