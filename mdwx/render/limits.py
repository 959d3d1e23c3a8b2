"""WeChat's content size limit, checked before anything is sent.

What WeChat enforces on ``content`` is a size in **bytes of UTF-8** (error 45002 ``content
size out of limit``): public live tests had 26,200 to 183,914 characters of styled HTML
accepted and read back intact, and a bisection placed the rejection between about 682 KB
and 691 KB of UTF-8 (see ``docs/limits.md``). The figure of 20,000 characters that circulates
is the editor's count of *visible text*, so it is only a warning here. When a post is over
the byte limit, the message names the largest top-level block, which is usually the one to
split or shorten.
"""

from __future__ import annotations

import re
from html import unescape

from mdwx.config_tables import Limits
from mdwx.html_scan import ANY_TAG, IN_TAG

_TAG = re.compile(rf"<(/?)([a-zA-Z][\w-]*){IN_TAG}?(/?)>")
_VOID = frozenset({"br", "hr", "img", "col", "input", "meta", "link", "wbr", "source"})
_KINDS = {
    "section": "block",
    "p": "paragraph",
    "table": "table",
    "blockquote": "quote",
    "ul": "list",
    "ol": "list",
    "iframe": "video",
    "mp-miniprogram": "mini-program card",
}
_ANY_TAG = ANY_TAG
# Tags at which a line (so a word) ends; any other tag (span, strong, code, sup…) sits inside
# a word, so a theme that colours a token differently does not change the text.
_BREAKING_TAG = re.compile(
    r"</?(?:address|article|aside|blockquote|br|dd|div|dl|dt|figcaption|figure|"
    r"footer|h[1-6]|header|hr|iframe|img|li|mp-miniprogram|ol|p|pre|section|"
    r"table|tbody|td|tfoot|th|thead|tr|ul|video)\b" + IN_TAG + ">",
    re.I,
)
_SPACE = re.compile(r"\s+")


def visible_text(html: str) -> str:
    """The text a reader sees: tags removed, entities decoded, each run of white space one space.

    ``<br>`` and block boundaries separate words like a space; inline tags separate nothing
    (``print(<span>'x'</span>)`` is ``print('x')``). Image ``alt`` text and
    attribute values are not visible and do not count.
    """
    return _SPACE.sub(" ", unescape(_ANY_TAG.sub("", _BREAKING_TAG.sub(" ", html)))).strip()


def text_chars(html: str) -> int:
    """Characters (code points) of :func:`visible_text`, spaces between words included."""
    return len(visible_text(html))


def content_bytes(html: str) -> int:
    """Size of the ``content`` field as WeChat receives it: bytes of UTF-8."""
    return len(html.encode("utf-8"))


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
    if (
        tag in ("section", "p") and "white-space:nowrap" in block[:400]
    ):  # a text-only block is a <p>
        return "code block"
    if tag == "section" and "<table" in block[:200]:
        return "table"
    if tag == "section" and ("<section" in block[8:200] or "<p" in block[8:200]):
        return "list or section"
    return _KINDS.get(tag, f"<{tag}> block")


def _largest(html: str) -> str:
    blocks = top_level_blocks(html)
    if not blocks:
        return ""
    index, (tag, block) = max(enumerate(blocks), key=lambda item: content_bytes(item[1][1]))
    start = visible_text(block)[:40]
    where = f"#{index + 1} of {len(blocks)}"
    return (
        f"; the largest block is the {describe(tag, block)} {where} "
        f'({content_bytes(block):,} bytes), starting "{start}"'
    )


def check_content(html: str, limits: Limits) -> list[str]:
    """Messages for each *hard* limit the content is over (empty when it fits).

    The only hard limit is ``limits.content_bytes``, bytes of UTF-8 of the whole ``content``
    HTML (WeChat answers 45002 above it). See :func:`text_warning` for the visible-text figure.
    """
    size = content_bytes(html)
    if size > limits.content_bytes:
        return [
            f"content is {size:,} bytes of UTF-8, {size - limits.content_bytes:,} over the limit "
            f"of {limits.content_bytes:,} (limits.content_bytes){_largest(html)}"
        ]
    return []


def text_warning(html: str | int, limits: Limits) -> str | None:
    """A warning when the visible text (the HTML, or its :func:`text_chars` count) is longer
    than ``limits.content_chars`` (0: never).

    WeChat's editor refuses to *save* an article of more than 20,000 characters of text; the
    API has been seen accepting longer ones, so this does not stop the post.
    """
    chars = html if isinstance(html, int) else text_chars(html)
    if limits.content_chars and chars > limits.content_chars:
        return (
            f"the text is {chars:,} characters, over {limits.content_chars:,} "
            "(limits.content_chars): WeChat's editor would refuse to save it if opened there; "
            "the API has accepted longer articles"
        )
    return None
