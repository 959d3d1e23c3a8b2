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
from dataclasses import dataclass, field
from pathlib import Path

from mdwx.config_tables import setting_line
from mdwx.document import Asset, AssetKind, Document
from mdwx.errors import ArticleError, AssetError, ConfigError, MdwxError, RenderError
from mdwx.source.model import Article
from mdwx.source.posts import Post
from mdwx.urls import is_local

# What a placeholder becomes once uploaded, for sizing the content before anything is sent.
TYPICAL_IMAGE_URL = "http://mmbiz.qpic.cn/mmbiz_png/" + "x" * 86 + "/0?wx_fmt=png"
TYPICAL_VID = "wxv_" + "1" * 19
_VIDEO_IFRAME = re.compile(r'<iframe class="video_iframe[^>]*data-mpvid="([^"]+)"[^>]*></iframe>')
_CARD = re.compile(r"<mp-miniprogram\b([^>]*)></mp-miniprogram>")
_ATTR = re.compile(r'(data-miniprogram-[a-z]+)="([^"]*)"')


@dataclass
class PostReport:
    """What check/build found for one post; ``error`` set means the post failed.

    ``title`` and ``slug`` as read (None when the post could not be read); ``warnings`` one
    line each, naming ``file:line``; ``outputs`` the files ``build`` wrote (content.html,
    preview.html); ``content_chars`` the visible text in characters (code points) and
    ``content_bytes`` the content HTML in bytes of UTF-8 with WeChat-length image URLs,
    which WeChat limits (45002 past about 682 KB; see docs/limits.md).
    """

    path: Path
    title: str | None = None
    slug: str | None = None
    warnings: list[str] = field(default_factory=list)
    error: MdwxError | None = None
    outputs: list[Path] = field(default_factory=list)
    content_chars: int | None = None  # visible text, as measured on content.html
    content_bytes: int | None = None  # UTF-8 bytes of the content as sent (URLs estimated)

    @property
    def ok(self) -> bool:
        """True when the post passed (``error`` is None)."""
        return self.error is None

    def to_json(self) -> dict[str, object]:
        """One post of ``check``/``build --json``.

        ``{"path", "title", "slug", "ok", "content_chars", "content_bytes", "warnings",
        "outputs", "error"}``.
        """
        return {
            "path": str(self.path),
            "title": self.title,
            "slug": self.slug,
            "ok": self.ok,
            "content_chars": self.content_chars,
            "content_bytes": self.content_bytes,
            "warnings": self.warnings,
            "outputs": [str(p) for p in self.outputs],
            "error": self.error.to_json() if self.error else None,
        }


#: Where a post's cover comes from: (reference, the file it is relative to, its line there).
CoverReference = tuple[str, Path, int | None]


@dataclass
class Prepared:
    """A post read, rendered and verified offline: the input of build and publish."""

    post: Post
    article: Article
    document: Document
    warnings: list[str]
    styles: dict[str, str]  # asset key → CSS, for formulas: their size once typeset
    text_chars: int = 0  # visible characters of the content
    content_bytes: int = 0  # UTF-8 bytes of the content with WeChat-length URLs
    breach: MdwxError | None = None  # over the hard size limit (only when not enforced)
    cover: CoverReference | None = None  # (reference, file it is relative to, line): see cover_reference
    makes_cover: bool = False  # nothing gives a cover: publish makes one from the title

    @property
    def offline_warnings(self) -> list[str]:
        """``warnings`` plus what only an offline command needs saying (publish does it)."""
        if not self.makes_cover:
            return self.warnings
        return [*self.warnings, f"{self.article.path}: no cover image: publish will make one from the title "
                                "(set 'cover:' in the front matter or default_cover in mdwx.toml to choose it)"]

    def content(self, values: dict[str, str]) -> str:
        """The final ``content`` HTML with each asset's value (URL, vid or local path)."""
        return self.document.substitute(values, self.styles)


