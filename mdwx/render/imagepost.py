"""Image posts (front matter ``type: images``; WeChat's ``article_type`` "newspic", 图片消息).

An image post is its pictures (1 to 20, sent as permanent images) and its text as plain
text: WeChat refuses HTML there (45166) and takes about 1,000 characters. This module makes
that text from the Markdown body and picks the pictures, refusing with the file and line
anything an image post cannot carry: raw HTML, text WeChat would read as a tag, videos,
formulas, mini-program cards, too many pictures, too much text. No I/O.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from markdown_it import MarkdownIt

from mdwx.document import Asset, AssetKind, Document
from mdwx.errors import ArticleError
from mdwx.source.article import join_lines
from mdwx.source.model import Article

#: What WeChat takes for an HTML tag in plain text (an opening, closing or comment).
TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^<>]*>|<!--")
_HINT = "image posts (type: images) take plain text: write the words in Markdown, without HTML"


def image_post_images(article: Article, document: Document, limit: int) -> list[Asset]:
    """The post's pictures in order; raises :class:`ArticleError` for anything else in it
    (video, formula, card) or for no picture or more than ``limit``."""
    others = [a for a in document.assets if a.kind is not AssetKind.IMAGE]
    if others:
        first = others[0]
        raise ArticleError(
            f"an image post holds pictures and text only, not a {first.kind.value}",
            path=article.path,
            line=first.line,
            hint="remove it or publish the post as an article",
        )
    images = list(document.assets_of(AssetKind.IMAGE))
    if not images:
        raise ArticleError(
            "an image post needs at least one picture",
            path=article.path,
            line=article.key_lines.get("type"),
            hint="add ![](picture.jpg) lines to the body",
        )
    if len(images) > limit:
        raise ArticleError(
            f"an image post holds at most {limit} pictures, this one has {len(images)}",
            path=article.path,
            line=images[limit].line,
            hint="remove pictures from here on, or split the post",
        )
    return images


def image_post_text(article: Article, limit: int) -> str:
    """The body as plain text: paragraphs, headings, list items and code, one block a line,
    pictures left out (they are the post's images). Raises :class:`ArticleError` at the
    line of raw HTML or of text holding a tag, or when the text is over ``limit`` characters."""
    blocks: list[tuple[str, int]] = []  # (text, file line)
    tokens = _parser().parse(article.body)
    prefix = ""
    for token in tokens:
        line = article.file_line(token.map[0] + 1) if token.map else article.body_line
        if token.type in ("html_block",):
            raise ArticleError(
                "an image post cannot hold HTML", path=article.path, line=line, hint=_HINT
            )
        if token.type == "list_item_open":
            prefix = "· "
        elif token.type in ("fence", "code_block"):
            blocks.append((token.content.rstrip("\n"), line))
        elif token.type == "inline":
            text = _inline_text(token.children or [], article, line)
            if text:
                blocks.append((prefix + text, line))
            prefix = ""
    for text, line in blocks:
        tag = TAG.search(text)
        if tag:
            raise ArticleError(
                f"an image post's text cannot hold {tag.group(0)[:40]!r}: WeChat takes it for "
                "HTML (45166)",
                path=article.path,
                line=line,
                hint="rewrite it without angle brackets around words",
            )
    text = "\n".join(t for t, _ in blocks)
    if len(text) > limit:
        over = next(
            line for (t, line), end in zip(blocks, _ends(blocks), strict=True) if end > limit
        )
        raise ArticleError(
            f"an image post's text is {len(text)} characters, {len(text) - limit} over the limit "
            f"of {limit}",
            path=article.path,
            line=over,
            hint="shorten the text, or set draft.image_post_text in mdwx.toml",
        )
    return text


def _ends(blocks: list[tuple[str, int]]) -> list[int]:
    """The character count of the text up to the end of each block."""
    ends, total = [], -1
    for text, _ in blocks:
        total += len(text) + 1
        ends.append(total)
    return ends


def _inline_text(children: list[Any], article: Article, line: int) -> str:
    """A paragraph's words: soft breaks joined as a reader would, hard breaks kept; a
    picture (the post's image, not its text) and link targets left out."""
    lines: list[list[str]] = [[""]]
    for child in children:
        if child.type == "html_inline":
            raise ArticleError(
                "an image post cannot hold HTML", path=article.path, line=line, hint=_HINT
            )
        if child.type == "softbreak":
            lines[-1].append("")
        elif child.type == "hardbreak":
            lines.append([""])
        elif child.type in ("text", "text_special", "code_inline"):
            lines[-1][-1] += child.content
    joined = (join_lines(piece.strip() for piece in pieces) for pieces in lines)
    return "\n".join(text for text in joined if text)


@functools.lru_cache(maxsize=1)
def _parser() -> Any:
    return MarkdownIt("commonmark").enable("table").enable("strikethrough")
