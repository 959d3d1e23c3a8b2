"""One WeChat request, sent with retries that never risk doing a creating call twice.

Why the split between idempotent and creating calls: retrying ``publish/uploadnews`` after a
read timeout may leave two drafts, and retrying ``publish/submit`` may publish twice. A
creating call is retried only when the failure proves WeChat did nothing (the connection
was never made, or WeChat answered ``-1``); every other failure after sending raises
:class:`OutcomeUnknown` so the caller can look before acting again.
"""

from __future__ import annotations

import asyncio
import json
import logging
import mimetypes
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from mdwx.wechat.errors import OutcomeUnknown, TransportError, WeChatError, error_for
from mdwx.wechat.relay import refusal_from

_SECRET_PARAMS = re.compile(r"((?:access_token|secret)=)[^&\s\"']*", re.IGNORECASE)
#: Failures raised before a single byte of the request left this machine.
NOTHING_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
)
_NOT_WECHAT = "check MDWX_API_BASE / api_base: the server there does not answer like WeChat"
_CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".bmp": "image/bmp",
    ".webp": "image/webp",
    ".mp4": "video/mp4",
    ".amr": "audio/amr",
    ".mp3": "audio/mpeg",
}


def redact_url(url: str | httpx.URL) -> str:
    """``url`` with the values of ``access_token=`` and ``secret=`` replaced by ``***``."""
    return _SECRET_PARAMS.sub(r"\1***", str(url))


