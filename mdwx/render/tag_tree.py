"""The element tree of rendered HTML — names, ``style`` attributes, offsets — in one regex pass.

Dark mode (:mod:`.darkmode`) needs only which element holds which, each one's ``style`` and
where its start tag begins. Building that with BeautifulSoup over ``html.parser`` cost about
half of a ``mdwx build`` (issue 19): a Python object per tag, every attribute decoded, every
text node kept. mdwx's own output is regular — start tags ``<name attr="value" …>``, matching
end tags, no comments or scripts — so :func:`element_tree` reads it with two patterns and a
stack, and returns ``None`` for anything outside that shape (a comment, a ``<!``/``<?``
declaration, an unquoted attribute, an end tag that closes anything but the innermost open
element, a raw-text element such as ``<style>`` with markup inside, …). The caller then
builds the same tree with BeautifulSoup (:func:`soup_tree`), so the two agree by
construction: on input :func:`element_tree` accepts, it gives exactly the tree ``html.parser``
gives (tests/test_tag_tree.py checks that as a property over generated markup).
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any

#: Elements ``html.parser``'s tree builder closes at once (BeautifulSoup's empty elements).
VOID = frozenset(
    [
        "area",
        "base",
        "basefont",
        "bgsound",
        "br",
        "col",
        "command",
        "embed",
        "frame",
        "hr",
        "image",
        "img",
        "input",
        "isindex",
        "keygen",
        "link",
        "menuitem",
        "meta",
        "nextid",
        "param",
        "source",
        "spacer",
        "track",
        "wbr",
    ]
)
#: Elements whose content some HTML parser versions read as raw text: accepted only empty.
RAW_TEXT = frozenset(
    [
        "script",
        "style",
        "textarea",
        "title",
        "xmp",
        "iframe",
        "noembed",
        "noframes",
        "noscript",
        "plaintext",
    ]
)

_SPACE = "[ \t\n\r\f]"
_ATTRIBUTE = rf"[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:{_SPACE}*={_SPACE}*(?:\"[^\"]*\"|'[^']*'))?"
_START = re.compile(rf"<([a-zA-Z][a-zA-Z0-9-]*)((?:{_SPACE}+{_ATTRIBUTE})*){_SPACE}*(/?)>")
_END = re.compile(rf"</([a-zA-Z][a-zA-Z0-9-]*){_SPACE}*>")
_ONE_ATTRIBUTE = re.compile(
    rf"([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:{_SPACE}*={_SPACE}*(?:\"([^\"]*)\"|'([^']*)'))?"
)


class Element:
    """One element: its lower-case ``name``, its ``style`` (entities decoded, ``""`` when it
    has none), ``at`` (the offset of its ``<``), ``last`` (the offset after its start tag's
    last attribute and spaces, where one more attribute can go; -1 when BeautifulSoup built
    it), its child elements in order and, when BeautifulSoup built it, the ``tag`` it stands
    for."""

    __slots__ = ("at", "children", "last", "name", "style", "tag")

    def __init__(self, name: str, style: str, at: int, tag: Any = None, last: int = -1) -> None:
        self.name, self.style, self.at, self.tag, self.last = name, style, at, tag, last
        self.children: list[Element] = []


def _style(attributes: str) -> str:
    """The value of the last ``style`` attribute (html.parser keeps the last of duplicates)."""
    style = ""
    for name, double, single in _ONE_ATTRIBUTE.findall(attributes):
        if name.lower() == "style":
            style = unescape(double or single)
    return style


def element_tree(html: str) -> Element | None:
    """The root (named ``""``) of ``html``'s elements, or ``None`` when ``html`` is outside
    the regular shape this reads (see the module's docstring)."""
    root = Element("", "", -1)
    stack = [root]
    at = html.find("<")
    while at != -1:
        start = _START.match(html, at)
        if start is not None:
            name = start.group(1).lower()
            attributes = start.group(2)
            style = _style(attributes) if "style" in attributes.lower() else ""
            element = Element(name, style, at, last=start.start(3))
            stack[-1].children.append(element)
            end = start.end()
            if name in RAW_TEXT:
                following = html.find("<", end)
                close = _END.match(html, following) if following != -1 else None
                if start.group(3) or close is None or close.group(1).lower() != name:
                    return None
                end = close.end()
            elif name not in VOID and not start.group(3):
                stack.append(element)
            at = html.find("<", end)
            continue
        close = _END.match(html, at)
        if close is None or len(stack) == 1 or close.group(1).lower() != stack[-1].name:
            return None
        stack.pop()
        at = html.find("<", close.end())
    return root


def soup_tree(html: str) -> tuple[Element, Any]:
    """The same tree built by BeautifulSoup over ``html.parser`` (any input), with the soup,
    whose tags the elements' ``tag`` point at."""
    from bs4 import BeautifulSoup, Tag

    soup = BeautifulSoup(html, "html.parser")
    line_starts = [0, *(match.end() for match in re.finditer("\n", html))]
    root = Element("", "", -1, soup)
    pending: list[tuple[Tag, Element]] = [(soup, root)]
    while pending:
        node, element = pending.pop()
        for child in node.children:
            if isinstance(child, Tag):
                at = line_starts[(child.sourceline or 1) - 1] + (child.sourcepos or 0)
                made = Element(child.name, str(child.get("style") or ""), at, child)
                element.children.append(made)
                pending.append((child, made))
    return root, soup
