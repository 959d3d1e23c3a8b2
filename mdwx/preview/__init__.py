"""The live preview (``mdwx preview``): the article in a phone-width frame on localhost,
reloaded when the post, its pictures, the site config or the theme change, with WeChat's
dark mode, the check's warnings and a **Copy for the WeChat editor** button.

Modules: :mod:`.snapshot` (one look at the post), :mod:`.watcher` (files → new snapshots),
:mod:`.copy` (the clipboard HTML), :mod:`.page` (the page), :mod:`.app` (Starlette),
:mod:`.server` (uvicorn on loopback).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mdwx.preview.server import PreviewServer, run_preview

__all__ = ["PreviewServer", "run_preview"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from mdwx.preview import server

        return getattr(server, name)
    raise AttributeError(name)
