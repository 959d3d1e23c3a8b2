"""Validation of the draft API's ARTICLE, as strict as WeChat's (``docs/wechat/draft-api.md``).

Two kinds: ``news`` (HTML content, a permanent cover ``thumb_media_id``, optional cover
crops ``pic_crop_235_1`` / ``pic_crop_1_1``) and ``newspic`` (图片消息: plain-text content,
up to 20 permanent images in ``image_info.image_list``, no cover). Lengths count code points
of the decoded JSON, as WeChat does for UTF-8 bodies; limits come from the live settings so
the conflicts between sources can be replayed.

Sandbox-chosen codes where WeChat documents none: 40097 "invalid args" for field types,
flags, crops and image counts; 45110 for an author over its limit (WeChat's code for it in
its global table); 45008 for more than 8 articles.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from starlette.requests import Request
from starlette.responses import Response

from .content import content_problem
from .records import ImageRecord
from .responses import wx_error

MAX_ARTICLES = 8
ARTICLE_TYPES = ("news", "newspic")
#: Cover crops of a news article → the aspect ratio (width : height) each must have.
CROP_RATIOS = {"pic_crop_235_1": 2.35, "pic_crop_1_1": 1.0}
#: ``cover_info.crop_percent_list`` ratios of an image post.
NEWSPIC_RATIOS = {"1_1": 1.0, "16_9": 16 / 9, "2.35_1": 2.35}
DIGEST_FROM_BODY = 54  # characters WeChat takes from the body when the digest is empty

_FLAGS = ("need_open_comment", "only_fans_can_comment", "show_cover_pic")
_NEWS_TEXT = ("title", "author", "digest", "content", "content_source_url", "thumb_media_id")
_NUMBER = re.compile(r"^(?:0|1|0?\.\d+|0\.\d*|1\.0*)$")
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^<>]*>|<!--")
_NEWS_FIELDS = (*_NEWS_TEXT, *_FLAGS, *CROP_RATIOS, "article_type")
_NEWSPIC_FIELDS = ("title", "content", "image_info", "cover_info", "article_type", *_FLAGS[:2])


def _permanent_image(request: Request, media_id: object) -> ImageRecord | None:
    """The ``add_material`` image behind ``media_id`` (body images have none)."""
    if not isinstance(media_id, str):
        return None
    record = request.app.state.store.image_by_media_id(media_id)
    return record if record is not None and record.kind in ("image", "thumb") else None


def _fraction(value: object) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = repr(value)
    if not isinstance(value, str) or not _NUMBER.match(value):
        return None
    return float(value)


def crop_problem(box: Sequence[object], ratio: float, image: ImageRecord) -> str | None:
    """Why a crop box (X1, Y1, X2, Y2 as fractions of ``image``) is refused, or None.

    The box must lie inside the image, be non-empty, and have the named aspect ratio in
    pixels, within one pixel on each edge (fractions are rounded by whoever computes them).
    """
    coords = [_fraction(v) for v in box]
    if len(coords) != 4 or any(c is None for c in coords):
        return "coordinates must be four fractions 0..1"
    x1, y1, x2, y2 = (float(c) for c in coords)  # type: ignore[arg-type]
    if not (x1 < x2 and y1 < y2):
        return "needs X1 < X2 and Y1 < Y2"
    width, height = (x2 - x1) * image.width, (y2 - y1) * image.height
    low = (width - 2) / (height + 2)
    high = (width + 2) / (height - 2) if height > 2 else float("inf")
    if not low <= ratio <= high:
        return f"is {width:.0f}×{height:.0f} px of the cover, not {ratio:g}:1"
    return None


def _flags_error(art: dict[str, object]) -> Response | None:
    for flag in _FLAGS:
        value = art.get(flag, 0)
        if isinstance(value, bool) or value not in (0, 1):
            return wx_error(40097, f"invalid args: {flag} must be 0 or 1")
    return None


def _title_error(request: Request, title: object) -> Response | None:
    limit = request.app.state.control.settings.draft_title_max_chars
    if not isinstance(title, str) or not title.strip() or len(title) > limit:
        count = len(title) if isinstance(title, str) else 0
        return wx_error(45003, f"title size out of limit: {count} (1..{limit})")
    return None


def _news_text_error(request: Request, art: dict[str, object]) -> Response | None:
    s = request.app.state.control.settings
    for name in _NEWS_TEXT:
        if name in art and not isinstance(art[name], str):
            return wx_error(40097, f"invalid args: {name} must be a string")
    error = _title_error(request, art.get("title"))
    if error is not None:
        return error
    author = str(art.get("author", ""))  # a text field: checked above
    if len(author) > s.draft_author_max_chars:
        return wx_error(
            45110, f"author size out of limit: {len(author)} > {s.draft_author_max_chars}"
        )
    digest = str(art.get("digest", ""))  # a text field: checked above
    size = len(digest.encode("utf-8")) if s.draft_digest_unit == "bytes" else len(digest)
    if size > s.draft_digest_max:
        return wx_error(
            45004,
            f"description size out of limit: {size} {s.draft_digest_unit} > {s.draft_digest_max}",
        )
    return None


def _news_content_error(request: Request, content: object) -> Response | None:
    limit = request.app.state.control.settings.content_max_bytes
    if not isinstance(content, str) or not content.strip():
        return wx_error(44003, "empty news data: content required")
    size = len(content.encode("utf-8"))
    if size > limit:
        return wx_error(45002, f"content size out of limit: {size} bytes > {limit}")
    problem = content_problem(request, content)
    return wx_error(45166, f"invalid content: {problem}") if problem else None


def _news_error(request: Request, art: dict[str, object]) -> Response | None:
    cover = _permanent_image(request, art.get("thumb_media_id"))
    if cover is None:
        return wx_error(40007, "invalid media_id: thumb_media_id must be a permanent image")
    error = _flags_error(art)
    if error is not None:
        return error
    for name, ratio in CROP_RATIOS.items():
        if name not in art:
            continue
        value = art[name]
        box = value.split("_") if isinstance(value, str) else []
        problem = crop_problem(box, ratio, cover)
        if problem is not None:
            return wx_error(40097, f"invalid args: {name} {str(value)[:40]!r} {problem}")
    return _news_text_error(request, art) or _news_content_error(request, art.get("content"))


def _image_list_error(request: Request, art: dict[str, object]) -> Response | list[ImageRecord]:
    limit = request.app.state.control.settings.newspic_max_images
    info = art.get("image_info")
    images = info.get("image_list") if isinstance(info, dict) else None
    if not isinstance(images, list) or not 1 <= len(images) <= limit:
        count = len(images) if isinstance(images, list) else 0
        return wx_error(
            40097, f"invalid args: image_info.image_list holds 1..{limit} images, not {count}"
        )
    records = []
    for number, entry in enumerate(images, 1):
        media_id = entry.get("image_media_id") if isinstance(entry, dict) else None
        record = _permanent_image(request, media_id)
        if record is None:
            return wx_error(40007, f"invalid media_id: image {number} is not a permanent image")
        records.append(record)
    return records


def _cover_info_error(art: dict[str, object], first: ImageRecord) -> Response | None:
    if "cover_info" not in art:
        return None
    info = art["cover_info"]
    crops = info.get("crop_percent_list") if isinstance(info, dict) else None
    if not isinstance(crops, list):
        return wx_error(40097, "invalid args: cover_info.crop_percent_list must be a list")
    for crop in crops:
        name = crop.get("ratio") if isinstance(crop, dict) else None
        ratio = NEWSPIC_RATIOS.get(name) if isinstance(name, str) else None
        if ratio is None:
            return wx_error(
                40097, f"invalid args: crop ratio must be one of {list(NEWSPIC_RATIOS)}"
            )
        problem = crop_problem([crop.get(k) for k in ("x1", "y1", "x2", "y2")], ratio, first)
        if problem is not None:
            return wx_error(40097, f"invalid args: cover_info crop {crop['ratio']} {problem}")
    return None


def _newspic_error(request: Request, art: dict[str, object]) -> Response | None:
    limit = request.app.state.control.settings.newspic_content_max_chars
    error = _title_error(request, art.get("title")) or _flags_error(art)
    if error is not None:
        return error
    content = art.get("content")
    if not isinstance(content, str) or not content.strip():
        return wx_error(44003, "empty news data: content required")
    if _TAG.search(content):
        return wx_error(45166, "invalid content: image posts take plain text, not HTML")
    if len(content) > limit:
        return wx_error(45002, f"content size out of limit: {len(content)} characters > {limit}")
    images = _image_list_error(request, art)
    if isinstance(images, Response):
        return images
    return _cover_info_error(art, images[0])


def article_error(request: Request, art: object) -> Response | None:
    """The error WeChat would answer for one ARTICLE of draft/add or draft/update, or None."""
    if not isinstance(art, dict):
        return wx_error(40097, "invalid args: an article must be a JSON object")
    kind = art.get("article_type", "news")
    if kind not in ARTICLE_TYPES:
        return wx_error(40097, f"invalid args: article_type must be one of {list(ARTICLE_TYPES)}")
    return _newspic_error(request, art) if kind == "newspic" else _news_error(request, art)


def plain_text(content: str) -> str:
    """The visible text of HTML content, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", content)).split())


def normalised(art: dict[str, object], single: bool) -> dict[str, object]:
    """The ARTICLE as WeChat keeps it: known fields only, defaults filled in, an empty digest
    of a single news article taken from the body's first 54 characters."""
    kind = art.get("article_type", "news")
    fields = _NEWSPIC_FIELDS if kind == "newspic" else _NEWS_FIELDS
    out = {name: art[name] for name in fields if name in art}
    out["article_type"] = kind
    out.setdefault("need_open_comment", 0)
    out.setdefault("only_fans_can_comment", 0)
    if kind == "news":
        out.setdefault("author", "")
        out.setdefault("content_source_url", "")
        out.setdefault("show_cover_pic", 0)
        digest = out.get("digest", "")
        if not digest and single:
            digest = plain_text(str(out["content"]))[:DIGEST_FROM_BODY]  # checked: text
        out["digest"] = digest if single else ""
    return out
