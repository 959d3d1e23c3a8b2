"""Which tags of a name WeChat cannot show are markup, and which are a name written in prose.

``使用 List<String> 保存数据，<T> 是类型参数`` holds two tags by CommonMark's syntax, and an
element mdwx does not keep (``<String>``, ``<T>``, ``<Pod>``, ``<meta>``, ``<font>``…) loses
its tags, never its text. A tag that is not part of an element would vanish with it, so it
is an element only when it is one by GFM's rule: an opening and its closing tag in the same
inline span (paragraph, heading, table cell) or HTML block, or a void element written as
markup (``<input type="checkbox">``, or any void tag in an HTML block). In an HTML block a
name HTML defines, a tag with attributes or one alone on its line is markup as written
(``<details>`` opens one block, ``</details>`` closes a later one); any other tag there,
and any unpaired tag in a span, shows as text with an ``unclosed-hidden`` warning at its
line (see :mod:`.raw_html`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from markdown_it.common.html_blocks import block_names


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Elements with no content and no closing tag (HTML's void elements).
VOID = _words("area base br col embed hr img input link meta source track wbr param keygen")
#: Names HTML defines that CommonMark's block names leave out (phrasing content, forms…).
_PHRASING = _words(
    "a abbr b bdi bdo big button canvas cite code data datalist del dfn em font i img input "
    "ins kbd label map mark meter noscript object output picture progress q ruby rp rt s "
    "samp script select slot small span strike strong sub sup template textarea time tt u "
    "var video audio wbr xmp applet math svg iframe embed acronym blink marquee nobr image"
)
KNOWN = frozenset(block_names) | _PHRASING | VOID


def paired_offsets(tags: Iterable[tuple[int, bool, str]]) -> set[int]:
    """The offsets of the tags that pair with one of the same name, like brackets.

    ``tags`` gives each tag's offset, whether it is a closing tag, and its lower-case name,
    in document order (self-closing tags left out). Linear in the number of tags.
    """
    open_at: dict[str, list[int]] = {}
    paired: set[int] = set()
    for offset, closing, name in tags:
        if not closing:
            open_at.setdefault(name, []).append(offset)
        elif open_at.get(name):
            paired.add(open_at[name].pop())
            paired.add(offset)
    return paired


_HAS_ATTRIBUTE = re.compile(r"\s+[^\s/>]")


def is_markup(name: str, tag: str, *, paired: bool, in_block: bool, alone: bool) -> bool:
    """Whether the tag ``tag`` (as written) of lower-case ``name`` is part of an element.

    ``paired`` says whether a tag of the same name closes or opens it in its span or block;
    ``in_block`` whether the tag stands in an HTML block rather than an inline span, and
    ``alone`` whether it is all of its line there (``<Listing number="1-2">`` opening an HTML
    block that a later ``</Listing>`` block closes).
    """
    if paired:
        return True
    attributes = tag.endswith("/>") or _HAS_ATTRIBUTE.search(tag) is not None
    if name in VOID:
        return in_block or attributes
    return in_block and (name in KNOWN or attributes or alone)


def alone_on_line(html: str, start: int, end: int) -> bool:
    """Whether only spaces stand between ``html[start:end]`` and its line's ends (each run
    of spaces is read by the tags on either side of it only: linear)."""
    before = start
    while before > 0 and html[before - 1] in " \t":
        before -= 1
    after = end
    while after < len(html) and html[after] in " \t\r":
        after += 1
    return (before == 0 or html[before - 1] == "\n") and (after == len(html) or html[after] == "\n")
