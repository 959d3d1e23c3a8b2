"""The client's side of an mdwx relay (``mdwx relay``): how calls carry the relay key.

With ``MDWX_RELAY_KEY`` (and ``MDWX_API_BASE`` set to the relay's URL) the client fetches
no token and sends no AppSecret: each call carries the key in ``Authorization: Bearer``
and the AppID it means in ``X-Mdwx-Appid``; the relay checks both, adds the account's real
token and strips any token from the answer. The relay's own refusals (unknown or expired
key, a call the key may not make) carry :data:`REFUSAL_HEADER` and become
:class:`RelayRefused`; everything else is WeChat's answer, handled as without a relay.
See docs/relay.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from mdwx.errors import ConfigError
from mdwx.wechat.errors import WeChatError

if TYPE_CHECKING:
    import httpx


ENV_KEY = "MDWX_RELAY_KEY"
APPID_HEADER = "X-Mdwx-Appid"
REFUSAL_HEADER = "X-Mdwx-Relay-Refusal"
WHOAMI_PATH = "_relay/whoami"


class RelayRefused(WeChatError):
    """The relay refused the call itself (the key, its permissions, the endpoint); nothing
    reached WeChat. ``reason`` is the relay's word for it (``unknown_key``, ``forbidden``…)."""

    code = "relay"

    def __init__(self, reason: str, errmsg: str, endpoint: str, status: int) -> None:
        self.reason = reason
        self.status = status
        hints = {
            "unknown_key": f"check {ENV_KEY}: the relay does not know this key "
            "(revoked or mistyped)",
            "expired_key": "ask the relay's operator for a new key (mdwx relay key add)",
            "forbidden": "this key may not make this call: ask for a key with that permission",
            "wrong_account": "the key is for another account: use that account's key",
        }
        super().__init__(
            None,
            errmsg,
            endpoint,
            hints.get(reason, "see the relay's log"),
            message=f"the relay refused {endpoint}: {errmsg}",
        )


def relay_headers(key: str, appid: str | None) -> dict[str, str]:
    """The headers every call to the relay carries."""
    headers = {"Authorization": f"Bearer {key}"}
    if appid:
        headers[APPID_HEADER] = appid
    return headers


def refusal_from(response: httpx.Response, body: Any, endpoint: str) -> RelayRefused | None:
    """The :class:`RelayRefused` a relay's refusal answer means, or None for any other answer."""
    reason = response.headers.get(REFUSAL_HEADER)
    if not reason:
        return None
    message = body.get("errmsg") if isinstance(body, dict) else None
    return RelayRefused(
        reason[:40],
        str(message or f"HTTP {response.status_code}")[:300],
        endpoint,
        response.status_code,
    )


async def check_relay(http: httpx.AsyncClient, appid: str) -> dict[str, object]:
    """Ask the relay who this key is before anything is sent; the relay's answer.

    Raises :class:`ConfigError` when the relay refuses the key, answers for another AppID
    than ``appid`` (when given), or does not answer like an mdwx relay.
    """
    try:
        response = await http.get(WHOAMI_PATH)
    except httpx.TransportError as exc:
        raise ConfigError(
            f"cannot reach the relay at MDWX_API_BASE: {type(exc).__name__}",
            hint="check MDWX_API_BASE and that `mdwx relay` runs there",
        ) from None
    try:
        body = response.json()
    except ValueError:
        body = None
    refusal = refusal_from(response, body, "relay")
    if refusal is not None:
        raise ConfigError(f"the relay refused {ENV_KEY}: {refusal.errmsg}", hint=refusal.hint)
    if (
        response.status_code != 200
        or not isinstance(body, dict)
        or not isinstance(body.get("appid"), str)
    ):
        raise ConfigError(
            f"MDWX_API_BASE does not answer like an mdwx relay (HTTP {response.status_code})",
            hint=f"unset {ENV_KEY} to talk to WeChat directly, or fix MDWX_API_BASE",
        )
    if appid and body["appid"] != appid:
        raise ConfigError(
            f"{ENV_KEY} is a key for account {body.get('account')!r} ({body['appid']}), "
            f"not for {appid}",
            hint="use the key made for this account",
        )
    return body
