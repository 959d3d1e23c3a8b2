"""Text from elsewhere made safe for a terminal: comments, nicknames, titles and error
messages come from WeChat and its readers, and a terminal obeys what they may hide.

:func:`printable` replaces every C0 and C1 control character but newline and tab (ESC starts
CSI/OSC sequences that move the cursor, rewrite the title or the clipboard; CR and backspace
overwrite what was printed; BEL rings) and the Unicode bidi overrides and isolates
(U+202A–U+202E, U+2066–U+2069, which reorder what follows) with a visible escape such as
``\\x1b`` or ``\\u202e``: the reader sees that something was there, and the terminal
receives only printable text — also when the output is piped into a file or a pager.

:func:`json_text` is ``json.dumps`` for the CLI's ``--json``: ``json.dumps`` escapes C0 but,
with ``ensure_ascii=False`` (kept so Chinese stays readable), not DEL, C1 or the bidi
controls; they are escaped here as ``\\uXXXX``, which JSON readers decode to the same text.
"""

from __future__ import annotations

import json
import re
from typing import Any

#: Every character :func:`printable` escapes: C0 but \\t and \\n, DEL, C1, bidi controls.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control character but ``\\n`` and ``\\t`` (and every bidi
    override) replaced by a visible escape (``\\x1b``, ``\\u202e``); other text unchanged."""
    return UNSAFE.sub(_escape, text)


def json_text(document: Any, *, indent: int | None = 2) -> str:
    """``document`` as JSON (UTF-8 text kept readable) with no raw control character."""
    text = json.dumps(document, ensure_ascii=False, indent=indent)
    # json.dumps already wrote C0 as \\uXXXX; what remains can only sit inside strings.
    return UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
