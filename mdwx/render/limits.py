"""WeChat's content limits, checked before anything is sent.

WeChat counts the whole HTML string, tags included: under 20,000 characters (code points)
and under 1 MB. When a post is over, the message names the largest top-level block, which
is usually the one to split or shorten.
"""

from __future__ import annotations

import re
from html import unescape

from mdwx.config import Limits

_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^>]*?(/?)>")
_VOID = frozenset({"br", "hr", "img", "col", "input", "meta", "link", "wbr", "source"})
_KINDS = {"section": "block", "p": "paragraph", "table": "table", "blockquote": "quote",
          "ul": "list", "ol": "list", "iframe": "video", "mp-miniprogram": "mini-program card"}


def top_level_blocks(html: str) -> list[tuple[str, str]]:
    """(tag, outer HTML) of each child of the root element (or of the fragment)."""
    blocks: list[tuple[str, str]] = []
    depth, start, name = 0, 0, ""
    root = 1 if re.match(r"\s*<section\b", html) and html.rstrip().endswith("</section>") else 0
    for match in _TAG.finditer(html):
        closing, tag = match.group(1), match.group(2).lower()
        if tag in _VOID or match.group(3):
            continue
        if not closing:
            depth += 1
            if depth == root + 1:
                start, name = match.start(), tag
        else:
            if depth == root + 1:
                blocks.append((name, html[start : match.end()]))
            depth -= 1
    return blocks


def describe(tag: str, block: str) -> str:
    """A human name for a block, e.g. "code block" or "table"."""
    if tag == "section" and "white-space:nowrap" in block[:400]:
        return "code block"
    if tag == "section" and "<table" in block[:200]:
        return "table"
    if tag == "section" and "<section" in block[8:200]:
        return "list or section"
    return _KINDS.get(tag, f"<{tag}> block")


def _largest(html: str) -> str:
    blocks = top_level_blocks(html)
    if not blocks:
        return ""
    index, (tag, block) = max(enumerate(blocks), key=lambda item: len(item[1][1]))
    text = unescape(re.sub(r"<br>", " ", re.sub(r"<(?!br>)[^>]*>", "", block))).split()
    start = " ".join(text)[:40]
    where = f"#{index + 1} of {len(blocks)}"
    return (f"; the largest block is the {describe(tag, block)} {where} "
            f"({len(block):,} characters), starting \"{start}\"")


def check_content(html: str, limits: Limits) -> list[str]:
    """Messages for each limit the content is over (empty when it fits)."""
    problems = []
    chars = len(html)
    if chars > limits.content_chars:
        problems.append(
            f"content is {chars:,} characters, {chars - limits.content_chars:,} over WeChat's "
            f"limit of {limits.content_chars:,}{_largest(html)}"
        )
    size = len(html.encode("utf-8"))
    if size > limits.content_bytes:
        problems.append(
            f"content is {size:,} bytes, {size - limits.content_bytes:,} over the limit of "
            f"{limits.content_bytes:,}{_largest(html) if not problems else ''}"
        )
    return problems
