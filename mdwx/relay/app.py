"""The relay's ASGI app: check the key, its account and permission, limit its rate, forward.

Every request is decided before anything reaches WeChat, in this order: a known, unexpired
key (401 otherwise); its account configured here and matching the AppID the client names
(403); a query naming no parameter twice (400); an endpoint the relay forwards at all —
never the token endpoints — and one the key's permissions cover (403); the key's rate
(429); a body within the size cap (413). Refusals carry
:data:`~mdwx.wechat.relay.REFUSAL_HEADER` so mdwx's client reports them as the relay's, not
WeChat's. Every request is logged as one JSON object without the key, the
token or the query string (docs/relay.md).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from mdwx.errors import MdwxError
from mdwx.relay.keys import RelayKey, scrub_keys
from mdwx.relay.logfile import forwarded_for
from mdwx.relay.operations import FORWARDED_PREFIXES, TOKEN_ENDPOINTS, endpoint_key, needed
from mdwx.relay.ratelimit import RateLimiter
from mdwx.relay.settings import RelaySettings
from mdwx.relay.upstream import AccountUpstream, Answer
from mdwx.wechat.relay import APPID_HEADER, REFUSAL_HEADER, WHOAMI_PATH

LogSink = Callable[[dict[str, object]], None]


class Refusal(Exception):
    """A request the relay answers itself; ``reason`` is the word the client sees."""

    def __init__(
        self, status: int, reason: str, message: str, retry_after: float | None = None
    ) -> None:
        message = scrub_keys(message)  # a key pasted into a path is never echoed back
        super().__init__(message)
        self.status, self.reason, self.message, self.retry_after = (
            status,
            reason,
            message,
            retry_after,
        )

    def response(self) -> Response:
        body = {"relay_error": self.reason, "errmsg": self.message}
        if self.status == 429:  # no refusal header: the client retries it as WeChat's own 429
            seconds = max(1, int(self.retry_after or 1) + 1)
            return JSONResponse(body, status_code=429, headers={"Retry-After": str(seconds)})
        return JSONResponse(body, status_code=self.status, headers={REFUSAL_HEADER: self.reason})


class KeyLookup(Protocol):
    """What the app needs of the key store (a :class:`~mdwx.relay.keys.KeyStore`)."""

    def find(self, key: str) -> RelayKey | None: ...


@dataclass
class RelayCore:
    """Everything a request is decided and forwarded with."""

    settings: RelaySettings
    keys: KeyLookup
    upstreams: Mapping[str, AccountUpstream]
    log: LogSink
    clock: Callable[[], float] = time.time
    limiter: RateLimiter | None = None

    def __post_init__(self) -> None:
        if self.limiter is None:
            self.limiter = RateLimiter()

    def authenticate(self, request: Request) -> tuple[RelayKey, AccountUpstream]:
        """The key's record and its account's upstream; raises :class:`Refusal`."""
        header = request.headers.get("authorization", "")
        scheme, _, key = header.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise Refusal(401, "unknown_key", "no relay key was sent (Authorization: Bearer KEY)")
        record = self.keys.find(key.strip())
        if record is None:
            raise Refusal(401, "unknown_key", "unknown relay key")
        if record.expired(self.clock()):
            raise Refusal(401, "expired_key", f"relay key {record.name!r} has expired")
        upstream = self.upstreams.get(record.account)
        if upstream is None:
            raise Refusal(
                403,
                "no_account",
                f"account {record.account!r} of key {record.name!r} "
                "is not configured on this relay",
            )
        appid = request.headers.get(APPID_HEADER)
        if appid and appid != upstream.account.appid:
            raise Refusal(
                403,
                "wrong_account",
                f"key {record.name!r} is for account {record.account!r}, "
                f"not for AppID {appid[:40]!r}",
            )
        return record, upstream

    @staticmethod
    def endpoint_of(request: Request) -> str | None:
        """The request's endpoint as :data:`~mdwx.relay.operations.ENDPOINTS` keys it."""
        return endpoint_key(request.url.path, request.query_params.get("action"))

    @staticmethod
    def single_parameters(request: Request) -> None:
        """Refuse a query naming a parameter twice (raises :class:`Refusal`): the permission
        check reads one ``action`` and WeChat might act on the other
        (``?action=init_upload&action=query_status``); no forwarded call repeats one."""
        seen: set[str] = set()
        for name, _ in request.query_params.multi_items():
            if name in seen:
                raise Refusal(
                    400,
                    "repeated_parameter",
                    f"the query parameter {name[:40]!r} is given more than once",
                )
            seen.add(name)

    def authorise(self, record: RelayKey, request: Request) -> str:
        """The endpoint's table key, when ``record`` may call it; raises :class:`Refusal`."""
        path = request.url.path
        key = self.endpoint_of(request)
        if key is not None and key in TOKEN_ENDPOINTS:
            raise Refusal(
                403,
                "token_endpoint",
                "token endpoints are never forwarded: the relay holds the token",
            )
        allowed_by = needed(key) if key is not None else None
        if key is None or allowed_by is None:
            shown = path[:80] if key is None or not key.startswith(FORWARDED_PREFIXES) else key
            raise Refusal(403, "not_forwarded", f"{shown} is not an endpoint this relay forwards")
        if not allowed_by & set(record.allow):
            raise Refusal(
                403,
                "forbidden",
                f"key {record.name!r} may not call {key}: it needs "
                f"{' or '.join(sorted(allowed_by))}; the key allows "
                f"{', '.join(record.allow)}",
            )
        return key

    def limit(self, record: RelayKey) -> None:
        rate = record.rate_per_minute or self.settings.rate_per_minute
        assert self.limiter is not None
        wait = self.limiter.take(record.name, rate, self.settings.burst)
        if wait:
            raise Refusal(
                429,
                "rate_limited",
                f"key {record.name!r} is over {rate:g} calls a minute",
                retry_after=wait,
            )

    async def body(self, request: Request) -> bytes:
        cap = self.settings.max_body_bytes
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise Refusal(
                413, "too_large", f"the request body is over {self.settings.max_body_mb:g} MB"
            )
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > cap:
                raise Refusal(
                    413, "too_large", f"the request body is over {self.settings.max_body_mb:g} MB"
                )
            chunks.append(chunk)
        return b"".join(chunks)


