"""A scripted in-memory WeChat for the client's unit tests (httpx.MockTransport).

Each endpoint answers from a queue of scripted replies (a dict → JSON body, an int → bare
HTTP status, an exception instance → raised as a transport failure), falling back to a
plausible success. Every request is recorded so tests can assert what went over the wire.
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import httpx

from mdwx.wechat import MemoryTokenCache, RetryPolicy, WeChatClient

T = TypeVar("T")
APPID = "wx0123456789abcdef"
SECRET = "s3cret-APPSECRET-value-0000000000"
FAST = RetryPolicy(attempts=4, base=0.0001, cap=0.001)

Reply = dict[str, Any] | int | Exception | Callable[[httpx.Request], httpx.Response]


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


class FakeWeChat:
    """Scripted endpoints keyed by path after ``cgi-bin/`` (plus ``?action`` for video)."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.script: dict[str, list[Reply]] = defaultdict(list)
        self.issued: list[str] = []
        self.valid_tokens: set[str] = set()
        self.same_token_until_forced = False

    def key(self, request: httpx.Request) -> str:
        path = request.url.path.split("cgi-bin/", 1)[-1]
        action = request.url.params.get("action")
        return f"{path}?action={action}" if action else path

    def on(self, key: str, *replies: Reply) -> None:
        self.script[key].extend(replies)

    def calls(self, key: str) -> list[httpx.Request]:
        return [r for r in self.requests if self.key(r) == key]

    def handler(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        key = self.key(request)
        if self.script[key]:
            reply = self.script[key].pop(0)
            if isinstance(reply, Exception):
                raise reply
            if isinstance(reply, int):
                return httpx.Response(reply, text="<html>busy</html>")
            if callable(reply):
                return reply(request)
            return httpx.Response(200, json=reply)
        return httpx.Response(200, json=self.default(key, request))

    def issue_token(self, request: httpx.Request) -> dict[str, Any]:
        forced = key_forced(request)
        if self.same_token_until_forced and self.issued and not forced:
            return {"access_token": self.issued[-1], "expires_in": 7200}
        token = f"TOKEN-{len(self.issued) + 1:03d}-" + "x" * 40
        self.issued.append(token)
        self.valid_tokens = {token}
        return {"access_token": token, "expires_in": 7200}

    def default(self, key: str, request: httpx.Request) -> dict[str, Any]:
        if key in ("token", "stable_token"):
            return self.issue_token(request)
        if request.url.params.get("access_token") not in self.valid_tokens:
            return {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid"}
        return {
            "material/add_material": {"media_id": "MEDIA-1", "url": "http://mmbiz.qpic.cn/a/0"},
            "media/uploadimg": {"url": "http://mmbiz.qpic.cn/b/0"},
            "material/upload_video?action=init_upload": {"ret": 0, "vid": "wxv_1"},
            "material/upload_video?action=save_video": {"ret": 0, "media_id": "VIDEO-1"},
            "material/upload_video?action=query_status": {
                "status": 3,
                "ori_status": 2,
                "mp_video_fail_detail_wording": "check pass",
                "vid": "wxv_1",
            },
            "publish/uploadnews": {"type": "news", "media_id": "NEWS-1", "create_at": 1},
            "publish/query": {
                "errcode": 0,
                "errmsg": "ok",
                "status": "发布成功",
                "url": "http://mp/s",
            },
        }.get(key, {"ret": 0} if "upload_video" in key else {"errcode": 0, "errmsg": "ok"})


def key_forced(request: httpx.Request) -> bool:
    if request.method != "POST" or not request.content:
        return False
    return bool(json.loads(request.content).get("force_refresh"))


def make_client(fake: FakeWeChat, **kwargs: Any) -> WeChatClient:
    options: dict[str, Any] = {
        "api_base": "https://api.example.test",
        "transport": httpx.MockTransport(fake.handler),
        "token_cache": MemoryTokenCache(),
        "retry": FAST,
    }
    options.update(kwargs)
    appid = options.pop("appid", APPID)
    secret = options.pop("secret", SECRET)
    return WeChatClient(appid, secret, **options)
