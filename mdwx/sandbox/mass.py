"""``cgi-bin/message/mass/*`` and ``cgi-bin/tags/get``: 群发, phone previews, the inbox.

What the sandbox emulates (docs/reach.md says what mdwx relies on):

- ``preview`` sends a draft (or an unsubmitted media-API article) to one follower, named by
  ``towxname`` (wins) or ``touser``; 43004 for someone who does not follow the account;
  ``preview_daily_limit`` a day (Beijing time), then 45009. It costs no mass-send quota and
  the draft stays in the box.
- ``sendall`` (to all, or to a tag) and ``send`` (2–10,000 OpenIDs; a 订阅号 may not call it:
  48001) take a draft's ``media_id`` — or answer 40007 when ``mass_draft_accepted`` is off,
  the open question of whether WeChat accepts one. A sent draft leaves the box. Quotas:
  a 订阅号 (``account_type``) has one send a day, a 服务号 delivers at most four a month to
  each follower; past them 45028. ``clientmsgid`` (≤ 64 bytes, else 45067) is remembered for
  24 hours: a repeat within a minute answers 45066, later 45065 with the existing ``msg_id``.
- ``get`` answers ``msg_status`` (SENDING, SEND_SUCCESS, SEND_FAIL, DELETE); ``delete``
  removes article ``article_idx`` (**from 1**, 0 all) from followers' history.
- ``GET /_sandbox/inbox[?to=微信号|openid]`` lists what followers' phones received.
"""

from __future__ import annotations

import html
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .draft import int_field
from .massstore import (
    CLIENTMSGID_RETRY_GAP,
    SEND_FAIL,
    SERVICE_MONTHLY,
    InboxMessage,
    MassRecord,
)
from .responses import read_json, token_error, wx_error, wx_ok

CLIENTMSGID_MAX_BYTES = 64
OPENIDS_MIN, OPENIDS_MAX = 2, 10_000
_MSGTYPE = "mpnews"


async def _mass_json(request: Request) -> dict[str, object] | Response:
    """Token check, the account's permission (48001), then the JSON body."""
    code = token_error(request)
    if code:
        return wx_error(code)
    if not request.app.state.control.settings.mass_api_authorised:
        return wx_error(48001)
    return await read_json(request)


def _news(
    request: Request, body: dict[str, object]
) -> tuple[str, list[dict[str, object]]] | Response:
    """The ``mpnews.media_id`` of a mass or preview body and its articles, or the refusal."""
    if body.get("msgtype") != _MSGTYPE:
        return wx_error(40008, "invalid message type: only mpnews is emulated")
    news = body.get("mpnews")
    media_id = news.get("media_id") if isinstance(news, dict) else None
    if not isinstance(media_id, str) or not media_id:
        return wx_error(40007, "invalid media_id: mpnews.media_id required")
    store = request.app.state.store
    draft = store.draft(media_id)
    if draft is not None:
        if not request.app.state.control.settings.mass_draft_accepted:
            return wx_error(40007, "invalid media_id: a draft's media_id is not accepted here")
        return media_id, draft.items
    article = store.article(media_id)
    if article is not None and article.state == "draft":
        return media_id, article.items
    return wx_error(40007)


async def preview(request: Request) -> Response:
    body = await _mass_json(request)
    if isinstance(body, Response):
        return body
    store = request.app.state.store
    wxname, touser = body.get("towxname"), body.get("touser")
    if not isinstance(wxname, str) and not isinstance(touser, str):
        return wx_error(40097, "invalid args: towxname or touser required")
    openid = store.follower(
        wxname=wxname if isinstance(wxname, str) else None,
        openid=touser if isinstance(touser, str) else None,
    )
    if openid is None:
        return wx_error(43004, "require subscribe: the receiver does not follow the account")
    news = _news(request, body)
    if isinstance(news, Response):
        return news
    if store.previews_today() >= request.app.state.control.settings.preview_daily_limit:
        return wx_error(45009)
    msg_id = store.add_preview(openid, *news)
    return wx_ok("preview success", msg_id=msg_id)


