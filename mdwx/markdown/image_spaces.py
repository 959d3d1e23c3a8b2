"""Pictures whose path holds spaces, as Typora and Obsidian write them: ``![](img/a b.png)``.

CommonMark ends a link destination at the first space (``<img/a b.png>`` or ``%20`` would
be needed), so such a reference is plain text in every strict renderer, while the editors
the notes were written in show the picture. The rule here runs only where markdown-it's own
image rule failed, and needs no file system: the text between the parentheses is taken as
the path when it ends with a picture or video extension (optionally followed by a quoted
title), on one line, at most :data:`MAX_DESTINATION` characters. Anything else with a space
in it stays text, with an ``image-not-understood`` warning at its line saying how to write it.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from mdwx.document import VIDEO_EXTENSIONS
from mdwx.markdown.env import ENV_KEY

PICTURE_EXTENSIONS = (
    "png",
    "jpg",
    "jpeg",
    "gif",
    "webp",
    "svg",
    "bmp",
    "tif",
    "tiff",
    "avif",
    "heic",
    "ico",
)
MAX_DESTINATION = 1000
_EXTENSIONS = "|".join(PICTURE_EXTENSIONS + tuple(e.lstrip(".") for e in VIDEO_EXTENSIONS))
_SPACED = re.compile(
    rf"""\([ \t]*(?P<dest>[^\n<>]{{0,{MAX_DESTINATION}}}?\.(?:{_EXTENSIONS}))"""
    r"""(?:[ \t]+(?P<title>"[^"\n]*"|'[^'\n]*'))?[ \t]*\)""",
    re.IGNORECASE,
)
_WHITESPACE = re.compile(r"[ \t]")
# An image whose destination has a space and no picture extension: said, not guessed.
_LEFT_AS_TEXT = re.compile(
    rf"!\[[^\[\]\n]{{0,256}}\]\((?P<dest>[^\n()<>]{{1,{MAX_DESTINATION}}})\)"
)


def _image_with_spaces(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("![", state.pos):
        return False
    label_end = state.md.helpers.parseLinkLabel(state, state.pos + 1, False)
    if label_end < 0 or not state.src.startswith("(", label_end + 1):
        return False
    match = _SPACED.match(state.src, label_end + 1, state.posMax)
    if match is None or not _WHITESPACE.search(match.group("dest").strip()):
        return False
    href = state.md.normalizeLink(match.group("dest").strip())
    if not state.md.validateLink(href):
        return False
    if not silent:
        content = state.src[state.pos + 2 : label_end]
        children: list[Token] = []
        state.md.inline.parse(content, state.md, state.env, children)
        token = state.push("image", "img", 0)
        token.attrs = {"src": href, "alt": ""}
        token.children = children or None
        token.content = content
        if match.group("title"):
            token.attrSet("title", match.group("title")[1:-1])
    state.pos = match.end()
    return True


def _say_what_stays_text(state: StateCore) -> None:
    """Warn at each ``![…](… …)`` left as text (not in code): its line, and how to write it."""
    ctx = state.env.get(ENV_KEY)
    if ctx is None:  # the digest's parse: nothing to warn
        return
    for token in state.tokens:
        if token.type != "inline" or not token.map or "![" not in token.content:
            continue
        code = [child.content for child in token.children or () if child.type == "code_inline"]
        for match in _LEFT_AS_TEXT.finditer(token.content):
            if (
                not _WHITESPACE.search(match.group("dest").strip())
                or any(match.group(0) in c for c in code)
                or _SPACED.match(token.content, match.start("dest") - 1)
            ):
                continue  # no space inside, in a code span, or a picture (an image now)
            line = ctx.line_offset + token.map[0] + token.content.count("\n", 0, match.start())
            ctx.warn(
                f"{match.group(0)[:80]} is not an image: its path has spaces and no picture extension, so "
                "it stays text (write the path in <angle brackets>, or %20 for each space)",
                line=line,
                code="image-not-understood",
            )


def image_spaces_plugin(md: MarkdownIt) -> None:
    """Read ``![alt](path with spaces.png "title")`` as an image where CommonMark reads text."""
    md.inline.ruler.after("image", "image_with_spaces", _image_with_spaces)
    md.core.ruler.after("text_join", "image_left_as_text", _say_what_stays_text)
