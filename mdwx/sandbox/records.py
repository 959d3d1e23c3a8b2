"""Read-only views of the sandbox model, returned by :class:`~mdwx.sandbox.store.Store`.

Tests assert on these rather than on SQL rows, so the schema can change without breaking
them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Article states as ``publish/query`` reports them.
STATUS_DRAFT = "未提交"
STATUS_REVIEW = "审核中"
STATUS_PUBLISHED = "发布成功"
STATUS_REJECTED = "审核未通过"

#: Video review states (contract, section 四) → ``mp_video_fail_detail_wording``.
VIDEO_WORDING = {
    0: "checking",
    2: "check fail",
    3: "check pass",
    4: "transing",
    5: "trans fail",
    9: "forbid",
    10: "delete",
}


@dataclass(frozen=True)
class ImageRecord:
    """An uploaded image. ``kind`` is ``"image"``/``"thumb"`` (add_material, with a
    ``media_id``) or ``"body"`` (media/uploadimg, no media_id)."""

    id: str
    kind: str
    media_id: str | None
    ext: str
    mime: str
    size: int
    width: int
    height: int
    sha1: str
    path: str  # "/mmbiz/<id>.<ext>", the URL path the sandbox serves it at


@dataclass(frozen=True)
class VideoRecord:
    """A video upload; ``status`` is the review status at the time of the call (None
    until ``save_video``)."""

    vid: str
    filename: str
    filesize: int
    filesha: str
    finished: bool
    parts: int
    media_id: str | None
    title: str | None
    cover_url: str | None
    tags: list[str]
    status: int | None


@dataclass(frozen=True)
class ArticleRecord:
    """An item of the publish library; ``status`` as ``publish/query`` would answer now."""

    media_id: str
    created: int
    state: str  # "draft", "submitted" or "deleted"
    status: str
    submitted_at: float | None
    items: list[dict[str, object]] = field(default_factory=list)

    @property
    def article(self) -> dict[str, object]:
        """The first (in practice the only) article of the item."""
        return self.items[0]


@dataclass(frozen=True)
class DraftRecord:
    """A draft of the draft box (``draft/add``); ``state`` is ``"draft"`` while it is in the
    box, ``"submitted"`` once ``freepublish/submit`` took it out, ``"deleted"`` after
    ``draft/delete``."""

    media_id: str
    created: int
    updated: int
    state: str
    items: list[dict[str, object]] = field(default_factory=list)


@dataclass(frozen=True)
class PublicationRecord:
    """A ``freepublish/submit`` job and, once it succeeded, the published article.

    ``publish_status`` is what ``freepublish/get`` would answer now (1 publishing, 0 success,
    2/3/4 failed, 5 every article deleted, 6 banned); ``deleted`` lists the article numbers
    (from 1) removed by ``freepublish/delete``.
    """

    publish_id: str
    msg_data_id: int
    article_id: str
    media_id: str
    submitted_at: float
    publish_status: int
    fail_idx: list[int]
    deleted: list[int]
    items: list[dict[str, object]] = field(default_factory=list)

    @property
    def succeeded(self) -> bool:
        """The article exists (it may have been deleted or banned since)."""
        return self.publish_status in (0, 5, 6)
