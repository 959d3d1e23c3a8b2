"""One look at a post for the live preview: read, rendered, checked, its images inlined.

:func:`take_snapshot` never raises for anything wrong with the post or its site: an error
(a bad front matter line, a missing image, a broken ``mdwx.toml``) is kept in
:attr:`Snapshot.error` so the preview shows it instead of stopping, and recovers on the next
change. It also lists the files whose change should trigger the next snapshot.
"""

from __future__ import annotations

import base64
import mimetypes
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from mdwx.api.routed import prepare_routed
from mdwx.api.types import Options
from mdwx.assets.local import read_local_file, resolve_local
from mdwx.assets.mirrors import mirrored
from mdwx.build import previewable
from mdwx.document import Asset, AssetKind
from mdwx.errors import MdwxError, one_line
from mdwx.html_scan import IN_TAG
from mdwx.prepare import Prepared
from mdwx.render.preview import article_language
from mdwx.source.gate import collect_posts
from mdwx.source.site import find_site_root
from mdwx.urls import is_local

if TYPE_CHECKING:
    from mdwx.config import SiteConfig

# A video only WeChat can play: it is not part of what the editor can take from the clipboard.
VIDEO_IFRAME = re.compile(rf'<iframe class="video_iframe[^"]*"{IN_TAG}></iframe>')
_MIME = {
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".bmp": "image/bmp",
}


@dataclass
class Snapshot:
    """What the page shows for one version of the post.

    ``html`` is the article as the preview draws it (local pictures as ``data:`` URIs,
    videos from ``/media/<key>``); ``copy_html`` is the ``content`` HTML with the same
    pictures, video iframes left out (the editor cannot take them from the clipboard).
    ``files`` are absolute paths whose change makes a new snapshot; ``media`` maps asset
    keys to local video files the page may load.
    """

    version: int
    path: Path
    title: str = ""
    author: str = ""
    digest: str = ""
    html: str = ""
    copy_html: str = ""
    chars: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    files: frozenset[Path] = frozenset()
    media: dict[str, Path] = field(default_factory=dict)
    prepared: Prepared | None = None
    lang: str = "en"  # the article's language: the page's words follow it
    timezone: str = ""  # the site's time zone ("" = the machine's): the page's times follow it
    publish_at: datetime | None = None  # front matter publish_at, shown as "scheduled for …"
    taken: datetime = field(
        default_factory=lambda: datetime.now(timezone.utc)
    )  # shown as "updated …"

    def to_json(self) -> dict[str, object]:
        return {
            "version": self.version,
            "title": self.title,
            "author": self.author,
            "digest": self.digest,
            "html": self.html,
            "chars": self.chars,
            "warnings": self.warnings,
            "error": self.error,
            "notes": self.notes,
        }


def take_snapshot(path: Path, version: int, previous: Snapshot | None = None) -> Snapshot:
    """Read, render and check the post at ``path``; never raises :class:`MdwxError`.

    ``previous`` lends its watched files when this version fails before its own are known
    (so fixing a broken image or config is still seen).
    """
    path = Path(os.path.abspath(path))
    snapshot = Snapshot(version=version, path=path)
    files = {path, *_theme_files()}
    try:
        root = find_site_root(path)
        files |= {root / "mdwx.toml", root / "pyproject.toml"}
        post = collect_posts([path])[0]
        files |= _site_files(post.config)
        # The routed gate, as check applies it: a post for accounts is judged by their rules too.
        prepared = prepare_routed(post, Options(), enforce_size=False)
        files |= _asset_files(prepared)
        snapshot.prepared = prepared
        _fill(snapshot, prepared)
    except MdwxError as exc:
        snapshot.error = one_line(str(exc))
        if previous is not None:
            files |= previous.files
            snapshot.title, snapshot.lang, snapshot.timezone = (
                previous.title,
                previous.lang,
                previous.timezone,
            )
    snapshot.files = frozenset(Path(os.path.abspath(f)) for f in files)
    return snapshot


def _fill(snapshot: Snapshot, prepared: Prepared) -> None:
    article, config = prepared.article, prepared.post.config
    snapshot.title, snapshot.digest = article.title, article.digest
    snapshot.author = article.author or config.author
    snapshot.warnings = list(prepared.offline_warnings)
    snapshot.chars = prepared.text_chars

    snapshot.lang, snapshot.timezone = article_language(article, config), config.timezone
    snapshot.publish_at = article.publish_at
    if prepared.breach is not None:
        snapshot.error = one_line(str(prepared.breach))
    values = {}
    for asset in prepared.document.assets:
        values[asset.key] = _inline_value(asset, prepared, snapshot.media)
    content = prepared.content(values)
    snapshot.html = previewable(content)
    snapshot.copy_html = VIDEO_IFRAME.sub("", content)
    videos = [a.source for a in prepared.document.assets_of(AssetKind.VIDEO)]
    if videos:
        snapshot.notes.append(
            "Videos are not copied: insert " + ", ".join(videos) + " in the WeChat editor."
        )


def _inline_value(asset: Asset, prepared: Prepared, media: dict[str, Path]) -> str:
    """A URL the browser can show: ``data:`` for pictures, ``/media/<key>`` for a video."""
    config, article = prepared.post.config, prepared.article
    try:
        if asset.is_typeset:
            from mdwx.assets.diagram import typeset_png

            return data_uri(typeset_png(asset), "image/png")
        if asset.is_data_uri:
            return asset.source
        if asset.is_remote:
            local = mirrored(config, asset.source)
            return (
                data_uri(read_local_file(local, asset.source), _mime(local))
                if local
                else asset.source
            )
        path = resolve_local(
            asset.reference_from(article.path),
            post_path=article.path,
            site_root=config.root,
            written=asset.shown,
        )
        if asset.kind is AssetKind.VIDEO:
            media[asset.key] = path
            return f"/media/{asset.key}"
        return data_uri(read_local_file(path, asset.shown), _mime(path))
    except MdwxError as exc:
        raise MdwxError(exc.message, path=article.path, line=asset.line, hint=exc.hint) from None


def data_uri(data: bytes, mime: str) -> str:
    """``data:<mime>;base64,…`` for ``data``."""
    return f"data:{mime};base64," + base64.b64encode(data).decode("ascii")


def _mime(path: Path) -> str:
    return (
        _MIME.get(path.suffix.lower())
        or mimetypes.guess_type(path.name)[0]
        or "application/octet-stream"
    )


def _theme_files() -> set[Path]:
    from mdwx.render.themes import templates_dir

    return set(templates_dir().glob("*.css"))


def _site_files(config: SiteConfig) -> set[Path]:
    found = {config.config_path} if config.config_path else set()
    for relative in (config.header, config.footer, config.default_cover):
        if relative:
            found.add(config.root / relative)
    return found


def _asset_files(prepared: Prepared) -> set[Path]:
    found = {a.local_path for a in prepared.document.assets if a.local_path is not None}
    cover = prepared.cover
    if cover and is_local(cover[0]):
        found.add(cover[1].parent / cover[0])
    return found
