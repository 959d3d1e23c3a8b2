"""Render does no I/O: with files, ``os.stat`` and sockets made to fail, it still renders.

The theme and the header/footer templates are handed in as values (here: a theme and
templates that exist nowhere on disk), so a render that tried to read them, stat them, or
fetch anything would fail loudly instead of quietly passing on a warm cache.
"""

from __future__ import annotations

import builtins
import contextlib
import os
import pathlib
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.config import SiteConfig
from mdwx.render import Template, Theme, render_article, render_markdown
from mdwx.render.code import find_lexer
from mdwx.render.pipeline import markdown
from mdwx.render.themes import code_colour
from mdwx.source.model import Article

CSS = """/* mdwx: pygments-style=monokai */
.mdwx { color: #123457; font-size: 16px; }
.mdwx h2 { color: #aa0000; }
.code { color: #f8f8f2; background: #272822; }
.callout-note { border-left: 3px solid #3366ff; }
"""
THEME = Theme(name="in-memory", css=CSS, pygments_style="monokai", code_colour=code_colour(CSS))
LANGUAGES = ("python", "js", "rust", "text", "nosuchlang", "")
PIECES = [
    "## A heading",
    "Plain *emphasis* and **strong** text.",
    "中文段落，**强调**。",
    '![alt](pic.png "A caption")',
    "![remote](https://example.com/a.png)",
    "![clip](clip.mp4)",
    "[a link](https://example.com/page) and <https://example.org>",
    "> [!NOTE]\n> A callout.",
    "- one\n  - nested\n- two",
    "1. first\n2. second",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "Inline math $x^2$ and display:\n\n$$\\int_0^1 x\\,dx$$",
    "A footnote[^1].\n\n[^1]: The note.",
    '<div><b>raw</b> <img src="raw.png"></div>',
    "---",
    "`inline code`",
    "- [x] done\n- [ ] todo",
    "```miniprogram\nappid: wx0123456789abcdef\npath: pages/index\ntitle: Card\nimage: card.png\n```",
    "```mermaid\nflowchart LR\n  A[开始] --> B[结束]\n```",
]


class IOAttempted(AssertionError):
    """Raised by every patched I/O entry point."""


def _warm() -> None:
    """Build what Python itself caches once per process (the parser, lexer classes)."""
    markdown()
    for language in LANGUAGES:
        if language:
            find_lexer(language)


@contextlib.contextmanager
def no_io() -> Iterator[None]:
    """Every I/O entry point fails inside the block (only there: pytest and hypothesis write)."""
    _warm()

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise IOAttempted(f"I/O attempted during render: {args[:2]!r}")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(builtins, "open", refuse)
        patch.setattr(pathlib.Path, "read_text", refuse)
        patch.setattr(pathlib.Path, "read_bytes", refuse)
        patch.setattr(pathlib.Path, "open", refuse)
        patch.setattr(os, "stat", refuse)
        patch.setattr(socket, "socket", refuse)
        yield


def _article(root: Path, body: str) -> Article:
    return Article(
        path=root / "posts" / "post.md", title="T", body=body, body_line=3, slug="post", author="A"
    )


def _config(root: Path) -> SiteConfig:
    # header/footer name files that do not exist: only the templates passed in may be used.
    return SiteConfig(root=root, header="missing-header.md", footer="missing-footer.md")


def test_a_render_with_theme_and_templates_given_reads_nothing(tmp_path: Path) -> None:
    header = Template(tmp_path / "partials" / "header.md", "Hello {author}, this is **{title}**.")
    footer = Template(tmp_path / "partials" / "footer.md", "![QR](qr.png)\n\nBye.")
    body = "\n\n".join([*PIECES, "```python\nprint('hi')\n```"])
    with no_io():
        document = render_article(
            _article(tmp_path, body), _config(tmp_path), theme=THEME, templates=(header, footer)
        )
        plain = render_markdown("plain", _config(tmp_path), theme=THEME)
    assert "Hello A, this is" in document.html and "Bye." in document.html
    assert "#123457" in document.html  # the theme given is the theme used
    locals_ = {a.local_path for a in document.assets if a.local_path}
    assert tmp_path / "partials" / "qr.png" in locals_ and tmp_path / "posts" / "pic.png" in locals_
    assert "plain" in plain.html


def test_the_patches_catch_a_read(tmp_path: Path) -> None:
    """The patches are not toothless: the loading convenience (which reads) fails under them."""
    with pytest.raises(IOAttempted), no_io():
        render_article(_article(tmp_path, "text"), _config(tmp_path), theme=THEME)


@settings(max_examples=60)
@given(
    pieces=st.lists(st.sampled_from(PIECES) | st.text(max_size=60), min_size=1, max_size=8),
    fences=st.lists(st.tuples(st.sampled_from(LANGUAGES), st.text(max_size=40)), max_size=3),
    header=st.none() | st.text(max_size=60),
    footer=st.none() | st.text(max_size=60),
)
def test_no_document_makes_render_touch_a_file_or_socket(
    tmp_path: Path,
    pieces: list[str],
    fences: list[tuple[str, str]],
    header: str | None,
    footer: str | None,
) -> None:
    blocks = [*pieces, *(f"```{lang}\n{code.replace('`', '')}\n```" for lang, code in fences)]
    templates = (
        Template(tmp_path / "h.md", header) if header is not None else None,
        Template(tmp_path / "f.md", footer) if footer is not None else None,
    )
    try:
        with no_io():
            render_article(
                _article(tmp_path, "\n\n".join(blocks) or "x"),
                _config(tmp_path),
                theme=THEME,
                templates=templates,
            )
    except IOAttempted:
        raise
    except Exception as exc:  # a RenderError for bad input is fine: it is not I/O
        from mdwx.errors import MdwxError

        assert isinstance(exc, MdwxError), exc
