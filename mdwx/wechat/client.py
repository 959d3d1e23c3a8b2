"""The async WeChat media/publish API client: one method per endpoint of the contract
(the draft API's in :mod:`mdwx.wechat.draft`).

Every method returns plain values or raises a typed :mod:`mdwx.wechat.errors` exception;
tokens are fetched, shared and renewed behind the caller's back (see :mod:`.auth`), and a
call refused for its token is renewed and repeated exactly once.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Callable, Sequence
from typing import Any

import httpx

from mdwx.config import DEFAULT_API_BASE
from mdwx.errors import ConfigError
from mdwx.tls import ssl_context
from mdwx.wechat.auth import TokenSource
from mdwx.wechat.draft import DraftEndpoints
from mdwx.wechat.errors import TOKEN_REFRESH_CODES, OutcomeUnknown, TokenError, WeChatError
from mdwx.wechat.http import Call, Redactor, RetryPolicy, Sender, content_type_for
from mdwx.wechat.mass import MassEndpoints
from mdwx.wechat.models import Material, PublishStatus, VideoStatus
from mdwx.wechat.reach import ReachEndpoints
from mdwx.wechat.relay import check_relay, relay_headers
from mdwx.wechat.token import TokenCache, default_cache

MATERIAL_KINDS = ("image", "thumb")
_VIDEO = "cgi-bin/material/upload_video"


class WeChatClient(DraftEndpoints, ReachEndpoints, MassEndpoints):
    """Async client; use ``async with WeChatClient(...) as wx:`` so connections are closed.

    The draft-box and free-publish endpoints (``draft_*``, ``freepublish_*``) come from
    :class:`~mdwx.wechat.draft.DraftEndpoints`."""

    def __init__(
        self,
        appid: str | None = None,
        secret: str | None = None,
        *,
        api_base: str = DEFAULT_API_BASE,
        access_token: str | None = None,
        token_mode: str = "stable",
        token_cache: TokenCache | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 30.0,
        upload_timeout: float = 120.0,
        retry: RetryPolicy | None = None,
        log: Callable[[str], None] | None = None,
        relay_key: str | None = None,
    ) -> None:
        if relay_key is not None:  # an mdwx relay holds the secret and the token: send neither
            secret = access_token = None
            if api_base.rstrip("/") == DEFAULT_API_BASE:
                raise ConfigError(
                    "MDWX_RELAY_KEY is set but MDWX_API_BASE is WeChat's own host",
                    hint="set MDWX_API_BASE to the relay's URL (docs/relay.md)",
                )
            if httpx.URL(api_base).scheme != "https" and not _is_loopback(api_base):
                raise ConfigError(
                    "MDWX_RELAY_KEY is sent only over https (or to this machine)",
                    hint="put the relay behind a TLS reverse proxy "
                    "(docs/relay.md); MDWX_API_BASE=https://…",
                )
        if access_token is None and not (appid and secret) and relay_key is None:
            raise ConfigError(
                "WeChat credentials are missing",
                hint="set WECHAT_APPID and WECHAT_APPSECRET or WECHAT_ACCESS_TOKEN, or pass --sandbox",
            )
        self.appid = appid or ""  # "" with a given token: the account is unknown then
        self.api_base = api_base.rstrip("/")
        self.upload_timeout = upload_timeout
        self._redact = Redactor(secret, access_token, relay_key)
        self.relay = relay_key is not None
        # The HTTP client is made on the first request: building it (its TLS context, the
        # CA bundle) is start-up a dry run or a status with nothing to ask never needs.
        self._http_options: dict[str, Any] = {
            "base_url": self.api_base + "/",
            "transport": transport,
            "timeout": timeout,
            "trust_env": not _is_loopback(self.api_base),  # a proxy must not swallow the sandbox
            "headers": relay_headers(relay_key, appid) if relay_key is not None else None,
        }
        self._http_client: httpx.AsyncClient | None = None
        self._sender = Sender(lambda: self._http, retry or RetryPolicy(), self._redact, log)
        self._tokens = TokenSource(
            self._sender,
            self._redact,
            appid=appid,
            secret=secret,
            api_base=self.api_base,
            mode=token_mode,
            cache=token_cache if token_cache is not None else default_cache(),
            fixed=access_token,
        )

    @property
    def requests_sent(self) -> int:
        """HTTP requests attempted so far, token fetches and retries included."""
        return self._sender.requests_sent

    @property
    def token_fetches(self) -> int:
        """Tokens fetched from WeChat (not from the cache) by this client."""
        return self._tokens.fetches

    def __repr__(self) -> str:
        return f"WeChatClient(appid={self.appid!r}, api_base={self.api_base!r})"

    async def __aenter__(self) -> WeChatClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    @property
    def _http(self) -> httpx.AsyncClient:
        """The HTTP client, made on first use."""
        if self._http_client is None:
            trust_env = bool(self._http_options["trust_env"])
            self._http_client = httpx.AsyncClient(
                verify=ssl_context(trust_env=trust_env), **self._http_options
            )
        return self._http_client

    async def aclose(self) -> None:
        if self._http_client is not None:
            await self._http_client.aclose()

    async def check_relay(self) -> None:
        """With a relay key: ask the relay whose key it is before anything is sent.

        Raises :class:`ConfigError` for a key the relay refuses or one for another account
        than the AppID given (:func:`mdwx.wechat.relay.check_relay`). Without a given AppID
        the state keys records as for a bare token (``default``), the same whether this
        client connected or not.
        """
        await check_relay(self._http, self.appid)

    # -- plumbing -------------------------------------------------------------------------

    async def _api(self, call: Call) -> dict[str, object]:
        """Send ``call`` with the current token; renew the token and repeat once if refused."""
        if self.relay:
            return await send_through_relay(self._sender, call)
        token = await self._tokens.current()
        try:
            return await self._sender.send(call, token)
        except TokenError as err:
            if err.errcode not in TOKEN_REFRESH_CODES:
                raise
            token = await self._tokens.refresh(token, err)
        return await self._sender.send(call, token)

    def _upload(self, path: str, label: str, data: bytes, filename: str, **params: str) -> Call:
        files = {"media": (filename, data, content_type_for(filename))}
        return Call("POST", path, label, params=params, files=files, timeout=self.upload_timeout)

    @staticmethod
    def _video(action: str, *, creates: bool = False, **kwargs: Any) -> Call:
        label = f"material/upload_video?action={action}"
        params = {"action": action, **kwargs.pop("params", {})}
        return Call("POST", _VIDEO, label, params=params, creates=creates, ret_style=True, **kwargs)

    # -- images -----------------------------------------------------------------------------

    async def add_material(self, data: bytes, filename: str, *, kind: str = "image") -> Material:
        """A permanent image (``thumb_media_id`` for covers); safe to retry: an orphan is harmless."""
        if kind not in MATERIAL_KINDS:
            raise ValueError(f"kind must be one of {MATERIAL_KINDS}, not {kind!r}")
        call = self._upload(
            "cgi-bin/material/add_material", "material/add_material", data, filename, type=kind
        )
        body = await self._api(call)
        media_id = body.get("media_id") or body.get("thumb_media_id")
        return Material(_required(media_id, "media_id", call), str(body.get("url") or ""))

    async def uploadimg(self, data: bytes, filename: str) -> str:
        """The mmbiz URL of a body image (does not count against the material quota)."""
        call = self._upload("cgi-bin/media/uploadimg", "media/uploadimg", data, filename)
        return _required((await self._api(call)).get("url"), "url", call)

    # -- video ----------------------------------------------------------------------------

    async def init_upload(self, filename: str, filesha: str, filesize: int) -> str:
        """Start a chunked upload; returns the ``vid``."""
        payload = {"filename": filename, "filesha": filesha, "filesize": filesize}
        call = self._video("init_upload", creates=True, json=payload)
        return _required((await self._api(call)).get("vid"), "vid", call)

    async def upload_block(self, vid: str, part_num: int, data: bytes) -> None:
        """Send block ``part_num`` (from 1, ≤ 1 MB); its sha1 is computed here."""
        params = {"vid": vid, "part_sha": hashlib.sha1(data).hexdigest(), "part_num": str(part_num)}
        call = self._video("upload_block", params=params, content=data, timeout=self.upload_timeout)
        await self._api(call)

    async def upload_finish(self, vid: str) -> None:
        await self._api(self._video("upload_finish", params={"vid": vid}))

    async def save_video(
        self,
        *,
        vid: str,
        title: str,
        description: str,
        cover_url: str,
        tags: Sequence[str] = (),
        category: str = "",
        subcategory: str = "",
        declare_original: bool = False,
    ) -> str:
        """Save the uploaded video as a material; returns its ``media_id``."""
        payload = {
            "title": title,
            "video_desc": description,
            "content": vid,
            "declare_ori": 1 if declare_original else 0,
            "newcat": category,
            "newsbcat": subcategory,
            "tags": list(tags),
            "cover_url": cover_url,
        }
        call = self._video("save_video", creates=True, json=payload)
        return _required((await self._api(call)).get("media_id"), "media_id", call)

    async def query_status(self, media_id: str) -> VideoStatus:
        body = await self._api(self._video("query_status", params={"media_id": media_id}))
        return VideoStatus(
            status=_int(body.get("status")),
            ori_status=_int(body.get("ori_status")),
            wording=str(body.get("mp_video_fail_detail_wording") or ""),
            vid=str(body.get("vid") or ""),
        )

    # -- publishing -------------------------------------------------------------------------

    def _publish(self, action: str, payload: dict[str, object], **options: Any) -> Call:
        return Call(
            "POST", f"cgi-bin/publish/{action}", f"publish/{action}", json=payload, **options
        )

    async def uploadnews(self, article: dict[str, object]) -> str:
        """Put one article into the publishing library (not yet submitted); its ``media_id``."""
        call = self._publish("uploadnews", {"articles": [article]}, creates=True)
        return _required((await self._api(call)).get("media_id"), "media_id", call)

    async def submit(self, media_id: str) -> None:
        """Submit for review and publishing; :class:`AlreadySubmitted` if it was already."""
        await self._api(
            self._publish("submit", {"media_id": media_id, "msgtype": "mpnews"}, creates=True)
        )

    async def update(self, media_id: str, article: dict[str, object], index: int = 1) -> None:
        """Replace a not-yet-submitted article; :class:`AlreadySubmitted` once submitted."""
        payload = {"media_id": media_id, "index": index, "articles": article}
        await self._api(self._publish("update", payload))

    async def delete(self, media_id: str, index: int = 0) -> None:
        """Delete article ``index`` (from 1), or all of them with 0."""
        payload = {"media_id": media_id, "index": index}
        await self._api(self._publish("delete", payload, done_code=40007))

    async def query(self, media_id: str) -> PublishStatus:
        body = await self._api(self._publish("query", {"media_id": media_id}))
        url = body.get("url")
        return PublishStatus(
            status=str(body.get("status") or ""),
            url=str(url) if url else None,
            errcode=_int(body.get("errcode")),
            errmsg=str(body.get("errmsg") or ""),
        )


def _required(value: Any, name: str, call: Call) -> str:
    """A field a successful answer must carry; its absence means a broken server or relay."""
    if isinstance(value, (str, int)) and str(value):
        return str(value)
    if call.creates:
        raise OutcomeUnknown(call.label, f"an answer without {name}")
    raise WeChatError(
        None,
        f"answer without {name}",
        call.label,
        "check MDWX_API_BASE / api_base",
        meaning=f"the answer had no {name}",
    )


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _is_loopback(url: str) -> bool:
    host = httpx.URL(url).host
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def send_through_relay(sender: Sender, call: Call) -> dict[str, object]:
    """Send ``call`` to the relay; the relay renews the account's token, so a token refusal
    is repeated once (the relay renews between) and then reported as the relay's."""
    try:
        return await sender.send(call, None)
    except TokenError as err:
        if err.errcode not in TOKEN_REFRESH_CODES:
            raise
    try:
        return await sender.send(call, None)
    except TokenError as err:
        raise TokenError(
            err.errcode,
            err.errmsg,
            err.endpoint,
            "the relay's token for this account was refused twice: see the relay's log "
            "(its AppSecret, or another system fetching cgi-bin/token)",
            meaning="the relay's token was refused",
        ) from None
