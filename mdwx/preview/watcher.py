"""Watch the files a snapshot depends on and announce each new snapshot.

The post, its pictures and videos, the site's config, header and footer templates, the
default cover and the theme CSS files: their folders are watched (not the files, so an
editor that saves by writing a new file and renaming it over the old one is seen), and a
change to any of them takes a new snapshot. A snapshot that names other files (a new
picture) moves the watch to their folders.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path

from watchfiles import awatch

from mdwx.preview.snapshot import Snapshot

DEBOUNCE_MS = 150  # an editor's save is often several writes: one snapshot for them all


def watched_folders(snapshot: Snapshot) -> list[Path]:
    """The existing folders holding the snapshot's files, sorted."""
    return sorted({f.parent for f in snapshot.files if f.parent.is_dir()})


def is_relevant(changed: Path, snapshot: Snapshot) -> bool:
    return Path(os.path.abspath(changed)) in snapshot.files


async def watch(
    current: Callable[[], Snapshot], rebuild: Callable[[], Awaitable[Snapshot]], stop: asyncio.Event
) -> None:
    """Until ``stop`` is set: on each relevant change await ``rebuild()`` (which publishes)."""
    while not stop.is_set():
        snapshot = current()
        folders = watched_folders(snapshot)
        async for changes in awatch(
            *folders,
            stop_event=stop,
            recursive=False,
            debounce=DEBOUNCE_MS,
            step=20,
            rust_timeout=500,
            yield_on_timeout=False,
        ):
            if not any(is_relevant(Path(p), snapshot) for _, p in changes):
                continue
            _forget_cached_themes(changes)
            snapshot = await rebuild()
            if watched_folders(snapshot) != folders:
                break  # watch the new set of folders


def _forget_cached_themes(changes: Iterable[tuple[object, str]]) -> None:
    if any(p.endswith(".css") for _, p in changes):
        from mdwx.render.themes import load_named_theme

        load_named_theme.cache_clear()