class RedactingFilter(logging.Filter):
    """Rewrites log records of HTTP libraries so no ``access_token=`` or ``secret=`` value
    reaches a log: httpx logs every request URL at INFO, and WeChat puts the token in the
    query string. Installed once on import, on the loggers that print URLs."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_url(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


def _install_log_redaction() -> None:
    for name in _URL_LOGGERS:
        target = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in target.filters):
            target.addFilter(RedactingFilter())


_URL_LOGGERS = ("httpx", "httpcore", "uvicorn.access", "uvicorn.error")
_install_log_redaction()


def content_type_for(filename: str) -> str:
    """The MIME type WeChat expects for ``filename`` (it checks extension and type agree)."""
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return (
        _CONTENT_TYPES.get(suffix)
        or mimetypes.guess_type(filename)[0]
        or "application/octet-stream"
    )


def json_bytes(payload: Any) -> bytes:
    """Raw UTF-8 JSON: ``\\uXXXX`` escapes make WeChat miscount titles (the contract's FAQ)."""
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded exponential backoff with full jitter (AWS style): sleep U(0, min(cap, base·2ⁿ))."""

    attempts: int = 5
    base: float = 0.5
    cap: float = 8.0
    jitter: bool = True

    def delay(self, retry_number: int) -> float:
        ceiling = min(self.cap, self.base * (2**retry_number))
        return random.uniform(0, ceiling) if self.jitter else ceiling


class Redactor:
    """Scrubs known secrets (AppSecret, every token seen) from any text shown to a person."""

    def __init__(self, *secrets: str | None) -> None:
        self._secrets: set[str] = {s for s in secrets if s}

    def add(self, secret: str | None) -> None:
        if secret:
            self._secrets.add(secret)

    def __call__(self, text: str) -> str:
        text = redact_url(text)
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, "***")
        return text

    def __repr__(self) -> str:
        return f"Redactor({len(self._secrets)} secrets)"


@dataclass
class Call:
    """One endpoint invocation; ``label`` (e.g. ``publish/uploadnews``) is what errors show."""

    method: str
    path: str
    label: str
    params: dict[str, str] = field(default_factory=dict)
    json: Any = None
    content: bytes | None = None
    files: dict[str, tuple[str, bytes, str]] | None = None
    creates: bool = False
    timeout: float | None = None
    ret_style: bool = False  # video endpoints answer {"ret": n} instead of errcode
    #: An errcode meaning "already done" when an earlier attempt's outcome was unclear
    #: (delete answering 40007 because the dropped first attempt did delete).
    done_code: int | None = None
    #: Errcodes whose answer the caller reads itself (45065 carries the existing msg_id).
    answer_codes: frozenset[int] = frozenset()

    def build(self, client: httpx.AsyncClient, token: str | None) -> httpx.Request:
        params = dict(self.params)
        if token is not None:
            params = {"access_token": token, **params}
        headers: dict[str, str] = {}
        content = self.content
        if self.json is not None:
            content = json_bytes(self.json)
            headers["Content-Type"] = "application/json; charset=utf-8"
        elif content is not None:
            headers["Content-Type"] = "application/octet-stream"
        extensions = {"timeout": httpx.Timeout(self.timeout).as_dict()} if self.timeout else None
        return client.build_request(
            self.method,
            self.path,
            params=params,
            content=content,
            files=self.files,
            headers=headers,
            extensions=extensions,
        )


class _Retry(Exception):
    """A failed attempt that may be repeated; ``final`` is raised once attempts run out."""

    def __init__(self, final: WeChatError, *, unclear: bool = False) -> None:
        self.final = final
        self.unclear = unclear  # the failed attempt may have taken effect


class Sender:
    """Sends :class:`Call` objects: retries, logging, error mapping, counting."""

    def __init__(
        self,
        client: httpx.AsyncClient | Callable[[], httpx.AsyncClient],
        retry: RetryPolicy,
        redact: Redactor,
        log: Callable[[str], None] | None,
    ) -> None:
        """``client``: the HTTP client, or a function making it when the first call is sent."""
        self._client = client
        self.retry = retry
        self.redact = redact
        self.log = log
        self.requests_sent = 0

    @property
    def client(self) -> httpx.AsyncClient:
        if not isinstance(self._client, httpx.AsyncClient):
            self._client = self._client()
        return self._client

    async def send(self, call: Call, token: str | None) -> dict[str, object]:
        """The answer's JSON object, or a typed :class:`WeChatError`."""
        attempt = 0
        unclear = False
        while True:
            try:
                return await self._attempt(call, token, unclear)
            except _Retry as retry:
                unclear = unclear or retry.unclear
                attempt += 1
                if attempt >= self.retry.attempts:
                    raise retry.final from None
                await asyncio.sleep(self.retry.delay(attempt - 1))

    async def _attempt(self, call: Call, token: str | None, unclear: bool) -> dict[str, object]:
        request = call.build(self.client, token)
        started = time.monotonic()
        self.requests_sent += 1
        try:
            response = await self.client.send(request)
        except httpx.TransportError as exc:
            self._log(call, type(exc).__name__, started)
            raise self._transport_failure(call, exc) from None
        try:
            body = response.json() if response.content else None
        except ValueError:
            body = None
        code = _code_of(body, call.ret_style)
        shown = f" errcode={code}" if isinstance(body, dict) else ""
        self._log(call, f"{response.status_code}{shown}", started)
        refusal = refusal_from(response, body, call.label)  # an mdwx relay's own "no"
        if refusal is not None:
            raise refusal
        if response.status_code == 429 or response.status_code >= 500:
            reason = f"HTTP {response.status_code}"
            if call.creates and response.status_code != 429:
                raise OutcomeUnknown(call.label, reason)
            raise _Retry(TransportError(call.label, reason), unclear=response.status_code != 429)
        if code == -1:
            raise _Retry(self._error(call, body, -1))
        if code and code in call.answer_codes and isinstance(body, dict):
            return body
        if code and code == call.done_code and unclear and isinstance(body, dict):
            return body  # an earlier attempt whose answer was lost did the work
        if code:
            raise self._error(call, body, code)
        if response.status_code >= 400:
            raise TransportError(call.label, f"HTTP {response.status_code}", hint=_NOT_WECHAT)
        if not isinstance(body, dict):
            return self._unreadable(call, response)
        return body

    def _transport_failure(self, call: Call, exc: httpx.TransportError) -> Exception:
        reason = type(exc).__name__
        detail = self.redact(str(exc))
        if detail:
            reason = f"{reason}: {detail}"
        if call.creates and not isinstance(exc, NOTHING_SENT):
            return OutcomeUnknown(call.label, reason)
        return _Retry(TransportError(call.label, reason), unclear=not isinstance(exc, NOTHING_SENT))

    def _unreadable(self, call: Call, response: httpx.Response) -> dict[str, object]:
        reason = f"HTTP {response.status_code} with an answer that is not a JSON object"
        if call.creates:
            raise OutcomeUnknown(call.label, reason)
        raise _Retry(TransportError(call.label, reason, hint=_NOT_WECHAT), unclear=True)

    def _error(self, call: Call, body: Any, code: int) -> WeChatError:
        """The typed error for WeChat's failure ``code`` in ``body`` (a JSON object)."""
        body = body if isinstance(body, dict) else {}
        message = body.get("errmsg") or body.get("msg") or ""
        is_ret = call.ret_style and "errcode" not in body
        return error_for(code, self.redact(str(message)), call.label, ret=is_ret)

    def _log(self, call: Call, outcome: str, started: float) -> None:
        if self.log is None:
            return
        elapsed = time.monotonic() - started
        self.log(self.redact(f"{call.method} {call.label} → {outcome} ({elapsed:.2f} s)"))


def _code_of(body: Any, ret_style: bool) -> int:
    """WeChat's failure code: ``errcode`` wins, then (video endpoints) ``ret``; 0 = success."""
    if not isinstance(body, dict):
        return 0
    for key in ("errcode", "ret") if ret_style else ("errcode",):
        value = body.get(key)
        if value not in (None, 0, "0"):
            try:
                return int(value)
            except (TypeError, ValueError):
                return -2  # a code that is not a number: surface it rather than guess
    return 0
