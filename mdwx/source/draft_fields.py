"""Front matter the draft-box API reads: the post's type and its cover crops.

``type: images`` makes an image post (图片消息, :mod:`mdwx.render.imagepost`); ``type: article`` (the
default) a normal article. ``pic_crop_235_1`` and ``pic_crop_1_1`` choose the parts of the
cover WeChat shows at 2.35:1 (the feed) and 1:1 (sharing): four fractions of the cover's width
and height, top-left then bottom-right, as a list ``[0.1945, 0, 1, 0.5236]`` or in WeChat's
own form ``"0.1945_0_1_0.5236"``. Checked when the post is read; errors name the key's line.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from mdwx.errors import ArticleError

POST_TYPES = ("article", "images")
_CROP_HINT = "write four fractions of the cover, x1 y1 x2 y2 from its top-left: [0.1, 0, 0.9, 0.5]"


def post_type(front: dict[str, object], lines: dict[str, int], path: Path) -> str:
    value = front.get("type", "article")
    if value not in POST_TYPES:
        raise ArticleError(
            f"type must be one of {', '.join(POST_TYPES)}, not {value!r}",
            path=path,
            line=lines.get("type"),
            hint="type: images publishes the post's pictures as an image post",
        )
    return str(value)


def cover_crop(front: dict[str, object], lines: dict[str, int], path: Path, key: str) -> str:
    """The crop under ``key`` as WeChat's ``"X1_Y1_X2_Y2"`` (6 decimals), "" when not given."""
    value = front.get(key)
    if value is None:
        return ""
    line = lines.get(key)
    if isinstance(value, str):
        parts: list[Any] = value.strip().split("_")
    elif isinstance(value, list):
        parts = value
    else:
        raise ArticleError(
            f"{key} must be four fractions, not {_kind(value)}",
            path=path,
            line=line,
            hint=_CROP_HINT,
        )
    if len(parts) != 4:
        raise ArticleError(
            f"{key} must be four fractions, not {len(parts)}", path=path, line=line, hint=_CROP_HINT
        )
    numbers = [_number(p) for p in parts]
    if any(n is None or not 0 <= n <= 1 for n in numbers):
        raise ArticleError(
            f"{key} must be fractions from 0 to 1, not {value!r}",
            path=path,
            line=line,
            hint=_CROP_HINT,
        )
    texts = [crop_fraction(n) for n in numbers if n is not None]
    x1, y1, x2, y2 = (float(t) for t in texts)  # checked as sent: after rounding
    if not (x1 < x2 and y1 < y2):
        raise ArticleError(
            f"{key} must go from top-left to bottom-right (x1 < x2, y1 < y2), not {value!r}",
            path=path,
            line=line,
            hint=_CROP_HINT,
        )
    return "_".join(texts)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return None
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def crop_fraction(value: float) -> str:
    """``value`` at 6 decimals without trailing zeros: "0.5", "1", "0"."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _kind(value: Any) -> str:
    return {dict: "a mapping", bool: "true/false"}.get(type(value), type(value).__name__)
