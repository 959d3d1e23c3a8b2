"""Which WeChat endpoints the relay forwards, and which key permission each one needs.

Default deny: a path not in :data:`ENDPOINTS` is refused, so a stolen key cannot reach the
follower list, the menu or any call this table does not name, and the token endpoints are
refused by name (a client never sees a token). Each endpoint lists the permissions that
suffice; the reads a publish run makes to follow its own work (``publish/query``,
``draft/get``, ``draft/batchget`` to look after a lost answer…) come with ``draft`` and
``publish`` so a CI key needs nothing more (docs/relay.md, "Permissions").
"""

from __future__ import annotations

import re

#: The permissions a relay key may hold.
OPERATIONS = ("read", "draft", "publish", "delete", "mass", "preview", "comment")
#: Paths the relay refuses by name: answering them would hand a token to the client.
TOKEN_ENDPOINTS = frozenset({"cgi-bin/token", "cgi-bin/stable_token"})
#: Path prefixes the relay forwards at all (the rest of WeChat's host is not its business).
FORWARDED_PREFIXES = ("cgi-bin/", "datacube/")

_DRAFT = frozenset({"draft"})
_PUBLISH = frozenset({"publish"})
_DELETE = frozenset({"delete"})
_READ = frozenset({"read"})
_FOLLOW = frozenset({"read", "draft", "publish"})  # the reads a publish run makes
_MASS = frozenset({"mass"})
_COMMENT = frozenset({"comment"})

_VIDEO = "cgi-bin/material/upload_video"

ENDPOINTS: dict[str, frozenset[str]] = {
    # uploads and the article itself (media API and draft box)
    "cgi-bin/media/uploadimg": _DRAFT,
    "cgi-bin/material/add_material": _DRAFT,
    f"{_VIDEO}:init_upload": _DRAFT,
    f"{_VIDEO}:upload_block": _DRAFT,
    f"{_VIDEO}:upload_finish": _DRAFT,
    f"{_VIDEO}:save_video": _DRAFT,
    f"{_VIDEO}:query_status": _FOLLOW,
    "cgi-bin/publish/uploadnews": _DRAFT,
    "cgi-bin/publish/update": _DRAFT,
    "cgi-bin/draft/add": _DRAFT,
    "cgi-bin/draft/update": _DRAFT,
    # submitting
    "cgi-bin/publish/submit": _PUBLISH,
    "cgi-bin/freepublish/submit": _PUBLISH,
    # following what was sent
    "cgi-bin/publish/query": _FOLLOW,
    "cgi-bin/draft/get": _FOLLOW,
    "cgi-bin/draft/count": _FOLLOW,
    "cgi-bin/draft/batchget": _FOLLOW,
    "cgi-bin/freepublish/get": _FOLLOW,
    "cgi-bin/freepublish/batchget": _FOLLOW,
    "cgi-bin/freepublish/getarticle": _FOLLOW,
    # deleting
    "cgi-bin/publish/delete": _DELETE,
    "cgi-bin/draft/delete": _DELETE,
    "cgi-bin/freepublish/delete": _DELETE,
    "cgi-bin/material/del_material": _DELETE,
    # what is in the account
    "cgi-bin/material/get_materialcount": _READ,
    "cgi-bin/material/batchget_material": _READ,
    "cgi-bin/material/get_material": _READ,
    "cgi-bin/get_api_domain_ip": _READ,
    "cgi-bin/getcallbackip": _READ,
    "cgi-bin/openapi/quota/get": _READ,
    "datacube/getarticleread": _READ,
    "datacube/getarticleshare": _READ,
    "datacube/getarticletotaldetail": _READ,
    "datacube/getbizsummary": _READ,
    # mass send and phone preview
    "cgi-bin/message/mass/sendall": _MASS,
    "cgi-bin/message/mass/send": _MASS,
    "cgi-bin/message/mass/delete": _MASS,
    "cgi-bin/message/mass/get": frozenset({"mass", "read"}),
    "cgi-bin/message/mass/preview": frozenset({"preview"}),
    "cgi-bin/tags/get": frozenset({"mass", "read"}),  # who a send by tag reaches (names, counts)
    # comments
    "cgi-bin/comment/list": frozenset({"read", "comment"}),
    "cgi-bin/comment/open": _COMMENT,
    "cgi-bin/comment/close": _COMMENT,
    "cgi-bin/comment/markelect": _COMMENT,
    "cgi-bin/comment/unmarkelect": _COMMENT,
    "cgi-bin/comment/delete": _COMMENT,
    "cgi-bin/comment/reply/add": _COMMENT,
    "cgi-bin/comment/reply/delete": _COMMENT,
}

_PATH = re.compile(r"/[a-z0-9_-]+(?:/[a-z0-9_-]+)*")


def endpoint_key(path: str, action: str | None = None) -> str | None:
    """The table key of a request path (``/cgi-bin/draft/add`` → ``cgi-bin/draft/add``).

    The video endpoint is keyed with its ``action`` query value. None for a path that is
    not a plain lower-case API path (``..``, ``//``, encoded characters): never forwarded.
    """
    if not _PATH.fullmatch(path):
        return None
    key = path[1:]
    return f"{key}:{action or ''}" if key == _VIDEO else key


def needed(key: str) -> frozenset[str] | None:
    """The permissions of which one lets a key call endpoint ``key``; None: never forwarded."""
    return ENDPOINTS.get(key)


def parse_allow(text: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """``"draft,publish"`` → ``("draft", "publish")``, in :data:`OPERATIONS` order, deduplicated.

    ``all`` stands for every permission. Raises ValueError naming an unknown one.
    """
    items = text.replace(" ", ",").split(",") if isinstance(text, str) else list(text)
    names = {item.strip().lower() for item in items if item.strip()}
    if "all" in names:
        return OPERATIONS
    unknown = sorted(names - set(OPERATIONS))
    if unknown:
        raise ValueError(
            f"unknown permission(s) {', '.join(unknown)}; known: {', '.join(OPERATIONS)}, all"
        )
    if not names:
        raise ValueError(f"give at least one permission: {', '.join(OPERATIONS)}")
    return tuple(op for op in OPERATIONS if op in names)
