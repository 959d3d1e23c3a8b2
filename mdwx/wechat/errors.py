"""Typed errors for WeChat API calls, each with a hint saying what a person should do.

WeChat answers HTTP 200 with ``{"errcode": N, "errmsg": "..."}`` on failure, and a bare
number helps nobody at 2 a.m. in a git hook: :func:`error_for` turns the code into a typed
exception whose ``str()`` is one line naming the code, the endpoint and the fix (which IP
to whitelist, which field is too long, when the quota resets). Endpoints are plain labels
such as ``publish/uploadnews``: they never carry the access token.
"""

from __future__ import annotations

import re

from mdwx.errors import MdwxError
from mdwx.wechat.draft_codes import (
    CONSOLE,
    DRAFT_CODES,
    DRAFT_GONE,
    DRAFT_ROUTE,
    DRAFT_UNKNOWN,
    PUBLISH_STATUS_MEANINGS,
)
from mdwx.wechat.mass_codes import MASS_CODES, MASS_PREFIX

WHITELIST_PLACE = "mp.weixin.qq.com → 设置与开发 → 基本配置"

#: Codes meaning the access token (not the request) was refused: refresh once and retry.
TOKEN_REFRESH_CODES = frozenset({40001, 40014, 42001})
#: Codes meaning the credentials themselves are wrong: refreshing cannot help.
CREDENTIAL_CODES = frozenset({40013, 40125, 40243, 41001, 41002, 41004})
IP_WHITELIST_CODES = frozenset({40164, 61004})
QUOTA_CODES = frozenset({45009, 45011})
CONTENT_CODES = frozenset(
    {
        40005,
        40006,
        40007,
        40009,
        40113,
        41005,
        44003,
        45001,
        45002,
        45003,
        45004,
        45008,
        45110,
        45166,
    }
)
#: The draft API's refusals to publish a draft (docs/wechat/draft-api.md).
PUBLISH_REFUSED_CODES = frozenset({53503, 53504, 53505})
_DRAFT_ENDPOINTS = ("draft/", "freepublish/")
PERMISSION_CODES = frozenset({48001, 88000})

_FILE_TYPES = "send jpg/png/gif/bmp with a file name extension that matches the content"
_FILE_SIZES = "body images must be ≤ 1 MB (jpg/png), covers ≤ 2 MB"
_LINKS = (
    'external links and in-page anchors are refused; link_policy = "footnotes" keeps the '
    "link text and lists the URLs at the end"
)

_CODES: dict[int, tuple[str, str]] = {
    # errcode: (what it means, what to do about it)
    -1: ("WeChat is busy", "try again in a minute"),
    40001: (
        "the access token was refused even after a refresh",
        "check WECHAT_APPSECRET, and that no other system fetches cgi-bin/token for this "
        'account (each fetch replaces the previous token); token_endpoint = "stable" avoids '
        "the clash",
    ),
    40014: ("the access token is invalid", "check that it belongs to this account"),
    42001: ("the access token expired", "a fresh one was refused too; check the credentials"),
    40013: ("the AppID is invalid", "check WECHAT_APPID"),
    40125: ("the AppSecret is invalid", f"copy WECHAT_APPSECRET again from {WHITELIST_PLACE}"),
    40243: ("the AppSecret is frozen", f"unfreeze or reset it in {WHITELIST_PLACE}"),
    41001: ("no access token was sent", "set WECHAT_APPID and WECHAT_APPSECRET"),
    41002: ("no AppID was sent", "set WECHAT_APPID"),
    41004: ("no AppSecret was sent", "set WECHAT_APPSECRET"),
    45009: (
        "the daily quota for this API is used up",
        "it resets tomorrow (00:00 Beijing time); run again then",
    ),
    45011: ("too many calls per minute", "wait a minute and run again"),
    40005: ("unsupported file type", _FILE_TYPES),
    40113: ("unsupported file type", _FILE_TYPES),
    40006: ("the file is too large", _FILE_SIZES),
    40009: ("the image is too large", _FILE_SIZES),
    45001: ("the media file is too large", _FILE_SIZES),
    41005: ("media data missing", "the file was empty or not sent as form field `media`"),
    40007: (
        "invalid media_id",
        "the cover (thumb_media_id) or video is unknown to WeChat, perhaps deleted; "
        "upload it again",
    ),
    44003: ("the article is empty", "give it a title and content"),
    45002: (
        "the content field is too long",
        "WeChat refuses content above about 690 KB of UTF-8; limits.content_bytes in mdwx.toml "
        "(600,000 by default) checks it before sending — split the post",
    ),
    45003: (
        "the title field is too long",
        "shorten the post's title: 64 characters per the contract, some backends allow 32; "
        "set limits.title in mdwx.toml to your backend's figure",
    ),
    45004: (
        "the digest field is too long",
        "shorten the post's digest: 120 characters per the contract; limits.digest in "
        "mdwx.toml checks it before sending",
    ),
    45166: (
        "the content holds HTML or a link WeChat refuses",
        _LINKS,
    ),
    47001: ("WeChat could not parse the request", "this is a bug in mdwx: please report it"),
    48001: (
        "this API is not authorised for the account",
        "publishing needs a verified account with the publish permission",
    ),
    88000: ("the account has no comment permission", 'set comments = "closed"'),
}

