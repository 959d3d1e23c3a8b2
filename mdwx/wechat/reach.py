"""The account endpoints of :class:`~mdwx.wechat.client.WeChatClient` beyond publishing: the
material library (``material/*``), comments (``comment/*``) and analytics (``datacube/*``);
``docs/account.md`` says what mdwx relies on.

None of these calls creates anything, so all are retried after an unclear failure; the
deletes and ``comment/reply/add`` are idempotent enough (a second delete answers 40007,
taken as done; a second reply replaces the first). Index conventions are WeChat's:
``comment/*`` count a message's articles **from 0**, datacube's ``msgid`` from 1.
Errors: :class:`~mdwx.wechat.errors.PermissionDenied` for 48001 (an account without the
permission) and 88000 (comments not open), :class:`~mdwx.wechat.errors.IPWhitelistError`
for 40164, :class:`~mdwx.wechat.errors.QuotaError` for 45009.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from mdwx.wechat.http import Call
from mdwx.wechat.reach_models import (
    Analytics,
    ArticleFigures,
    Comment,
    CommentPage,
    CommentReply,
    MaterialCount,
    MaterialItem,
    MaterialPage,
)

MATERIAL_TYPES = ("image", "video", "voice", "news")
PAGE_MAX = 20
COMMENT_PAGE_MAX = 49  # comment/list refuses 50 and more
COMMENT_TYPES = {"all": 0, "normal": 1, "elected": 2}
_FIGURES = (
    "read_user",
    "share_user",
    "zaikan_user",
    "like_user",
    "comment_count",
    "collection_user",
)


class ReachEndpoints:
    """Mixed into :class:`~mdwx.wechat.client.WeChatClient`."""

    @property
    def _http(self) -> httpx.AsyncClient:  # provided by WeChatClient
        raise NotImplementedError

    async def _api(self, call: Call) -> dict[str, object]:  # provided by WeChatClient
        raise NotImplementedError

    # -- material library -------------------------------------------------------------------

    async def material_count(self) -> MaterialCount:
        """``material/get_materialcount`` (a GET): how many materials of each kind."""
        body = await self._api(
            Call("GET", "cgi-bin/material/get_materialcount", "material/get_materialcount")
        )
        return MaterialCount(
            _int(body.get("image_count")),
            _int(body.get("video_count")),
            _int(body.get("voice_count")),
            _int(body.get("news_count")),
        )

    async def material_batchget(
        self, kind: str = "image", offset: int = 0, count: int = PAGE_MAX
    ) -> MaterialPage:
        """A page (``count`` 1–20) of the ``kind`` library, newest first."""
        if kind not in MATERIAL_TYPES or offset < 0 or not 1 <= count <= PAGE_MAX:
            raise ValueError(f"kind is one of {MATERIAL_TYPES}, offset ≥ 0, count 1..{PAGE_MAX}")
        payload = {"type": kind, "offset": offset, "count": count}
        body = await self._api(_post("material/batchget_material", payload))
        items = tuple(
            MaterialItem(
                str(e.get("media_id") or ""),
                str(e.get("name") or ""),
                _int(e.get("update_time")),
                str(e.get("url") or ""),
            )
            for e in _entries(body.get("item"))
        )
        return MaterialPage(_int(body.get("total_count")), items)

    async def material_delete(self, media_id: str) -> None:
        """``material/del_material``: remove a permanent material (not reversible)."""
        await self._api(_post("material/del_material", {"media_id": media_id}, done_code=40007))

    # -- comments ---------------------------------------------------------------------------

    async def comment_open(self, msg_data_id: str, index: int = 0) -> None:
        await self._api(_post("comment/open", _message(msg_data_id, index)))

    async def comment_close(self, msg_data_id: str, index: int = 0) -> None:
        await self._api(_post("comment/close", _message(msg_data_id, index)))

    async def comment_list(
        self,
        msg_data_id: str,
        index: int = 0,
        *,
        begin: int = 0,
        count: int = COMMENT_PAGE_MAX,
        kind: str = "all",
    ) -> CommentPage:
        """A page of an article's comments (``count`` 1–49; ``kind`` all, normal or elected)."""
        if begin < 0 or not 1 <= count <= COMMENT_PAGE_MAX or kind not in COMMENT_TYPES:
            raise ValueError(
                f"begin ≥ 0, count 1..{COMMENT_PAGE_MAX}, kind one of {tuple(COMMENT_TYPES)}"
            )
        payload = {
            **_message(msg_data_id, index),
            "begin": begin,
            "count": count,
            "type": COMMENT_TYPES[kind],
        }
        body = await self._api(_post("comment/list", payload))
        return CommentPage(
            _int(body.get("total")), tuple(_comment(e) for e in _entries(body.get("comment")))
        )

    async def comment_markelect(self, msg_data_id: str, index: int, user_comment_id: int) -> None:
        await self._api(
            _post("comment/markelect", _comment_ref(msg_data_id, index, user_comment_id))
        )

    async def comment_unmarkelect(self, msg_data_id: str, index: int, user_comment_id: int) -> None:
        await self._api(
            _post("comment/unmarkelect", _comment_ref(msg_data_id, index, user_comment_id))
        )

    async def comment_delete(self, msg_data_id: str, index: int, user_comment_id: int) -> None:
        await self._api(_post("comment/delete", _comment_ref(msg_data_id, index, user_comment_id)))

    async def comment_reply(
        self, msg_data_id: str, index: int, user_comment_id: int, content: str
    ) -> None:
        payload = {**_comment_ref(msg_data_id, index, user_comment_id), "content": content}
        await self._api(_post("comment/reply/add", payload))

    async def comment_reply_delete(
        self, msg_data_id: str, index: int, user_comment_id: int
    ) -> None:
        await self._api(
            _post("comment/reply/delete", _comment_ref(msg_data_id, index, user_comment_id))
        )

    # -- analytics --------------------------------------------------------------------------

    async def datacube(self, name: str, begin: dt.date, end: dt.date) -> Analytics:
        """``datacube/<name>`` over ``begin``–``end`` (Beijing dates, end ≤ yesterday):
        ``getarticletotaldetail``, ``getarticleread`` or ``getarticleshare``."""
        if name not in ("getarticletotaldetail", "getarticleread", "getarticleshare"):
            raise ValueError(f"not a current article analytics endpoint: {name}")
        call = Call(
            "POST",
            f"datacube/{name}",
            f"datacube/{name}",
            json={"begin_date": begin.isoformat(), "end_date": end.isoformat()},
        )
        body = await self._api(call)
        return Analytics(
            tuple(_figures(e) for e in _entries(body.get("list"))), bool(body.get("is_delay"))
        )

    async def token_check(self) -> None:
        """Obtain an access token and have WeChat accept it (``cgi-bin/getcallbackip``, which
        any valid token may call; a given ``WECHAT_ACCESS_TOKEN`` is checked the same way).
        Raises :class:`~mdwx.wechat.errors.TokenError` (40013 AppID, 40125 AppSecret, 40001
        token) or :class:`~mdwx.wechat.errors.IPWhitelistError` (40164) as WeChat answers."""
        await self._api(Call("GET", "cgi-bin/getcallbackip", "getcallbackip"))

    async def mass_permission_probe(self) -> None:
        """``message/mass/get`` of a message that does not exist: read-only, and answered with
        48001 by an account without mass-send permission (else an error about the msg_id)."""
        await self._api(_post("message/mass/get", {"msg_id": 1}))

    # -- the server's clock -----------------------------------------------------------------

    async def server_time(self) -> dt.datetime | None:
        """The ``Date`` header of an answer from the API host (no token sent): WeChat's clock,
        to a second. None when the host sent none or could not be reached."""
        try:
            answer = await self._http.get("cgi-bin/getcallbackip")
        except httpx.HTTPError:
            return None
        try:
            return parsedate_to_datetime(answer.headers["date"])
        except (KeyError, TypeError, ValueError):
            return None