def _clientmsgid(request: Request, body: dict[str, object]) -> str | Response:
    """The body's ``clientmsgid`` ("" when absent), or 45067/45066/45065 for it."""
    value = body.get("clientmsgid", "")
    if not isinstance(value, str):
        return wx_error(40097, "invalid args: clientmsgid must be a string")
    if len(value.encode()) > CLIENTMSGID_MAX_BYTES:
        return wx_error(45067, "clientmsgid size out of limit")
    if not value:
        return value
    store = request.app.state.store
    earlier: MassRecord | None = store.mass_by_clientmsgid(value)
    if earlier is None:
        return value
    if request.app.state.control.now() - earlier.created < CLIENTMSGID_RETRY_GAP:
        return wx_error(45066, "same clientmsgid retry too fast")
    return JSONResponse({"errcode": 45065, "errmsg": "clientmsgid exist", "msg_id": earlier.msg_id})


def _deliverable(request: Request, targets: list[str]) -> list[str] | Response:
    """The targets this send reaches, or 45028 when the quota allows none."""
    store = request.app.state.store
    if request.app.state.control.settings.account_type == "subscription":
        return targets if store.sends_today() < 1 else wx_error(45028, "has no masssend quota")
    reached = [oid for oid in targets if store.received_this_month(oid) < SERVICE_MONTHLY]
    return reached or wx_error(45028, "has no masssend quota")


async def _take(
    request: Request,
    body: dict[str, object],
    targets: list[str],
    *,
    to_all: bool,
    tag_id: int | None,
) -> Response:
    clientmsgid = _clientmsgid(request, body)
    if isinstance(clientmsgid, Response):
        return clientmsgid
    news = _news(request, body)
    if isinstance(news, Response):
        return news
    reached = _deliverable(request, targets)
    if isinstance(reached, Response):
        return reached
    store = request.app.state.store
    media_id, items = news
    record = store.add_mass_send(
        media_id, items, reached, to_all=to_all, tag_id=tag_id, clientmsgid=clientmsgid
    )
    if store.draft(media_id) is not None:  # a sent draft leaves the box, as a published one
        store.take_draft(media_id)
    return wx_ok(
        "send job submission success", msg_id=record.msg_id, msg_data_id=record.msg_data_id
    )


async def sendall(request: Request) -> Response:
    body = await _mass_json(request)
    if isinstance(body, Response):
        return body
    store = request.app.state.store
    filter_ = body.get("filter")
    if not isinstance(filter_, dict) or not isinstance(filter_.get("is_to_all"), bool):
        return wx_error(40097, "invalid args: filter.is_to_all (true/false) required")
    if filter_["is_to_all"]:
        targets, tag_id = [oid for oid, _ in store.followers()], None
    else:
        tag_id = int_field(filter_, "tag_id")
        tag = store.tags().get(tag_id) if tag_id is not None else None
        if tag is None:
            return wx_error(45159, "invalid tag id")
        targets = tag[1]
    return await _take(request, body, targets, to_all=filter_["is_to_all"], tag_id=tag_id)


async def send(request: Request) -> Response:
    body = await _mass_json(request)
    if isinstance(body, Response):
        return body
    if request.app.state.control.settings.account_type == "subscription":
        return wx_error(48001, "api unauthorized: a subscription account cannot send by OpenID")
    touser = body.get("touser")
    if not isinstance(touser, list) or not OPENIDS_MIN <= len(touser) <= OPENIDS_MAX:
        return wx_error(40130, f"invalid openid list size, {OPENIDS_MIN}..{OPENIDS_MAX} openids")
    known = {oid for oid, _ in request.app.state.store.followers()}
    if any(not isinstance(oid, str) or oid not in known for oid in touser):
        return wx_error(40003, "invalid openid")
    return await _take(request, body, list(dict.fromkeys(touser)), to_all=False, tag_id=None)


