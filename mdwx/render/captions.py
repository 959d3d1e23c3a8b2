"""Figure captions: from the title, and from alt text only when it says something.

Editors and upload tools fill alt text with placeholders — ``image``, ``图片``, Typora's
``image-20240101123456789``, ``Screenshot 2024-01-01 at 10.00.00``, ``IMG_1234``, the
file's own name — which read as noise under a picture. Such alt text stays in ``alt`` (it
costs nothing there) but never becomes a caption. The site's ``caption`` setting:

- ``"title"`` (default): the image's title; else its alt text unless generic;
- ``"alt"``: the alt text unless generic; else the title;
- ``"none"``: no captions.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

_GENERIC_WORDS = sorted(
    {
        # English placeholders and camera / phone / tool file-name prefixes
        "image",
        "images",
        "img",
        "imag",
        "picture",
        "pic",
        "pics",
        "photo",
        "photos",
        "screenshot",
        "screen",
        "shot",
        "screencap",
        "screencapture",
        "capture",
        "snapshot",
        "snip",
        "figure",
        "fig",
        "untitled",
        "alt",
        "text",
        "placeholder",
        "pasted",
        "graphic",
        "clipboard",
        "upload",
        "uploaded",
        "file",
        "blob",
        "copy",
        "dsc",
        "dscn",
        "dcim",
        "pxl",
        "mmexport",
        "wx",
        "wechat",
        "weixin",
        "qq",
        "wa",
        "at",
        "am",
        "pm",
        "png",
        "jpg",
        "jpeg",
        "gif",
        "webp",
        "svg",
        "bmp",
        "heic",
        "avif",
        "tif",
        "tiff",
        # Chinese placeholders: picture, image, screenshot, photo, illustration, WeChat image
        "图片",
        "图像",
        "截图",
        "屏幕截图",
        "截屏",
        "屏幕快照",
        "照片",
        "插图",
        "配图",
        "微信图片",
        "示例图片",
        "图",
        "上午",
        "下午",
        "的副本",
        "副本",
        "未命名",
        # Japanese and Korean: image, screenshot, photo
        "画像",
        "スクリーンショット",
        "写真",
        "이미지",
        "스크린샷",
        "사진",
        "그림",
    },
    key=len,
    reverse=True,
)
_GENERIC = re.compile("|".join(re.escape(word) for word in _GENERIC_WORDS))
# Digits, punctuation, symbols and spaces carry no meaning in a placeholder.
_NOISE = re.compile(r"[\W\d_]+")
_ALNUM_NOISE = re.compile(r"[\W_]+")
_FILE_NAME = re.compile(r"\.(?:png|jpe?g|gif|webp|svg|bmp|tiff?|heic|avif|ico)$", re.IGNORECASE)
_HASH = re.compile(r"[0-9a-f]{8,}", re.IGNORECASE)


def _stem(source: str) -> str:
    name = unquote(source.split("?", 1)[0].split("#", 1)[0]).rstrip("/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] if "." in name else name


def is_generic_alt(alt: str, source: str = "") -> bool:
    """True when ``alt`` is a placeholder or a file name rather than a description.

    Generic: empty; the image's file name or stem; anything ending in an image extension;
    a hash; or only placeholder words (``image``, ``图片``, ``screenshot``, ``IMG``…) with
    digits, dates and punctuation.
    """
    text = alt.strip()
    if not text:
        return True
    lowered = text.lower()
    if _FILE_NAME.search(text) or lowered == _stem(source).lower():
        return True
    letters_digits = _ALNUM_NOISE.sub("", lowered)
    if _HASH.fullmatch(letters_digits) and any(c.isdigit() for c in letters_digits):
        return True
    core = _NOISE.sub("", lowered)
    return not core or (_GENERIC.search(core) is not None and _GENERIC.sub("", core) == "")


def figure_caption(alt: str, title: str, source: str, mode: str) -> str:
    """The caption of a figure under the site's ``caption`` mode (``title``/``alt``/``none``)."""
    if mode == "none":
        return ""
    described = "" if is_generic_alt(alt, source) else alt.strip()
    first, second = (title.strip(), described) if mode == "title" else (described, title.strip())
    return first or second
