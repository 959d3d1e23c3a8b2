"""The prepare stage: what ``check``, ``build`` and ``publish`` all run on a post first.

Read it (:mod:`mdwx.source.reading`), render it (:mod:`mdwx.render`), typeset its formulas
and diagrams, and verify everything that can be verified without WeChat: limits, content size
(with placeholders sized like real WeChat URLs, :mod:`mdwx.assets.verify`), and that every
local file it names exists inside the site and decodes as a picture. The result,
:class:`Prepared`, is what :mod:`mdwx.build` writes and :mod:`mdwx.publish` uploads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mdwx.assets.verify import (
    CoverReference,
    check_cover_font,
    remote_picture_errors,
    typical_value,
    verify_local_assets,
)
from mdwx.config_tables import ImageLimits, Limits, setting_line
from mdwx.diagnostics import Diagnostic, ignoring
from mdwx.document import AssetKind, Document
from mdwx.errors import (
    ArticleError,
    AssetError,
    ConfigError,
    MdwxError,
    RenderError,
    in_file_order,
    raise_all,
)
from mdwx.files.reader import read_config_text
from mdwx.markdown.syntax import block_parser
from mdwx.repeated_warnings import group_repeated
from mdwx.source.article import EmptyPost, empty_body_error
from mdwx.source.generators import site_for
from mdwx.source.model import Article
from mdwx.source.posts import Post
from mdwx.source.reading import read_post_found

if TYPE_CHECKING:
    from mdwx.render.themes import Theme

# Quoted values may hold a raw `>` (HTML serialisers leave it in attributes).
_RAW_TAG = re.compile(r"<[A-Za-z]")


@dataclass
class Prepared:
    """A post read, rendered and verified offline: the input of build and publish."""

    post: Post
    article: Article
    document: Document
    diagnostics: list[Diagnostic]  # the warnings: a post with an error is never prepared
    styles: dict[str, str]  # asset key → CSS, for formulas: their size once typeset
    text_chars: int = 0  # visible characters of the content
    content_bytes: int = 0  # UTF-8 bytes of the content with WeChat-length URLs
    breach: MdwxError | None = None  # over the hard size limit (only when not enforced)
    cover: CoverReference | None = (
        None  # (reference, file it is relative to, line): see cover_reference
    )
    makes_cover: bool = False  # nothing gives a cover: publish makes one from the title

    @property
    def warnings(self) -> list[str]:
        """The warnings (``diagnostics``), one line each naming ``file:line``."""
        return [str(d) for d in self.diagnostics]

    @property
    def offline_diagnostics(self) -> list[Diagnostic]:
        """``diagnostics`` plus what only an offline command needs saying (publish does it)."""
        if not self.makes_cover:
            return self.diagnostics
        made = Diagnostic(
            "no cover image: publish will make one from the title",
            str(self.article.path),
            code="no-cover",
            hint="set 'cover:' in the front matter or default_cover in mdwx.toml to choose it",
        )
        return ignoring([*self.diagnostics, made], self.post.config.warnings.ignore)

    @property
    def offline_warnings(self) -> list[str]:
        """:attr:`offline_diagnostics` one line each."""
        return [str(d) for d in self.offline_diagnostics]

    def content(self, values: dict[str, str]) -> str:
        """The final ``content`` HTML with each asset's value (URL, vid or local path)."""
        return self.document.substitute(values, self.styles)


def prepare(post: Post, *, enforce_size: bool = True) -> Prepared:
    """Read, render and verify one post; raises :class:`MdwxError` for anything wrong.

    Every problem is looked for in one pass: the error raised is the first in the file, carrying
    every other error of the post and its warnings (:meth:`MdwxError.gather`); a key in error
    takes its default so the body is still rendered and its files still verified. A site's
    :class:`ConfigError` stops at once. With ``enforce_size=False`` (``build``) content over
    ``limits.content_bytes`` does not raise: the error is kept in :attr:`Prepared.breach` so
    the output can still be written.
    """
    from mdwx.render.limits import check_content, content_bytes, text_chars, text_warning

    article, errors = read_post_found(post)
    warnings = list(article.warnings)
    try:
        document, theme = _render(article, post, errors)
    except ConfigError:
        raise
    except MdwxError as exc:  # nothing to verify without the HTML
        raise MdwxError.gather(
            in_file_order([*errors, exc], article.path), _shown(post, [*warnings, *exc.warnings])
        ) from exc
    document, styles = typeset_formulas(
        article, document, post.config.images, post.config.limits.formula_chars
    )
    document, diagram_styles = typeset_diagrams(
        article, document, post.config.limits.diagram_seconds
    )
    styles |= diagram_styles
    warnings += document.warnings
    estimate = document.substitute({a.key: typical_value(a) for a in document.assets}, styles)
    problems = check_content(estimate, post.config.limits)
    breach = None
    if problems:
        breach = RenderError(
            "; ".join(problems),
            path=article.path,
            hint="split the post, shorten code blocks or move tables into images; "
            "limits.content_bytes in mdwx.toml sets the limit",
        )
        if enforce_size:
            errors.append(breach)
    cover = cover_reference(article, document, post)
    verify_local_assets(article, document, post, cover, errors)
    errors += remote_picture_errors(article, document, cover, post.config)
    if article.post_type == "images":  # its pictures and plain text: checked offline too
        _check_image_post(article, document, post, errors)
    from mdwx.render.contrast import contrast_warnings

    warnings += contrast_warnings(theme)
    chars = text_chars(estimate)
    if chars == 0 and not document.assets and not errors and _only_raw_html(article.body):
        errors.append(_nothing_shown(article, post))
    long_text = text_warning(chars, post.config.limits)
    if long_text:
        warnings.append(Diagnostic(long_text, str(article.path), code="long-text"))
    raise_all(in_file_order(errors, article.path), _shown(post, warnings))
    makes_cover = cover is None and not article.draft  # drafts are never published
    if makes_cover:
        check_cover_font(post)
    return Prepared(
        post,
        article,
        document,
        _shown(post, warnings),
        styles,
        text_chars=chars,
        content_bytes=content_bytes(estimate),
        breach=breach,
        cover=cover,
        makes_cover=makes_cover,
    )


