"""Forwarding one client call to WeChat for one account, with the relay's token.

The relay holds the account's token through mdwx's own :class:`~mdwx.wechat.auth.TokenSource`
(the shared, locked disk cache; one fetch for all waiting calls; ``stable_token`` preferred),
so a relay and an ``mdwx`` run on the same machine share one token instead of fighting over
it. A call WeChat refuses for its token (40001/40014/42001: nothing was done) is repeated
with a renewed token (up to :data:`TOKEN_RENEWALS` times). Nothing else is retried here:
the client's own rules decide (a creating call is never repeated after an unclear failure),
so the relay maps failures to what the client can tell apart — a connection never made →
``errcode -1`` (nothing happened, retry), a failure after sending → HTTP 502 (outcome
unknown).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

import httpx

from mdwx.accounts import Account
from mdwx.wechat.auth import TokenSource
from mdwx.wechat.errors import TOKEN_REFRESH_CODES, TokenError, TransportError, WeChatError
from mdwx.wechat.http import NOTHING_SENT, Redactor, RetryPolicy, Sender
from mdwx.wechat.token import TokenCache

#: How many tokens per account the relay remembers to scrub from answers.
_REMEMBERED_TOKENS = 16
#: Renewals per call: a token refusal means WeChat did nothing, so repeating is always safe.
#: A busy relay's call can meet several expiries in a row: hundreds of calls refused at once
#: are all repeated, and on a loaded machine one call's turn can come after other calls have
#: already used up the renewed token. Each renewal is a new token, so the bound only stops a
#: WeChat that refuses every token.
TOKEN_RENEWALS = 8


@dataclass(frozen=True)
class Answer:
    """What goes back to the client: status, body (no token in it), content type, WeChat's code."""

    status: int
    body: bytes
    content_type: str
    errcode: int | None = None
    refreshed: bool = False


def error_answer(errcode: int, errmsg: str) -> Answer:
    body = json.dumps({"errcode": errcode, "errmsg": errmsg}, ensure_ascii=False).encode("utf-8")
    return Answer(200, body, "application/json; charset=utf-8", errcode)


