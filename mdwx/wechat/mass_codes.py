"""What the mass-send and preview answers mean, in words (``docs/reach.md``).

Kept beside :mod:`mdwx.wechat.errors`, which turns them into typed errors: on
``message/mass/*`` 45009 is the preview's 100-a-day limit, 40007 may be a draft that WeChat
does not accept for 群发, and 48001 means the account is not verified.
"""

from __future__ import annotations

MASS_PREFIX = "message/mass/"
#: The route that remains when an account may not call the mass or preview API.
PASTE_ROUTE = (
    "send it from mp.weixin.qq.com by hand: `mdwx preview POST` and its copy button paste "
    "the article into the web editor, whose 群发 and 预览 buttons need no API permission"
)

#: errcode → (what it means, what to do), for message/mass/* answers.
MASS_CODES: dict[int, tuple[str, str]] = {
    40003: ("an OpenID is not a follower of this account", "remove it from the OpenID list"),
    40007: (
        "WeChat does not accept this media_id for 群发 or preview (the draft may have left "
        "the box, or the account does not take draft media_ids here)",
        "run again so mdwx uploads a fresh draft; if it is refused again, " + PASTE_ROUTE,
    ),
    40008: ("the message type is not accepted", "this is a bug in mdwx: please report it"),
    40130: ("send by OpenID needs 2 to 10,000 OpenIDs", "name at least two followers"),
    43004: (
        "the receiver does not follow the account",
        "follow the account from that WeChat first (preview reaches followers only)",
    ),
    45009: (
        "today's previews are used up (WeChat allows about 100 a day per account)",
        "it resets at 00:00 Beijing time; preview in the browser meanwhile (`mdwx preview POST`)",
    ),
    45028: (
        "no mass-send quota is left (订阅号: one send a day; 服务号: four a month per follower)",
        "the article stays a draft: send it when the quota returns (00:00 Beijing time for a "
        "订阅号, the next month for a 服务号), or publish it without notifying followers",
    ),
    45065: ("a send with this clientmsgid was already taken", "nothing to do: it was sent"),
    45066: (
        "the same clientmsgid was retried within a minute",
        "the earlier attempt reached WeChat; run again in a minute to learn its msg_id",
    ),
    45067: ("the clientmsgid is longer than 64 bytes", "this is a bug in mdwx: please report it"),
    45159: ("the tag is unknown to WeChat", "list the account's tags and name one of them"),
    48001: (
        "the account may not call 群发 or preview (they need a verified account; since July "
        "2025 personal and unverified accounts lose these APIs)",
        PASTE_ROUTE,
    ),
}

#: message/mass/get msg_status → what it means.
MASS_STATUS_MEANINGS: dict[str, str] = {
    "SEND_SUCCESS": "sent to followers",
    "SENDING": "being sent (or waiting for an administrator's confirmation: 群发保护)",
    "SEND_FAIL": "the send failed (群发保护 not confirmed within 30 minutes, or WeChat refused it)",
    "DELETE": "deleted from followers' history",
}

#: 群发保护 explained: sends to all wait for an administrator.
PROTECTION_NOTE = (
    "if 群发保护 is on, an administrator must confirm this send in WeChat within 30 minutes, "
    "or it fails"
)
