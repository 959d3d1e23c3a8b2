"""The Markdown syntax mdwx reads, apart from how it is rendered.

One setup shared by the renderer (:mod:`.pipeline`), the digest made from a post's opening
(:func:`mdwx.source.article.make_digest`) and the render benchmark's bare markdown-it, so all
three read ``**症状特点：**头晕乏力`` or ``$x$`` the same way. Its block parser is also the one
scanner of fenced code (:func:`fenced_code`) and headings (:func:`first_h1`) the title finder
and the generators' rewrites use, so none of them disagrees with the renderer (CommonMark) on
where code starts and ends.
"""

from __future__ import annotations

import functools
import re

from markdown_it import MarkdownIt
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.gfm_autolink import gfm_autolink_plugin

from mdwx.markdown import cjk_friendly
from mdwx.markdown.autolink import autolink_plugin
from mdwx.markdown.bounded import bounded_plugin
from mdwx.markdown.callouts import callouts_plugin
from mdwx.markdown.image_spaces import image_spaces_plugin
from mdwx.markdown.text_memo import TextMemo
from mdwx.markdown.toc import toc_syntax


def _any_target(url: str) -> bool:
    return True


def use_syntax(md: MarkdownIt, *, math: bool = True) -> MarkdownIt:
    """The Markdown syntax mdwx reads: GFM, footnotes, alerts, admonitions, math, attributes.

    ``math=False`` leaves ``$`` as text (a site without math: see
    :mod:`mdwx.source.math_setting`); with math, dollars follow pandoc's rule: an opening
    ``$`` not followed by a space, a closing one not preceded by a space nor followed by a
    digit.

    Emphasis and strikethrough follow the CJK-friendly amendment (see :mod:`.cjk_friendly`),
    so ``**症状特点：**头晕乏力`` is bold as Chinese writers expect.

    Apart from the WeChat render rules, so a benchmark can time bare markdown-it-py on
    exactly the same syntax.
    """
    md.enable(["table", "strikethrough"])
    # Every target parses as a link or image: the render rules drop unsafe ones with a warning
    # (markdown-it would print ``[x](javascript:…)`` as its source text instead).
    md.validateLink = _any_target  # type: ignore[method-assign]
    md.options["tasklists"] = True
    md.options["alerts"] = True
    md.options["strikethrough_single_tilde"] = True
    md.use(gfm_autolink_plugin)
    md.use(autolink_plugin)  # bare URLs in Chinese text; first_last@host (see .autolink)
    md.use(footnote_plugin, inline=False)
    if math:
        md.use(
            dollarmath_plugin,
            allow_space=False,
            allow_digits=False,
            double_inline=True,
            allow_blank_lines=False,
        )
    md.use(admon_plugin)
    md.use(image_spaces_plugin)  # ![](a b.png) as Typora and Obsidian read it
    md.use(callouts_plugin)  # > [!TIP] 小技巧; titles in the article's language
    md.use(toc_syntax)  # [TOC], [[toc]], ${toc}
    md.use(attrs_plugin, allowed=("width", "height"))
    md.use(cjk_friendly.plugin)
    md.use(bounded_plugin)  # last: it wraps the rules above that rescan the rest of the text
    return md


@functools.lru_cache(maxsize=2)
def block_parser(math: bool = True) -> MarkdownIt:
    """mdwx's syntax (:func:`use_syntax`) with raw HTML, blocks only: no inline parsing.

    ``math=False``: ``$`` is text (a site without math), as for :func:`use_syntax`.

    Built once (building a parser costs more than parsing an opening); parse with
    ``block_parser().parse(text)``. Inline content stays in each ``inline`` token's ``content``.
    """
    parser = use_syntax(MarkdownIt("commonmark", {"html": True}), math=math)
    parser.core.ruler.disable("inline")
    return parser


@functools.lru_cache(maxsize=8)  # a post's body is scanned by several rewrites in a row
def fenced_code(text: str) -> tuple[tuple[int, int], ...]:
    """The fenced code blocks of ``text`` where CommonMark finds them, in order.

    Each is ``(first, end)``: 0-based line indexes of its opening fence and one past its last
    line (the closing fence, or where an unclosed one ends: the end of its container or of the
    text). Fences inside block quotes and list items count; a line that looks like a fence
    inside an HTML block or an indented code block, or a backtick fence whose info string
    holds a backtick, does not.
    """
    tokens = block_parser().parse(text)
    return tuple((t.map[0], t.map[1]) for t in tokens if t.type == "fence" and t.map)


#: A line that could be an ATX ``# heading`` outside any container: 0–3 spaces, one ``#``.
_H1_CANDIDATE = re.compile(r"^ {0,3}#(?=[ \t]|$)", re.M)
#: A blank line: every block that spans lines (paragraph, table, link reference definition
#: with a multi-line title, HTML block of kinds 6 and 7) ends before it.
_BLANK_LINE = re.compile(r"\n[ \t]*(?:\n|$)")
_PREFIX_ATTEMPTS = 3


#: Each read of a post (its route, its output folder, its render) looks for the same title.
_TITLES: TextMemo[tuple[str, int] | None] = TextMemo(4096)


def first_h1(text: str) -> tuple[str, int] | None:
    """The first ``# Heading`` of ``text`` outside any container, code or HTML block:
    ``(its text, its 0-based line)``, or None. Setext headings (underlined) are not taken.

    See :func:`_first_h1_of_opening`; remembered for each text seen (by its hash)."""
    return _TITLES.get(text, (), lambda: _first_h1_of_opening(text))


def _first_h1_of_opening(text: str) -> tuple[str, int] | None:
    """:func:`first_h1`, parsing the text only up to its first candidate line's block:
    whether a line is a top-level heading depends on the lines before it and on the next
    one (a table's delimiter row), never on what follows the blank line ending its block
    — constructs open before it (fences, math, HTML, containers) run to the end of the
    prefix as they run past it in the whole text. A candidate that turns out to be inside
    something widens the prefix (at least doubling it); past a few, the whole text is parsed.
    """
    if "\r" in text or "\0" in text:  # the parser normalises these: line numbers would differ
        return _first_h1_in(text)
    end = attempts = 0
    for candidate in _H1_CANDIDATE.finditer(text):
        if candidate.start() < end:
            continue  # inside the prefix already parsed: it was no top-level heading
        attempts += 1
        if attempts > _PREFIX_ATTEMPTS:
            break
        line_end = text.find("\n", max(candidate.end(), 2 * end))
        blank = _BLANK_LINE.search(text, line_end) if line_end >= 0 else None
        end = blank.start() if blank else len(text)
        found = _first_h1_in(text[:end])
        if found is not None or end == len(text):
            return found
    else:
        return None  # no candidate line left: no top-level ATX heading at all
    return _first_h1_in(text)


def _first_h1_in(text: str) -> tuple[str, int] | None:
    tokens = block_parser().parse(text)
    for index, token in enumerate(tokens):
        if (
            token.type == "heading_open"
            and token.tag == "h1"
            and token.level == 0
            and token.markup == "#"
        ):
            title = tokens[index + 1].content.strip() if index + 1 < len(tokens) else ""
            if title and token.map:
                return title, token.map[0]
    return None
