"""The validated article: what :func:`mdwx.source.article.read_article` returns.

Kept apart from the reader so that render code can import the type without the YAML and
validation machinery.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote

from mdwx.diagnostics import Diagnostic


@dataclass(frozen=True)
class VideoMeta:
    """Front matter ``video:`` mapping: defaults for every video of the post."""

    title: str | None = None
    description: str = ""
    tags: tuple[str, ...] = ()
    category: str = ""
    subcategory: str = ""
    declare_original: bool = False
    cover: str | None = None  # image reference for save_video's cover_url


@dataclass(frozen=True)
class Article:
    path: Path  # the post file, absolute
    title: str
    body: str  # Markdown without front matter (and without a leading H1 used as title)
    body_line: int  # 1-based line in the file where ``body`` starts
    slug: str
    author: str = ""
    digest: str = ""  # always set after reading: given or built from the body
    digest_given: bool = False
    cover: str | None = None  # reference as written (relative path / URL)
    cover_line: int | None = None
    source_url: str = ""
    show_cover_pic: bool = False
    comments: str = "closed"  # open | fans | closed
    theme: str = "default"
    draft: bool = False
    video: VideoMeta = field(default_factory=VideoMeta)
    post_type: str = (
        "article"  # front matter type: "article", or "images" (an image post, draft API)
    )
    pic_crop_235_1: str = ""  # cover crops (draft API), WeChat's "X1_Y1_X2_Y2" fractions
    pic_crop_1_1: str = ""
    accounts: tuple[str, ...] = ()  # front matter accounts: names of the site's [accounts.NAME]
    publish_at: datetime | None = None  # front matter publish_at: submit at or after (aware)
    bundle: str = ""  # front matter bundle: the 多图文 message this post is one article of
    bundle_index: int | None = None  # front matter bundle_index: its place in the bundle
    math: bool = True  # whether $…$ is math here (mdwx.source.math_setting)
    line_breaks: bool = False  # a paragraph's single newlines are breaks (source/line_breaks)
    attribute_lists: frozenset[str] = frozenset()  # Goldmark lists read here (attribute_lists)
    front_matter: dict[str, object] = field(default_factory=dict)
    key_lines: dict[str, int] = field(default_factory=dict)  # front matter key → file line
    warnings: tuple[Diagnostic, ...] = ()  # unknown keys, the generator's findings
    # A reference the generator's rules made relative to the post → as the post wrote it.
    written_as: dict[str, str] = field(default_factory=dict)

    def as_written(self, reference: str) -> str:
        """``reference`` as the post wrote it, where the generator's rules made it relative
        (``/img/a.svg`` → ``../../img/a.svg``): what messages name."""
        return self.written_as.get(unquote(reference), reference)

    def file_line(self, body_line: int) -> int:
        """Map a 1-based line of ``body`` to its line in the file."""
        return self.body_line + body_line - 1

    @property
    def need_open_comment(self) -> int:
        return 0 if self.comments == "closed" else 1

    @property
    def only_fans_can_comment(self) -> int:
        return 1 if self.comments == "fans" else 0
