"""Where a never-shown raw HTML element may close: later in its own inline span.

An inline span is the token list of one paragraph, heading or table cell. GFM never lets an
element swallow Markdown outside its own HTML block or inline span, so an opening tag there
hides what follows it only when a later ``html_inline`` token of the same list closes it.
Openings and closings of one name pair like brackets: in ``a <video> b <video src=x></video>``
the first opening is never closed (a tag name written in prose), the second is the element.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)")


class SpanCloses:
    """The openings of the span being rendered that a later token closes, found once a span.

    Linear in the span's tokens however many tags it holds; the span is the token list the
    renderer passes to every inline rule, so it is recognised by identity.
    """

    def __init__(self) -> None:
        self._tokens: Sequence[Any] | None = None
        self._closed: set[tuple[int, str]] = set()

    def after(self, tokens: Sequence[Any], idx: int) -> Callable[[str], bool]:
        """Whether the element of a (lower-case) name opened by ``tokens[idx]`` is closed by
        a later token of the span; for ``"/name"``, whether the closing tag ``tokens[idx]``
        closes an earlier opening of the span."""
        if self._tokens is not tokens:
            self._tokens = tokens
            self._closed = _closed_openings(tokens)
        closed = self._closed
        return lambda name: (idx, name) in closed


def _closed_openings(tokens: Sequence[Any]) -> set[tuple[int, str]]:
    open_at: dict[str, list[int]] = {}
    closed: set[tuple[int, str]] = set()
    for position, token in enumerate(tokens):
        if token.type != "html_inline":
            continue
        tag = _TAG.match(token.content)
        if tag is None or token.content.rstrip().endswith("/>"):
            continue
        name = tag.group(2).lower()
        if not tag.group(1):
            open_at.setdefault(name, []).append(position)
        elif open_at.get(name):
            closed.add((open_at[name].pop(), name))
            closed.add((position, "/" + name))  # the closing tag pairs too
    return closed


def _name_tags(name: str) -> re.Pattern[str]:
    return re.compile(rf"<(/?){re.escape(name)}(?=[\s/>])(?:\"[^\"]*\"|'[^']*'|[^'\">])*>", re.I)


def find_close(html: str, name: str, start: int) -> re.Match[str] | None:
    """The closing tag that ends the element of ``name`` opened just before ``start``.

    Openings of the same name in between nest (``<video> in prose <video src=…></video>``:
    the first is never closed, so it is prose and the complete second one is the element).
    """
    depth = 1
    for tag in _name_tags(name).finditer(html, start):
        if not tag.group(1):
            depth += 0 if tag.group(0).endswith("/>") else 1
            continue
        depth -= 1
        if depth == 0:
            return tag
    return None
