"""Async client for WeChat's media and publish API (the contract in docs), with typed errors.

``WeChatClient`` is the entry point; see :mod:`mdwx.wechat.client` for the endpoints,
:mod:`mdwx.wechat.token` for the shared token cache and :mod:`mdwx.wechat.errors` for what
each failure means and what to do about it.
"""

from mdwx.wechat.client import WeChatClient
from mdwx.wechat.errors import (
    AlreadySubmitted,
    ContentRejected,
    IPWhitelistError,
    OutcomeUnknown,
    PermissionDenied,
    QuotaError,
    TokenError,
    TransportError,
    VideoError,
    WeChatError,
)
from mdwx.wechat.http import RetryPolicy, content_type_for, redact_url
from mdwx.wechat.models import Material, PublishStatus, VideoStatus
from mdwx.wechat.token import CachedToken, DiskTokenCache, MemoryTokenCache, TokenCache

__all__ = [
    "AlreadySubmitted",
    "CachedToken",
    "ContentRejected",
    "DiskTokenCache",
    "IPWhitelistError",
    "Material",
    "MemoryTokenCache",
    "OutcomeUnknown",
    "PermissionDenied",
    "PublishStatus",
    "QuotaError",
    "RetryPolicy",
    "TokenCache",
    "TokenError",
    "TransportError",
    "VideoError",
    "VideoStatus",
    "WeChatClient",
    "WeChatError",
    "content_type_for",
    "redact_url",
]