_IP_RE = re.compile(r"invalid ip\s+([0-9A-Fa-f.:]+)")


#: Characters of WeChat's ``errmsg`` a message shows (a relay or proxy could send megabytes).
MAX_ERRMSG_SHOWN = 300


class WeChatError(MdwxError):
    """A WeChat API call failed; ``errcode`` is WeChat's code (None for network failures)."""

    code = "wechat"

    def __init__(
        self,
        errcode: int | None,
        errmsg: str,
        endpoint: str,
        hint: str | None = None,
        *,
        meaning: str | None = None,
        message: str | None = None,
    ) -> None:
        self.errcode = errcode
        self.errmsg = errmsg
        self.endpoint = endpoint
        if (
            message is None
        ):  # an errmsg is the server's words: shown, but never more than a line's worth
            shown = (
                errmsg if len(errmsg) <= MAX_ERRMSG_SHOWN else errmsg[: MAX_ERRMSG_SHOWN - 1] + "…"
            )
            message = f"WeChat error {errcode} ({shown}) from {endpoint}"
            if meaning:
                message = f"{message}: {meaning}"
        super().__init__(message, hint=hint)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(errcode={self.errcode!r}, endpoint={self.endpoint!r})"

    def to_json(self) -> dict[str, object]:
        data = super().to_json()
        data.update(errcode=self.errcode, endpoint=self.endpoint)
        return data


class TokenError(WeChatError):
    """The access token or the credentials were refused; a refresh did not (or cannot) help."""

    code = "token"


class QuotaError(WeChatError):
    """A daily or per-minute limit was reached: waiting is the only fix."""

    code = "quota"


class IPWhitelistError(WeChatError):
    """The caller's IP is not whitelisted; ``ip`` is the address WeChat saw (or None)."""

    code = "ip_whitelist"

    def __init__(self, errcode: int | None, errmsg: str, endpoint: str) -> None:
        self.ip = parse_ip(errmsg)
        who = self.ip or "this machine's public IP"
        hint = (
            f"add {who} to the account's IP whitelist ({WHITELIST_PLACE}), or set "
            "MDWX_API_BASE / api_base to a relay whose IP is whitelisted"
        )
        super().__init__(
            errcode, errmsg, endpoint, hint, meaning="the caller's IP is not whitelisted"
        )


class AlreadySubmitted(WeChatError):
    """submit/update refused because the article was already submitted for publishing."""

    code = "already_submitted"


class ContentRejected(WeChatError):
    """WeChat refused what was sent (a field too long, a bad link, an unknown media_id)."""

    code = "content_rejected"

    @property
    def field(self) -> str | None:
        """The article field at fault, when the code says so."""
        return {
            45002: "content",
            45003: "title",
            45004: "digest",
            40007: "thumb_media_id",
            45110: "author",
        }.get(self.errcode or 0)


