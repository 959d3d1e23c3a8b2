"""The offline half of the pipeline as a library: ``check`` and ``build`` for one post.

Both run the prepare stage (:func:`mdwx.prepare.prepare`: read, render and verify everything
that can be verified without WeChat) and report what it found. ``build`` also writes
the ``content`` HTML with local file URLs and a standalone phone-frame preview — even when
the content is over the size limit, so the author can see what to cut; the breach is still
reported (exit 1). A post needs no cover offline: ``publish`` makes one when none is given.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Callable
from pathlib import Path

from mdwx.diagnostics import Diagnostic
from mdwx.document import Asset, AssetKind
from mdwx.errors import ConfigError, MdwxError
from mdwx.html_scan import IN_TAG
from mdwx.post_report import PostReport  # re-exported: mdwx.build.PostReport is the API's
from mdwx.prepare import Prepared, prepare
from mdwx.source.article import EmptyPost
from mdwx.source.posts import Post

_VIDEO_IFRAME = re.compile(
    rf'<iframe class="video_iframe[^"]*"{IN_TAG}?\sdata-mpvid="([^"]+)"{IN_TAG}></iframe>'
)
# Quoted values may hold a raw `>` (HTML serialisers leave it in attributes).
_CARD = re.compile(r"""<mp-miniprogram\b((?:[^>"']|"[^"]*"|'[^']*')*)></mp-miniprogram>""")
_ATTR = re.compile(r'(data-miniprogram-[a-z]+)="([^"]*)"')


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
    _draw_formulas(prepared)
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


def _draw_formulas(prepared: Prepared) -> None:
    """Draw the post's new formulas over the cores (prepare only laid them out)."""
    formulas = prepared.document.assets_of(AssetKind.FORMULA)
    if formulas:
        from mdwx.assets.formula_pool import typeset_many

        typeset_many((asset.source, asset.display) for asset in formulas)


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
        written=asset.shown,
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
