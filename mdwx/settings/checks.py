"""The checks of settings whose good values no table of choices or bounds can list.

Each takes the value (already of its kind) and the setting's name, and answers a
:class:`~mdwx.settings.declare.Problem` or None; :func:`mdwx.settings.declare.setting`
attaches one to its setting with ``check=``.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from functools import lru_cache
from pathlib import PurePath, PureWindowsPath
from typing import Any

from mdwx.diagnostics import unknown_code
from mdwx.settings.declare import Problem
from mdwx.urls import http_url_problem, redact

#: WeChat's own API host, the default ``api_base``.
DEFAULT_API_BASE = "https://api.weixin.qq.com"


def code_style(value: str, name: str) -> Problem | None:
    """A Pygments style name ("" is the theme's own)."""
    if not value:
        return None
    # Pygments is imported only when a site names a style: most of an offline start-up.
    from mdwx import pygments_plugins

    pygments_plugins.install()
    from pygments.styles import get_all_styles, get_style_by_name
    from pygments.util import ClassNotFound

    try:
        get_style_by_name(value)
    except ClassNotFound:
        return Problem(
            f"code_style {value!r} is not a Pygments style",
            "one of: " + ", ".join(sorted(get_all_styles())),
        )
    return None


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


def timezone(value: str, name: str) -> Problem | None:
    """An IANA zone name ("" is the machine's)."""
    problem = zone_problem(value) if value else None
    return Problem(problem, 'an IANA name such as "Asia/Shanghai" or "UTC"') if problem else None


def state_export(value: str | None, name: str) -> Problem | None:
    """A ``.jsonl`` path inside the site: the export is rewritten on every run, so a name
    ending otherwise could be the state database itself, the sandbox's, or any other file."""
    if value is None:
        return None
    if not value.strip() or PurePath(value).is_absolute() or ".." in PurePath(value).parts:
        return Problem(f'{name} must be a path inside the site, e.g. ".mdwx/state.jsonl"')
    if not value.endswith(".jsonl"):
        return Problem(
            f"{name} must name a .jsonl export, not {value!r}",
            f'e.g. {name} = ".mdwx/state.jsonl"',
        )
    return None


def warning_codes(value: tuple[str, ...], name: str) -> Problem | None:
    """Codes of warnings mdwx reports (``mdwx.diagnostics.CODES``)."""
    for code in value:
        problem = unknown_code(code)
        if problem:
            return Problem(
                f"[warnings] ignore: {problem}", "the codes are listed in docs/diagnostics.md"
            )
    return None


def api_base(value: str, name: str) -> Problem | None:
    """An http(s) base URL."""
    # The default needs no parse: parsing imports httpx, most of an offline command's start-up.
    problem = None if value == DEFAULT_API_BASE else http_url_problem(value)
    if problem:
        return Problem(
            f"{name} {redact(value)!r} {problem}",
            "an http(s) base URL such as https://api.weixin.qq.com",
        )
    return None


def mirrors(value: dict[str, Any], name: str) -> Problem | None:
    """Every key an http(s) URL prefix, every value a folder inside the site (relative, no
    ``..``): a copy outside it would never be read, and its URL never fetched."""
    for prefix, folder in value.items():
        problem = http_url_problem(prefix)
        if problem:
            return Problem(
                f"{name} key {redact(prefix)!r} {problem}",
                '"https://cdn.example.com/images/" = "static/images"',
                key=prefix,
            )
        if "\0" in folder or _escapes_site(folder):
            return Problem(
                f"{name}: {redact(prefix)!r} = {folder[:80]!r} is not a folder inside the site",
                'a folder relative to the site root, e.g. "static/images/"',
                key=prefix,
            )
    return None


def _escapes_site(value: str) -> bool:
    """Whether a path written in mdwx.toml leaves the site however the site lies: absolute,
    a drive, or climbing above the root with ``..`` (what links inside do is the reader's)."""
    written = PurePath(value)
    climbs = posixpath.normpath(value.replace("\\", "/")).split("/")[0] == ".."
    return written.is_absolute() or bool(PureWindowsPath(value).drive) or climbs


def site_path(value: str | None, name: str) -> Problem | None:
    """A file of the site (a template, a cover), written relative to its root: one outside
    it is refused where it is written, not at each post that would read it. A URL (a cover
    on the web) is not a path."""
    if not value or "://" in value or value.startswith("data:"):
        return None
    if _escapes_site(value):
        return Problem(
            f"{name} {value[:200]!r} is outside the site",
            "give a path inside the site, relative to its root (mdwx reads no file outside it)",
        )
    return None


def picture_path(value: str | None, name: str) -> Problem | None:
    """A picture of the site, or a URL: as for a post's pictures, a leading ``/`` is the
    site's root (static site generators' way), so only a path climbing out is refused."""
    problem = site_path(value.lstrip("/") if value else value, name)
    return problem._replace(message=f"{name} {value!r} is outside the site") if problem else None


def theme_path(value: str, name: str) -> Problem | None:
    """A built-in theme's name, or a ``.css`` file of the site (:func:`site_path`)."""
    if "/" in value or "\\" in value or value.endswith(".css"):
        return site_path(value, name)
    return None
