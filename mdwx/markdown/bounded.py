"""Linear-time guards for the inline rules that rescan the rest of the text at each position.

markdown-it-py and its plugins have a few rules whose work at one position grows with the
length of what follows, so some inputs take quadratic time (a post of a million ``<`` took
24 s, two million over two minutes):

- GFM autolinks (``mdit_py_plugins.gfm_autolink``): the protocol rule copies the rest of
  the text at *every* terminator character, the e-mail rule at every ``@``;
- attributes (``mdit_py_plugins.attrs``): copies the rest of the text after every image,
  code span or link, and reads the pending text at every terminator character;
- link labels (``markdown_it.helpers.parseLinkLabel``): each of ``[[[[…`` scans to the end.

``bounded_plugin`` wraps each of them so that the work per position is bounded: a bare URL
or e-mail domain runs to the next whitespace and at most ``MAX_AUTOLINK`` characters (a
longer one stays text), an attribute block is at most ``MAX_ATTRIBUTES`` characters, and a
link label nests at most ``MAX_LABEL_NESTING`` brackets deep (CommonMark sets no limit;
cmark and GitHub bound it too). Everything shorter parses exactly as before.

Blocks nested deeper than the parser's ``maxNesting`` (20 levels: ten nested lists, twenty
nested quotes) are skipped by markdown-it without a word; the plugin records the first line
of each skipped run in ``env[NESTING_KEY]`` (0-based lines) so the caller can warn.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from types import SimpleNamespace

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline

MAX_AUTOLINK = 4096
MAX_ATTRIBUTES = 4096
MAX_LABEL_NESTING = 32
_BREAK = re.compile(r"[\s<]")
_DOMAIN = re.compile(r"[A-Za-z0-9._-]*")
_PROTOCOLS = ("http", "https", "mailto", "xmpp")
_PENDING_TAIL = 16  # longer than any protocol name plus the character before it

NESTING_KEY = "too_deep_lines"

InlineRule = Callable[[StateInline, bool], bool]


def _with_max(state: StateInline, end: int, rule: InlineRule, silent: bool) -> bool:
    """Run ``rule`` with the state's end lowered to ``end`` (rules copy up to ``posMax``)."""
    maximum = state.posMax
    state.posMax = min(maximum, end)
    try:
        return rule(state, silent)
    finally:
        state.posMax = maximum


def _url_end(state: StateInline, pos: int) -> int:
    """Where a bare URL starting at ``pos`` must end at the latest: whitespace or ``<``.

    Cached on the state, so a run of many ``:`` without whitespace is searched once.
    """
    cached: tuple[int, int] | None = state.__dict__.get("_mdwx_url_end")
    if cached is not None and cached[0] <= pos <= cached[1]:
        return cached[1]
    match = _BREAK.search(state.src, pos, state.posMax)
    end = match.start() if match else state.posMax
    state.__dict__["_mdwx_url_end"] = (pos, end)
    return end


def _protocol(rule: InlineRule) -> InlineRule:
    def bounded_protocol(state: StateInline, silent: bool) -> bool:
        pos = state.pos
        if state.src[pos] != ":" or state.linkLevel > 0:
            return False
        end = _url_end(state, pos)
        if end - pos > MAX_AUTOLINK or not state.pending.endswith(_PROTOCOLS):
            return False
        if state.pending.endswith(("http", "https")) and not state.src.startswith("//", pos + 1):
            return False  # the rule would copy the rest of the URL's run only to fail
        # The rule searches the whole pending text for the protocol name: flush all but its
        # tail into a text token (adjacent text tokens are joined later), so it stays short.
        pending = state.pending
        if len(pending) > _PENDING_TAIL:
            state.pending = pending[:-_PENDING_TAIL]
            state.pushPending()
            state.pending = pending[-_PENDING_TAIL:]
        return _with_max(state, end, rule, silent)

    return bounded_protocol


