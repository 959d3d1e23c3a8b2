"""Getting, sharing and renewing the access token.

The rules come from how WeChat treats tokens: ``cgi-bin/token`` invalidates the previous
token on every fetch, ``cgi-bin/stable_token`` hands back the same token while it is valid
and allows ``force_refresh`` only 20 times a day. So: read the shared cache first, fetch
under the cache's lock (one fetch for every waiting process), and force a refresh only
when a plain fetch returns the very token WeChat has just refused.

A fetch that WeChat did not answer (no connection, a timeout: the sender's retries spent) is
a fact of the run, not of one call: every later call of the same client, and every call that
was waiting for that fetch, raises the same failure without asking again, so a run over many
posts against a silent host costs one timeout, not one per post.
"""

from __future__ import annotations

import contextlib

from mdwx.wechat.errors import OutcomeUnknown, TokenError, TransportError, WeChatError
from mdwx.wechat.http import Call, Redactor, Sender
from mdwx.wechat.token import CachedToken, TokenCache

TOKEN_MODES = ("stable", "token")
DEFAULT_EXPIRES_IN = 7200.0


class TokenSource:
    """The token for one (AppID, API base), from a fixed value or fetched and cached."""

    def __init__(
        self,
        sender: Sender,
        redact: Redactor,
        *,
        appid: str | None,
        secret: str | None,
        api_base: str,
        mode: str,
        cache: TokenCache,
        fixed: str | None = None,
    ) -> None:
        if mode not in TOKEN_MODES:
            raise ValueError(f"token_mode must be one of {TOKEN_MODES}, not {mode!r}")
        self._sender = sender
        self._redact = redact
        self._appid = appid or ""
        self._secret = secret or ""
        self._api_base = api_base
        self._mode = mode
        self._cache = cache
        self.fixed = fixed
        self.fetches = 0
        self._unanswered: WeChatError | None = None  # a fetch WeChat did not answer

    async def current(self) -> str:
        """A token believed valid: the fixed one, the cached one, or a fresh fetch."""
        if self.fixed is not None:
            return self.fixed
        cached = self._cache_get()
        if cached is not None:
            return cached
        self._raise_unanswered()
        async with self._lock():
            cached = self._cache_get()
            if cached is not None:
                return cached  # another process or task fetched while we waited
            self._raise_unanswered()  # the fetch we waited for was not answered
            token = await self._fetch(force=False)
            self._store(token)
            return token.access_token

    async def refresh(self, rejected: str, refusal: TokenError) -> str:
        """A token other than ``rejected``, which WeChat just refused (``refusal``)."""
        if self.fixed is not None:
            raise TokenError(
                refusal.errcode,
                refusal.errmsg,
                refusal.endpoint,
                "WECHAT_ACCESS_TOKEN is used as is and never renewed: give a fresh token, or "
                "unset it and set WECHAT_APPID / WECHAT_APPSECRET",
                meaning="the given WECHAT_ACCESS_TOKEN was rejected",
            )
        self._raise_unanswered()
        async with self._lock():
            cached = self._cache_get()
            if cached is not None and cached != rejected:
                return cached  # someone renewed it already
            self._raise_unanswered()
            self._cache.invalidate(self._appid, self._api_base, rejected=rejected)
            token = await self._fetch(force=False)
            if token.access_token == rejected and self._mode == "stable":
                token = await self._fetch(force=True)
            self._store(token)
            return token.access_token

    def _raise_unanswered(self) -> None:
        if self._unanswered is not None:
            raise self._unanswered

    def _lock(self) -> contextlib.AbstractAsyncContextManager[None]:
        return self._cache.lock(self._appid, self._api_base)

    def _cache_get(self) -> str | None:
        entry = self._cache.get(self._appid, self._api_base)
        if entry is None or not entry.usable():
            return None
        self._redact.add(entry.access_token)
        return entry.access_token

    def _store(self, token: CachedToken) -> None:
        self._cache.put(self._appid, self._api_base, token)

    async def _fetch(self, *, force: bool) -> CachedToken:
        self.fetches += 1
        if self._mode == "stable":
            call = Call(
                "POST",
                "cgi-bin/stable_token",
                "stable_token",
                json={
                    "grant_type": "client_credential",
                    "appid": self._appid,
                    "secret": self._secret,
                    "force_refresh": force,
                },
            )
        else:
            params = {
                "grant_type": "client_credential",
                "appid": self._appid,
                "secret": self._secret,
            }
            call = Call("GET", "cgi-bin/token", "token", params=params)
        try:
            body = await self._sender.send(call, None)
        except (TransportError, OutcomeUnknown) as exc:
            self._unanswered = exc
            raise
        value = body.get("access_token")
        if not isinstance(value, str) or not value:
            raise WeChatError(
                None,
                "answer without access_token",
                call.label,
                "check MDWX_API_BASE / api_base",
                meaning="no token in the answer",
            )
        self._redact.add(value)
        try:
            written = body.get("expires_in")
            expires_in = (
                float(written)
                if isinstance(written, int | float | str) and written
                else DEFAULT_EXPIRES_IN
            )
        except (TypeError, ValueError):
            expires_in = DEFAULT_EXPIRES_IN
        return CachedToken.fresh(value, expires_in)
