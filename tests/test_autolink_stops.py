"""A bare link stops where it always did: at whitespace or wide punctuation, any code point.

:func:`mdwx.markdown.autolink._end` finds candidates with a small class and judges each, instead
of building, once per process, a class of every wide punctuation character (issue 19: 0.1 s
of CPU on the first bare link of every run). Checked here against that class, built as it was.
"""

from __future__ import annotations

import re

from mdwx.markdown.autolink import _STOP_CANDIDATE, _stops, _wide_punctuation


def test_every_code_point_stops_a_bare_link_exactly_as_the_full_class_says() -> None:
    wide = "".join(
        re.escape(chr(code)) for code in range(0x1100, 0x20000) if _wide_punctuation(chr(code))
    )
    full = re.compile(f"[\\s{wide}]")
    # Past U+1FFFF neither class holds anything (no whitespace, no wide punctuation there).
    codes = [*range(0x20000), 0x20000, 0x2A6DF, 0x30000, 0xE0020, 0x10FFFF]
    differ = [
        hex(code)
        for code in codes
        if bool(full.match(chr(code)))
        != bool(_STOP_CANDIDATE.match(chr(code)) and _stops(chr(code)))
    ]
    assert differ == []