def _email(rule: InlineRule) -> InlineRule:
    def bounded_email(state: StateInline, silent: bool) -> bool:
        pos = state.pos
        if state.src[pos] != "@" or state.linkLevel > 0:
            return False
        domain = _DOMAIN.match(state.src, pos + 1, min(state.posMax, pos + 2 + MAX_AUTOLINK))
        if domain is None or domain.end() - pos > MAX_AUTOLINK:
            return False
        return _with_max(state, domain.end() + 1, rule, silent)

    return bounded_email


def _attributes(rule: InlineRule) -> InlineRule:
    def bounded_attributes(state: StateInline, silent: bool) -> bool:
        pos = state.pos
        if state.src[pos] != "{" or not state.tokens:
            return False
        close = state.src.find("}", pos, pos + MAX_ATTRIBUTES)
        if close == -1:
            return False
        # The rule parses ``state.src[state.pos:]``: hand it only the attribute block.
        src, maximum = state.src, state.posMax
        state.src, state.pos, state.posMax = src[pos : close + 1], 0, close + 1 - pos
        try:
            return rule(state, silent)
        finally:
            state.src, state.posMax, state.pos = src, maximum, pos + state.pos

    return bounded_attributes


def parse_link_label(state: StateInline, start: int, disableNested: bool = False) -> int:
    """``markdown_it.helpers.parseLinkLabel`` giving up past ``MAX_LABEL_NESTING`` brackets.

    Returns the index of the label's closing ``]``, or -1 (no label here).
    """
    last_close = state.__dict__.get("_mdwx_last_close")
    if last_close is None:  # once per inline run: a run of ``[`` with no ``]`` after it
        last_close = state.__dict__["_mdwx_last_close"] = state.src.rfind("]", 0, state.posMax)
    if last_close < start:
        return -1
    old_pos = state.pos
    state.pos = start + 1
    level = 1
    label_end = -1
    while state.pos < state.posMax:
        marker = state.src[state.pos]
        if marker == "]":
            level -= 1
            if level == 0:
                label_end = state.pos
                break
        previous = state.pos
        state.md.inline.skipToken(state)
        if marker == "[":
            if previous == state.pos - 1:
                level += 1
                if level > MAX_LABEL_NESTING:
                    break
            elif disableNested:
                break
    state.pos = old_pos
    return label_end


_WRAPPERS: dict[str, Callable[[InlineRule], InlineRule]] = {
    "gfm_autolink_protocol": _protocol,
    "gfm_autolink_email": _email,
    "attr": _attributes,
}


def _record_too_deep(md: MarkdownIt) -> None:
    tokenize = md.block.tokenize

    def depth_checked_tokenize(state: StateBlock, startLine: int, endLine: int) -> None:
        if state.level >= state.md.options["maxNesting"]:
            line = state.skipEmptyLines(startLine)
            if line < endLine and state.sCount[line] >= state.blkIndent:
                state.env.setdefault(NESTING_KEY, []).append(line)
        tokenize(state, startLine, endLine)

    md.block.tokenize = depth_checked_tokenize  # type: ignore[method-assign]


def bounded_plugin(md: MarkdownIt) -> None:
    """Bound the per-position work of the rules named in the module docstring.

    Use after the plugins whose rules it wraps; rules that are absent are left alone.
    """
    _record_too_deep(md)
    for rule in md.inline.ruler.__rules__:
        wrapper = _WRAPPERS.get(rule.name)
        if wrapper is not None:
            md.inline.ruler.at(rule.name, wrapper(rule.fn), {"alt": rule.alt})
    helpers = md.helpers
    # A namespace of markdown-it's helpers with parseLinkLabel bounded (typed as the module).
    patched = SimpleNamespace(
        **{name: getattr(helpers, name) for name in dir(helpers) if not name.startswith("_")}
    )
    patched.parseLinkLabel = parse_link_label
    md.helpers = patched  # type: ignore[assignment]
