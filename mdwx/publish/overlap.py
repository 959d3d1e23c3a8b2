"""Posts published side by side: while one post's uploads wait on WeChat, the next is loaded.

A publish run's posts were all read, rendered and checked by the gate before the first
request (:mod:`mdwx.api.routed`: nothing half-sent); what is left per post is loading its
pictures (decoding and normalising them, in worker threads: :mod:`mdwx.publish.resolve`) and
the requests. :func:`in_order` runs up to ``window`` posts at once so that the CPU work of
later posts overlaps the network waits of earlier ones; every request still goes through
the account's one :class:`~mdwx.publish.resolve.Uploader` (its concurrency limit) and each
post still runs under its own lock (:mod:`mdwx.publish.lock`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Posts in flight at once when the site's concurrency does not say (it bounds requests).
DEFAULT_WINDOW = 8


async def in_order(items: Sequence[T], work: Callable[[T], Awaitable[R]], window: int) -> list[R]:
    """``work(item)`` for every item, at most ``window`` at once, started in order; the results in order.

    An exception raised by one (a :class:`~mdwx.errors.ConfigError`: no post can succeed)
    starts no further item, cancels those in flight, waits for them to stop, and is raised.
    """
    slots = asyncio.Semaphore(max(1, window))
    failed = asyncio.Event()

    async def one(item: T) -> R:
        async with slots:
            if failed.is_set():  # an earlier item failed the whole: start nothing more
                raise asyncio.CancelledError
            try:
                return await work(item)
            except BaseException:
                failed.set()
                raise

    tasks = [asyncio.ensure_future(one(item)) for item in items]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