async def forward(request: Request) -> Response:
    core: RelayCore = request.app.state.core
    started = time.monotonic()
    entry: dict[str, object] = {
        "method": request.method,
        "endpoint": core.endpoint_of(request) or request.url.path[:120],
        **_client_fields(request),
    }
    try:
        answer = await _decided(core, request, entry)
    except Refusal as refusal:
        entry.update(outcome=refusal.reason, status=refusal.status)
        _log(core, entry, started)
        return refusal.response()
    entry.update(outcome="forwarded", status=answer.status, errcode=answer.errcode)
    if answer.refreshed:
        entry["token_renewed"] = True
    _log(core, entry, started)
    return Response(answer.body, status_code=answer.status, media_type=answer.content_type)


async def _decided(core: RelayCore, request: Request, entry: dict[str, object]) -> Answer:
    """WeChat's answer to the request, once every check passed; raises :class:`Refusal`."""
    try:
        record, upstream = core.authenticate(request)
        entry.update(key=record.name, account=record.account)
        core.single_parameters(request)
        core.authorise(record, request)
        core.limit(record)
        body = await core.body(request)
    except MdwxError as exc:  # the relay's own files (a damaged keys file): refuse and say why
        raise Refusal(503, "relay_error", f"the relay cannot serve: {exc.message}") from None
    return await upstream.forward(
        request.method,
        request.url.path,
        list(request.query_params.multi_items()),
        body,
        request.headers.get("content-type"),
    )


async def whoami(request: Request) -> Response:
    """The key's name, account, AppID and permissions: what a client checks before sending."""
    core: RelayCore = request.app.state.core
    try:
        try:
            record, upstream = core.authenticate(request)
        except MdwxError as exc:
            raise Refusal(503, "relay_error", f"the relay cannot serve: {exc.message}") from None
    except Refusal as refusal:
        _log(
            core,
            {
                "method": "GET",
                "endpoint": WHOAMI_PATH,
                "outcome": refusal.reason,
                "status": refusal.status,
            },
            time.monotonic(),
        )
        return refusal.response()
    return JSONResponse(
        {
            "key": record.name,
            "account": record.account,
            "appid": upstream.account.appid,
            "allow": list(record.allow),
            "expires": record.expires,
        }
    )


async def health(request: Request) -> Response:
    return JSONResponse({"ok": True, "service": "mdwx relay"})


def _client_fields(request: Request) -> dict[str, object]:
    """Who called, for the log: ``client``, the socket peer's address, and ``forwarded_for``,
    the addresses a reverse proxy put in X-Forwarded-For, only when the header is a list of
    IP addresses (any caller can write it; other text is logged as ``"invalid"``). Not a
    secret, and what tells a stolen key's use from its owner's."""
    fields: dict[str, object] = {"client": request.client.host if request.client else None}
    header = request.headers.get("x-forwarded-for")
    if header is not None:
        fields["forwarded_for"] = forwarded_for(header) or "invalid"
    return fields


def _log(core: RelayCore, entry: dict[str, object], started: float) -> None:
    for name, value in entry.items():  # a key pasted into a path or a field is never logged
        if isinstance(value, str):
            entry[name] = scrub_keys(value)
    entry["ms"] = round((time.monotonic() - started) * 1000, 1)
    entry["time"] = round(core.clock(), 3)
    core.log(entry)


def create_relay_app(core: RelayCore, on_close: Callable[[], Any] | None = None) -> Starlette:
    """The relay app; ``on_close`` (a coroutine function) runs when the server stops."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        if on_close is not None:
            await on_close()

    app = Starlette(
        routes=[
            Route(f"/{WHOAMI_PATH}", whoami, methods=["GET"]),
            Route("/_relay/health", health, methods=["GET"]),
            Route("/{path:path}", forward, methods=["GET", "POST"]),
        ],
        lifespan=lifespan,
    )
    app.state.core = core
    return app
