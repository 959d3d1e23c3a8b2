"""Text from elsewhere made safe for a terminal: comments, nicknames, titles and error
messages come from WeChat and its readers, and a terminal obeys what they may hide.

:func:`printable` replaces every C0 and C1 control character but newline and tab (ESC starts
CSI/OSC sequences that move the cursor, rewrite the title or the clipboard; CR and backspace
overwrite what was printed; BEL rings) and the Unicode bidi controls (the embeddings,
overrides and isolates U+202A–U+202E, U+2066–U+2069 and the marks U+200E, U+200F, U+061C,
which reorder what follows or around them) with a visible escape such as
``\\x1b`` or ``\\u202e``: the reader sees that something was there, and the terminal
receives only printable text — also when the output is piped into a file or a pager.

:func:`one_line` is :func:`printable` for a single-line field (a comment, a title, a row of
a listing): newline, carriage return and tab are escaped too (``\\n``), so a reader's comment
cannot print a second line that looks like mdwx's own (``mdwx: error: …``).

:func:`json_text` is ``json.dumps`` for the CLI's ``--json``: ``json.dumps`` escapes C0 but,
with ``ensure_ascii=False`` (kept so Chinese stays readable), not DEL, C1 or the bidi
controls; they are escaped here as ``\\uXXXX``, which JSON readers decode to the same text.
"""

from __future__ import annotations

import json
import re
from typing import Any

#: The bidi controls: embeddings and overrides, isolates, and the marks LRM, RLM and ALM.
_BIDI = "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
#: Every character :func:`printable` escapes: C0 but \\t and \\n, DEL, C1, bidi controls.
UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")
#: Every character :func:`one_line` escapes: all of C0, DEL, C1, bidi controls, and the
#: line and paragraph separators U+2028, U+2029 (which some terminals and pagers break on).
LINE_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _escape_in_line(match: re.Match[str]) -> str:
    return _NAMED.get(match.group()) or _escape(match)


def printable(text: str) -> str:
    """``text`` with every control character but ``\\n`` and ``\\t`` (and every bidi
    control) replaced by a visible escape (``\\x1b``, ``\\u202e``); other text unchanged."""
    return UNSAFE.sub(_escape, text)


def one_line(text: str) -> str:
    """``text`` as one printable line: every control character (``\\n``, ``\\r`` and ``\\t``
    included) and every bidi control replaced by a visible escape; other text unchanged."""
    return LINE_UNSAFE.sub(_escape_in_line, text)


def json_text(document: Any, *, indent: int | None = 2) -> str:
    """``document`` as JSON (UTF-8 text kept readable) with no raw control character."""
    text = json.dumps(document, ensure_ascii=False, indent=indent)
    # json.dumps already wrote C0 as \\uXXXX; what remains can only sit inside strings.
    return UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
