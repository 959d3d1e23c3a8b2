"""Async client for WeChat's media and publish API (the contract in docs) and its draft-box
and free-publish API (``draft_*``/``freepublish_*`` methods), with typed errors.

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
    PublishFailed,
    PublishRefused,
    QuotaError,
    TokenError,
    TransportError,
    VideoError,
    WeChatError,
)
from mdwx.wechat.http import RetryPolicy, content_type_for, redact_url
from mdwx.wechat.models import (
    Draft,
    DraftPage,
    Material,
    NewsItem,
    PublishedArticle,
    PublishedPage,
    PublishJob,
    PublishStatus,
    Submission,
    VideoStatus,
)
from mdwx.wechat.token import CachedToken, DiskTokenCache, MemoryTokenCache, TokenCache

__all__ = [
    "AlreadySubmitted",
    "CachedToken",
    "ContentRejected",
    "DiskTokenCache",
    "Draft",
    "DraftPage",
    "IPWhitelistError",
    "Material",
    "MemoryTokenCache",
    "NewsItem",
    "OutcomeUnknown",
    "PermissionDenied",
    "PublishFailed",
    "PublishJob",
    "PublishRefused",
    "PublishStatus",
    "PublishedArticle",
    "PublishedPage",
    "QuotaError",
    "RetryPolicy",
    "Submission",
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
