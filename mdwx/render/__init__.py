"""Render: a validated Article → WeChat-safe HTML with asset placeholders (a Document).

Public API (the heavy modules are imported on first call, so ``import mdwx.render`` is cheap):
``render_article``, ``render_markdown``, ``theme_names``, ``preview_page``, ``check_content``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mdwx.config import Limits, SiteConfig
    from mdwx.document import Document
    from mdwx.source.model import Article

__all__ = ["check_content", "preview_page", "render_article", "render_markdown", "theme_names"]


def render_article(article: Article, config: SiteConfig) -> Document:
    """The article's ``content`` HTML (site header, body, footer, references) and assets."""
    from mdwx.render.pipeline import render_article as render

    return render(article, config)


def render_markdown(text: str, config: SiteConfig, *, theme: str | None = None,
                    path: Path | None = None, line_offset: int = 1,
                    base_dir: Path | None = None) -> Document:
    """Render Markdown alone (no header/footer); ``line_offset`` is the file line of line 1."""
    from mdwx.render.pipeline import render_markdown as render

    return render(text, config, theme=theme, path=path, line_offset=line_offset, base_dir=base_dir)


def theme_names() -> list[str]:
    """The themes shipped in ``templates/``."""
    from mdwx.render.themes import theme_names as names

    return names()


def preview_page(article: Article, content_html: str, config: SiteConfig) -> str:
    """A standalone HTML page showing the article in a phone-width frame."""
    from mdwx.render.preview import preview_page as page

    return page(article, content_html, config)


def check_content(html: str, limits: Limits) -> list[str]:
    """Problems with the content's size against WeChat's limits (empty when it fits)."""
    from mdwx.render.limits import check_content as check

    return check(html, limits)
