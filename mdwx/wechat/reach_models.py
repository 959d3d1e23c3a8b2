"""What the account endpoints answer (material library, comments, analytics) as small
immutable values; see :mod:`mdwx.wechat.reach` for the calls and ``docs/account.md``."""

from __future__ import annotations

from dataclasses import dataclass, field

#: The material library's caps per kind (WeChat's add_material page): images and news
#: 100,000, voice and video 1,000. ``uploadimg`` body pictures do not count.
MATERIAL_CAPS = {"image": 100_000, "news": 100_000, "voice": 1_000, "video": 1_000}


@dataclass(frozen=True)
class MaterialCount:
    """``material/get_materialcount``: materials per kind."""

    image: int
    video: int
    voice: int
    news: int

    def fill(self, kind: str) -> float:
        """How full the ``kind`` library is, 0.0–1.0 (and more if WeChat lets it overflow)."""
        return int(getattr(self, kind)) / MATERIAL_CAPS[kind]


@dataclass(frozen=True)
class MaterialItem:
    """One entry of ``material/batchget_material``; ``update_time`` in Unix seconds."""

    media_id: str
    name: str
    update_time: int
    url: str


@dataclass(frozen=True)
class MaterialPage:
    """A page of one kind of the library, newest first."""

    total_count: int
    items: tuple[MaterialItem, ...]


@dataclass(frozen=True)
class CommentReply:
    content: str
    create_time: int


@dataclass(frozen=True)
class Comment:
    """One comment of ``comment/list``; ``comment_type`` 1 means elected (精选)."""

    user_comment_id: int
    openid: str
    content: str
    create_time: int
    comment_type: int = 0
    reply: CommentReply | None = None

    @property
    def elected(self) -> bool:
        return self.comment_type == 1


@dataclass(frozen=True)
class CommentPage:
    total: int
    comments: tuple[Comment, ...]


@dataclass(frozen=True)
class ArticleFigures:
    """One article's analytics row: ``msgid`` is ``"<msg_data_id>_<n>"`` with ``n`` from 1.

    ``ref_date`` is the day counted (``getarticleread``/``share``) or the publication day
    (``getarticletotaldetail``, whose figures are summed over up to 30 days)."""

    ref_date: str
    msgid: str
    title: str = ""
    read_user: int = 0
    share_user: int = 0
    zaikan_user: int = 0
    like_user: int = 0
    comment_count: int = 0
    collection_user: int = 0
    extra: dict[str, int] = field(default_factory=dict)

    @property
    def msg_data_id(self) -> str:
        return self.msgid.rpartition("_")[0]

    @property
    def index(self) -> int:
        """The article within its message, **from 0** (as ``comment/*`` counts)."""
        number = self.msgid.rpartition("_")[2]
        return int(number) - 1 if number.isdigit() and int(number) > 0 else 0


@dataclass(frozen=True)
class Analytics:
    """A datacube answer; ``is_delay`` says WeChat's figures are not final yet."""

    rows: tuple[ArticleFigures, ...]
    is_delay: bool = False
