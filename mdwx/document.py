"""What rendering produces: WeChat-safe HTML with placeholders, and the assets it needs.

Render never does I/O, so every image, video, formula and mini-program card image is
recorded as an :class:`Asset` and written into the HTML as its placeholder
(``mdwx-asset:KEY``). The resolve stage uploads each asset and :meth:`Document.substitute`
swaps placeholders for WeChat URLs (or video ids); ``mdwx build`` swaps them for local paths.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from enum import Enum
from html import escape
from pathlib import Path

from mdwx.diagnostics import Diagnostic
from mdwx.errors import MdwxError
from mdwx.html_scan import attribute_spans, start_tag, unquoted
from mdwx.urls import is_data_uri, is_remote

PLACEHOLDER_PREFIX = "mdwx-asset:"
# Marks a formula's <img>: its display size is known only once the TeX is typeset.
FORMULA_SIZE_ATTR = "data-mdwx-size"
# The contract's video embed (docs/wechat/media-api.md: a video is exactly this iframe, never <video>).
VIDEO_CLASS = "video_iframe rich_pages"
#: WeChat's video player page; ``data-src`` is this plus ``&action=mpvideo&auto=0&mpvid=<vid>``.
VIDEO_PLAYER = "https://mp.weixin.qq.com/mp/readtemplate?t=pages/video_player_tmpl"
#: File extensions of the videos mdwx embeds and uploads: the containers WeChat plays (MP4,
#: QuickTime, WebM); anything else is to be exported as MP4 (H.264/AAC) first.
VIDEO_EXTENSIONS = (".mp4", ".mov", ".m4v", ".webm")


class AssetKind(str, Enum):
    IMAGE = "image"  # body image: local path, http(s) URL or data: URI
    VIDEO = "video"  # local video file, uploaded through the chunked video API
    FORMULA = "formula"  # TeX, rasterised to PNG at resolve time
    CARD_IMAGE = "card_image"  # mini-program card image, cropped to 1080x864
    DIAGRAM = "diagram"  # diagram code (``language``: mermaid…), drawn to PNG at resolve time


@dataclass(frozen=True)
class Asset:
    """One thing the article needs from WeChat before it can be uploaded.

    ``source`` is the reference exactly as written in the post (a relative path, a URL, a
    ``data:`` URI) or, for formulas, the TeX, and for diagrams their code (in ``language``).
    ``local_path`` is that reference resolved against the post's folder (not checked for
    existence: that is I/O).
    """

    key: str
    kind: AssetKind
    source: str
    line: int | None = None
    alt: str = ""
    display: bool = False
    local_path: Path | None = None
    language: str = ""  # a DIAGRAM's language (a key of mdwx.assets.diagram.RENDERERS)
    # The reference as the post wrote it, when a generator's rules rewrote ``source``.
    written: str = ""

    @property
    def shown(self) -> str:
        """The reference for messages: as the post wrote it."""
        return self.written or self.source

    @property
    def is_typeset(self) -> bool:
        """A picture mdwx draws itself (formula, diagram), not a file or URL the post names."""
        return self.kind in (AssetKind.FORMULA, AssetKind.DIAGRAM)

    @property
    def placeholder(self) -> str:
        return f"{PLACEHOLDER_PREFIX}{self.key}"

    @property
    def is_remote(self) -> bool:
        return is_remote(self.source)

    @property
    def is_data_uri(self) -> bool:
        return is_data_uri(self.source)

    def reference_from(self, post_path: Path) -> str:
        """The reference relative to the post's folder.

        Render resolved it against the folder it was written in (a header or footer
        template may sit elsewhere), so later stages resolve the same file from the post.
        """
        if self.local_path is None:
            return self.source
        return Path(os.path.relpath(self.local_path, post_path.parent)).as_posix()


def asset_key(kind: AssetKind, source: str, display: bool = False) -> str:
    """A stable key: the same reference in the same post always gets the same placeholder."""
    digest = hashlib.sha1(f"{kind.value}\0{int(display)}\0{source}".encode()).hexdigest()
    return f"{kind.value[0]}{digest[:12]}"


@dataclass
class Document:
    """The ``content`` HTML of one article, with placeholders, and the assets it names."""

    html: str
    assets: list[Asset] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    errors: list[MdwxError] = field(
        default_factory=list
    )  # what the render went on past (see render_article)
    # Asset key → the HTML shown instead when the asset cannot be drawn (a diagram's code block).
    fallbacks: dict[str, str] = field(default_factory=dict)

    def substitute(self, values: dict[str, str], styles: dict[str, str] | None = None) -> str:
        """Return the HTML with each asset's placeholder replaced by ``values[key]``.

        Every placeholder must have a value: a placeholder left in the content would reach
        WeChat as a broken reference. ``styles`` adds CSS (a formula's size) to the element
        marked with that asset's key; marks without a style are simply removed.

        Placeholders only ever stand in attribute values (``src``, ``data-mpvid``,
        ``data-src``, ``data-miniprogram-imageurl``), so each value is attribute-escaped: a
        ``data:`` URI or remote URL holding a quote cannot open a new attribute or element.
        """
        html = (
            _apply_styles(self.html, styles or {}) if FORMULA_SIZE_ATTR in self.html else self.html
        )
        for asset in self.assets:
            html = html.replace(asset.placeholder, escape(values[asset.key], quote=True))
        return html

    def assets_of(self, kind: AssetKind) -> list[Asset]:
        return [a for a in self.assets if a.kind is kind]


_IMG_TAG = start_tag("img")


def _apply_styles(html: str, styles: dict[str, str]) -> str:
    """Each marked ``<img>`` with its mark removed and ``styles[key]`` merged into its style.

    Tags are read with :mod:`mdwx.html_scan`, so a quoted ``>`` (``alt="x > 0"``) neither
    ends the tag early nor leaves the mark unfilled or a second ``style`` attribute.
    """

    def apply(match: re.Match[str]) -> str:
        attrs = match.group("attrs")
        found = attribute_spans(attrs)
        mark = found.get(FORMULA_SIZE_ATTR)
        if mark is None:
            return match.group(0)
        extra = styles.get(unquoted(mark.group(2)))
        style = found.get("style")
        pieces = []
        last = 0
        for span in sorted((m for m in (mark, style) if m), key=lambda m: m.start()):
            start, end = span.span()
            pieces.append(attrs[last:start])
            if span is style and extra:
                old = unquoted(style.group(2)).rstrip(";")
                pieces.append(f' style="{old};{extra}"' if old else f' style="{extra}"')
            elif span is style:
                pieces.append(attrs[start:end])
            last = end
        pieces.append(attrs[last:])
        rest = "".join(pieces)
        if extra and style is None:
            rest = f' style="{extra}"' + rest
        return f"{match.group(0)[:4]}{rest}>"

    return _IMG_TAG.sub(apply, html)
