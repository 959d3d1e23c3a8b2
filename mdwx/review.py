"""Following an article's review: ``publish/query`` until WeChat gives a final status.

The first pause is short and grows by half each time (to 30 s), so a fast review (the
sandbox's 0.5 s) is seen at once and a slow one (WeChat's minutes) costs a dozen queries an
hour. ``Publisher.publish_all`` follows every post's review at once, not one after another.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

# publish/query's status text → the state's article status
STATUS_BY_TEXT = {"未提交": "draft", "审核中": "submitted", "发布成功": "published", "审核未通过": "rejected"}


async def follow_review(client: Any, media_id: str, *, timeout: float, interval: float,
                        sleep: Callable[[float], Any] = asyncio.sleep) -> tuple[str, str | None]:
    """Poll publish/query with backoff until a final status; ("submitted", None) on timeout."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    delay = interval
    while True:
        status = await client.query(media_id)
        text = STATUS_BY_TEXT.get(status.status, "submitted")
        if text in ("published", "rejected"):
            return text, status.url
        if loop.time() + delay > deadline:
            return "submitted", None
        await sleep(delay)
        delay = min(delay * 1.5, 30.0)