class PermissionDenied(WeChatError):
    """The account lacks the permission this call needs (unverified account, comments)."""

    code = "permission"


class PublishRefused(WeChatError):
    """``freepublish/submit`` refused the draft (53503 pre-publish check, 53504 web console
    only, 53505 save it in the console first); the draft stays in the box."""

    code = "publish_refused"


class PublishFailed(WeChatError):
    """``freepublish/get`` reported a failure (2, 3, 4) or a removal after success (5, 6).

    Raised by callers following a submission; ``publish_status`` and ``fail_idx`` (the
    failing articles, from 1) are WeChat's.
    """

    code = "publish_failed"

    def __init__(
        self, publish_id: str, publish_status: int, fail_idx: tuple[int, ...] = ()
    ) -> None:
        self.publish_id = publish_id
        self.publish_status = publish_status
        self.fail_idx = fail_idx
        meaning, hint = PUBLISH_STATUS_MEANINGS.get(
            publish_status, (f"publish_status {publish_status} is not documented", CONSOLE)
        )
        which = f" for article(s) {', '.join(map(str, fail_idx))}" if fail_idx else ""
        message = f"publishing {publish_id}: publish_status {publish_status}, {meaning}{which}"
        super().__init__(None, meaning, "freepublish/get", hint, meaning=meaning, message=message)

    def to_json(self) -> dict[str, object]:
        data = super().to_json()
        data.update(publish_status=self.publish_status, fail_idx=list(self.fail_idx))
        return data


class VideoError(WeChatError):
    """A video endpoint answered ``ret != 0`` (bad block sha1, missing blocks, review failure)."""

    code = "video"


class TransportError(WeChatError):
    """The network failed (after the retries allowed); nothing says WeChat got the request."""

    code = "transport"

    def __init__(self, endpoint: str, reason: str, hint: str | None = None) -> None:
        hint = hint or "check the network (and MDWX_API_BASE / proxy settings), then run again"
        super().__init__(None, reason, endpoint, hint, message=f"{endpoint} failed: {reason}")


class OutcomeUnknown(WeChatError):
    """A creating call failed after it was sent: WeChat may or may not have done it.

    Retrying blindly could publish twice, so the caller must look (query, the state
    database, the backend) before deciding.
    """

    code = "outcome_unknown"

    def __init__(self, endpoint: str, reason: str) -> None:
        hint = (
            "the request reached the network but no clear answer came back; check whether "
            "it took effect before trying again"
        )
        message = f"{endpoint}: outcome unknown after {reason}"
        super().__init__(None, reason, endpoint, hint, message=message)


def parse_ip(errmsg: str) -> str | None:
    """The IP WeChat quotes in a whitelist error ("invalid ip 1.2.3.4 ipv6 ..., not in ...")."""
    match = _IP_RE.search(errmsg)
    return match.group(1).rstrip(",") if match else None


