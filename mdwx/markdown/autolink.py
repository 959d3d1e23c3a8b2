"""Bare URLs and e-mail addresses in Chinese text: where GFM's autolink rules fall short.

GFM recognises a bare ``https://…``, ``www.…`` or ``name@host`` only after a space or one of
``*_~(``, and runs it to the next space. Chinese has no spaces between words, so
``博客：https://a.example.com/x，欢迎`` got no link at all, and a URL followed by full-width
punctuation would swallow it. Here a bare URL may also start right after a wide character
(CJK text, full-width punctuation: East Asian Width W or F) and ends before wide punctuation.

``first_last@example.com`` lost ``first_``: markdown-it's emphasis rule takes the ``_`` as a
delimiter token and flushes the text before it, so the autolink plugin's e-mail rule, which
looks back only at the pending text, sees ``last``. An underscore run between letters or
digits can neither open nor close emphasis, so keeping it as pending text when it is part of
an address changes nothing else.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.gfm_autolink._match import check_prev, match_any_email, match_http, match_www

from mdwx.markdown.bounded import MAX_AUTOLINK

_PROTOCOL = re.compile(r"(https?|mailto|xmpp)$")
_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.+-_")
_UNDERSCORED_LOCAL = re.compile(r"_+[A-Za-z0-9][A-Za-z0-9.+\-_]*(?=@)")


def is_wide(char: str) -> bool:
    """A character of East Asian Width wide or full-width (CJK text and punctuation)."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def _wide_punctuation(char: str) -> bool:
    return is_wide(char) and unicodedata.category(char)[0] in "PS"


def _local_part(pending: str) -> str:
    """The e-mail local-part characters at the end of ``pending``."""
    count = 0
    for char in reversed(pending):
        if char not in _LOCAL_CHARS:
            break
        count += 1
    return pending[len(pending) - count :]


def _may_start(state: StateInline, start: int) -> bool:
    """GFM's rule for what may precede a bare link, plus wide characters."""
    return start <= 0 or check_prev(state.src[start - 1]) or is_wide(state.src[start - 1])


#: Whitespace, or a character of the ranges where wide punctuation lives (checked one by one).
_STOP_CANDIDATE = re.compile("[\\s\u1100-\U0001ffff]")
_SPACE = re.compile(r"\s")


@cache
def _stops(char: str) -> bool:
    """Whitespace or wide punctuation: the characters a bare link never runs over (from the
    Unicode data of the Python running, so it follows the tables exactly)."""
    return _SPACE.match(char) is not None or _wide_punctuation(char)


def _end(state: StateInline) -> int:
    """Where a bare link must end at the latest: the next whitespace or wide punctuation,
    at most ``MAX_AUTOLINK`` characters on (longer stays text, as in :mod:`.bounded`).

    Candidates are found by a small character class and judged one by one: a class of every
    wide punctuation character took a scan of the Unicode tables per process (0.1 s)."""
    limit = min(state.posMax, state.pos + MAX_AUTOLINK + 1)
    for found in _STOP_CANDIDATE.finditer(state.src, state.pos, limit):
        if _stops(found.group()):
            return found.start()
    return limit


def _push_link(state: StateInline, url: str, text: str, back: int, length: int) -> bool:
    """Emit the link as the GFM plugin does; ``back`` characters of pending text are its start."""
    href = state.md.normalizeLink(url)
    if not state.md.validateLink(href):
        return False
    if back:
        state.pending = state.pending[:-back]
    token = state.push("link_open", "a", 1)
    token.attrs = {"href": href}
    token.markup, token.info = "autolink", "auto"
    token = state.push("text", "", 0)
    token.content = state.md.normalizeLinkText(text)
    token = state.push("link_close", "a", -1)
    token.markup, token.info = "autolink", "auto"
    state.pos += length - back
    return True


def _protocol(state: StateInline, silent: bool) -> bool:
    """``http(s)://…``, ``mailto:…``, ``xmpp:…`` (trigger ``:``; the scheme is pending text)."""
    if silent or state.linkLevel > 0 or state.src[state.pos] != ":":
        return False
    found = _PROTOCOL.search(state.pending)
    if found is None or not _may_start(state, state.pos - len(found.group(1))):
        return False
    scheme = found.group(1)
    text = scheme + state.src[state.pos : _end(state)]
    matched = (
        match_http(text)
        if scheme.startswith("http")
        else match_any_email(text, len(scheme) + 1, scheme)
    )
    return matched is not None and _push_link(
        state, matched[0], text[: matched[1]], len(scheme), matched[1]
    )


def _www(state: StateInline, silent: bool) -> bool:
    """``www.…`` (trigger ``w``)."""
    if (
        silent
        or state.linkLevel > 0
        or not state.src.startswith("www.", state.pos)
        or not _may_start(state, state.pos)
    ):
        return False
    matched = match_www(state.src[state.pos : _end(state)])
    return matched is not None and _push_link(
        state, matched[0], state.src[state.pos : state.pos + matched[1]], 0, matched[1]
    )


def _email(state: StateInline, silent: bool) -> bool:
    """``name@host`` (trigger ``@``; the local part is pending text)."""
    if silent or state.linkLevel > 0 or state.src[state.pos] != "@":
        return False
    local = _local_part(state.pending)
    if not local or not _may_start(state, state.pos - len(local)):
        return False
    text = local + state.src[state.pos : _end(state)]
    matched = match_any_email(text, 0, None)
    return matched is not None and _push_link(
        state, matched[0], text[: matched[1]], len(local), matched[1]
    )


def _underscored_local_part(state: StateInline, silent: bool) -> bool:
    """Keep ``_last`` of ``first_last@host`` as text so the e-mail rule sees the whole name."""
    if (
        state.linkLevel > 0
        or not state.pending
        or not state.pending[-1].isascii()
        or not state.pending[-1].isalnum()
    ):
        return False
    run = _UNDERSCORED_LOCAL.match(state.src, state.pos, state.posMax)
    if run is None:
        return False
    local = _local_part(state.pending) + run.group()
    if match_any_email(local + state.src[run.end() : state.posMax], 0, None) is None:
        return False
    if not silent:
        state.pending += run.group()
    state.pos = run.end()
    return True


def autolink_plugin(md: MarkdownIt) -> None:
    """Put the rules above in place of the GFM autolink plugin's (which must be used first).

    The plugin's matchers (domain checks, trailing punctuation) are kept; only where a bare
    link may start and end, and the e-mail's local part, change.
    """
    md.inline.ruler.before("emphasis", "email_underscored_local", _underscored_local_part)
    md.inline.ruler.at("gfm_autolink_www", _www)
    md.inline.ruler.at("gfm_autolink_protocol", _protocol)
    md.inline.ruler.at("gfm_autolink_email", _email)
