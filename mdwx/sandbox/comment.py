"""``cgi-bin/comment/*``: the comments of a sent or published message.

Every call names the message by ``msg_data_id`` and the article by ``index`` **from 0**;
``list`` takes ``begin`` (≥ 0), ``count`` (1–49: 50 and more are refused) and ``type`` (0 all,
1 normal, 2 elected). A message the account did not send answers 40007; an article whose
comments are closed answers **88000** to everything but ``open``, as WeChat does for an
article without the comment privilege. A comment the article does not have answers 40097.
Readers' comments are injected with ``POST /_sandbox/add_comment`` ``{msg_data_id, index,
content, openid?}`` (no token).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .draft import int_field
from .responses import read_json, token_error, wx_error, wx_ok

LIST_MAX = 49
REPLY_MAX_CHARS = 600
_CLOSED = "without comment privilege: comments are not open for this article"


async def _message_call(
    request: Request, *, need_open: bool = True
) -> tuple[dict[str, object], int, int] | Response:
    """Token, body, and the (msg_data_id, index) it names: 40007 unknown, 88000 closed."""
    code = token_error(request)
    if code:
        return wx_error(code)
    body = await read_json(request)
    if isinstance(body, Response):
        return body
    msg_data_id, index = int_field(body, "msg_data_id"), int_field(body, "index", 0)
    written = body.get("msg_data_id")
    if msg_data_id is None and isinstance(written, str) and written.isdigit():
        msg_data_id = int(written)
    store = request.app.state.store
    items = store.message_items(msg_data_id) if msg_data_id is not None else None
    if msg_data_id is None or items is None:
        return wx_error(40007, "invalid msg_data_id: no such message")
    if index is None or not 0 <= index < len(items):
        return wx_error(40097, f"invalid args: index must be 0..{len(items) - 1} (from 0)")
    if need_open and not store.comments_open(msg_data_id, index):
        return wx_error(88000, _CLOSED)
    return body, msg_data_id, index


async def _switch(request: Request, is_open: bool) -> Response:
    call = await _message_call(request, need_open=False)
    if isinstance(call, Response):
        return call
    _, msg_data_id, index = call
    request.app.state.store.set_comments_open(msg_data_id, index, is_open)
    return wx_ok("ok")


async def open_comments(request: Request) -> Response:
    return await _switch(request, True)


async def close_comments(request: Request) -> Response:
    return await _switch(request, False)


async def list_comments(request: Request) -> Response:
    call = await _message_call(request)
    if isinstance(call, Response):
        return call
    body, msg_data_id, index = call
    begin, count, kind = (
        int_field(body, "begin"),
        int_field(body, "count"),
        int_field(body, "type", 0),
    )
    if begin is None or begin < 0 or count is None or not 1 <= count <= LIST_MAX:
        return wx_error(40097, f"invalid args: begin ≥ 0 and count 1..{LIST_MAX}")
    if kind not in (0, 1, 2):
        return wx_error(40097, "invalid args: type must be 0 (all), 1 (normal) or 2 (elected)")
    every = request.app.state.store.comments(msg_data_id, index)
    chosen = [c for c in every if kind == 0 or (kind == 2) == c.elected]
    page = chosen[begin : begin + count]
    return JSONResponse(
        {
            "errcode": 0,
            "errmsg": "ok",
            "total": len(chosen),
            "comment": [
                {
                    "user_comment_id": c.user_comment_id,
                    "openid": c.openid,
                    "create_time": c.create_time,
                    "content": c.content,
                    "comment_type": 1 if c.elected else 0,
                    **(
                        {"reply": {"content": c.reply, "create_time": c.reply_time}}
                        if c.reply
                        else {}
                    ),
                }
                for c in page
            ],
        }
    )


async def _comment_change(
    request: Request,
    assignments: str,
    values: tuple[Any, ...] = (),
    body_check: Callable[[dict[str, object]], Response | None] | None = None,
) -> Response:
    call = await _message_call(request)
    if isinstance(call, Response):
        return call
    body, msg_data_id, index = call
    comment_id = int_field(body, "user_comment_id")
    if body_check is not None:
        problem = body_check(body)
        if problem is not None:
            return problem
        values = (str(body["content"]), int(request.app.state.control.now()))
    store = request.app.state.store
    if comment_id is None or not store.change_comment(
        msg_data_id, index, comment_id, assignments, values
    ):
        return wx_error(40097, "invalid args: no such user_comment_id")
    return wx_ok("ok")


def _reply_problem(body: dict[str, object]) -> Response | None:
    content = body.get("content")
    if not isinstance(content, str) or not content.strip():
        return wx_error(44003, "empty content: a reply needs text")
    if len(content) > REPLY_MAX_CHARS:
        return wx_error(
            45004, f"content size out of limit: a reply holds at most {REPLY_MAX_CHARS} characters"
        )
    return None


async def markelect(request: Request) -> Response:
    return await _comment_change(request, "elected = 1")


async def unmarkelect(request: Request) -> Response:
    return await _comment_change(request, "elected = 0")


async def delete(request: Request) -> Response:
    return await _comment_change(request, "deleted = 1")


async def reply_add(request: Request) -> Response:
    return await _comment_change(request, "reply = ?, reply_time = ?", body_check=_reply_problem)


async def reply_delete(request: Request) -> Response:
    return await _comment_change(request, "reply = NULL, reply_time = NULL")


async def add_reader_comment(request: Request) -> Response:
    """``/_sandbox/add_comment``: a reader comments (open comments only, as in WeChat)."""
    body = await read_json(request)
    if isinstance(body, Response):
        return body
    msg_data_id, index, content = (
        int_field(body, "msg_data_id"),
        int_field(body, "index", 0),
        body.get("content"),
    )
    store = request.app.state.store
    items = store.message_items(msg_data_id) if msg_data_id is not None else None
    if (
        items is None
        or index is None
        or not 0 <= index < len(items)
        or not isinstance(content, str)
    ):
        return JSONResponse(
            {"error": "needs a sent msg_data_id, an index of its articles and content"},
            status_code=400,
        )
    if not store.comments_open(msg_data_id, index):
        return JSONResponse({"error": "comments are not open for this article"}, status_code=409)
    openid = body.get("openid")
    openid = openid if isinstance(openid, str) and openid else "o" + secrets.token_urlsafe(20)
    number = store.add_comment(msg_data_id, index, openid, content)
    return JSONResponse({"user_comment_id": number})


COMMENT_ROUTES = [
    Route("/cgi-bin/comment/open", open_comments, methods=["POST"]),
    Route("/cgi-bin/comment/close", close_comments, methods=["POST"]),
    Route("/cgi-bin/comment/list", list_comments, methods=["POST"]),
    Route("/cgi-bin/comment/markelect", markelect, methods=["POST"]),
    Route("/cgi-bin/comment/unmarkelect", unmarkelect, methods=["POST"]),
    Route("/cgi-bin/comment/delete", delete, methods=["POST"]),
    Route("/cgi-bin/comment/reply/add", reply_add, methods=["POST"]),
    Route("/cgi-bin/comment/reply/delete", reply_delete, methods=["POST"]),
]
READER_ADMIN_ROUTES = [Route("/_sandbox/add_comment", add_reader_comment, methods=["POST"])]
