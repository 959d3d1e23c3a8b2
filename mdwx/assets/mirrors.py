"""Which ``[mirrors]`` prefix claims a picture's URL, and which file of its folder that names.

URLs are compared as a browser (and :mod:`mdwx.assets.fetch`) would fetch them, not as text:
the scheme and host are case-insensitive (``HTTPS://CDN.example.com`` is
``https://cdn.example.com``), a default port is no port, ``//host/x`` is https, dot segments
are resolved (RFC 3986 section 5.2.4) and the path is percent-decoded once — markdown-it
hands ``![b](https://x/图片.png)`` over as ``…/%E5%9B%BE%E7%89%87.png``, and the copy is
``图片.png``. A prefix ends at a path segment: ``…/images`` claims ``…/images/x.png``, not
``…/images2/x.png``. A URL whose text starts in a prefix but whose ``..`` lead out of it is
refused rather than fetched behind the mirror's back. See docs/reliability.md.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from mdwx.errors import AssetError
from mdwx.urls import redact

if TYPE_CHECKING:
    from mdwx.config import SiteConfig

_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class MirrorClaim:
    """A URL a prefix claims: the prefix as mdwx.toml writes it, and the copy's path relative
    to the site root (decoded, ``/``-separated, never climbing: ``static/img/图片.png``)."""

    prefix: str
    written: str


@dataclass(frozen=True)
class _Place:
    """A URL as fetched: normalised origin and decoded path segments (no dot segments)."""

    origin: str
    segments: tuple[str, ...]
    climbed: tuple[str, ...]  # the segments before dot segments were resolved


def _place(url: str) -> _Place | None:
    """``url`` as fetched, or None when it is no http(s) URL with a host (never mirrored)."""
    if url.startswith("//"):
        url = "https:" + url
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    origin = f"{scheme}://{parts.hostname.lower()}"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        origin += f":{port}"
    try:
        path = unquote(parts.path, errors="strict")
    except UnicodeDecodeError:
        raise AssetError(
            f"{redact(url)}: its path is percent-encoded bytes that are not UTF-8",
            hint="name the copy in UTF-8 and write its URL so",
        ) from None
    written = tuple(segment for segment in path.split("/") if segment not in ("", "."))
    return _Place(origin, _resolve_dots(path), written)


def _resolve_dots(path: str) -> tuple[str, ...]:
    """The segments of ``path`` after RFC 3986's remove_dot_segments (``..`` above the root
    stays at the root, as browsers do)."""
    kept: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if kept:
                kept.pop()
        elif segment not in ("", "."):
            kept.append(segment)
    return tuple(kept)


def _within(segments: tuple[str, ...], prefix: tuple[str, ...]) -> bool:
    return segments[: len(prefix)] == prefix


def mirror_claim(mirrors: dict[str, str], url: str) -> MirrorClaim | None:
    """The ``[mirrors]`` entry claiming ``url`` (the longest prefix, by path segments), or
    None when none does: then the URL is fetched.

    Raises :class:`AssetError` (without a place) when the URL's text starts in a prefix but
    its dot segments lead out of it, or its path holds a NUL or non-UTF-8 percent-encoding.
    """
    place = _place(url)
    if place is None:
        return None
    best: tuple[int, str, _Place] | None = None
    escaped: str | None = None
    for prefix in mirrors:
        claimed = _place(prefix)
        if claimed is None or claimed.origin != place.origin:
            continue
        if _within(place.segments, claimed.segments):
            if best is None or len(claimed.segments) > best[0]:
                best = (len(claimed.segments), prefix, claimed)
        elif _within(place.climbed, claimed.segments):
            escaped = prefix
    if best is None:
        if escaped is not None:
            raise AssetError(
                f"{redact(url)}: its '..' segments lead out of the [mirrors] prefix "
                f'"{redact(escaped)}" (to /{"/".join(place.segments)})',
                hint="write the picture's URL without '..'",
            )
        return None
    _, prefix, claimed = best
    rest = place.segments[len(claimed.segments) :]
    if any("\0" in segment for segment in rest):
        raise AssetError(f"{redact(url)}: its path holds a NUL character")
    folder = posixpath.normpath(mirrors[prefix].replace("\\", "/"))
    written = posixpath.join(*(() if folder == "." else (folder,)), *rest) if rest else folder
    return MirrorClaim(prefix, written)


def mirrored(config: SiteConfig, url: str) -> Path | None:
    """The site's copy of a remote URL per its ``mirrors`` table (the longest prefix that
    claims ``url``, compared as fetched: :func:`mirror_claim`), or None when no
    prefix does: then the URL is fetched.

    The one rule of check, build, preview and publish alike: a URL a prefix claims is never
    fetched, so its copy must be a file inside the site; :class:`AssetError` (without a
    place: the caller adds the post and line) says which file is missing or outside.
    """
    claim = mirror_claim(config.mirrors, url)
    if claim is None:
        return None
    prefix, shown = claim.prefix, claim.written
    written = Path(shown)
    candidate = (config.root / written).resolve()
    if not candidate.is_relative_to(os.path.realpath(config.root)):
        raise AssetError(
            f"{redact(url)}: [mirrors] holds it at {shown}, which is outside the site",
            hint=f'keep the copy inside the site, or take "{prefix}" out of [mirrors]',
        )
    if not candidate.is_file():
        raise AssetError(
            f"{redact(url)}: [mirrors] holds it at {shown}, which is not in the site",
            hint=f'add {shown}, or take "{prefix}" out of [mirrors] to fetch the URL',
        )
    return candidate
