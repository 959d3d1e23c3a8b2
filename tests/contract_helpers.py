"""Shared pieces of the contract tests: a real sandbox on loopback and real image bytes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mdwx.sandbox import SandboxServer
from mdwx.wechat import MemoryTokenCache, RetryPolicy, WeChatClient
from tests import factories

FAST = RetryPolicy(attempts=8, base=0.0005, cap=0.005)
QUICK = {"review_seconds": 0.05, "video_review_seconds": 0.05}


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (32, 24), noise: bool = False) -> bytes:
    """A real image file; ``noise`` makes it incompressible (to exceed size limits)."""
    return factories.image_bytes(fmt, size, (200, 30, 60), noise=noise)


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with factories.sandbox(**QUICK) as server:
        yield server


def client_for(sb: SandboxServer, **kwargs: Any) -> WeChatClient:
    options: dict[str, Any] = {
        "api_base": sb.base_url,
        "token_cache": MemoryTokenCache(),
        "retry": FAST,
    }
    options.update(kwargs)
    secret = options.pop("secret", sb.secret)
    return WeChatClient(sb.appid, secret, **options)


def requests_of(sb: SandboxServer, count: int) -> list[Any]:
    """The request log once it holds ``count`` records: the sandbox logs a request just
    after sending its answer, so the client can be a moment ahead of the log."""
    deadline = time.monotonic() + 5.0
    while len(sb.requests) < count and time.monotonic() < deadline:
        time.sleep(0.005)
    return sb.requests


def endpoints(sb: SandboxServer, count: int) -> list[str]:
    return [record.endpoint for record in requests_of(sb, count)]


async def wait_for(predicate: Any, what: str, timeout: float = 60.0) -> Any:
    """Poll ``predicate`` (an async callable) until it returns something truthy; ``timeout``
    only bounds a hang (a busy machine may take seconds), it is no window to meet."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = await predicate()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


class CorruptingTransport(httpx.AsyncBaseTransport):
    """Flips one byte of every upload_block body after the client computed its sha1."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.params.get("action") == "upload_block":
            body = bytearray(await request.aread())
            body[0] ^= 0xFF
            request = httpx.Request(
                request.method, request.url, headers=request.headers, content=bytes(body)
            )
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()