def _shown(post: Post, warnings: list[Diagnostic]) -> list[Diagnostic]:
    """The warnings the site does not silence (``[warnings] ignore``), each repeated advice once.

    See :mod:`mdwx.repeated_warnings`.
    """
    return group_repeated(ignoring(warnings, post.config.warnings.ignore))


def _render(article: Article, post: Post, errors: list[MdwxError]) -> tuple[Document, Theme]:
    """The post's Document in its theme, and that theme.

    Whose error it is follows who named the theme, not what the error names: a theme the
    post's front matter names is the post's (its error is collected at the ``theme:`` line,
    even one inside the theme file, and the site's theme used instead); the site's own theme
    in error stops the run, as any error in the site's settings does.
    """
    from mdwx.render import render_article
    from mdwx.render.header_footer import load_templates
    from mdwx.render.pipeline import article_theme
    from mdwx.render.themes import load_theme

    try:
        theme = load_theme(article_theme(article, post.config), post.config.root)
    except ConfigError as exc:
        if article_theme(article, post.config) == post.config.theme:
            raise exc if exc.path is not None else _at_theme_setting(exc, post) from None
        errors.append(_post_theme_error(exc, article, post.config.root))
        theme = load_theme(post.config.theme, post.config.root)
    # The caller loads what the render needs; the render itself reads nothing.
    document = render_article(
        article, post.config, theme=theme, templates=load_templates(post.config), errors=errors
    )
    return document, theme


def _nothing_shown(article: Article, post: Post) -> ArticleError:
    """The error for a body WeChat would show as nothing (all of it raw HTML WeChat removes).

    As for an empty post: an error to collect, or on a generator's site a stub page, raised
    (:class:`~mdwx.source.article.EmptyPost`) and skipped with a warning.
    """
    error = empty_body_error(
        "nothing in the body is shown in WeChat (raw HTML such as <iframe> or <script> is removed)",
        article.path,
        _first_written_line(article),
        site_for(article.path, post.config) is not None,
    )
    if isinstance(error, EmptyPost):
        raise error
    error.hint = "write the text or pictures readers should see"
    return error


def _only_raw_html(body: str) -> bool:
    """Whether the body's blocks are raw HTML or paragraphs of it (``<iframe …>``).

    Such a body shows as nothing once WeChat removes its elements.
    """
    blocks = [
        t for t in block_parser().parse(body) if t.level <= 1 and t.type in ("html_block", "inline")
    ]
    return bool(blocks) and all(
        t.type == "html_block" or _RAW_TAG.match(t.content.lstrip()) for t in blocks
    )


def _first_written_line(article: Article) -> int:
    """The file line of the body's first line that is not blank."""
    lines = article.body.split("\n")
    return article.body_line + next((i for i, line in enumerate(lines) if line.strip()), 0)


def _post_theme_error(exc: ConfigError, article: Article, root: Path) -> ArticleError:
    """The error of a theme a post's front matter names, at its ``theme:`` line; an error
    inside the theme file says that file's place too (``posts/t.css:3``)."""
    message = exc.message
    if exc.path is not None:
        shown = Path(exc.path)
        if shown.is_relative_to(root):
            shown = shown.relative_to(root)
        place = f"{shown.as_posix()}:{exc.line}" if exc.line else shown.as_posix()
        named = f"theme {article.theme!r}"
        message = (
            f"{named}: {exc.message}"
            if place == article.theme
            else (f"{named} ({place}): {exc.message}")
        )
    return ArticleError(
        message, path=article.path, line=article.key_lines.get("theme"), hint=exc.hint
    )


def _at_theme_setting(exc: ConfigError, post: Post) -> ConfigError:
    """``exc`` placed at the config file's ``theme`` line when that line sets this theme.

    A theme given another way (``MDWX_THEME``, the API's ``Options.theme``) is said to come from there.
    """
    where = post.config.config_path or post.config.root / "mdwx.toml"
    line = setting_line(where, "theme") if where.is_file() else None

    if line is not None and post.config.theme in read_config_text(where).splitlines()[line - 1]:
        return exc.at(where, line)
    exc.message += " (given by MDWX_THEME or the API's Options.theme, not the site's config)"
    return exc


