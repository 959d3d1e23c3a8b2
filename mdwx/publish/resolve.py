"""The resolve stage: turn each asset of a rendered post into a WeChat URL, media_id or vid.

It runs in two phases so that nothing is sent for a post that cannot be published:
:func:`load_assets` reads every source (local file, ``data:`` URI, remote URL), hashes it,
and normalises whatever the state has not seen before — an image that cannot be made to fit
fails here, before the first upload. :class:`Uploader` then sends only what is new, with
bounded concurrency, deduplicating by content hash across posts and runs.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal, TypeVar

from mdwx.assets.cover import cover_for_post
from mdwx.assets.diagram import typeset_png
from mdwx.assets.fetch import FetchPolicy, fetch_remote
from mdwx.assets.imaging import (
    PreparedImage,
    body_target,
    card_target,
    cover_target,
    gif_target,
    is_animated_gif,
    make_card_image,
    prepare_image,
)
from mdwx.assets.local import check_video_file, read_local_file, read_source, resolve_local
from mdwx.assets.mirrors import mirrored
from mdwx.config import SiteConfig
from mdwx.document import Asset, AssetKind
from mdwx.errors import AssetError, MdwxError
from mdwx.publish.claims import RunClaims
from mdwx.publish.state.store import State, UploadKind
from mdwx.publish.wechat_api import ImageAPI
from mdwx.render.themes import load_theme
from mdwx.urls import is_remote

# State upload kinds: what the bytes were made into, so one picture used as a body image
# and as a cover is uploaded once for each purpose and never confused.
KIND_BODY: Final = "body"
KIND_COVER: Final = "cover"
KIND_CARD: Final = "card"
KIND_FORMULA: Final = "formula"
KIND_VIDEO: Final = "video"  # never in the uploads table: videos have their own (see video.py)
#: What a loaded asset is made into: an upload kind of the state, or a video.
LoadedKind = UploadKind | Literal["video"]


@dataclass
class LoadedAsset:
    """One asset ready to upload (``prepared``) or already known to WeChat (``cached``)."""

    asset: Asset
    kind: LoadedKind
    content_hash: str
    prepared: PreparedImage | None = None
    cached_url: str | None = None
    cached_media_id: str | None = None
    video_path: Path | None = None

    @property
    def cached(self) -> bool:
        return self.cached_url is not None


@dataclass
class UploadCounts:
    images: int = 0
    cached: int = 0
    videos: int = 0

    def to_json(self) -> dict[str, int]:
        return {"images": self.images, "cached": self.cached, "videos": self.videos}


@dataclass
class Resolved:
    """Placeholder values for :meth:`Document.substitute`, plus the cover's media_id."""

    values: dict[str, str] = field(default_factory=dict)
    thumb_media_id: str = ""
    media_ids: dict[str, str] = field(default_factory=dict)  # asset key → permanent image media_id
    cover_url: str = ""
    counts: UploadCounts = field(default_factory=UploadCounts)