def _post(path: str, payload: Any, **options: Any) -> Call:
    return Call("POST", f"cgi-bin/{path}", path, json=payload, **options)


def _message(msg_data_id: str, index: int) -> dict[str, int]:
    if not str(msg_data_id).isdigit() or index < 0:
        raise ValueError("msg_data_id is a number and index counts from 0")
    return {"msg_data_id": int(msg_data_id), "index": index}


def _comment_ref(msg_data_id: str, index: int, user_comment_id: int) -> dict[str, int]:
    return {**_message(msg_data_id, index), "user_comment_id": user_comment_id}


def _entries(value: Any) -> list[Mapping[str, Any]]:
    return [e for e in value if isinstance(e, Mapping)] if isinstance(value, list) else []


def _comment(data: Mapping[str, Any]) -> Comment:
    reply = data.get("reply")
    shown = (
        CommentReply(str(reply.get("content") or ""), _int(reply.get("create_time")))
        if isinstance(reply, Mapping) and reply.get("content")
        else None
    )
    return Comment(
        _int(data.get("user_comment_id")),
        str(data.get("openid") or ""),
        str(data.get("content") or ""),
        _int(data.get("create_time")),
        _int(data.get("comment_type")),
        shown,
    )


def _figures(data: Mapping[str, Any]) -> ArticleFigures:
    detail = data.get("detail")
    detail = detail if isinstance(detail, Mapping) else {}
    known = {name: _int(detail.get(name)) for name in _FIGURES}
    extra = {
        str(k): _int(v)
        for k, v in detail.items()
        if k not in _FIGURES and isinstance(v, int) and not isinstance(v, bool)
    }
    return ArticleFigures(
        str(data.get("ref_date") or ""),
        str(data.get("msgid") or ""),
        str(data.get("title") or ""),
        extra=extra,
        **known,
    )


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
