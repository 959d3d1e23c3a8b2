"""CSS functions that make a browser fetch something: ``url()`` and its relatives.

``url()`` is not the only way CSS loads a picture: ``image-set('https://…' 1x)`` (and its
``-webkit-`` form) takes plain strings as URLs, ``image()``, ``cross-fade()`` and ``src()``
take strings or ``url()``s, and ``element()`` points at other content. A filter looking only
for ``url(`` lets the others through, so the preview would fetch remote hosts and WeChat
would strip them anyway. Raw HTML styles, themes and SVG styles all ask this module whether
a value loads anything (see docs/themes.md).
"""

from __future__ import annotations

import re

#: Functions whose arguments are (or may be) something to load. A name that merely ends in
#: one (``-webkit-image-set``, ``-moz-element``) counts: better a declaration too many
#: refused than a vendor prefix let through.
RESOURCE_FUNCTIONS = ("url", "src", "image", "image-set", "cross-fade", "element")
_FUNCTION = re.compile(r"(?:image-set|cross-fade|element|image|url|src)\s*\(", re.I)
_COMMENT = re.compile(r"/\*.*?(?:\*/|$)", re.S)
_STRING = re.compile(r"\"([^\"]*)\"?|'([^']*)'?")
_URL_ARG = re.compile(r"url\(\s*([^\"')\s][^)\s]*)", re.I)


def _without_comments(value: str) -> str:
    # Removed, not blanked: ``ima/**/ge-set(`` is no function to a browser, but would be
    # one to any step that later strips comments.
    return _COMMENT.sub("", value)


def loads_resource(value: str) -> bool:
    """Whether the CSS ``value`` calls a function that may load a resource (any of
    :data:`RESOURCE_FUNCTIONS`, any case, vendor-prefixed or not)."""
    return _FUNCTION.search(_without_comments(value)) is not None


def resource_urls(value: str) -> list[str]:
    """The URLs a ``value`` calling a resource function may load: every string and unquoted
    ``url()`` argument in it, stripped (none when it calls no such function). The whole value
    is taken, not only the functions' arguments: linear, and a string beside a function is
    no less suspect."""
    text = _without_comments(value)
    if _FUNCTION.search(text) is None:
        return []
    found = [
        (m.group(1) if m.group(1) is not None else m.group(2)).strip()
        for m in _STRING.finditer(text)
    ]
    return found + [m.group(1).strip() for m in _URL_ARG.finditer(text)]
