"""The tables of mdwx.toml and how a value is read into them, apart from the site config.

Limits, images, video, draft and warnings tables, each setting declared once on its field
(:func:`mdwx.settings.declare.setting`: default, kind, bounds or choices, one doc line), read
by :func:`mdwx.settings.declare.read_table`. :mod:`mdwx.config` builds the site's config from
them; :mod:`mdwx.accounts` reads an account's own tables the same way (so neither needs the
other's module to parse a table). The line finder and its error are re-exported from
:mod:`mdwx.settings.lines`, the time zone helpers from :mod:`mdwx.settings.checks`.
"""

from __future__ import annotations

from dataclasses import dataclass

from mdwx.settings.checks import site_zone, warning_codes, zone_problem
from mdwx.settings.declare import setting
from mdwx.settings.lines import did_you_mean, setting_error, setting_line

MB = 1024 * 1024
# The least a picture limit may be: mdwx shrinks a picture down to 320 px wide to fit, which
# any picture does within this, so a post check passes never fails at upload for its size.
PICTURE_FLOOR = 64 * 1024

LINK_POLICIES = ("footnotes", "keep", "strip")
CAPTION_SOURCES = ("title", "alt", "none")
COMMENT_MODES = ("open", "fans", "closed")
#: What publishing does with a post changed after its article was submitted (WeChat cannot
#: change a submitted article): keep it and warn, refuse it (the post fails), or publish it
#: as a new article (what ``--force`` does once).
SUBMITTED_CHANGE = ("warn", "error", "republish")
BACKENDS = (
    "media",
    "draft",
)  # WeChat's media API (cgi-bin/publish/*) or draft box (cgi-bin/draft/*)
DIGEST_UNITS = ("chars", "bytes")
VIDEO_TAGS = 5  # tags a video may carry (material/add_material's description; video.py)


#: The narrowest and widest ``images.max_width``: narrower than 320 px is not worth showing
#: (mdwx gives up shrinking there, :data:`mdwx.assets.imaging.MIN_WIDTH`), and no phone
#: shows more than a few thousand pixels across.
MIN_PICTURE_WIDTH = 320
MAX_PICTURE_WIDTH = 10_000

#: The largest value a character-count or byte-count limit may be set to.
MAX_CHARS_LIMIT = 100_000
MAX_BYTES_LIMIT = 100_000_000


@dataclass(frozen=True)
class Limits:
    """Character counts are code points, as WeChat counts them (not bytes, not UTF-16).

    ``content_bytes`` is the hard limit on the ``content`` HTML, in bytes of UTF-8 (WeChat
    answered 45002 between about 682 and 691 KB; see docs/limits.md). ``content_chars`` is the
    visible text (tags removed) above which mdwx warns; 0 turns the warning off. Earlier versions
    refused content over that many characters of HTML, which WeChat does not do.

    One rule for every limit: a hard limit (everything but ``content_chars``, a warning's
    threshold) is at least 1, so 0 is refused where it is written rather than silently
    turning the check off (``content_bytes``) or refusing every post (``title``).
    """

    title: int = setting(
        64, "characters of a title (the draft API's doc says 32)", low=1, high=MAX_CHARS_LIMIT
    )
    digest: int = setting(120, "characters of a digest", low=1, high=MAX_CHARS_LIMIT)
    author: int = setting(16, "characters of the author's name", low=1, high=MAX_CHARS_LIMIT)
    content_chars: int = setting(
        20_000,
        "characters of visible text above which mdwx warns (0: no warning)",
        low=0,
        high=MAX_BYTES_LIMIT,
    )
    content_bytes: int = setting(
        600_000,
        "hard limit: UTF-8 bytes of the content HTML (WeChat: 45002 at ~690 KB)",
        low=1,
        high=MAX_BYTES_LIMIT,
    )
    card_title: int = setting(35, "characters of a title on a card", low=1, high=MAX_CHARS_LIMIT)
    markdown_bytes: int = setting(
        2_000_000,
        "a post file larger than this is refused before parsing (bounds the work)",
        low=1,
        high=MAX_BYTES_LIMIT,
    )
    diagram_seconds: float = setting(
        30.0,
        "one diagram's layout in processor seconds, in a child process killed after it "
        "(docs/diagrams.md); a mermaid diagram takes about 1 s",
        low=1,
        high=3600,
    )
    formula_chars: int = setting(
        4_000,
        "characters of one formula's TeX; a longer one is shown as its TeX in code, never "
        "typeset (its layout time grows faster than its length); real formulas stay under 1,200",
        low=1,
        high=MAX_CHARS_LIMIT,
    )


