"""The 群发 and preview endpoints of :class:`~mdwx.wechat.client.WeChatClient`
(``cgi-bin/message/mass/*``, ``cgi-bin/tags/get``; ``docs/reach.md``).

A send reaches followers' phones and cannot be recalled, so ``sendall``, ``send`` and
``preview`` are never repeated after an unclear failure (:class:`OutcomeUnknown`): a send
carries a ``clientmsgid``, and sending it again is how the caller learns what happened —
WeChat answers 45065 with the existing ``msg_id`` (returned here as a :class:`MassSend`
whose ``existing`` is true) or 45066 when the repeat comes within a minute
(:class:`~mdwx.wechat.errors.MassSendRefused`). ``article_idx`` of ``mass_delete`` counts
**from 1** (0 deletes every article).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mdwx.wechat.errors import WeChatError
from mdwx.wechat.http import Call
from mdwx.wechat.mass_codes import MASS_STATUS_MEANINGS

CLIENTMSGID_MAX_BYTES = 64
OPENIDS_MIN, OPENIDS_MAX = 2, 10_000
CLIENTMSGID_EXISTS = 45065
MASS_STATUSES = tuple(MASS_STATUS_MEANINGS)


@dataclass(frozen=True)
class MassSend:
    """A send WeChat took: follow ``msg_id`` with ``message/mass/get``; ``msg_data_id``
    names the articles for comments and analytics. ``existing``: WeChat answered 45065, the
    clientmsgid had already been sent (``msg_data_id`` is then unknown: "")."""

    msg_id: str
    msg_data_id: str
    existing: bool = False


@dataclass(frozen=True)
class MassStatus:
    """``message/mass/get``: ``msg_status`` is SEND_SUCCESS, SENDING, SEND_FAIL or DELETE."""

    msg_id: str
    msg_status: str

    @property
    def final(self) -> bool:
        """No later answer changes it (SENDING may still fail or succeed)."""
        return self.msg_status != "SENDING"

    @property
    def meaning(self) -> str:
        return MASS_STATUS_MEANINGS.get(self.msg_status, f"msg_status {self.msg_status!r}")


@dataclass(frozen=True)
class Tag:
    """A follower tag (``tags/get``): ``count`` followers carry it."""

    id: int
    name: str
    count: int


def _news(media_id: str) -> dict[str, object]:
    return {"mpnews": {"media_id": media_id}, "msgtype": "mpnews"}


def check_clientmsgid(clientmsgid: str) -> None:
    """Raise ValueError for a clientmsgid WeChat would refuse (45067: over 64 bytes)."""
    if len(clientmsgid.encode()) > CLIENTMSGID_MAX_BYTES:
        raise ValueError(f"clientmsgid is limited to {CLIENTMSGID_MAX_BYTES} bytes")


class MassEndpoints:
    """Mixed into :class:`~mdwx.wechat.client.WeChatClient`."""

    async def _api(self, call: Call) -> dict[str, object]:  # provided by WeChatClient
        raise NotImplementedError

    async def mass_preview(
        self, media_id: str, *, towxname: str | None = None, touser: str | None = None
    ) -> str:
        """Send the draft ``media_id`` to one follower's phone (by 微信号 or OpenID); the
        preview's ``msg_id`` ("" when WeChat gives none). About 100 a day per account.

        Raises :class:`~mdwx.wechat.errors.MassSendRefused` (43004: not a follower),
        :class:`~mdwx.wechat.errors.QuotaError` (45009), :class:`PermissionDenied` (48001),
        :class:`OutcomeUnknown` when the answer was lost (it may have arrived).
        """
        if not towxname and not touser:
            raise ValueError("preview needs towxname or touser")
        payload: dict[str, object] = {
            **({"towxname": towxname} if towxname else {"touser": touser}),
            **_news(media_id),
        }
        call = Call(
            "POST",
            "cgi-bin/message/mass/preview",
            "message/mass/preview",
            json=payload,
            creates=True,
        )
        return str((await self._api(call)).get("msg_id") or "")

    async def mass_sendall(
        self,
        media_id: str,
        *,
        tag_id: int | None = None,
        clientmsgid: str = "",
        ignore_reprint: bool = False,
    ) -> MassSend:
        """群发 the draft ``media_id`` to every follower (``tag_id`` None) or to one tag.

        Raises :class:`~mdwx.wechat.errors.MassSendRefused` (45028 no quota, 45066 retried
        within a minute, 45159 unknown tag), :class:`PermissionDenied` (48001),
        :class:`OutcomeUnknown` when the answer was lost: send again with the same
        ``clientmsgid`` to learn the outcome.
        """
        filter_: dict[str, object] = {"is_to_all": tag_id is None}
        if tag_id is not None:
            filter_["tag_id"] = tag_id
        return await self._mass(
            "sendall", {"filter": filter_}, media_id, clientmsgid, ignore_reprint
        )

    async def mass_send(
        self,
        media_id: str,
        openids: Sequence[str],
        *,
        clientmsgid: str = "",
        ignore_reprint: bool = False,
    ) -> MassSend:
        """群发 the draft ``media_id`` to 2–10,000 followers by OpenID (服务号 only); raises
        as :meth:`mass_sendall`."""
        if not OPENIDS_MIN <= len(openids) <= OPENIDS_MAX:
            raise ValueError(f"send by OpenID takes {OPENIDS_MIN}..{OPENIDS_MAX} OpenIDs")
        return await self._mass(
            "send", {"touser": list(openids)}, media_id, clientmsgid, ignore_reprint
        )

    async def _mass(
        self,
        name: str,
        target: dict[str, object],
        media_id: str,
        clientmsgid: str,
        ignore_reprint: bool,
    ) -> MassSend:
        check_clientmsgid(clientmsgid)
        payload = {**target, **_news(media_id), "send_ignore_reprint": int(ignore_reprint)}
        if clientmsgid:
            payload["clientmsgid"] = clientmsgid
        label = f"message/mass/{name}"
        call = Call(
            "POST",
            f"cgi-bin/{label}",
            label,
            json=payload,
            creates=True,
            answer_codes=frozenset({CLIENTMSGID_EXISTS}),
        )
        body = await self._api(call)
        msg_id = _text(body.get("msg_id"))
        if not msg_id:
            from mdwx.wechat.errors import OutcomeUnknown

            raise OutcomeUnknown(label, "an answer without msg_id")
        existing = body.get("errcode") == CLIENTMSGID_EXISTS
        return MassSend(msg_id, "" if existing else _text(body.get("msg_data_id")), existing)

    async def mass_get(self, msg_id: str) -> MassStatus:
        """Where a send stands (safe to repeat)."""
        call = Call(
            "POST", "cgi-bin/message/mass/get", "message/mass/get", json={"msg_id": _number(msg_id)}
        )
        body = await self._api(call)
        status = _text(body.get("msg_status"))
        if not status:
            raise WeChatError(
                None,
                "answer without msg_status",
                call.label,
                "check MDWX_API_BASE / api_base",
                meaning="the answer had no msg_status",
            )
        return MassStatus(_text(body.get("msg_id")) or msg_id, status)

    async def mass_delete(self, msg_id: str, article_idx: int = 0) -> None:
        """Remove article ``article_idx`` (**from 1**; 0 all) of a send from followers'
        history. Not reversible; the message itself stays on phones that received it."""
        if article_idx < 0:
            raise ValueError("message/mass/delete counts article_idx from 1 (0 = all)")
        call = Call(
            "POST",
            "cgi-bin/message/mass/delete",
            "message/mass/delete",
            json={"msg_id": _number(msg_id), "article_idx": article_idx},
        )
        await self._api(call)

    async def tags_get(self) -> list[Tag]:
        """The account's follower tags."""
        body = await self._api(Call("GET", "cgi-bin/tags/get", "tags/get"))
        tags = body.get("tags")
        return [
            Tag(int(t.get("id", 0)), str(t.get("name") or ""), int(t.get("count") or 0))
            for t in (tags if isinstance(tags, list) else [])
            if isinstance(t, dict) and isinstance(t.get("id"), int)
        ]


def _text(value: Any) -> str:
    return str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else ""


def _number(msg_id: str) -> int | str:
    """WeChat's msg_id is a number; the state keeps it as text."""
    return int(msg_id) if msg_id.isdigit() else msg_id
