"""Access-token caches: one token per (AppID, API base), shared across processes.

WeChat's ``cgi-bin/token`` invalidates the previous token on every fetch, and even the
stable endpoint is rate-limited, so fetching per run (or per git hook) breaks other tools on
the same account. The disk cache keeps one JSON file per (AppID, API base) in a private
directory (0700, files 0600; a folder or file other users can write is refused, as they
could plant a token) and serialises fetches with a :class:`filelock.FileLock`: the
first process fetches, every other process waiting on the lock then reads its token.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import re
import stat
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from mdwx.errors import ConfigError

#: Refresh this long before WeChat's expiry, so a token never dies in the middle of a run.
SAFETY_MARGIN = 300.0
LOCK_TIMEOUT = 120.0
_POLL = 0.02


@dataclass(frozen=True)
class CachedToken:
    """A token and when to stop using it (wall-clock seconds, shared between processes)."""

    access_token: str
    expires_at: float
    refresh_at: float

    @classmethod
    def fresh(cls, access_token: str, expires_in: float, now: float | None = None) -> CachedToken:
        """A token just fetched; the margin shrinks for short-lived tokens (test servers)."""
        now = time.time() if now is None else now
        margin = min(SAFETY_MARGIN, expires_in / 4)
        return cls(access_token, now + expires_in, now + expires_in - margin)

    def usable(self, now: float | None = None) -> bool:
        return (time.time() if now is None else now) < self.refresh_at

    def __repr__(self) -> str:
        return f"CachedToken(access_token='***', refresh_at={self.refresh_at:.0f})"


@runtime_checkable
class TokenCache(Protocol):
    """Where tokens live between calls and processes.

    ``lock`` must exclude every other user of the same (appid, api_base) entry while a
    caller reads, fetches and writes, so that concurrent callers share one fetch.
    """

    def get(self, appid: str, api_base: str) -> CachedToken | None: ...

    def put(self, appid: str, api_base: str, token: CachedToken) -> None: ...

    def invalidate(self, appid: str, api_base: str, rejected: str | None = None) -> None:
        """Forget the entry; with ``rejected``, only if it still holds that token."""

    def lock(self, appid: str, api_base: str) -> contextlib.AbstractAsyncContextManager[None]: ...


async def _acquire_polling(try_acquire: object, what: str) -> None:
    """Acquire a non-blocking lock without blocking the event loop (loop-agnostic)."""
    deadline = time.monotonic() + LOCK_TIMEOUT
    while not try_acquire():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise TimeoutError(f"could not lock the token cache {what} in {LOCK_TIMEOUT:.0f} s")
        await asyncio.sleep(_POLL)


class MemoryTokenCache:
    """Process-local cache for tests and short-lived tools."""

    def __init__(self) -> None:
        self._tokens: dict[tuple[str, str], CachedToken] = {}
        self._locks: dict[tuple[str, str], threading.Lock] = {}

    def get(self, appid: str, api_base: str) -> CachedToken | None:
        return self._tokens.get((appid, api_base))

    def put(self, appid: str, api_base: str, token: CachedToken) -> None:
        self._tokens[(appid, api_base)] = token

    def invalidate(self, appid: str, api_base: str, rejected: str | None = None) -> None:
        current = self._tokens.get((appid, api_base))
        if current and (rejected is None or current.access_token == rejected):
            del self._tokens[(appid, api_base)]

    @contextlib.asynccontextmanager
    async def lock(self, appid: str, api_base: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault((appid, api_base), threading.Lock())
        await _acquire_polling(lambda: lock.acquire(blocking=False), "in memory")
        try:
            yield
        finally:
            lock.release()

    def __repr__(self) -> str:
        return f"MemoryTokenCache({len(self._tokens)} entries)"


class DiskTokenCache:
    """One private JSON file per (AppID, API base) under ``directory``, locked across processes.

    A file is read once per process and again only once it has changed on disk (another
    process wrote or removed it): every request asks for the token, and a run of a thousand
    posts would otherwise read and parse the file a thousand times (issue 19).
    """

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        #: Path → (the file's identity when read, its token): what :meth:`get` read last.
        self._read: dict[Path, tuple[tuple[int, ...], CachedToken]] = {}

    def _stem(self, appid: str, api_base: str) -> str:
        safe = re.sub(r"[^A-Za-z0-9_-]", "_", appid)[:64] or "app"
        digest = hashlib.sha256(api_base.rstrip("/").encode("utf-8")).hexdigest()[:16]
        return f"token-{safe}-{digest}"

    def path(self, appid: str, api_base: str) -> Path:
        return self.directory / f"{self._stem(appid, api_base)}.json"

    def _ensure_directory(self) -> None:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._check_directory()
        if self.directory.stat().st_mode & 0o077:
            os.chmod(self.directory, 0o700)  # readable by others, not writable: tighten

    def _check_directory(self) -> None:
        """Refuse a folder another user can write to: they could plant a token there."""
        with contextlib.suppress(FileNotFoundError):
            _refuse_shared(self.directory, os.stat(self.directory), "folder")

    def get(self, appid: str, api_base: str) -> CachedToken | None:
        """The cached token, or None (missing or damaged). Raises ConfigError when the
        folder or file could have been written by another user."""
        self._check_directory()
        path = self.path(appid, api_base)
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            self._read.pop(path, None)
            return None
        if stat.S_ISLNK(info.st_mode):
            raise ConfigError(
                "the token cache file is a symbolic link",
                path=path,
                hint="delete it; mdwx writes a new one",
            )
        _refuse_shared(path, info, "file")
        identity = (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
        known = self._read.get(path)
        if known is not None and known[0] == identity:
            return known[1]
        try:
            data = json.loads(path.read_text("utf-8"))
            token = CachedToken(
                str(data["access_token"]), float(data["expires_at"]), float(data["refresh_at"])
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing or damaged: fetch a new token and overwrite it
        self._read[path] = (identity, token)
        return token

    def put(self, appid: str, api_base: str, token: CachedToken) -> None:
        self._ensure_directory()
        target = self.path(appid, api_base)
        temporary = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        body = json.dumps(
            {
                "access_token": token.access_token,
                "expires_at": token.expires_at,
                "refresh_at": token.refresh_at,
            }
        ).encode("utf-8")
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, body)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, target)

    def invalidate(self, appid: str, api_base: str, rejected: str | None = None) -> None:
        current = self.get(appid, api_base)
        if current is None or (rejected is not None and current.access_token != rejected):
            return
        with contextlib.suppress(FileNotFoundError):
            self.path(appid, api_base).unlink()

    @contextlib.asynccontextmanager
    async def lock(self, appid: str, api_base: str) -> AsyncIterator[None]:
        # Imported here: only a token fetch locks, and filelock is start-up every command
        # that connects would pay (issue 19).
        import filelock

        self._ensure_directory()
        path = self.directory / f"{self._stem(appid, api_base)}.lock"
        file_lock = filelock.FileLock(path, mode=0o600, thread_local=False, is_singleton=False)

        def try_acquire() -> bool:
            try:
                file_lock.acquire(timeout=0)
            except filelock.Timeout:
                return False
            return True

        await _acquire_polling(try_acquire, str(path))
        try:
            yield
        finally:
            file_lock.release()

    def __repr__(self) -> str:
        return f"DiskTokenCache({str(self.directory)!r})"


def _refuse_shared(path: Path, info: os.stat_result, what: str) -> None:
    """ConfigError if ``path`` belongs to another user or others may write to it (POSIX)."""
    if os.name != "posix":
        return
    if info.st_uid != os.geteuid():
        raise ConfigError(
            f"the token cache {what} belongs to another user",
            path=path,
            hint="delete it, or point XDG_CACHE_HOME at a folder of your own",
        )
    if info.st_mode & 0o022:
        raise ConfigError(
            f"the token cache {what} can be written by other users "
            f"(mode {stat.S_IMODE(info.st_mode):o})",
            path=path,
            hint=f"chmod {'700' if what == 'folder' else '600'} {path}, or delete it",
        )


def default_cache() -> DiskTokenCache:
    """The per-user cache directory (``~/.cache/mdwx`` on Linux)."""
    import platformdirs  # start-up: only a client made without a cache of its own needs it

    return DiskTokenCache(platformdirs.user_cache_dir("mdwx"))
