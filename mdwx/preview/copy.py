"""What the **Copy for the WeChat editor** button copies.

Writers without API access publish by pasting into WeChat's editor, which keeps the rich
text but not local pictures. With credentials (``WECHAT_APPID``/``WECHAT_APPSECRET``, a
``WECHAT_ACCESS_TOKEN``, or ``--sandbox``) every picture is uploaded through the path
``publish`` uses (:class:`mdwx.publish.resolve.AssetLoader` and
:class:`~mdwx.publish.resolve.Uploader`, deduplicated by content hash in the site's state),
so the copied HTML carries WeChat-hosted URLs (``media/uploadimg``; animated GIFs through
``material/add_material``). Without them the copy carries the pictures as ``data:`` URIs
and the page says they must be uploaded in the editor: the same pictures ``publish`` would
upload (:class:`~mdwx.publish.resolve.AssetLoader` normalises them: JPEG/PNG within the
size limits, not the camera's original or a WebP), so the editor gets what WeChat takes.
Remote pictures stay URLs unless the site mirrors them: copying fetches nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mdwx.api.types import Options
from mdwx.assets.mirrors import mirrored
from mdwx.document import AssetKind
from mdwx.errors import MdwxError, one_line
from mdwx.preview.snapshot import VIDEO_IFRAME, Snapshot, data_uri
from mdwx.publish.resolve import AssetLoader, UploadCounts, Uploader
from mdwx.publish.sources import with_overrides

if TYPE_CHECKING:
    from mdwx.api.types import Options
    from mdwx.config import SiteConfig
    from mdwx.prepare import Prepared
    from mdwx.publish.connection import Connection
    from mdwx.publish.state.store import State


@dataclass
class Copied:
    """The HTML for the clipboard and how it was made."""

    html: str
    hosted: bool  # pictures are WeChat URLs
    uploaded: int = 0  # pictures sent this time
    reused: int = 0  # pictures the state already knew
    error: str | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "html": self.html,
            "hosted": self.hosted,
            "uploaded": self.uploaded,
            "reused": self.reused,
            "error": self.error,
        }


class CopyMaker:
    """Makes :class:`Copied` for a snapshot; holds the WeChat connection and state once opened.

    ``options`` are :mod:`mdwx.api`'s: ``credentials`` (or ``sandbox``: upload to an
    in-process sandbox, as ``publish --sandbox``), ``api_base`` and ``state_path``
    overrides. The connection is opened on the first copy and kept until :meth:`aclose`.
    """

    def __init__(self, options: Options | None = None) -> None:
        self.options = options or Options()
        self._stack = contextlib.AsyncExitStack()
        self._conn: Connection | None = None
        self._state: State | None = None
        self._lock = asyncio.Lock()

    @property
    def has_credentials(self) -> bool:
        """Whether copying uploads pictures: the sandbox, an AppSecret or an access token."""
        credentials = self.options.credentials
        return self.options.sandbox or bool(
            credentials and (credentials.secret or credentials.access_token)
        )

    async def make(self, snapshot: Snapshot) -> Copied:
        """The clipboard HTML for ``snapshot``; upload failures are reported, not raised."""
        if snapshot.prepared is None:
            return Copied("", hosted=False, error=f"nothing to copy: {snapshot.error}")
        try:
            if not self.has_credentials:
                return await local_copy(snapshot.prepared, self.options)
            return await self._upload(snapshot.prepared)
        except MdwxError as exc:
            return Copied(snapshot.copy_html, hosted=False, error=one_line(str(exc)))

    async def _open(self, config: SiteConfig) -> tuple[Connection, State]:
        async with self._lock:
            if self._conn is None or self._state is None:
                from mdwx.publish.backends import backend_name
                from mdwx.publish.connection import connect
                from mdwx.publish.state.store import State

                try:
                    state = self._stack.enter_context(State.open(config.state_path))
                    self._state = state.for_backend(backend_name(config, self.options.backend))
                    self._conn = await self._stack.enter_async_context(
                        connect(config, self.options, need_client=False)
                    )
                except BaseException:
                    await self._stack.aclose()  # a later click tries again from the start
                    self._conn = self._state = None
                    raise
            return self._conn, self._state

    async def _upload(self, prepared: Prepared) -> Copied:
        config = with_overrides(prepared.post, self.options).config
        article = prepared.article
        conn, state = await self._open(config)
        if conn.client is None:
            return Copied(prepared_copy(prepared, {}), hosted=False)
        loader = AssetLoader(
            config, state, conn.appid, fetch_transport=self.options.fetch_transport
        )
        uploader = Uploader(
            conn.client, state, conn.appid, self.options.concurrency or config.concurrency
        )
        counts = UploadCounts()
        values: dict[str, str] = {}
        pictures = [a for a in prepared.document.assets if a.kind is not AssetKind.VIDEO]
        loaded = await asyncio.gather(*(loader.load(a, article.path) for a in pictures))
        for item in loaded:
            values[item.asset.key], _ = await uploader.url_of(item, counts)
        return Copied(
            prepared_copy(prepared, values),
            hosted=True,
            uploaded=counts.images,
            reused=counts.cached,
        )

    async def aclose(self) -> None:
        """Close the connection (client, sandbox) and the state; a later copy opens them again."""
        await self._stack.aclose()
        self._conn = self._state = None


async def local_copy(prepared: Prepared, options: Options) -> Copied:
    """The copy without credentials: every picture publish would upload, normalised as it
    would be and inlined as a ``data:`` URI. Raises :class:`MdwxError` for a bad picture."""
    config = with_overrides(prepared.post, options).config
    loader = AssetLoader(config, None, "", fetch_transport=options.fetch_transport)
    pictures = [
        a
        for a in prepared.document.assets
        if a.kind is not AssetKind.VIDEO
        and not (a.is_remote and mirrored(config, a.source) is None)
    ]
    loaded = await asyncio.gather(*(loader.load(a, prepared.article.path) for a in pictures))
    values = {a.key: a.source for a in prepared.document.assets if a.is_remote}
    for item in loaded:
        if item.prepared is not None:
            values[item.asset.key] = data_uri(item.prepared.data, item.prepared.content_type)
    return Copied(prepared_copy(prepared, values), hosted=False)


def prepared_copy(prepared: Prepared, values: dict[str, str]) -> str:
    """The content HTML with ``values`` for the pictures, video iframes left out."""
    values = dict(values)
    for video in prepared.document.assets_of(AssetKind.VIDEO):
        values[video.key] = ""  # its iframe is left out below
    return VIDEO_IFRAME.sub("", prepared.content(values))
