"""The offline half of the pipeline as a library: ``check`` and ``build`` for one post.

Both read and render the post and verify everything that can be verified without WeChat:
limits, content size (with placeholders sized like real WeChat URLs), and that every local
file the post names exists inside the site and decodes as a picture. ``build`` also writes
the ``content`` HTML with local file URLs and a standalone phone-frame preview — even when
the content is over the size limit, so the author can see what to cut; the breach is still
reported (exit 1). A post needs no cover offline: ``publish`` makes one when none is given.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mdwx.config_tables import setting_line
from mdwx.diagnostics import Diagnostic, ignoring
from mdwx.document import Asset, AssetKind, Document
from mdwx.errors import (
    ArticleError,
    AssetError,
    ConfigError,
    MdwxError,
    RenderError,
    in_file_order,
    raise_all,
)
from mdwx.post_report import PostReport  # re-exported: mdwx.build.PostReport is the API's
from mdwx.repeated_warnings import group_repeated
from mdwx.source.model import Article
from mdwx.source.posts import Post
from mdwx.urls import is_local

if TYPE_CHECKING:
    from mdwx.render.themes import Theme

# What a placeholder becomes once uploaded, for sizing the content before anything is sent.
TYPICAL_IMAGE_URL = "http://mmbiz.qpic.cn/mmbiz_png/" + "x" * 86 + "/0?wx_fmt=png"
TYPICAL_VID = "wxv_" + "1" * 19
_VIDEO_IFRAME = re.compile(r'<iframe class="video_iframe[^>]*data-mpvid="([^"]+)"[^>]*></iframe>')
# Quoted values may hold a raw `>` (HTML serialisers leave it in attributes).
_RAW_TAG = re.compile(r"<[A-Za-z]")
_CARD = re.compile(r"""<mp-miniprogram\b((?:[^>"']|"[^"]*"|'[^']*')*)></mp-miniprogram>""")
_ATTR = re.compile(r'(data-miniprogram-[a-z]+)="([^"]*)"')


#: Where a post's cover comes from: (reference, the file it is relative to, its line there).
CoverReference = tuple[str, Path, int | None]


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
    document, styles = typeset_formulas(article, document)
    document, diagram_styles = typeset_diagrams(
        article, document, post.config.limits.diagram_seconds
    )
    styles |= diagram_styles
    warnings += document.warnings
    estimate = document.substitute({a.key: _typical_value(a) for a in document.assets}, styles)
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
        _check_cover_font(post)
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

    A per-post theme in error is collected and the site's theme used instead; an error inside a
    theme file (it names its file) or in the site's own theme stops the run: the site is wrong.
    """
    from mdwx.render import render_article
    from mdwx.render.header_footer import load_templates
    from mdwx.render.pipeline import article_theme
    from mdwx.render.themes import load_theme

    try:
        theme = load_theme(article_theme(article, post.config), post.config.root)
    except ConfigError as exc:
        if exc.path is not None:
            raise  # an error inside a theme file names its own place
        if (
            article.theme == post.config.theme
        ):  # the site's theme: the setting's line is what to fix
            raise _at_theme_setting(exc, post) from None
        errors.append(
            ArticleError(
                exc.message, path=article.path, line=article.key_lines.get("theme"), hint=exc.hint
            )
        )
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
    from mdwx.source.article import EmptyPost, empty_body_error
    from mdwx.source.generators import site_for

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
    from mdwx.render.syntax import block_parser

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


def _at_theme_setting(exc: ConfigError, post: Post) -> ConfigError:
    """``exc`` placed at the config file's ``theme`` line when that line sets this theme.

    A theme given another way (``MDWX_THEME``, ``--theme``) is said to come from there.
    """
    where = post.config.config_path or post.config.root / "mdwx.toml"
    line = setting_line(where, "theme") if where.is_file() else None
    from mdwx.source.reader import read_config_text

    if line is not None and post.config.theme in read_config_text(where).splitlines()[line - 1]:
        return exc.at(where, line)
    exc.message += " (given by MDWX_THEME or --theme, not the site's config)"
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


def typeset_formulas(article: Article, document: Document) -> tuple[Document, dict[str, str]]:
    """Typeset each formula once (new ones over the cores), so its size is known.

    One that cannot be drawn does not fail the post: it is shown as its TeX in code, with a
    warning at its line (see :func:`mdwx.render.media.formulas_as_code`).
    """
    formulas = document.assets_of(AssetKind.FORMULA)
    if not formulas:
        return document, {}
    # Imported only for a post with formulas: the typesetter and its process pool
    # (multiprocessing) are a large part of the start-up of a command that has none.
    from mdwx.assets.formula import formula_style
    from mdwx.assets.formula_fonts import missing_font_warnings
    from mdwx.assets.formula_pool import typeset_many
    from mdwx.render.media import formulas_as_code

    document.warnings.extend(missing_font_warnings(formulas, str(article.path)))
    typeset_many((asset.source, asset.display) for asset in formulas)
    styles, failed = {}, {}
    for asset in formulas:
        try:
            styles[asset.key] = formula_style(asset.source, display=asset.display)
        except AssetError as exc:
            failed[asset.key] = exc
    if failed:
        document = formulas_as_code(document, failed, str(article.path))
    return document, styles


def typeset_diagrams(
    article: Article, document: Document, seconds: float
) -> tuple[Document, dict[str, str]]:
    """Draw each diagram once (cached like formulas), each within ``seconds``, so its size is known.

    One that cannot be drawn, or whose renderer is not installed, is shown as its code block
    with a ``diagram-not-drawn`` warning at its line (:func:`mdwx.render.diagrams.diagrams_as_code`).
    """
    from mdwx.assets.diagram import diagram_style
    from mdwx.render.diagrams import diagrams_as_code

    styles, failed = {}, {}
    for asset in document.assets_of(AssetKind.DIAGRAM):
        try:
            styles[asset.key] = diagram_style(asset.language, asset.source, seconds)
        except AssetError as exc:
            failed[asset.key] = exc
    if failed:
        document = diagrams_as_code(document, failed, str(article.path))
    return document, styles


def read_post(post: Post) -> Article:
    """The post's validated article: from its text when held in memory, else from its file.

    Raises the first error of its front matter, carrying the others (:meth:`MdwxError.gather`).
    """
    article, errors = read_post_found(post)
    raise_all(errors, article.warnings)
    return article


def read_post_found(post: Post) -> tuple[Article, list[MdwxError]]:
    """The post's article, keys in error at their defaults, and every error of its keys."""
    from mdwx.source.article import read_article_found

    text = post.source_text()  # the gate's rules, for text held in memory too
    # A file's relative references resolve from its real folder; in-memory text's from its path's.
    path = post.path if post.text is not None else post.confined_path()
    return read_article_found(text, path, post.config, post.meta)


def _typical_value(asset: Asset) -> str:
    return TYPICAL_VID if asset.kind is AssetKind.VIDEO else TYPICAL_IMAGE_URL


def verify_local_assets(
    article: Article,
    document: Document,
    post: Post,
    cover: CoverReference | None,
    errors: list[MdwxError] | None = None,
) -> None:
    """Every local file the post names must exist inside the site root and be what it claims.

    Pictures (and the cover) are decoded cheaply (Pillow's ``verify``), SVGs checked as safe
    to draw, and videos by their container signature, so a bad file fails here, at its
    reference's line, and nothing is uploaded for a post that would fail. With ``errors``
    every bad file is added there (each at its line); without, the first is raised.
    """
    found: list[MdwxError] = [] if errors is None else errors
    for asset in document.assets:
        if asset.is_typeset or asset.is_remote:
            continue
        try:
            _verify_asset(asset, article, post)
        except AssetError as exc:
            found.append(exc.at(article.path, asset.line))
    body_image = cover is not None and any(
        (a.source, a.line) == cover[::2] for a in document.assets
    )
    if cover is not None and not (
        body_image and cover[1] == article.path
    ):  # a body image: verified above
        try:
            _verify_cover(cover, article, post)
        except AssetError as exc:
            found.append(exc)
    if errors is None:
        raise_all(found)


def _verify_asset(asset: Asset, article: Article, post: Post) -> None:
    from mdwx.assets.datauri import decode_data_uri
    from mdwx.assets.local import check_local_svg, check_video_file, resolve_local

    if asset.is_data_uri:
        if asset.kind is not AssetKind.VIDEO:
            _verify_picture(decode_data_uri(asset.source), asset.source[:40] + "…")
        return
    path = resolve_local(
        asset.reference_from(article.path), post_path=article.path, site_root=post.config.root
    )
    if asset.kind is AssetKind.VIDEO:
        check_video_file(path, asset.source)
    else:
        check_local_svg(path, asset.source, post.config.images.max_width)
        _verify_file(path, asset.source)


def _verify_cover(cover: CoverReference, article: Article, post: Post) -> None:
    from mdwx.assets.local import resolve_local

    source, base, line = cover
    if not is_local(source):
        return
    try:
        _verify_file(resolve_local(source, post_path=base, site_root=post.config.root), source)
    except AssetError as exc:
        if base != article.path:  # the site's default_cover: the config file is what is wrong
            raise AssetError(
                f"default_cover: {exc.message} (the cover of {article.path.name})",
                path=base,
                line=line,
                hint=exc.hint,
            ) from exc
        raise AssetError(
            f"cover: {exc.message}", path=article.path, line=line, hint=exc.hint
        ) from exc


def _check_cover_font(post: Post) -> None:
    """A ``cover_font`` that publish would need must be a font (ConfigError, exit 2)."""
    if post.config.cover_font:
        from mdwx.assets.cover import configured_font

        configured_font(
            post.config.cover_font,
            post.config.root,
            post.config.config_path or post.config.root / "mdwx.toml",
        )


def _verify_file(path: Path, source: str) -> None:
    from mdwx.assets.local import read_local_file

    _verify_picture(read_local_file(path, source), source)


def _verify_picture(data: bytes, source: str) -> None:
    from mdwx.assets.imaging import verify_image

    verify_image(data, source=source)


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


def check_post(
    post: Post,
    *,
    also: Callable[[Prepared], None] | None = None,
    prepare_with: Callable[[Post], Prepared] = prepare,
) -> PostReport:
    """Check one post offline; its problem is the report's ``error``, a site's is raised (ConfigError).

    ``prepare_with`` reads, renders and checks it (:func:`prepare`; the API passes
    :func:`mdwx.api.routed.prepare_routed`: every account it goes to, with each backend's
    offline rules). ``also`` is a further check of the prepared post raising :class:`MdwxError`.
    """
    report = PostReport(post.path)
    try:
        prepared = prepare_with(post)
    except ConfigError:
        raise  # the site is misconfigured: no post can pass, exit 2
    except MdwxError as exc:
        if not _skipped(report, exc):
            report.fail(exc)
        return report
    _fill(report, prepared)
    if also is not None:
        try:
            also(prepared)
        except ConfigError:
            raise
        except MdwxError as exc:
            report.fail(exc)  # the post's warnings stay beside it
    return report


def _skipped(report: PostReport, error: MdwxError) -> bool:
    """Whether ``error`` is a generator site's stub page: then the report says so as a warning.

    A stub (:class:`~mdwx.source.article.EmptyPost`) is skipped, not failed.
    """
    from mdwx.source.article import EmptyPost

    if isinstance(error, EmptyPost):
        report.diagnostics.append(
            Diagnostic(error.message, error.path, error.line, code=error.code)
        )
        return True
    return False


def _fill(report: PostReport, prepared: Prepared) -> None:
    report.title = prepared.article.title
    report.slug = prepared.article.slug
    report.diagnostics = list(prepared.offline_diagnostics)
    report.content_chars = prepared.text_chars
    report.content_bytes = prepared.content_bytes


def build_post(
    post: Post,
    out_dir: Path,
    folder: str | None = None,
    *,
    prepare_with: Callable[..., Prepared] = prepare,
) -> PostReport:
    """Write ``OUT/<folder>/content.html`` and ``preview.html`` for one post.

    ``folder`` defaults to the post's slug. Content over the size limit is still written (to
    see what to cut) and the report carries the breach as its error. ``prepare_with``: as for
    :func:`check_post` (called with ``enforce_size=False``).
    """
    report = PostReport(post.path)
    try:
        prepared = prepare_with(post, enforce_size=False)
        _fill(report, prepared)
        report.outputs = _write_outputs(prepared, out_dir / (folder or prepared.article.slug))
        if prepared.breach is not None:
            report.fail(prepared.breach)
    except ConfigError:
        raise
    except MdwxError as exc:
        if not _skipped(report, exc):
            report.fail(exc)
    except OSError as exc:
        report.fail(MdwxError(f"cannot write output: {exc.strerror}", path=exc.filename))
    return report


def _write_outputs(prepared: Prepared, folder: Path) -> list[Path]:
    from mdwx.render import preview_page

    folder.mkdir(parents=True, exist_ok=True)
    values = {a.key: _local_value(a, prepared, folder) for a in prepared.document.assets}
    content = prepared.content(values)
    content_path = folder / "content.html"
    content_path.write_text(content, encoding="utf-8")
    cover = _write_made_cover(prepared, folder)
    preview_path = folder / "preview.html"
    page = preview_page(
        prepared.article,
        previewable(content),
        prepared.post.config,
        chars=prepared.text_chars,
        cover=cover.name if cover else None,
    )
    preview_path.write_text(page, encoding="utf-8")
    return [content_path, preview_path, *([cover] if cover else [])]


def _write_made_cover(prepared: Prepared, folder: Path) -> Path | None:
    """``cover.png``: the cover publish will make for a post that gives none, to look at first."""
    if not prepared.makes_cover:
        return None
    from mdwx.assets.cover import cover_for_post
    from mdwx.render.pipeline import article_theme
    from mdwx.render.themes import load_theme

    config, article = prepared.post.config, prepared.article
    made = cover_for_post(
        article.title,
        load_theme(article_theme(article, config), config.root).css,
        config.cover_font,
        config.root,
        config.config_path,
    )
    path = folder / "cover.png"
    path.write_bytes(made.png)
    return path


def _local_value(asset: Asset, prepared: Prepared, folder: Path) -> str:
    """A URL that shows the asset from the local files, relative to the output folder."""
    if asset.is_typeset:
        from mdwx.assets.diagram import typeset_png

        target = folder / f"{asset.key}.png"
        target.write_bytes(typeset_png(asset))
        return target.name
    if asset.is_remote or asset.is_data_uri:
        return asset.source
    from mdwx.assets.local import resolve_local

    article_path = prepared.article.path
    path = resolve_local(
        asset.reference_from(article_path),
        post_path=article_path,
        site_root=prepared.post.config.root,
    )
    return Path(os.path.relpath(path, folder)).as_posix()


def previewable(content: str) -> str:
    """In the preview only: WeChat-only tags a browser cannot show become stand-ins.

    A video iframe becomes a playable local video; a mini-program card, which only the
    WeChat app draws, becomes a card-like box with its image and title.
    """

    def video(match: re.Match[str]) -> str:
        src = html.escape(_safe_src(html.unescape(match.group(1))), quote=True)
        return (
            f'<video controls preload="metadata" src="{src}" '
            'style="width:100%;max-height:360px;background:#000"></video>'
        )

    def card(match: re.Match[str]) -> str:
        # Attribute values come serialised for an attribute (a serialiser may leave `<` as
        # is): read back to text, then escaped again for where they go.
        attrs = {k: html.unescape(v) for k, v in _ATTR.findall(match.group(1))}
        image = html.escape(_safe_src(attrs.get("data-miniprogram-imageurl", "")), quote=True)
        title = html.escape(attrs.get("data-miniprogram-title", ""), quote=True)
        return (
            '<section style="border:1px solid #ddd;border-radius:8px;padding:10px;margin:12px 0;'
            'background:#fff"><p style="margin:0 0 8px;font-size:14px;color:#333">'
            f'{title}</p><img src="{image}" alt="" style="width:100%;border-radius:4px">'
            '<p style="margin:8px 0 0;font-size:12px;color:#888">小程序 · mini program</p></section>'
        )

    return _CARD.sub(card, _VIDEO_IFRAME.sub(video, content))


def _safe_src(url: str) -> str:
    """``url`` when a browser would only fetch it (no ``javascript:``-like scheme), else ``""``."""
    scheme = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", re.sub(r"[\x00-\x20]", "", url))
    if scheme is None or scheme.group(1).lower() in ("http", "https", "file"):
        return url
    return url if url.lower().startswith("data:image/") else ""