def prepare(post: Post, *, enforce_size: bool = True) -> Prepared:
    """Read, render and verify one post; raises :class:`MdwxError` for anything wrong.

    With ``enforce_size=False`` (``build``) content over ``limits.content_bytes`` does not
    raise: the error is kept in :attr:`Prepared.breach` so the output can still be written.
    """
    from mdwx.render import render_article
    from mdwx.render.header_footer import load_templates
    from mdwx.render.limits import check_content, content_bytes, text_chars, text_warning
    from mdwx.render.pipeline import article_theme
    from mdwx.render.themes import load_theme

    article = read_post(post)
    try:
        theme = load_theme(article_theme(article, post.config), post.config.root)
    except ConfigError as exc:
        if article.theme != post.config.theme and exc.path is None:  # not an error inside a theme file  # a per-post theme: the post is wrong, not the site
            raise ArticleError(exc.message, path=article.path, line=article.key_lines.get("theme"),
                               hint=exc.hint) from exc
        raise
    # The caller loads what the render needs; the render itself reads nothing.
    document = render_article(article, post.config, theme=theme, templates=load_templates(post.config))
    styles = typeset_formulas(article, document)
    estimate = document.substitute({a.key: _typical_value(a) for a in document.assets}, styles)
    problems = check_content(estimate, post.config.limits)
    breach = None
    if problems:
        breach = RenderError("; ".join(problems), path=article.path,
                             hint="split the post, shorten code blocks or move tables into images; "
                                  "limits.content_bytes in mdwx.toml sets the limit")
        if enforce_size:
            raise breach
    cover = cover_reference(article, document, post)
    verify_local_assets(article, document, post, cover)
    if article.post_type == "images":  # its pictures and plain text: checked offline too
        from mdwx.render.imagepost import image_post_images, image_post_text

        image_post_images(article, document, post.config.draft.image_post_images)
        image_post_text(article, post.config.draft.image_post_text)
    from mdwx.render.contrast import contrast_warnings

    warnings = list(article.warnings) + [str(w) for w in [*document.warnings, *contrast_warnings(theme)]]
    chars = text_chars(estimate)
    long_text = text_warning(chars, post.config.limits)
    if long_text:
        warnings.append(f"{article.path}: {long_text}")
    makes_cover = cover is None and not article.draft  # drafts are never published
    if makes_cover:
        _check_cover_font(post)
    return Prepared(post, article, document, warnings, styles, text_chars=chars,
                    content_bytes=content_bytes(estimate), breach=breach, cover=cover, makes_cover=makes_cover)


def typeset_formulas(article: Article, document: Document) -> dict[str, str]:
    """Typeset each formula once: bad TeX is an error at its line, and its size is known."""
    from mdwx.assets.formula import formula_style

    styles = {}
    for asset in document.assets_of(AssetKind.FORMULA):
        try:
            styles[asset.key] = formula_style(asset.source, display=asset.display)
        except AssetError as exc:
            exc.at(article.path, asset.line)
            raise
    return styles


def read_post(post: Post) -> Article:
    """The post's validated article: from its text when held in memory, else from its file."""
    from mdwx.source.article import read_article, read_article_text, read_source_text

    if post.text is None and not post.meta:
        return read_article(post.confined_path(), post.config)
    text = post.text if post.text is not None else read_source_text(post.confined_path(), post.config.limits.markdown_bytes)
    return read_article_text(text, post.path, post.config, post.meta)


def _typical_value(asset: Asset) -> str:
    return TYPICAL_VID if asset.kind is AssetKind.VIDEO else TYPICAL_IMAGE_URL


def verify_local_assets(article: Article, document: Document, post: Post,
                        cover: CoverReference | None) -> None:
    """Every local file the post names must exist inside the site root and be what it claims.

    Pictures (and the cover) are decoded cheaply (Pillow's ``verify``), SVGs checked as safe
    to draw, and videos by their container signature, so a bad file fails here, at its
    reference's line, and nothing is uploaded for a post that would fail.
    """
    from mdwx.assets.datauri import decode_data_uri
    from mdwx.assets.local import check_local_svg, check_video_file, resolve_local

    for asset in document.assets:
        if asset.kind is AssetKind.FORMULA or asset.is_remote:
            continue
        try:
            if asset.is_data_uri:
                if asset.kind is not AssetKind.VIDEO:
                    _verify_picture(decode_data_uri(asset.source), asset.source[:40] + "…")
                continue
            path = resolve_local(asset.reference_from(article.path), post_path=article.path,
                                 site_root=post.config.root)
            if asset.kind is AssetKind.VIDEO:
                check_video_file(path, asset.source)
            else:
                check_local_svg(path, asset.source, post.config.images.max_width)
                _verify_file(path, asset.source)
        except AssetError as exc:
            exc.at(article.path, asset.line)
            raise
    if cover is None:
        return  # publish makes one (see mdwx.assets.cover)
    source, base, line = cover
    if is_local(source):
        try:
            _verify_file(resolve_local(source, post_path=base, site_root=post.config.root), source)
        except AssetError as exc:
            if base != article.path:  # the site's default_cover: the config file is what is wrong
                raise AssetError(f"default_cover: {exc.message} (the cover of {article.path.name})",
                                 path=base, line=line, hint=exc.hint) from exc
            raise AssetError(f"cover: {exc.message}", path=article.path, line=line, hint=exc.hint) from exc


