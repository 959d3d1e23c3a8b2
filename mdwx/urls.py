"""What kind of reference a source or link is: remote URL, ``data:`` URI, other scheme, local.

One definition for every stage (render, check, resolve, config), so they agree on what is
fetched, what is decoded and what is read from the site. Prefixes are matched as written
(case-sensitive), as markdown-it hands them over.
"""

from __future__ import annotations

import re

#: ``scheme:`` at the start of a URL (RFC 3986 section 3.1); group 1 is the scheme.
URL_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
HTTP_PREFIXES = ("http://", "https://")
#: Fetched over the network: http(s) and protocol-relative ``//host/…`` references.
REMOTE_PREFIXES = (*HTTP_PREFIXES, "//")


def is_http_url(url: str) -> bool:
    """``http://…`` or ``https://…``."""
    return url.startswith(HTTP_PREFIXES)


def is_remote(source: str) -> bool:
    """A reference fetched over the network: http(s) or protocol-relative (``//host/…``)."""
    return source.startswith(REMOTE_PREFIXES)


def is_data_uri(source: str) -> bool:
    """A ``data:`` URI (RFC 2397): the bytes are in the reference itself."""
    return source.startswith("data:")


def is_local(source: str) -> bool:
    """Neither remote nor a ``data:`` URI: a path in the site."""
    return not (is_remote(source) or is_data_uri(source))


def url_scheme(url: str) -> str | None:
    """The scheme ``url`` starts with, as written (``"https"``, ``"C"``), or None."""
    match = URL_SCHEME.match(url)
    return match.group(1) if match else None
