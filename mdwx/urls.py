"""What kind of reference a source or link is: remote URL, ``data:`` URI, other scheme, local.

One definition for every stage (render, check, resolve, config), so they agree on what is
fetched, what is decoded and what is read from the site. Schemes are case-insensitive
(RFC 3986 section 3.1): ``HTTPS://cdn.example.com/x.png`` is fetched like its lower-case form.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

#: ``scheme:`` at the start of a URL (RFC 3986 section 3.1); group 1 is the scheme.
URL_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
HTTP_PREFIXES = ("http://", "https://")
#: Fetched over the network: http(s) and protocol-relative ``//host/…`` references.
REMOTE_PREFIXES = (*HTTP_PREFIXES, "//")


def is_http_url(url: str) -> bool:
    """``http://…`` or ``https://…``."""
    return url[:8].lower().startswith(HTTP_PREFIXES)


def is_remote(source: str) -> bool:
    """A reference fetched over the network: http(s) or protocol-relative (``//host/…``)."""
    return source[:8].lower().startswith(REMOTE_PREFIXES)


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


#: ``user:password@`` (or ``user@``) after a URL's ``scheme://`` (or a mistyped ``scheme:/``) or
#: ``//``: what :func:`redact` hides (up to the authority's last ``@``, as browsers and httpx split it).
_USERINFO = re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*:/{1,3}|(?<![\w:/])//)[^/?#\s]*@")


def redact(text: str) -> str:
    """``text`` with the userinfo of every URL in it replaced by ``***``.

    ``http://user:PASSWORD@host/x.png`` → ``http://***@host/x.png``. Every message that
    names a URL a user wrote prints it through here, so a password in a picture's URL (or
    a relay's) never reaches a terminal, a CI log or a JSON report.
    """
    return _USERINFO.sub(r"\1***@", text)


def http_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be an http(s) base URL (``"has no host"``), or None when it can.

    The URL must parse as RFC 3986 (``urllib.parse``) *and* as httpx parses it (what will
    send to it): scheme http or https, a host, a port from 1 to 65535 when given, no
    whitespace or control characters, no user name or password, query or fragment.
    """
    import httpx

    if not is_http_url(url):
        return "is not an http:// or https:// URL"
    if re.search(r"[\x00-\x20\x7f]", url):
        return "holds a space or control character"
    try:
        parts = urlsplit(url)
        port = parts.port
        parsed = httpx.URL(url)
    except (ValueError, httpx.InvalidURL) as exc:
        return f"is not a valid URL ({exc})"
    if not parts.hostname or not parsed.host:
        return "has no host"
    if port == 0:
        return "has port 0"
    if parts.username is not None or parts.password is not None:
        return "holds a user name or password (keep credentials out of URLs)"
    if parts.query or parts.fragment or url.endswith(("?", "#")):
        return "has a query or fragment (a base URL ends at its path)"
    return None
