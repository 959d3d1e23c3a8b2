"""Which CSS declarations may reach a WeChat article, judged on what a browser would read.

One rule for every way CSS gets into an article: a theme's declarations and custom
properties (when the theme is read, :mod:`mdwx.render.theme_css`), and every ``style``
attribute of the finished HTML, whatever put it there (theme after ``var()`` substitution,
raw HTML in the post, code colours; :mod:`mdwx.render.inline_css`). A value is judged after
what a browser undoes first: comments (``expr/**/ession(``), CSS escapes (``\\75 rl(`` is
``url(``), case, and whitespace or control characters a URL parser skips (``java\\9script:``).
Refused: script (``expression()``, ``javascript:``, ``vbscript:``, ``behavior``,
``-moz-binding``), ``@import``, and any function that loads something
(:mod:`mdwx.css_resources`) naming anything but a picture WeChat hosts (docs/themes.md).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from mdwx.css_resources import resource_urls

WECHAT_IMAGE_HOSTS = ("https://mmbiz.qpic.cn/", "http://mmbiz.qpic.cn/")
_COMMENT = re.compile(r"/\*.*?(?:\*/|$)", re.S)
_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})[ \t\n\r\f]?|(\n)|(.))", re.S)
_SKIPPED = re.compile(r"[\s\x00-\x1f\x7f]+")
_SCRIPT = ("expression(", "javascript:", "vbscript:", "@import", "-moz-binding", "behavior:")
_SCRIPT_PROPERTIES = ("behavior", "-moz-binding")


def _unescape(text: str) -> str:
    def character(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            code = int(match.group(1), 16)
            return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
        return "" if match.group(2) is not None else match.group(3)

    return _ESCAPE.sub(character, text)


def readings(text: str) -> tuple[str, ...]:
    """``text`` as a browser may read it: escapes decoded and comments removed, in both
    orders (a decoded ``\\2f*`` opens no comment, but a filter must not guess), lower case."""
    first = _unescape(_COMMENT.sub("", text)).lower()
    second = _COMMENT.sub("", _unescape(text)).lower()
    return (first,) if first == second else (first, second)


def refusal(prop: str, value: str) -> str | None:
    """Why the declaration ``prop: value`` may not reach an article, or None when it may.

    The reason is a short phrase for an error message ("no script", "WeChat shows only
    pictures it hosts")."""
    if any(name.strip() in _SCRIPT_PROPERTIES for name in readings(prop)):
        return "no script in CSS"
    for text in readings(value):
        if any(word in _SKIPPED.sub("", text) for word in _SCRIPT):
            return "no script in CSS"
        for url in resource_urls(text) + resource_urls(_SKIPPED.sub("", text)):
            if not _SKIPPED.sub("", url).startswith(WECHAT_IMAGE_HOSTS):
                return "WeChat shows only pictures it hosts"
    return None


def declarations(style: str) -> Iterator[str]:
    """The declarations of a ``style`` text, split at ``;`` outside strings and brackets
    (``url("a;b")`` is one), each as written. Linear in the text."""
    start, depth, quote, escaped = 0, 0, "", False
    for index, char in enumerate(style):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif char == ";" and depth == 0:
            yield style[start:index]
            start = index + 1
    yield style[start:]


def refused_in(style: str) -> bool:
    """Whether any declaration of ``style`` (plain CSS text) is refused."""
    return any(_refused_declaration(text) for text in declarations(style))


def _refused_declaration(text: str) -> bool:
    name, colon, value = text.partition(":")
    return refusal(name, value) is not None if colon else refusal("", text) is not None


def strip_refused(attribute: str) -> str:
    """The value of an HTML ``style`` attribute (entities as written) without its refused
    declarations; the very same string when none is refused."""
    style = html.unescape(attribute) if "&" in attribute else attribute
    kept = [text for text in declarations(style) if not _refused_declaration(text)]
    if len(kept) == len(list(declarations(style))):
        return attribute
    joined = ";".join(text.strip() for text in kept if text.strip())
    return joined.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