def _check_cover_font(post: Post) -> None:
    """A ``cover_font`` that publish would need must be a font (ConfigError, exit 2)."""
    if post.config.cover_font:
        from mdwx.assets.cover import configured_font

        configured_font(post.config.cover_font, post.config.root,
                        post.config.config_path or post.config.root / "mdwx.toml")


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


def check_post(post: Post, *, also: Callable[[Prepared], None] | None = None) -> PostReport:
    """Check one post offline; its problem is the report's ``error``, a site's is raised (ConfigError).

    ``also`` is a further check of the prepared post raising :class:`MdwxError`, e.g. what a
    publishing API refuses before anything is sent (:meth:`mdwx.publish.backends.Backend.check`).
    """
    report = PostReport(post.path)
    try:
        prepared = prepare(post)
        if also is not None:
            also(prepared)
    except ConfigError:
        raise  # the site is misconfigured: no post can pass, exit 2
    except MdwxError as exc:
        report.error = exc
        return report
    _fill(report, prepared)
    return report


def _fill(report: PostReport, prepared: Prepared) -> None:
    report.title = prepared.article.title
    report.slug = prepared.article.slug
    report.warnings = prepared.offline_warnings
    report.content_chars = prepared.text_chars
    report.content_bytes = prepared.content_bytes


def build_post(post: Post, out_dir: Path) -> PostReport:
    """Write ``OUT/<slug>/content.html`` and ``preview.html`` for one post.

    Content over the size limit is still written (to see what to cut) and the report
    carries the breach as its error.
    """
    report = PostReport(post.path)
    try:
        prepared = prepare(post, enforce_size=False)
        _fill(report, prepared)
        report.outputs = _write_outputs(prepared, out_dir / prepared.article.slug)
        report.error = prepared.breach
    except ConfigError:
        raise
    except MdwxError as exc:
        report.error = exc
    except OSError as exc:
        report.error = MdwxError(f"cannot write output: {exc.strerror}", path=exc.filename)
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
    page = preview_page(prepared.article, _previewable(content), prepared.post.config,
                        chars=prepared.text_chars, cover=cover.name if cover else None)
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
    made = cover_for_post(article.title, load_theme(article_theme(article, config), config.root).css, config.cover_font,
                          config.root, config.config_path)
    path = folder / "cover.png"
    path.write_bytes(made.png)
    return path


def _local_value(asset: Asset, prepared: Prepared, folder: Path) -> str:
    """A URL that shows the asset from the local files, relative to the output folder."""
    if asset.kind is AssetKind.FORMULA:
        from mdwx.assets.formula import render_formula

        target = folder / f"{asset.key}.png"
        target.write_bytes(render_formula(asset.source, display=asset.display))
        return target.name
    if asset.is_remote or asset.is_data_uri:
        return asset.source
    from mdwx.assets.local import resolve_local

    article_path = prepared.article.path
    path = resolve_local(asset.reference_from(article_path), post_path=article_path,
                         site_root=prepared.post.config.root)
    return Path(os.path.relpath(path, folder)).as_posix()


def _previewable(content: str) -> str:
    """In the preview only: WeChat-only tags a browser cannot show become stand-ins.

    A video iframe becomes a playable local video; a mini-program card, which only the
    WeChat app draws, becomes a card-like box with its image and title.
    """
    def video(match: re.Match[str]) -> str:
        src = html.escape(html.unescape(match.group(1)), quote=True)
        return (f'<video controls preload="metadata" src="{src}" '
                'style="width:100%;max-height:360px;background:#000"></video>')

    def card(match: re.Match[str]) -> str:
        attrs = dict(_ATTR.findall(match.group(1)))
        image = attrs.get("data-miniprogram-imageurl", "")
        title = attrs.get("data-miniprogram-title", "")
        return ('<section style="border:1px solid #ddd;border-radius:8px;padding:10px;margin:12px 0;'
                'background:#fff"><p style="margin:0 0 8px;font-size:14px;color:#333">'
                f'{title}</p><img src="{image}" alt="" style="width:100%;border-radius:4px">'
                '<p style="margin:8px 0 0;font-size:12px;color:#888">小程序 · mini program</p></section>')

    return _CARD.sub(card, _VIDEO_IFRAME.sub(video, content))
