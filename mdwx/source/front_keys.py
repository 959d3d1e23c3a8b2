"""The front-matter keys mdwx reads (its own, and the math switches of the generators).

Apart from the article reader so that the generators (the Pelican metadata mapping) can ask
which keys mdwx reads without importing the reader, which imports them.
"""

from __future__ import annotations

from mdwx.source.math_setting import FRONT_MATTER_KEYS

KNOWN_KEYS = (
    "title",
    "author",
    "digest",
    "cover",
    "source_url",
    "show_cover_pic",
    "comments",
    "theme",
    "slug",
    "draft",
    "video",
    "date",
    "tags",
    "id",
    "type",
    "pic_crop_235_1",
    "pic_crop_1_1",
    "accounts",
    "publish_at",
    "keep_title_heading",
    "lang",
    *FRONT_MATTER_KEYS,
    "bundle",
    "bundle_index",
)
