"""Per-post mutual exclusion across processes: a git hook and a manual run, or two CI jobs,
publishing the same post at once must not both upload and submit it.

A lock file per (account, post) sits next to the state database (``.mdwx/locks/``), held
from reading the post's record to recording its submission. The second process waits for
it, then reads the record the first one wrote and finds nothing left to do. Locks of
different posts are different files, so different posts never wait for each other.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

from filelock import FileLock, Timeout

from mdwx.errors import ConfigError, PublishError

POLL = 0.05  # seconds between attempts while another process holds the lock


def post_lock_path(state_path: Path, appid: str, relative: str) -> Path:
    """The lock file serialising publishes of one post to one account (``.mdwx/locks/…``)."""
    key = hashlib.sha256(f"{appid}\0{relative}".encode()).hexdigest()[:24]
    return state_path.parent / "locks" / f"{key}.lock"


@contextlib.asynccontextmanager
async def post_lock(path: Path, *, timeout: float, post_path: Path) -> AsyncIterator[None]:
    """Hold ``path``'s lock, waiting up to ``timeout`` seconds (without blocking the event
    loop); raises :class:`PublishError` naming ``post_path`` when it stays busy."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"cannot create the lock folder: {exc.strerror}", path=path.parent
        ) from None
    lock = FileLock(path)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            lock.acquire(timeout=0)
            break
        except Timeout:
            if loop.time() > deadline:
                raise PublishError(
                    "another mdwx process is publishing this post; nothing was sent",
                    path=post_path,
                    hint="run again when it has finished",
                ) from None
            await asyncio.sleep(POLL)
    try:
        yield
    finally:
        lock.release()