def error_for(errcode: int, errmsg: str, endpoint: str, *, ret: bool = False) -> WeChatError:
    """The typed error for WeChat's answer ``errcode``/``errmsg`` from ``endpoint``.

    ``ret`` marks codes from the video endpoints' ``ret`` field, which share nothing with
    the errcode table beyond -1.
    """
    lowered = errmsg.lower()
    if endpoint.startswith(MASS_PREFIX) and errcode in MASS_CODES:
        return _mass_error(errcode, errmsg, endpoint)
    if endpoint.startswith(_DRAFT_ENDPOINTS):
        drafted = _draft_error(errcode, errmsg, endpoint)
        if drafted is not None:
            return drafted
    elif endpoint.endswith("publish/submit") and "abnormal status" in lowered:
        return AlreadySubmitted(
            errcode,
            errmsg,
            endpoint,
            "follow it with `mdwx status`",
            meaning="the article was already submitted",
        )
    if endpoint.endswith("publish/update") and "invalid status" in lowered:
        return AlreadySubmitted(
            errcode,
            errmsg,
            endpoint,
            "delete it and publish it again",
            meaning="the article was already submitted and can no longer change",
        )
    if ret and errcode != -1:
        return VideoError(
            errcode,
            errmsg,
            endpoint,
            "run again to restart the upload",
            meaning="the video endpoint refused the request",
        )
    if errcode in IP_WHITELIST_CODES:
        return IPWhitelistError(errcode, errmsg, endpoint)
    meaning, hint = _CODES.get(errcode, (None, None))
    if errcode == 40007 and "comment/" in endpoint:  # comments name a message, not a media_id
        meaning = "WeChat knows no message with that msg_data_id (or no article at that index)"
        hint = "comments take the msg_data_id a 群发 answered; mdwx keeps it when it sends"
        return WeChatError(errcode, errmsg, endpoint, hint, meaning=meaning)
    if errcode == 40007 and not endpoint.endswith(("uploadnews", "update", "save_video")):
        meaning, hint = "the media_id is unknown to WeChat", "it was deleted or never created"
        return WeChatError(errcode, errmsg, endpoint, hint, meaning=meaning)
    if errcode not in _CODES and ("链接" in errmsg or "link" in lowered):
        meaning, hint = "the content holds a link WeChat refuses", _LINKS
    return _class_for(errcode, errmsg)(errcode, errmsg, endpoint, hint, meaning=meaning)


def _draft_error(errcode: int, errmsg: str, endpoint: str) -> WeChatError | None:
    """The typed error for codes whose meaning is the draft API's own, else None."""
    if errcode == 40007:
        meaning, hint = DRAFT_UNKNOWN.get(endpoint, DRAFT_GONE)
        # On draft/update 40007 is mostly a draft that left the box: not a content fault.
        cls = ContentRejected if endpoint == "draft/add" else WeChatError
        return cls(errcode, errmsg, endpoint, hint, meaning=meaning)
    if errcode not in DRAFT_CODES:
        return None
    meaning, hint = DRAFT_CODES[errcode]
    if errcode == 48001 and endpoint.startswith("freepublish/"):
        hint = DRAFT_ROUTE  # the draft box may still work: the console publishes from it
    if errcode in PUBLISH_REFUSED_CODES:
        return PublishRefused(errcode, errmsg, endpoint, hint, meaning=meaning)
    return _class_for(errcode, errmsg)(errcode, errmsg, endpoint, hint, meaning=meaning)


class MassSendRefused(WeChatError):
    """``message/mass/*`` refused the send or preview: no quota (45028), a clientmsgid
    retried too fast (45066), a receiver who does not follow (43004), an unknown tag…"""

    code = "mass_refused"


def _mass_error(errcode: int, errmsg: str, endpoint: str) -> WeChatError:
    meaning, hint = MASS_CODES[errcode]
    cls: type[WeChatError] = MassSendRefused
    if errcode == 45009:
        cls = QuotaError
    elif errcode == 48001:
        cls = PermissionDenied
    return cls(errcode, errmsg, endpoint, hint, meaning=meaning)


def publish_status_words(publish_status: int) -> str:
    """What ``status`` shows of a ``freepublish/get`` answer: its meaning in a few words,
    then the number WeChat gave (``published (publish_status 0)``)."""
    meaning = PUBLISH_STATUS_MEANINGS.get(publish_status, ("not documented", ""))[0]
    return f"{meaning.split(':')[0].split(' (')[0]} (publish_status {publish_status})"


def _class_for(errcode: int, errmsg: str) -> type[WeChatError]:
    if errcode in TOKEN_REFRESH_CODES or errcode in CREDENTIAL_CODES:
        return TokenError
    if errcode in QUOTA_CODES:
        return QuotaError
    if errcode in CONTENT_CODES or "链接" in errmsg or "link" in errmsg.lower():
        return ContentRejected
    if errcode in PERMISSION_CODES:
        return PermissionDenied
    return WeChatError
