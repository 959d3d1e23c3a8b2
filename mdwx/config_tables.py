"""The tables of mdwx.toml and how a value is read into them, apart from the site config.

Limits, images, video and draft tables with their defaults, and the readers that check
each value and name the line that set it. :mod:`mdwx.config` builds the site's config from
them; :mod:`mdwx.accounts` reads an account's own tables with the same readers (so neither
needs the other's module to parse a table).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from mdwx.errors import ConfigError, MdwxError
from mdwx.files.reader import read_config_text

MB = 1024 * 1024

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


@dataclass(frozen=True)
class Limits:
    """Character counts are code points, as WeChat counts them (not bytes, not UTF-16).

    ``content_bytes`` is the hard limit on the ``content`` HTML, in bytes of UTF-8 (WeChat
    answered 45002 between about 682 and 691 KB; see docs/limits.md). ``content_chars`` is the
    visible text (tags removed) above which mdwx warns; 0 turns the warning off. Earlier versions
    refused content over that many characters of HTML, which WeChat does not do.
    """

    title: int = 64
    digest: int = 120
    author: int = 16
    content_chars: int = 20_000  # visible text: a warning, not a limit
    content_bytes: int = 600_000  # UTF-8 bytes of the content HTML: the hard limit
    card_title: int = 35
    markdown_bytes: int = 2_000_000  # a post's file, refused before parsing (bounds the work)
    diagram_seconds: float = 30.0  # one diagram's layout, in a child killed after it (diagrams.md)


@dataclass(frozen=True)
class WarningSettings:
    """``[warnings]`` in mdwx.toml: ``ignore`` lists the codes of warnings not to report
    (``mdwx.diagnostics.CODES``); errors are never silenced."""

    ignore: tuple[str, ...] = ()


@dataclass(frozen=True)
class DraftLimits:
    """The draft-box API's own limits (``[draft]`` in mdwx.toml), enforced before sending.

    Its sources disagree (docs/wechat/draft-api.md): the title is 32 characters in the current
    doc and 64 as tools observe; the author 16 (8 on older accounts); the digest 120 or 128
    characters, or 120 bytes of UTF-8 as one tool reports (``digest_unit = "bytes"``). The
    defaults are what tools observe; WeChat's own error stays the last word.
    """

    title: int = 64
    author: int = 16
    digest: int = 120
    digest_unit: str = "chars"  # or "bytes" (UTF-8)
    image_post_text: int = 1000  # characters of an image post's plain text (newspic content)
    image_post_images: int = 20  # images of an image post


@dataclass(frozen=True)
class ImageLimits:
    """Upload targets; defaults satisfy both the contract and WeChat's public docs."""

    body_max_bytes: int = 1 * MB  # media/uploadimg: jpg/png (contract says 5 MB)
    cover_max_bytes: int = 2 * MB  # add_material type=image (public docs say 10 MB)
    gif_max_bytes: int = 2 * MB  # animated GIFs go through add_material, which keeps them
    max_width: int = 1080  # wider pictures are scaled down: phones show ~677 css px
    remote_max_bytes: int = 20 * MB
    remote_timeout: float = 20.0
    remote_max_redirects: int = 5
    allow_private_hosts: bool = False  # loopback / private / link-local fetches


@dataclass(frozen=True)
class VideoDefaults:
    category: str = ""  # newcat
    subcategory: str = ""  # newsbcat
    tags: tuple[str, ...] = ()
    declare_original: bool = False
    review_timeout: float = 1800.0  # seconds to wait for query_status to reach 3
    poll_interval: float = 2.0


def read_section(cls: type, data: dict[str, Any], name: str, where: Path) -> Any:
    known = {f.name: f for f in fields(cls)}
    values = {}
    for key, value in data.items():
        if key not in known:
            raise setting_error(
                where,
                f"{name}.{key}",
                f"unknown setting {name}.{key}{did_you_mean(key, set(known))}",
            )
        values[key] = coerce_setting(f"{name}.{key}", value, known[key].type, where)
    return replace(cls(), **values)


def coerce_setting(name: str, value: Any, annotation: Any, where: Path) -> Any:
    kind = str(annotation)
    if kind.startswith("dict"):
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise setting_error(where, name, f"[{name}] must be a table of strings")
        return {str(k): v for k, v in value.items()}
    if "tuple" in kind:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise setting_error(where, name, f"{name} must be a list of strings")
        return tuple(value)
    if kind == "bool":
        if not isinstance(value, bool):
            raise setting_error(where, name, f"{name} must be true or false, not {value!r}")
        return value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise setting_error(where, name, f"{name} must be a whole number ≥ 0, not {value!r}")
        return value
    if kind == "float":  # seconds and sizes: a finite number (TOML has nan and inf)
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not 0 <= value < float("inf")
        ):
            raise setting_error(where, name, f"{name} must be a finite number ≥ 0, not {value!r}")
        return float(value)
    if not isinstance(value, str):
        raise setting_error(where, name, f"{name} must be a string, not {value!r}")
    return value


def setting_error(where: Path, setting: str, message: str, hint: str | None = None) -> ConfigError:
    """A configuration error at the line of ``where`` that sets ``setting`` (``name`` or
    ``table.name``), so the one-line message reads ``mdwx.toml:LINE: …``."""
    return ConfigError(message, path=where, line=setting_line(where, setting), hint=hint)


_TABLE = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")


def setting_line(where: Path, setting: str) -> int | None:
    """The 1-based line of ``where`` (``mdwx.toml``, or ``pyproject.toml``'s ``[tool.mdwx]``)
    that sets ``setting`` or opens its table; None when it is not found (or unreadable)."""
    try:
        lines = read_config_text(where).splitlines()
    except MdwxError:
        return None
    prefix = ["tool", "mdwx"] if where.name == "pyproject.toml" else []
    *tables, key = setting.split(".")
    whole, parent = ".".join([*prefix, *tables, key]), ".".join([*prefix, *tables])
    assignment = re.compile(r'^\s*["\']?' + re.escape(key) + r'["\']?\s*=')
    table = ""
    for number, line in enumerate(lines, 1):
        header = _TABLE.match(line)
        if header:
            table = re.sub(r"[\s\"']", "", header.group(1))
            if table == whole:
                return number
        elif table == parent and assignment.match(line):
            return number
    return None


def did_you_mean(word: str, known: set[str]) -> str:
    close = difflib.get_close_matches(word, sorted(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


@lru_cache(maxsize=32)
def site_zone(name: str) -> dt.tzinfo:
    """The zone ``timezone = name`` names (an IANA name), or the machine's for ""."""
    if not name:
        local = dt.datetime.now().astimezone().tzinfo
        return local if local is not None else dt.timezone.utc
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def zone_problem(name: str) -> str | None:
    """Why ``name`` is not a time zone mdwx can use, or None."""
    from zoneinfo import ZoneInfoNotFoundError

    try:
        site_zone(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return f"timezone {name!r} is not a time zone name"
    return None