class AssetLoader:
    """Reads and normalises assets; remote fetches go through an injectable transport."""

    def __init__(
        self, config: SiteConfig, state: State | None, appid: str, *, fetch_transport: Any = None
    ) -> None:
        self.config = config
        self.state = state
        self.appid = appid
        self.fetch_transport = fetch_transport
        self.policy = FetchPolicy.from_limits(config.images)

    async def source_bytes(
        self,
        source: str,
        post_path: Path,
        line: int | None,
        relative_to: Path | None = None,
        *,
        written: str | None = None,
    ) -> bytes:
        """The bytes an image reference names: data: URI, mirrored or fetched URL, local file.

        Local paths are relative to ``relative_to``'s folder (default: the post's); errors
        name ``written``, the reference as the post wrote it, when ``source`` was derived.
        """
        try:
            if is_remote(source):
                local = mirrored(self.config, source)
                if local is not None:
                    return read_local_file(local, source)
                return await fetch_remote(source, self.policy, transport=self.fetch_transport)
            return read_source(
                source,
                post_path=relative_to or post_path,
                site_root=self.config.root,
                written=written,
            )
        except AssetError as exc:
            exc.at(post_path, line)
            raise
        except OSError as exc:
            raise AssetError(
                f"{written or source}: cannot read ({exc.strerror})", path=post_path, line=line
            ) from exc

    def _lookup(self, loaded: LoadedAsset) -> LoadedAsset:
        return lookup_cached(self.state, self.appid, loaded) if self.state else loaded

    async def load(self, asset: Asset, post_path: Path) -> LoadedAsset:
        if asset.kind is AssetKind.VIDEO:
            path = self._local_video(asset, post_path)
            return LoadedAsset(asset, KIND_VIDEO, "", video_path=path)
        if (
            asset.is_typeset
        ):  # formulas and diagrams: the state knows both as drawn "formula" uploads
            recipe = (
                f"{int(asset.display)}\0{asset.source}"
                if asset.kind is AssetKind.FORMULA
                else f"diagram\0{asset.language}\0{asset.source}"
            )
            loaded = self._lookup(LoadedAsset(asset, KIND_FORMULA, _sha256(recipe.encode())))
            if not loaded.cached:
                png = await asyncio.to_thread(
                    located, lambda: typeset_png(asset), post_path, asset.line
                )
                loaded.prepared = await self._prepare(png, asset, post_path, KIND_BODY)
            return loaded
        data = await self.source_bytes(
            asset.reference_from(post_path), post_path, asset.line, written=asset.shown
        )
        kind: LoadedKind = KIND_CARD if asset.kind is AssetKind.CARD_IMAGE else KIND_BODY
        loaded = self._lookup(LoadedAsset(asset, kind, _sha256(data)))
        if not loaded.cached:
            loaded.prepared = await self._prepare(data, asset, post_path, kind)
        return loaded

    async def _prepare(
        self, data: bytes, asset: Asset, post_path: Path, kind: LoadedKind
    ) -> PreparedImage:
        """Normalise in a worker thread: Pillow releases the GIL, so pictures prepare in parallel."""
        return await asyncio.to_thread(self._prepare_now, data, asset, post_path, kind)

    def _prepare_now(
        self, data: bytes, asset: Asset, post_path: Path, kind: LoadedKind
    ) -> PreparedImage:
        images = self.config.images
        source = (
            f"formula ${asset.source}$"
            if asset.kind is AssetKind.FORMULA
            else f"{asset.language} diagram"
            if asset.kind is AssetKind.DIAGRAM
            else asset.shown
        )
        if kind == KIND_CARD:
            return located(
                lambda: make_card_image(data, card_target(images), source=source),
                post_path,
                asset.line,
            )
        if kind == KIND_COVER:
            return located(
                lambda: prepare_image(
                    data, cover_target(images), source=source, allow_animation=False
                ),
                post_path,
                asset.line,
            )
        # Only animated GIFs go to add_material (which keeps frames); static ones are body images.
        target = gif_target(images) if is_animated_gif(data) else body_target(images)
        return located(lambda: prepare_image(data, target, source=source), post_path, asset.line)

    async def load_cover(
        self,
        source: str,
        base: Path,
        line: int | None,
        post_path: Path,
        *,
        size: bool = False,
        written: str = "",
    ) -> LoadedAsset:
        """The cover; ``size``: prepare it even when already uploaded, so its size in pixels
        (``prepared.width``/``height``) is known (cover crops are checked against it);
        ``written``: the reference as the post wrote it, for messages (default ``source``)."""
        data = await self.source_bytes(
            source, post_path, line, relative_to=base, written=written or None
        )
        asset = Asset(key="cover", kind=AssetKind.IMAGE, source=source, line=line, written=written)
        loaded = self._lookup(LoadedAsset(asset, KIND_COVER, _sha256(data)))
        if not loaded.cached or size:
            loaded.prepared = await self._prepare(data, asset, post_path, KIND_COVER)
        return loaded

    async def load_permanent(self, asset: Asset, post_path: Path) -> LoadedAsset:
        """A picture sent as a permanent image (``add_material``), keeping its asset key: an
        image post's pictures, which WeChat names by ``media_id``."""
        data = await self.source_bytes(
            asset.reference_from(post_path), post_path, asset.line, written=asset.shown
        )
        loaded = self._lookup(LoadedAsset(asset, KIND_COVER, _sha256(data)))
        if not loaded.cached:
            loaded.prepared = await self._prepare(data, asset, post_path, KIND_COVER)
        return loaded

    async def load_generated_cover(
        self, title: str, theme: str, post_path: Path, *, size: bool = False
    ) -> tuple[LoadedAsset, str]:
        """A cover made from the title and theme (see :mod:`mdwx.assets.cover`), and a note saying so."""
        made = await asyncio.to_thread(
            cover_for_post,
            title,
            load_theme(theme, self.config.root).css,
            self.config.cover_font,
            self.config.root,
            self.config.config_path,
        )
        asset = Asset(key="cover", kind=AssetKind.IMAGE, source="(generated cover)", line=None)
        loaded = self._lookup(LoadedAsset(asset, KIND_COVER, _sha256(made.png)))
        if not loaded.cached or size:
            loaded.prepared = await self._prepare(made.png, asset, post_path, KIND_COVER)
        return loaded, made.note

    def _local_video(self, asset: Asset, post_path: Path) -> Path:
        try:
            path = resolve_local(
                asset.reference_from(post_path),
                post_path=post_path,
                site_root=self.config.root,
                written=asset.shown,
            )
            check_video_file(path, asset.shown)
        except AssetError as exc:
            exc.at(post_path, asset.line)
            raise
        size = path.stat().st_size
        if size == 0 or size > 2 * 1024**3:
            raise AssetError(
                f"{asset.shown}: video must be between 1 byte and 2 GB, not {size:,} bytes",
                path=post_path,
                line=asset.line,
            )
        return path


