"""Results of pure functions of a post's text, remembered by the text's hash.

``check``, ``build`` and ``publish`` read a post several times (its route, its output folder,
its render), and a site's posts are all read once before any is read again, so remembering
a result keyed by the text itself would hold every body in memory. Keyed by a 128-bit BLAKE2
hash instead, thousands of small results (a digest, a title line) cost a few hundred KB.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class TextMemo(Generic[T]):
    """The last ``size`` results of one pure function of a text (and a few hashable values).

    Thread-safe: a result computed twice at once is the same value.
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: dict[tuple[Hashable, ...], T] = {}
        self._lock = threading.Lock()

    def get(self, text: str, extra: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
        """The remembered result for ``text`` and ``extra``, else ``compute()``'s, remembered."""
        key = self._key(text, extra)
        found = self._found(key)
        if found is not None:
            return found[0]
        value = compute()
        self._keep(key, value)
        return value

    def peek(self, text: str, extra: tuple[Hashable, ...]) -> T | None:
        """The remembered result for ``text`` and ``extra``, else None (nothing computed)."""
        found = self._found(self._key(text, extra))
        return found[0] if found is not None else None

    def put(self, text: str, extra: tuple[Hashable, ...], value: T) -> None:
        """Remember ``value`` for ``text`` and ``extra`` (for results worth keeping only
        sometimes, which :meth:`get` cannot choose)."""
        self._keep(self._key(text, extra), value)

    @staticmethod
    def _key(text: str, extra: tuple[Hashable, ...]) -> tuple[Hashable, ...]:
        return (
            hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest(),
            *extra,
        )

    def _found(self, key: tuple[Hashable, ...]) -> tuple[T] | None:
        with self._lock:
            if key in self._items:
                value = self._items.pop(key)  # the most recent goes last
                self._items[key] = value
                return (value,)
        return None

    def _keep(self, key: tuple[Hashable, ...], value: T) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                del self._items[next(iter(self._items))]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
