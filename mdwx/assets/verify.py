"""Verifying a post's local files before anything is sent: every picture, video and cover it
names exists inside the site, is read through the capped reader and decodes as what it claims.

Part of the prepare stage (:func:`mdwx.prepare.prepare`); the placeholders' typical values
size the content as it will be once its assets are uploaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mdwx.document import Asset, AssetKind, Document
from mdwx.errors import AssetError, MdwxError, raise_all
from mdwx.source.model import Article
from mdwx.source.posts import Post
from mdwx.urls import is_local, is_remote

if TYPE_CHECKING:
    from mdwx.config import SiteConfig

#: Where a post's cover comes from: (reference, the file it is relative to, its line there).
CoverReference = tuple[str, Path, int | None]

#: Remote references that are fetched (videos are local files; formulas are made here).
_FETCHED = (AssetKind.IMAGE, AssetKind.CARD_IMAGE)

# What a placeholder becomes once uploaded, for sizing the content before anything is sent.
TYPICAL_IMAGE_URL = "http://mmbiz.qpic.cn/mmbiz_png/" + "x" * 86 + "/0?wx_fmt=png"
TYPICAL_VID = "wxv_" + "1" * 19


def typical_value(asset: Asset) -> str:
    """What ``asset``'s placeholder becomes once uploaded (a WeChat-length URL or vid)."""
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
        asset.reference_from(article.path),
        post_path=article.path,
        site_root=post.config.root,
        written=asset.shown,
    )
    if asset.kind is AssetKind.VIDEO:
        check_video_file(path, asset.shown)
    else:
        check_local_svg(path, asset.shown, post.config.images.max_width)
        _verify_file(path, asset.shown)


def _verify_cover(cover: CoverReference, article: Article, post: Post) -> None:
    from mdwx.assets.local import check_local_svg, resolve_local

    source, base, line = cover
    if not is_local(source):
        return
    try:
        shown = article.as_written(source) if base == article.path else source
        found = resolve_local(source, post_path=base, site_root=post.config.root, written=shown)
        # Rasterised for upload as body pictures are: what that refuses, check refuses too.
        check_local_svg(found, shown, post.config.images.max_width)
        _verify_file(found, shown)
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


def check_cover_font(post: Post) -> None:
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


def remote_picture_errors(
    article: Article, document: Document, cover: CoverReference | None, config: SiteConfig
) -> list[MdwxError]:
    """Each remote picture (and a remote cover) that would be fetched must be an http(s) URL
    whose host is not known to be non-public (:func:`mdwx.assets.fetch.check_remote_offline`);
    a URL a ``mirrors`` prefix claims is not fetched, and its copy must be in the site
    (:func:`mdwx.assets.mirrors.mirrored`, the rule publish loads by). Returns every
    :class:`AssetError`, each at its line: :func:`mdwx.prepare.prepare` gathers them with the
    post's other problems, so one missing file never hides another."""
    references = [(a.source, a.line) for a in document.assets if a.kind in _FETCHED and a.is_remote]
    if cover is not None and is_remote(cover[0]) and article.post_type != "images":
        references.append((cover[0], cover[2]))
    if not references:
        return []
    # Only now: a URL is checked as the fetch will parse it (httpx's parser), and importing the
    # fetch stack (httpx, asyncio, ssl) is most of an offline command's start-up.
    from mdwx.assets.fetch import FetchPolicy, check_remote_offline
    from mdwx.assets.mirrors import mirrored

    policy = FetchPolicy.from_limits(config.images)
    found: list[MdwxError] = []
    for source, line in references:
        try:
            if mirrored(config, source) is None:  # a mirrored URL is never fetched
                check_remote_offline(source, policy)
        except AssetError as exc:
            found.append(exc.at(article.path, line))
    return found