T = TypeVar("T")


def located(make: Callable[[], T], post_path: Path, line: int | None) -> T:
    """Run an asset step, adding the post and line to any error it raises."""
    try:
        return make()
    except AssetError as exc:
        exc.at(post_path, line)
        raise
    except MdwxError as exc:
        raise AssetError(exc.message, path=post_path, line=line, hint=exc.hint) from exc


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Uploader:
    """Uploads prepared images with bounded concurrency; one upload per content hash."""

    def __init__(
        self,
        client: ImageAPI,
        state: State,
        appid: str,
        concurrency: int,
        on_upload: Callable[[], None] | None = None,
    ) -> None:
        self.client = client
        self.state = state
        self.appid = appid
        self.semaphore = asyncio.Semaphore(concurrency)
        self.on_upload = on_upload or (lambda: None)
        self._inflight: dict[tuple[str, str], asyncio.Task[tuple[str, str | None]]] = {}
        self.claims = RunClaims()

    async def url_of(
        self, loaded: LoadedAsset, counts: UploadCounts, position: int | None = None
    ) -> tuple[str, str | None]:
        """(url, media_id) for an image, uploading it unless cached or already in flight.

        ``position``: the post's place in the run; the upload of a picture several posts
        share is then counted for the earliest of them (:mod:`mdwx.publish.claims`), as the
        dry run counts it, whichever reached it first.
        """
        if loaded.cached:
            counts.cached += 1
            return loaded.cached_url or "", loaded.cached_media_id
        key = (loaded.content_hash, loaded.kind)
        task = self._inflight.get(key)
        created = task is None
        if task is None:
            task = asyncio.ensure_future(self._upload(loaded))
            self._inflight[key] = task
        if position is not None:
            self.claims.claim(key, position, counts)
        elif created:
            counts.images += 1
        else:
            counts.cached += 1
        return await task

    async def _upload(self, loaded: LoadedAsset) -> tuple[str, str | None]:
        try:
            return await self._send(loaded)
        except BaseException:  # a later post (or run) tries again, as if this one had not
            self._inflight.pop((loaded.content_hash, loaded.kind), None)
            raise

    async def _send(self, loaded: LoadedAsset) -> tuple[str, str | None]:
        prepared = loaded.prepared
        assert prepared is not None  # loaded assets that are not cached are always prepared
        assert loaded.kind != KIND_VIDEO  # videos go through video.py
        async with self.semaphore:
            if loaded.kind == KIND_COVER or prepared.ext == "gif":
                # add_material keeps GIF animation and gives the cover its thumb media_id.
                material = await self.client.add_material(
                    prepared.data, prepared.filename, kind="image"
                )
                url, media_id = material.url, material.media_id
            else:
                url, media_id = await self.client.uploadimg(prepared.data, prepared.filename), None
        self.state.record_upload(
            self.appid,
            loaded.content_hash,
            loaded.kind,
            url=url,
            media_id=media_id,
            size=len(prepared.data),
        )
        self.on_upload()
        return url, media_id


def lookup_cached(state: State, appid: str, loaded: LoadedAsset) -> LoadedAsset:
    """``loaded`` with the URL and media_id of an earlier upload of the same bytes, if any."""
    assert loaded.kind != KIND_VIDEO  # videos have their own table (video.py)
    record = state.lookup_upload(appid, loaded.content_hash, loaded.kind)
    if record:
        loaded.cached_url, loaded.cached_media_id = record.url, record.media_id
    return loaded