def _check_image_post(
    article: Article, document: Document, post: Post, errors: list[MdwxError]
) -> None:
    from mdwx.render.imagepost import image_post_images, image_post_text

    for check in (
        lambda: image_post_images(article, document, post.config.draft.image_post_images),
        lambda: image_post_text(article, post.config.draft.image_post_text),
    ):
        try:
            check()
        except ConfigError:
            raise
        except MdwxError as exc:
            errors.append(exc)


def typeset_formulas(
    article: Article,
    document: Document,
    images: ImageLimits | None = None,
    formula_chars: int = Limits().formula_chars,
) -> tuple[Document, dict[str, str]]:
    """Lay each formula out once (new ones over the cores), so its size is known, and make
    sure it can be published within ``images`` (default: the defaults); the pictures are
    drawn later, by whoever needs them (build, publish), from the cached layouts.

    One that cannot be drawn does not fail the post: it is shown as its TeX in code, with a
    warning at its line (see :func:`mdwx.render.media.formulas_as_code`); so is one longer
    than ``formula_chars`` (``limits.formula_chars``), never typeset: its layout's time grows
    faster than its length.
    """
    formulas = document.assets_of(AssetKind.FORMULA)
    if not formulas:
        return document, {}
    # Imported only for a post with formulas: the typesetter and its process pool
    # (multiprocessing) are a large part of the start-up of a command that has none.
    from mdwx.assets.formula_fonts import missing_font_warnings
    from mdwx.assets.formula_pool import typeset_many
    from mdwx.assets.formula_verdict import formula_style, too_long
    from mdwx.assets.imaging import body_target
    from mdwx.render.media import formulas_as_code
    from mdwx.work_progress import advance

    document.warnings.extend(missing_font_warnings(formulas, str(article.path)))
    long = {asset.key: too_long(asset.source, formula_chars) for asset in formulas}
    failed = {key: error for key, error in long.items() if error is not None}
    formulas = [asset for asset in formulas if asset.key not in failed]
    batched = typeset_many(((asset.source, asset.display) for asset in formulas), drawn=False)
    target = body_target(images or ImageLimits())
    styles = {}
    for done, asset in enumerate(formulas, start=1):
        try:
            styles[asset.key] = formula_style(asset.source, display=asset.display, target=target)
        except AssetError as exc:
            failed[asset.key] = exc
        if not batched:  # else the pool typeset them, each counted as it came back
            advance("formulas typeset", done, len(formulas))
    if failed:
        document = formulas_as_code(document, failed, str(article.path))
    return document, styles


#: A post's diagrams may take this many times ``limits.diagram_seconds`` in all: each diagram
#: is bounded by the limit, and a post of many slow ones is bounded as a whole.
POST_DIAGRAM_FACTOR = 4


def typeset_diagrams(
    article: Article, document: Document, seconds: float
) -> tuple[Document, dict[str, str]]:
    """Draw each diagram once (cached like formulas), each within ``seconds`` and all of them
    within :data:`POST_DIAGRAM_FACTOR` times that, so its size is known.

    One that cannot be drawn, or whose renderer is not installed, is shown as its code block
    with a ``diagram-not-drawn`` warning at its line (:func:`mdwx.render.diagrams.diagrams_as_code`).
    """
    diagrams = document.assets_of(AssetKind.DIAGRAM)
    if not diagrams:  # the worker (subprocess) is start-up a post without diagrams skips
        return document, {}
    from mdwx.assets import diagram_worker
    from mdwx.assets.diagram import diagram_style
    from mdwx.render.diagrams import diagrams_as_code

    styles, failed = {}, {}
    budget = seconds * POST_DIAGRAM_FACTOR  # the post's diagrams in all: each is bounded too
    start = diagram_worker.spent()
    for asset in diagrams:
        try:
            if diagram_worker.spent() - start >= budget:
                raise AssetError(
                    f"not drawn: the post's diagrams took over {budget:g} s in all",
                    hint="split the post, simplify its diagrams, or raise "
                    "limits.diagram_seconds in mdwx.toml",
                )
            styles[asset.key] = diagram_style(asset.language, asset.source, seconds)
        except AssetError as exc:
            failed[asset.key] = exc
    if failed:
        document = diagrams_as_code(document, failed, str(article.path))
    return document, styles


def cover_reference(article: Article, document: Document, post: Post) -> CoverReference | None:
    """The cover as (reference, file it is relative to, line): front matter, first image, site default."""
    if article.cover:
        return article.cover, article.path, article.cover_line
    images = document.assets_of(AssetKind.IMAGE)
    if images:
        return images[0].source, article.path, images[0].line
    if post.config.default_cover:
        config_path = post.config.config_path or post.config.root / "mdwx.toml"
        return post.config.default_cover, config_path, setting_line(config_path, "default_cover")
    return None
