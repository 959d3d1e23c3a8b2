"""What the **Copy for the WeChat editor** button copies.

Writers without API access publish by pasting into WeChat's editor, which keeps the rich
text but not local pictures. With credentials (``WECHAT_APPID``/``WECHAT_APPSECRET``, a
``WECHAT_ACCESS_TOKEN``, or ``--sandbox``) every picture is uploaded through the path
``publish`` uses (:class:`mdwx.publish.resolve.AssetLoader` and
:class:`~mdwx.publish.resolve.Uploader`, deduplicated by content hash in the site's state),
so the copied HTML carries WeChat-hosted URLs (``media/uploadimg``; animated GIFs through
``material/add_material``). Without them the copy carries the pictures as ``data:`` URIs
and the page says they must be uploaded in the editor.
"""

from __future__ import annotations

import contextlib
import os
import threading
from dataclasses import dataclass
from typing import Any

from mdwx.document import AssetKind
from mdwx.errors import MdwxError, one_line
from mdwx.preview.snapshot import _VIDEO_IFRAME, Snapshot

NO_CREDENTIALS_NOTE = ("No WeChat credentials: the copy carries local pictures inline, and the WeChat "
                       "editor may drop them — upload them in the editor, or set WECHAT_APPID and "
                       "WECHAT_APPSECRET (or run with --sandbox) to copy WeChat-hosted pictures.")


@dataclass
class Copied:
    """The HTML for the clipboard and how it was made."""

    html: str
    hosted: bool  # pictures are WeChat URLs
    uploaded: int = 0  # pictures sent this time
    reused: int = 0  # pictures the state already knew
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"html": self.html, "hosted": self.hosted, "uploaded": self.uploaded,
                "reused": self.reused, "error": self.error}


class CopyMaker:
    """Makes :class:`Copied` for a snapshot; holds the WeChat connection and state once opened.

    ``sandbox``: upload to an in-process sandbox (as ``publish --sandbox``).
    """

    def __init__(self, *, sandbox: bool = False) -> None:
        self.sandbox = sandbox
        self._stack = contextlib.ExitStack()
        self._conn: Any = None
        self._state: Any = None
        self._opened = False
        self._lock = threading.Lock()

    @property
    def has_credentials(self) -> bool:
        return self.sandbox or bool(os.environ.get("WECHAT_APPSECRET") or os.environ.get("WECHAT_ACCESS_TOKEN"))

    async def make(self, snapshot: Snapshot) -> Copied:
        """The clipboard HTML for ``snapshot``; upload failures are reported, not raised."""
        if snapshot.prepared is None:
            return Copied("", hosted=False, error=f"nothing to copy: {snapshot.error}")
        if not self.has_credentials:
            return Copied(snapshot.copy_html, hosted=False)
        try:
            return await self._upload(snapshot)
        except MdwxError as exc:
            return Copied(snapshot.copy_html, hosted=False, error=one_line(str(exc)))

    def _open(self, config: Any) -> None:
        with self._lock:
            if self._opened:
                return
            from mdwx.cli.publish import connection
            from mdwx.publish.backends import backend_name
            from mdwx.publish.state.store import State

            try:
                state = self._stack.enter_context(State.open(config.state_path))
                self._state = state.for_backend(backend_name(config, None))
                self._conn = self._stack.enter_context(connection(config, sandbox=self.sandbox, need_client=False))
            except BaseException:
                self._stack.close()  # a later click tries again from the start
                raise
            self._opened = True

    async def _upload(self, snapshot: Snapshot) -> Copied:
        import asyncio

        from mdwx.publish.resolve import AssetLoader, UploadCounts, Uploader

        prepared = snapshot.prepared
        assert prepared is not None
        config, article = prepared.post.config, prepared.article
        await asyncio.to_thread(self._open, config)
        conn = self._conn
        if conn.client is None:
            return Copied(snapshot.copy_html, hosted=False)
        loader = AssetLoader(config, self._state, conn.appid)
        uploader = Uploader(conn.client, self._state, conn.appid, config.concurrency)
        counts = UploadCounts()
        values: dict[str, str] = {}
        pictures = [a for a in prepared.document.assets if a.kind is not AssetKind.VIDEO]
        loaded = await asyncio.gather(*(loader.load(a, article.path) for a in pictures))
        for item in loaded:
            values[item.asset.key], _ = await uploader.url_of(item, counts)
        for video in prepared.document.assets_of(AssetKind.VIDEO):
            values[video.key] = ""  # its iframe is left out below
        html = _VIDEO_IFRAME.sub("", prepared.content(values))
        return Copied(html, hosted=True, uploaded=counts.images, reused=counts.cached)

    async def aclose(self) -> None:
        """Close the client (in the server's event loop), the sandbox and the state."""
        if self._conn is not None and self._conn.client is not None:
            await self._conn.client.aclose()
        self._stack.close()
