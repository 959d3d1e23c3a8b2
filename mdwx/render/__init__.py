"""Render: a validated Article → WeChat-safe HTML with asset placeholders (a Document).

Public API (the heavy modules are imported on first call, so ``import mdwx.render`` is cheap):
``render_article``, ``render_markdown``, ``theme_names``, ``preview_page``, ``check_content``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mdwx.render.header_footer import Template
from mdwx.render.themes import Theme

if TYPE_CHECKING:
    from mdwx.config import SiteConfig
    from mdwx.config_tables import Limits
    from mdwx.document import Document
    from mdwx.errors import MdwxError
    from mdwx.source.model import Article

__all__ = [
    "Template",
    "Theme",
    "check_content",
    "preview_page",
    "render_article",
    "render_markdown",
    "theme_names",
]


def render_article(
    article: Article,
    config: SiteConfig,
    *,
    theme: Theme | None = None,
    templates: tuple[Template | None, Template | None] | None = None,
    errors: list[MdwxError] | None = None,
) -> Document:
    """The article's ``content`` HTML (site header, body, footer, references) and assets.

    The render itself does no I/O. ``theme`` is the loaded theme and ``templates`` the
    site's loaded (header, footer), each None for none; given both, nothing is read. What
    is not given is loaded here first, as a convenience: the post's theme from
    ``templates/`` and the header and footer files the site's config names.
    Raises :class:`~mdwx.errors.ConfigError` for an unknown theme or an unreadable template.
    What is wrong in the post (a mini-program card, …) is raised as a
    :class:`~mdwx.errors.RenderError` carrying every other one — or, given ``errors``, added
    there while the render goes on past it.
    """
    from mdwx.render.pipeline import article_theme
    from mdwx.render.pipeline import render_article as render

    if theme is None:
        from mdwx.render.themes import load_theme

        theme = load_theme(article_theme(article, config), config.root)
    if templates is None:
        from mdwx.render.header_footer import load_templates

        templates = load_templates(config)
    header, footer = templates
    return _errors_to(render(article, config, theme=theme, header=header, footer=footer), errors)


def _errors_to(document: Document, errors: list[MdwxError] | None) -> Document:
    """``document``, its render errors added to ``errors``, or raised when that is None."""
    from mdwx.errors import raise_all

    if errors is None:
        raise_all(document.errors)
    else:
        errors += document.errors
    return document


def render_markdown(
    text: str,
    config: SiteConfig,
    *,
    theme: str | Theme | None = None,
    path: Path | None = None,
    line_offset: int = 1,
    base_dir: Path | None = None,
) -> Document:
    """Render Markdown alone (no header/footer); ``line_offset`` is the file line of line 1.

    ``theme`` is a loaded :class:`~mdwx.render.themes.Theme` (nothing is read), or a theme
    name (default: the site's) loaded here first.
    """
    from mdwx.render.pipeline import render_markdown as render

    if not isinstance(theme, Theme):
        from mdwx.render.themes import load_theme

        theme = load_theme(theme or config.theme, config.root)
    return _errors_to(
        render(text, config, theme=theme, path=path, line_offset=line_offset, base_dir=base_dir),
        None,
    )


def theme_names() -> list[str]:
    """The themes shipped in ``templates/``."""
    from mdwx.render.themes import theme_names as names

    return names()


def preview_page(
    article: Article,
    content_html: str,
    config: SiteConfig,
    *,
    chars: int | None = None,
    cover: str | None = None,
) -> str:
    """A standalone HTML page showing the article in a phone-width frame (see
    :func:`mdwx.render.preview.preview_page`)."""
    from mdwx.render.preview import preview_page as page

    return page(article, content_html, config, chars=chars, cover=cover)


def check_content(html: str, limits: Limits) -> list[str]:
    """Problems with the content's size against WeChat's limits (empty when it fits)."""
    from mdwx.render.limits import check_content as check

    return check(html, limits)