class AccountUpstream:
    """One account's way to WeChat: its token source and the forwarding of calls."""

    def __init__(
        self,
        account: Account,
        secret: str | None,
        fixed_token: str | None,
        http: httpx.AsyncClient,
        cache: TokenCache,
        token_mode: str,
    ) -> None:
        self.account = account
        self._http = http
        self._redact = Redactor(secret, fixed_token)
        self._secrets = [s for s in (secret, fixed_token) if s]
        self._tokens_seen: list[str] = []
        self._lock: asyncio.Lock | None = None
        sender = Sender(http, RetryPolicy(attempts=3, base=0.2, cap=2.0), self._redact, None)
        self.tokens = TokenSource(
            sender,
            self._redact,
            appid=account.appid,
            secret=secret,
            api_base=str(http.base_url).rstrip("/"),
            mode=token_mode,
            cache=cache,
            fixed=fixed_token,
        )

    async def forward(
        self,
        method: str,
        path: str,
        query: list[tuple[str, str]],
        body: bytes,
        content_type: str | None,
    ) -> Answer:
        """Send the call upstream with the account's token; the answer scrubbed of tokens."""
        try:
            token = await self._token()
        except WeChatError as exc:
            return self._token_failure(exc)
        answer = await self._send(method, path, query, body, content_type, token)
        renewals = 0
        while answer.errcode in TOKEN_REFRESH_CODES and renewals < TOKEN_RENEWALS:
            renewals += 1
            try:
                token = await self._renewed(token, TokenError(answer.errcode, "", path))
            except WeChatError as exc:
                return self._token_failure(exc)
            answer = await self._send(method, path, query, body, content_type, token)
        if renewals:
            answer = Answer(
                answer.status, answer.body, answer.content_type, answer.errcode, refreshed=True
            )
        return answer

    async def _renewed(self, rejected: str, refusal: TokenError) -> str:
        """A token other than ``rejected``: the one another call already renewed (read
        without waiting for the lock, as many calls meet the same expiry at once), else a
        renewal under the cache's lock."""
        async with self._single_flight():
            token = await self.tokens.current()
            if token == rejected:
                token = await self.tokens.refresh(rejected, refusal)
        self._remember(token)
        return token

    async def _token(self) -> str:
        async with self._single_flight():
            token = await self.tokens.current()
        self._remember(token)
        return token

    def _single_flight(self) -> asyncio.Lock:
        """One call of this relay at a time asks the token source; the others wait here and
        then read what it stored. The source's own lock is shared with other processes and
        polled; hundreds of calls meeting one expiry would queue on it for seconds."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        return self._lock

    def _remember(self, token: str) -> None:
        if token not in self._tokens_seen:
            self._tokens_seen = [*self._tokens_seen[-(_REMEMBERED_TOKENS - 1) :], token]

    def _token_failure(self, exc: WeChatError) -> Answer:
        """The client learns why the relay has no token (40164 names the relay's IP)."""
        if isinstance(exc, TransportError):
            return Answer(502, b"relay: WeChat could not be reached for a token", "text/plain")
        return error_answer(
            exc.errcode if exc.errcode is not None else -2,
            f"relay could not get a token for {self.account.name}: {self._redact(exc.errmsg)}",
        )

    async def _send(
        self,
        method: str,
        path: str,
        query: list[tuple[str, str]],
        body: bytes,
        content_type: str | None,
        token: str,
    ) -> Answer:
        params = [(k, v) for k, v in query if k.lower() != "access_token"]
        headers = {"Content-Type": content_type} if content_type else {}
        request = self._http.build_request(
            method,
            path.lstrip("/"),
            params=[("access_token", token), *params],
            content=body or None,
            headers=headers,
        )
        try:
            response = await self._http.send(request)
        except httpx.TransportError as exc:
            if isinstance(exc, NOTHING_SENT):  # WeChat did nothing: the client may retry
                return error_answer(-1, f"relay: WeChat unreachable ({type(exc).__name__})")
            return Answer(
                502,
                f"relay: the answer from WeChat was lost ({type(exc).__name__})".encode(),
                "text/plain",
            )
        return self._scrubbed(response)

    def _scrubbed(self, response: httpx.Response) -> Answer:
        """The answer without any token or secret: ``access_token`` fields dropped, and every
        token this relay used (and the AppSecret) blanked wherever it appears."""
        body = response.content
        kind = response.headers.get("content-type", "application/json")
        errcode = None
        parsed = _json_object(body)
        if parsed is not None:
            errcode = _errcode(parsed)
            try:
                if _drop_tokens(parsed):
                    body = json.dumps(parsed, ensure_ascii=False).encode("utf-8")
            except RecursionError:  # nested past Python's stack: the byte scrub below still runs
                pass
        for secret in [*self._tokens_seen, *self._secrets]:
            body = body.replace(secret.encode("utf-8"), b"***")
        status = response.status_code if response.status_code < 500 else 502
        return Answer(status, body, kind, errcode)


def _json_object(body: bytes) -> dict[str, Any] | None:
    """The body as a JSON object when it is one (WeChat labels some JSON text/plain)."""
    if body.lstrip()[:1] != b"{":
        return None
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _errcode(body: dict[str, Any]) -> int | None:
    try:
        return int(body["errcode"]) if body.get("errcode") not in (None, 0, "0") else None
    except (TypeError, ValueError):
        return None


def _drop_tokens(value: Any) -> bool:
    """Remove every ``access_token`` key, at any depth; whether one was found."""
    found = False
    if isinstance(value, dict):
        if "access_token" in value:
            del value["access_token"]
            found = True
        for item in value.values():
            found = _drop_tokens(item) or found
    elif isinstance(value, list):
        for item in value:
            found = _drop_tokens(item) or found
    return found
