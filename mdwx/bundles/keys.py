"""Front matter putting a post into a 多图文 bundle: ``bundle`` and ``bundle_index``.

``bundle: weekly-42`` makes the post one article of a multi-article message (docs/reach.md,
"多图文"): every post of the site naming the same bundle goes out as one draft, ordered by
``bundle_index`` (an integer from 0 to 999, the lowest first: the 头条; absent sorts last)
and then by path. The ``[bundles]`` table of mdwx.toml is the other way in
(:mod:`mdwx.bundles.table`). Checked when the post is read; errors name the key's line.
"""

from __future__ import annotations

import re
from pathlib import Path

from mdwx.errors import ArticleError

BUNDLE_NAME = re.compile(r"^[\w.\-]{1,64}$", re.UNICODE)
#: ``bundle_index`` of a post that gives none: after every numbered one.
UNNUMBERED = 1_000_000


def bundle_name(front: dict[str, object], lines: dict[str, int], path: Path) -> str:
    """The front matter's ``bundle`` ("" when absent): letters, digits, ``_ . -``, ≤ 64."""
    value = front.get("bundle")
    if value is None:
        return ""
    text = (
        str(value).strip()
        if isinstance(value, (str, int)) and not isinstance(value, bool)
        else None
    )
    if text is None or not BUNDLE_NAME.match(text):
        raise ArticleError(
            "bundle must be a name of letters, digits, '_', '.' or '-' (at most 64)",
            path=path,
            line=lines.get("bundle"),
            hint="bundle: weekly-42",
        )
    return text


def bundle_index(front: dict[str, object], lines: dict[str, int], path: Path) -> int | None:
    """The front matter's ``bundle_index`` (an integer from 0 to 999), None when absent."""
    value = front.get("bundle_index")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 999:
        raise ArticleError(
            f"bundle_index must be an integer from 0 to 999 (the lowest is the 头条), "
            f"not {str(value)[:40]!r}",
            path=path,
            line=lines.get("bundle_index"),
            hint="number the bundle's posts 1, 2, 3…: the lowest bundle_index is the 头条 "
            "(first article)",
        )
    if "bundle" not in front:
        raise ArticleError(
            "bundle_index is given without bundle",
            path=path,
            line=lines.get("bundle_index"),
            hint="add bundle: NAME, the message this post is one article of",
        )
    return value
