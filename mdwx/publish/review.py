"""Following a submitted article until WeChat gives a final answer, whatever the API.

The media API answers ``publish/query`` with a status string; the draft API answers
``freepublish/get`` with a ``publish_status`` number. Each backend turns its answer into a
:class:`Progress` (:mod:`mdwx.publish.backends`); this one loop polls it. The first pause is short and
grows by half each time (to 30 s), so a fast review (the sandbox's 0.5 s) is seen at once and
a slow one (WeChat's minutes) costs a dozen queries an hour. ``Publisher.publish_all`` follows
every post at once, not one after another.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mdwx.errors import MdwxError
from mdwx.publish.statuses import ArticleStatus

if TYPE_CHECKING:
    from mdwx.publish.wechat_api import MediaAPI

# publish/query's status text → the state's article status
STATUS_BY_TEXT: dict[str, ArticleStatus] = {
    "未提交": "draft",
    "审核中": "submitted",
    "发布成功": "published",
    "审核未通过": "rejected",
}
#: Statuses no later question changes.
FINAL: tuple[ArticleStatus, ...] = ("published", "rejected", "deleted")
MAX_DELAY = 30.0


@dataclass(frozen=True)
class Progress:
    """Where an article stands, in the state's words.

    ``status``: "draft" (not submitted), "submitted" (review or publishing under way),
    "published", "rejected" (failed review or publishing) or "deleted". ``live``: WeChat's
    own answer (a status text or ``publish_status N``), for display. ``error``: why a
    "rejected" or "deleted" article is not readable, in words, with what to do.
    ``publish_id`` / ``article_id``: the draft API's handles, once known.
    """

    status: ArticleStatus
    url: str | None = None
    live: str = ""
    error: MdwxError | None = None
    publish_id: str = ""
    article_id: str = ""

    @property
    def final(self) -> bool:
        return self.status in FINAL


async def follow(
    poll: Callable[[], Awaitable[Progress]],
    *,
    timeout: float,
    interval: float,
    sleep: Callable[[float], Any] = asyncio.sleep,
) -> Progress:
    """Call ``poll`` with backoff until it answers a final :class:`Progress`; after
    ``timeout`` seconds the last answer (status "submitted": still under way)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    delay = interval
    while True:
        progress = await poll()
        if progress.final:
            return progress
        if loop.time() + delay > deadline:
            return progress
        await sleep(delay)
        delay = min(delay * 1.5, MAX_DELAY)


async def follow_review(
    client: MediaAPI,
    media_id: str,
    *,
    timeout: float,
    interval: float,
    sleep: Callable[[float], Any] = asyncio.sleep,
) -> tuple[str, str | None]:
    """The media API's review: poll publish/query until a final status; ("submitted", None)
    on timeout."""

    async def poll() -> Progress:
        status = await client.query(media_id)
        return Progress(STATUS_BY_TEXT.get(status.status, "submitted"), status.url, status.status)

    progress = await follow(poll, timeout=timeout, interval=interval, sleep=sleep)
    return (progress.status, progress.url) if progress.final else ("submitted", None)
