"""A local WeChat media-API and draft-API emulator (the "sandbox").

It serves the contract's endpoints over real HTTP on loopback with WeChat's answer shapes,
limits and error codes, so the client and the publisher are tested against something that
fails the way WeChat fails — including injected faults (latency, ``errcode -1``, HTTP 500,
dropped connections) drawn from a seeded RNG. Users run it as ``mdwx sandbox``;
``mdwx publish --sandbox`` starts it in-process.

Typical test use::

    with SandboxServer(SandboxSettings(review_seconds=0.05)) as sb:
        client = WeChatClient(api_base=sb.base_url, appid=sb.appid, secret=sb.secret)
        ...
        assert sb.store.articles()[0].status == "发布成功"
        assert [r.endpoint for r in sb.requests].count("media/uploadimg") == 3
"""

from .app import create_app
from .control import RequestRecord
from .records import ArticleRecord, DraftRecord, ImageRecord, PublicationRecord, VideoRecord
from .server import SandboxServer, run_sandbox
from .settings import FAULT_KINDS, SandboxSettings
from .store import Store

__all__ = [
    "FAULT_KINDS",
    "ArticleRecord",
    "DraftRecord",
    "ImageRecord",
    "PublicationRecord",
    "RequestRecord",
    "SandboxServer",
    "SandboxSettings",
    "Store",
    "VideoRecord",
    "create_app",
    "run_sandbox",
]
