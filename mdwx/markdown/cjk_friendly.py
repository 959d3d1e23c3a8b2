"""CJK-friendly emphasis for markdown-it-py: ``**粗体。**后文`` and ``~~删除。~~后文`` work.

CommonMark decides whether ``*``, ``_`` or ``~~`` can open or close from the characters on
either side of the delimiter run (its *flanking* rules). Those rules assume words are
separated by spaces, so a run between full-width punctuation and a CJK letter
(``**症状特点：**头晕乏力``) can neither open nor close, and the asterisks are published as
text. The "CommonMark CJK-friendly amendments" change the two flanking definitions and the
``_`` rules so that CJK characters and CJK punctuation count as if there were a space:

    https://github.com/tats-u/markdown-cjk-friendly/blob/main/specification.md

This module implements that specification (Unicode 17 ranges) for markdown-it-py's
emphasis (``*``, ``_``) and strikethrough (``~~``, and ``~`` when the parser's
``strikethrough_single_tilde`` option is set) by giving them a CJK-friendly
``StateInline.scanDelims``. For text without CJK characters or variation selectors the result is
exactly CommonMark's. It imports nothing but markdown-it-py and can be used on its own::

    from markdown_it import MarkdownIt
    md = MarkdownIt("commonmark").enable("strikethrough").use(plugin)
    md.render("**症状特点：**头晕乏力。")  # '<p><strong>症状特点：</strong>头晕乏力。</p>\\n'
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from types import MethodType

from markdown_it import MarkdownIt
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace
from markdown_it.rules_inline.state_inline import Scanned, StateInline

__all__ = ["is_cjk", "plugin", "scan_delims"]

# The specification's "CJK character" (East Asian Width W, F or H and not a default emoji
# presentation character, or Hangul script), as inclusive code point ranges for Unicode 17.
# Taken from the specification's ranges.md, which computes them from the Unicode data files.
_CJK_RANGES = """
1100-11FF 20A9 2329-232A 2630-2637 268A-268F 2E80-2E99 2E9B-2EF3 2F00-2FD5 2FF0-303E
3041-3096 3099-30FF 3105-312F 3131-318E 3190-31E5 31EF-321E 3220-3247 3250-A48C A490-A4C6
A960-A97C AC00-D7A3 D7B0-D7C6 D7CB-D7FB F900-FAFF FE10-FE19 FE30-FE52 FE54-FE66 FE68-FE6B
FF01-FFBE FFC2-FFC7 FFCA-FFCF FFD2-FFD7 FFDA-FFDC FFE0-FFE6 FFE8-FFEE 16FE0-16FE4
16FF0-16FF6 17000-18CD5 18CFF-18D1E 18D80-18DF2 1AFF0-1AFF3 1AFF5-1AFFB 1AFFD-1AFFE
1B000-1B122 1B132 1B150-1B152 1B155 1B164-1B167 1B170-1B2FB 1D300-1D356 1D360-1D376 1F200
1F202 1F210-1F219 1F21B-1F22E 1F230-1F231 1F237 1F23B 1F240-1F248 1F260-1F265 20000-3FFFD
"""


def _parse_ranges(text: str) -> tuple[list[int], list[int]]:
    starts, ends = [], []
    for item in text.split():
        low, _, high = item.partition("-")
        starts.append(int(low, 16))
        ends.append(int(high or low, 16))
    return starts, ends


_STARTS, _ENDS = _parse_ranges(_CJK_RANGES)
_FIRST_CJK = _STARTS[0]
# Non-emoji general-use variation selectors (U+FE00..U+FE0E) may follow a base character;
# ideographic variation selectors (U+E0100..U+E01EF) follow ideographs.
_VS_LOW, _VS_HIGH = 0xFE00, 0xFE0E
_IVS_LOW, _IVS_HIGH = 0xE0100, 0xE01EF
# "CJK ambiguous punctuation sequences": quotation marks + U+FE01 select their full-width form.
_FULLWIDTH_SELECTOR = 0xFE01
_AMBIGUOUS_QUOTES = frozenset({0x2018, 0x2019, 0x201C, 0x201D})


def is_cjk(code: int) -> bool:
    """Whether the code point is a "CJK character" of the specification (Unicode 17)."""
    if code < _FIRST_CJK:
        return False
    index = bisect_right(_STARTS, code) - 1
    return index >= 0 and code <= _ENDS[index]


def _before(src: str, start: int) -> tuple[str, bool, bool]:
    """The character before a run, seen through a variation selector.

    Returns ``(base, cjk, ivs)``: ``base`` is the character before the run, or the one before
    a non-emoji variation selector (unless that is whitespace); ``cjk`` says whether ``base``
    starts a CJK sequence (a CJK character, or a quotation mark with the full-width selector);
    ``ivs`` whether the run follows an ideographic variation selector.
    """
    last = src[start - 1] if start > 0 else " "
    code = ord(last)
    if _VS_LOW <= code <= _VS_HIGH and start > 1:
        base = src[start - 2]
        if not isWhiteSpace(ord(base)):
            base_code = ord(base)
            ambiguous = code == _FULLWIDTH_SELECTOR and base_code in _AMBIGUOUS_QUOTES
            return base, ambiguous or is_cjk(base_code), False
    return last, is_cjk(code), _IVS_LOW <= code <= _IVS_HIGH


def scan_delims(state: StateInline, start: int, can_split_word: bool) -> Scanned:
    """``StateInline.scanDelims`` with the CJK-friendly flanking rules.

    ``start`` is the index of the run's first marker in ``state.src``; ``can_split_word``
    is True for ``*`` and ``~`` (a run may sit inside a word) and False for ``_``.
    Returns the run's length and whether it can open and close (a ``Scanned``).
    """
    src, maximum = state.src, state.posMax
    marker = src[start]
    pos = start
    while pos < maximum and src[pos] == marker:
        pos += 1
    next_char = src[pos] if pos < maximum else " "
    next_space = isWhiteSpace(ord(next_char))
    last_char = src[start - 1] if start > 0 else " "
    last_space = isWhiteSpace(ord(last_char))

    if last_space or next_space:  # CJK-ness cannot change anything next to whitespace
        last_punct = not last_space and (isMdAsciiPunct(ord(last_char)) or isPunctChar(last_char))
        next_punct = not next_space and (isMdAsciiPunct(ord(next_char)) or isPunctChar(next_char))
        left = not next_space and (not next_punct or last_space or last_punct)
        right = not last_space and (not last_punct or next_space or next_punct)
    else:
        last_code, next_code = ord(last_char), ord(next_char)
        if _VS_LOW <= last_code <= _VS_HIGH or _IVS_LOW <= last_code <= _IVS_HIGH:
            base, last_cjk, last_ivs = _before(src, start)
        else:  # the common case: no variation selector to look through
            base, last_cjk, last_ivs = (
                last_char,
                last_code >= _FIRST_CJK and is_cjk(last_code),
                False,
            )
        last_punct = isMdAsciiPunct(ord(base)) or isPunctChar(base)
        next_punct = isMdAsciiPunct(next_code) or isPunctChar(next_char)
        next_cjk = next_code >= _FIRST_CJK and is_cjk(next_code)
        # Only *non-CJK* punctuation blocks flanking; CJK characters count like a space.
        last_plain_punct = last_punct and not last_cjk
        next_plain_punct = next_punct and not next_cjk
        left = not next_plain_punct or last_plain_punct or last_cjk or last_ivs
        right = not last_plain_punct or next_plain_punct or next_cjk

    can_open = left and (can_split_word or not right or last_punct)
    can_close = right and (can_split_word or not left or next_punct)
    return Scanned(can_open, can_close, pos - start)


#: The inline rules that scan delimiter runs, with the characters that start a run.
DELIMITER_RULES = {"emphasis": "*_", "strikethrough": "~"}


def _with_cjk_scan(
    rule: Callable[[StateInline, bool], bool], markers: str
) -> Callable[[StateInline, bool], bool]:
    def cjk_friendly_rule(state: StateInline, silent: bool) -> bool:
        if state.src[state.pos] not in markers:  # the rule would refuse too: stay cheap
            return False
        if "scanDelims" not in state.__dict__:
            state.scanDelims = MethodType(scan_delims, state)  # type: ignore[method-assign]
        return rule(state, silent)

    return cjk_friendly_rule


def plugin(md: MarkdownIt) -> None:
    """Make emphasis and strikethrough follow the CJK-friendly flanking rules.

    markdown-it-py builds a plain ``StateInline`` for each inline run (there is no state
    class to subclass, as the JavaScript plugin does), so the rules named in
    ``DELIMITER_RULES`` are wrapped: at a delimiter character they bind :func:`scan_delims`
    as the state's ``scanDelims`` before running. Rules the parser lacks are skipped.
    """
    for rule in md.inline.ruler.__rules__:
        markers = DELIMITER_RULES.get(rule.name)
        if markers is not None:
            md.inline.ruler.at(rule.name, _with_cjk_scan(rule.fn, markers), {"alt": rule.alt})
