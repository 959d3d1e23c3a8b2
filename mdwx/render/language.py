"""Which language a post is written in, when neither it nor the site says: Chinese or English.

The preview's words, the ``[TOC]`` heading and callout titles follow it. A Chinese tech post
is full of Latin: code, URLs, identifiers (``GetModuleFileName``), English terms. Counting
Latin *letters* against Chinese *characters* weighs one identifier like a dozen Chinese
words, so such posts read as English. The measure here is words on both sides: a Han
character is about a word (a Chinese word is one or two of them), a Latin word is a run of
letters; and code (fenced, indented, inline), math, URLs, link targets and HTML tags are not
prose and are not counted at all.
"""

from __future__ import annotations

import re

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA_HANGUL = re.compile(r"[\u3040-\u30ff\uac00-\ud7af]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
# A fenced block: ``` or ~~~ (three or more) at the start of a line, to its closing fence or
# the end of the text (an unclosed fence runs to the end, as in CommonMark).
_FENCE = re.compile(
    r"^[ \t]{0,3}(?P<f>`{3,}|~{3,})[^\n]*(?:\n.*?)?"
    r"(?:\n[ \t]{0,3}(?P=f)[`~]*[ \t]*(?=\n|\Z)|\Z)",
    re.MULTILINE | re.DOTALL,
)
_DISPLAY_MATH = re.compile(r"\$\$.*?(?:\$\$|\Z)", re.DOTALL)
_NOT_PROSE = re.compile(
    r"(?P<tick>`+)[^\n]{1,1000}?(?P=tick)"  # inline code
    r"|\$[^$\n]{1,1000}\$"  # inline math
    r"|\]\([^)\n]{0,2000}\)"  # a link's or picture's target
    r"|<[A-Za-z/!][^<>\n]{0,2000}>"  # an HTML tag or autolink
    r"|\b(?:https?|ftp)://\S+|\bwww\.\S+"  # a bare URL
    r"|(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"  # an e-mail address
)
# An indented code block: lines indented four spaces (or a tab) after a blank line.
_INDENTED = re.compile(r"(?:^|\n)[ \t]*\n(?:(?: {4}|\t)[^\n]*(?:\n|\Z))+")


def prose(text: str) -> str:
    """``text`` without what is not prose: code, math, URLs, link targets and HTML tags."""
    text = _FENCE.sub("\n", text)
    text = _DISPLAY_MATH.sub(" ", text)
    text = _INDENTED.sub("\n\n", text)
    return _NOT_PROSE.sub(" ", text)


def detect_language(text: str) -> str:
    """``zh`` when the prose of ``text`` (Markdown) is mostly Chinese, else ``en``.

    "Mostly": at least as many Han characters as Latin words, and kana or hangul (Japanese,
    Korean) rarer than a fifth of the Han characters. Code, math, URLs, link targets and
    HTML tags do not count (see :func:`prose`).
    """
    words = prose(text)
    han = len(_HAN.findall(words))
    if not han or len(_KANA_HANGUL.findall(words)) * 5 > han:
        return "en"
    return "zh" if han >= len(_LATIN_WORD.findall(words)) else "en"