@dataclass(frozen=True)
class WarningSettings:
    """``[warnings]`` in mdwx.toml: ``ignore`` lists the codes of warnings not to report
    (``mdwx.diagnostics.CODES``); errors are never silenced."""

    ignore: tuple[str, ...] = setting(
        (),
        "warning codes not to report (docs/diagnostics.md); errors are never silenced",
        check=warning_codes,
        example=("relative-link",),
    )


@dataclass(frozen=True)
class DraftLimits:
    """The draft-box API's own limits (``[draft]`` in mdwx.toml), enforced before sending.

    Its sources disagree (docs/wechat/draft-api.md): the title is 32 characters in the current
    doc and 64 as tools observe; the author 16 (8 on older accounts); the digest 120 or 128
    characters, or 120 bytes of UTF-8 as one tool reports (``digest_unit = "bytes"``). The
    defaults are what tools observe; WeChat's own error stays the last word.
    """

    title: int = setting(
        64,
        "characters of a title; the draft API's doc says 32, tools see 64",
        low=1,
        high=MAX_CHARS_LIMIT,
    )
    author: int = setting(
        16, "characters of the author's name (8 on older accounts)", low=1, high=MAX_CHARS_LIMIT
    )
    digest: int = setting(
        120,
        "a digest mdwx makes is cut to fit; a given one over it is an error",
        low=1,
        high=MAX_CHARS_LIMIT,
    )
    digest_unit: str = setting(
        "chars", "what the digest limit counts: characters or UTF-8 bytes", choices=DIGEST_UNITS
    )
    image_post_text: int = setting(
        1000, "characters of an image post's plain text (newspic)", low=1, high=MAX_CHARS_LIMIT
    )
    image_post_images: int = setting(20, "images of an image post", low=1, high=1000)


@dataclass(frozen=True)
class ImageLimits:
    """Upload targets; defaults satisfy both the contract and WeChat's public docs."""

    body_max_bytes: int = setting(
        1 * MB,
        "bytes of a picture in the body (uploadimg; the contract says 5 MB; at least 64 KiB, "
        "which any picture fits at 320 px wide)",
        low=PICTURE_FLOOR,
    )
    cover_max_bytes: int = setting(
        2 * MB,
        "bytes of a cover (add_material type=image; the public docs say 10 MB; at least 64 KiB)",
        low=PICTURE_FLOOR,
    )
    gif_max_bytes: int = setting(
        2 * MB,
        "bytes of an animated GIF (sent through add_material, which keeps it moving)",
        low=PICTURE_FLOOR,
        high=MAX_BYTES_LIMIT,
    )
    max_width: int = setting(
        1080,
        "wider pictures are scaled down (phones show ~677 css px; narrower than 320 is unreadable)",
        low=MIN_PICTURE_WIDTH,
        high=MAX_PICTURE_WIDTH,
    )
    remote_max_bytes: int = setting(
        20 * MB, "bytes of one remote picture fetched", low=1024, high=MAX_BYTES_LIMIT
    )
    remote_timeout: float = setting(
        20.0,
        "seconds for the whole fetch of one remote picture, redirects included",
        low=1,
        high=3600,
    )
    remote_max_redirects: int = setting(
        5, "redirects followed when fetching a remote picture (0: none)", low=0, high=20
    )
    allow_private_hosts: bool = setting(
        False, "fetch remote pictures from loopback, private and link-local addresses"
    )


@dataclass(frozen=True)
class VideoDefaults:
    """``[video]``: defaults for the videos a post uploads (material/add_material)."""

    category: str = setting("", "the video's category (newcat)", example="科技")
    subcategory: str = setting("", "the video's subcategory (newsbcat)")
    tags: tuple[str, ...] = setting(
        (),
        "the video's tags",
        high=VIDEO_TAGS,
        refusal="{name} has {count} tags; WeChat takes at most {high}",
        hint="keep the five that matter most",
        example=("mdwx",),
    )
    declare_original: bool = setting(False, "declare the video original")
    review_timeout: float = setting(
        1800.0,
        "seconds to wait for a video's review to pass (query_status 3)",
        low=1,
        high=7 * 86400,
    )
    poll_interval: float = setting(
        2.0, "seconds between two questions about a video's review", low=0.01, high=3600
    )


__all__ = [
    "BACKENDS",
    "CAPTION_SOURCES",
    "COMMENT_MODES",
    "DIGEST_UNITS",
    "LINK_POLICIES",
    "MB",
    "SUBMITTED_CHANGE",
    "VIDEO_TAGS",
    "DraftLimits",
    "ImageLimits",
    "Limits",
    "VideoDefaults",
    "WarningSettings",
    "did_you_mean",
    "setting_error",
    "setting_line",
    "site_zone",
    "zone_problem",
]