async def _mass_record(request: Request) -> tuple[dict[str, object], MassRecord] | Response:
    body = await _mass_json(request)
    if isinstance(body, Response):
        return body
    msg_id = body.get("msg_id")
    if isinstance(msg_id, str) and msg_id.isdigit():
        msg_id = int(msg_id)
    record = request.app.state.store.mass_send(msg_id) if isinstance(msg_id, int) else None
    if record is None:
        return wx_error(40097, "invalid args: no such msg_id")
    return body, record


async def get(request: Request) -> Response:
    found = await _mass_record(request)
    if isinstance(found, Response):
        return found
    record = found[1]
    return JSONResponse({"msg_id": record.msg_id, "msg_status": record.msg_status})


async def delete(request: Request) -> Response:
    found = await _mass_record(request)
    if isinstance(found, Response):
        return found
    body, record = found
    count = len(record.items)
    index = int_field(body, "article_idx", 0)
    if index is None or not 0 <= index <= count:
        return wx_error(40097, f"invalid args: article_idx must be 0 (all) or 1..{count}")
    if record.msg_status == SEND_FAIL:
        return wx_error(40097, "invalid args: the send failed; nothing to delete")
    numbers = list(range(1, count + 1)) if index == 0 else [index]
    request.app.state.store.delete_mass_articles(record.msg_id, numbers)
    return wx_ok("ok")


async def tags_get(request: Request) -> Response:
    code = token_error(request)
    if code:
        return wx_error(code)
    tags = request.app.state.store.tags()
    return JSONResponse(
        {
            "tags": [
                {"id": tid, "name": name, "count": len(members)}
                for tid, (name, members) in sorted(tags.items())
            ]
        }
    )


def _shown(message: InboxMessage, names: dict[str, str]) -> dict[str, object]:
    return {
        "kind": message.kind,
        "to": names.get(message.openid, ""),
        "openid": message.openid,
        "msg_id": message.msg_id,
        "media_id": message.media_id,
        "titles": message.titles,
        "time": message.time,
        "deleted": message.deleted,
    }


async def inbox(request: Request) -> Response:
    """``GET /_sandbox/inbox[?to=…]``: the fake phones' messages, oldest first."""
    store = request.app.state.store
    names = {oid: name for oid, name in store.followers()}
    to = request.query_params.get("to")
    openid = None
    if to:
        openid = store.follower(wxname=to) or store.follower(openid=to)
        if openid is None:
            return JSONResponse({"error": f"{to[:64]!r} does not follow the account"}, 404)
    return JSONResponse({"messages": [_shown(m, names) for m in store.inbox(openid)]})


def inbox_html(store: Any) -> str:
    """The fake phones' inbox as an HTML section of the sandbox's ``/`` page (escaped)."""
    names = {oid: name for oid, name in store.followers()}
    rows = []
    for message in store.inbox():
        titles = "、".join(html.escape(t) for t in message.titles)
        gone = f" (deleted: {', '.join(map(str, message.deleted))})" if message.deleted else ""
        rows.append(
            f"<li>{html.escape(names.get(message.openid, message.openid))} ← "
            f"{html.escape(message.kind)}: {titles}{html.escape(gone)}</li>"
        )
    listing = "<ul>" + "".join(rows) + "</ul>" if rows else "<p>No message yet.</p>"
    return "<h2>Followers' phones (previews and 群发)</h2>" + listing


MASS_ROUTES = [
    Route("/cgi-bin/message/mass/preview", preview, methods=["POST"]),
    Route("/cgi-bin/message/mass/sendall", sendall, methods=["POST"]),
    Route("/cgi-bin/message/mass/send", send, methods=["POST"]),
    Route("/cgi-bin/message/mass/get", get, methods=["POST"]),
    Route("/cgi-bin/message/mass/delete", delete, methods=["POST"]),
    Route("/cgi-bin/tags/get", tags_get, methods=["GET", "POST"]),
    Route("/_sandbox/inbox", inbox, methods=["GET"]),
]
