"""Watching responses for the request log, and dropping connections for faults."""

from __future__ import annotations

import json
from collections.abc import Callable

from starlette.types import Message, Send

_SNIFF_LIMIT = 64 * 1024  # API answers are small JSON; images and pages are not parsed


class ResponseProbe:
    """Wraps ASGI ``send`` to note the HTTP status and the ``errcode``/``ret`` of the body."""

    def __init__(self, send: Send, on_complete: Callable[[ResponseProbe], None]) -> None:
        self._send = send
        self._on_complete = on_complete
        self._completed = False
        self.status = 0
        self._parse = False
        self._body = bytearray()

    def complete(self) -> None:
        """Report the exchange once (to the request log)."""
        if not self._completed:
            self._completed = True
            self._on_complete(self)

    def _observe(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = int(message["status"])
            headers = dict(message.get("headers", []))
            ctype = headers.get(b"content-type", b"").decode("latin-1")
            self._parse = ctype.startswith(("application/json", "text/plain"))
        elif (
            message["type"] == "http.response.body"
            and self._parse
            and len(self._body) < _SNIFF_LIMIT
        ):
            self._body.extend(message.get("body", b""))

    async def send(self, message: Message) -> None:
        self._observe(message)
        if message["type"] == "http.response.body" and not message.get("more_body", False):
            # Log before the last byte leaves: a client that has its answer must find the
            # request in the log (tests assert on it right after the call returns).
            self.complete()
        await self._send(message)

    async def swallow(self, message: Message) -> None:
        """Observe but never deliver (the handler ran; the client will get nothing)."""
        self._observe(message)

    def errcode(self) -> int | None:
        """``errcode`` (or ``ret``) of a JSON body, None when there is none."""
        if not self._body:
            return None
        try:
            data = json.loads(bytes(self._body))
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        for key in ("errcode", "ret"):
            if isinstance(data.get(key), int):
                return int(data[key])
        return None


class DroppedConnection(Exception):
    """Raised when the server gives no way to close the connection (e.g. Starlette's
    TestClient): the client sees an exception instead of a response, as with a drop."""


async def drop_connection(send: Send) -> None:
    """Close the TCP connection without sending a byte of response.

    uvicorn passes its per-request cycle's bound ``send``; the cycle holds the transport.
    Marking the cycle disconnected stops uvicorn from writing a 500 after we return.
    """
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        raise DroppedConnection("sandbox fault: connection dropped")
    transport.close()
    cycle.disconnected = True  # type: ignore[union-attr]
