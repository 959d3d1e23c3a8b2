"""Settings of the local WeChat emulator.

The defaults follow the media API contract (``docs/wechat/media-api.md``); where WeChat's public
docs disagree, a switch selects the stricter public figure (``body_image_strict``). Every
timing is a setting so tests can run the whole review cycle in milliseconds, and every fault
is drawn from a seeded RNG so a failing test replays exactly.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import math
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Fault kinds the sandbox knows. ``drop_after`` processes the request, then drops the
#: connection: the client cannot tell whether the call took effect. ``timeout`` processes the
#: request, then holds the answer for ``hang_seconds`` and drops the connection, so a client
#: whose read timeout is shorter gives up first, equally unsure of the outcome.
FAULT_KINDS = ("errcode", "http500", "drop", "drop_after", "timeout")

#: Settings that identify the account or its storage: fixed for the life of a server.
FROZEN_SETTINGS = ("appid", "secret", "state_path")

#: The content ceiling WeChat was observed to enforce with 45002 (``draft/add`` bisected
#: between about 682 KB and 691 KB of UTF-8; the documented 20,000 characters is not
#: enforced): the default ``content_max_bytes`` of the media and the draft API alike.
OBSERVED_CONTENT_MAX_BYTES = 690_000

#: ``freepublish/get`` outcomes the sandbox can be told to produce (0 success, 2 originality
#: check failed, 3 general failure, 4 platform review rejected); 5 and 6 follow from a
#: deletion or :meth:`Store.ban_publication` after success.
PUBLISH_OUTCOMES = (0, 2, 3, 4)
#: ``freepublish/submit`` refusals on demand: 53503 pre-publish check failed, 53504 must be
#: published from the web console, 53505 must be saved manually in the console first.
SUBMIT_REFUSALS = (0, 53503, 53504, 53505)
#: 订阅号 (one mass send a day) and 服务号 (four a month per follower).
ACCOUNT_TYPES = ("subscription", "service")


def random_appid() -> str:
    """A fresh AppID (``wx`` and 16 hex digits) for a throwaway in-process sandbox account."""
    return "wx" + secrets.token_hex(8)


@dataclass(frozen=True)
class SandboxSettings:
    """How the sandbox behaves; change a running one with ``SandboxServer.configure``."""

    # Fixed defaults so a persisted sandbox keeps working across runs of `mdwx sandbox`.
    appid: str = "wx5a4d0b0c5a4d0b0c"
    secret: str = "5b0c3f6e9a1d4c7b8e2f0a6d3c9b1e47"
    token_ttl: int = 7200
    token_grace: int = 300
    body_image_max_bytes: int = 5 * 1024 * 1024
    body_image_strict: bool = False
    cover_max_bytes: int = 2 * 1024 * 1024
    thumb_max_bytes: int = 64 * 1024
    video_review_seconds: float = 2.0
    video_final_status: int = 3
    review_seconds: float = 1.0
    review_reject: bool = False
    wechat_pay: bool = False
    daily_submit_limit: int = 200
    # WeChat's observed ceiling: 45002 between about 682 and 691 KB of UTF-8 (docs/limits.md);
    # no character limit has been observed on the API (0: none). Both APIs use these.
    content_max_chars: int = 0
    content_max_bytes: int = OBSERVED_CONTENT_MAX_BYTES
    title_max_chars: int = 64
    digest_max_chars: int = 120
    # The draft-box API (docs/wechat/draft-api.md): its own limits, per the conflicts noted there.
    draft_api_authorised: bool = True  # False: every draft/freepublish call answers 48001
    draft_title_max_chars: int = 64
    draft_author_max_chars: int = 16
    draft_digest_max: int = 120
    draft_digest_unit: str = "chars"  # or "bytes" (UTF-8), as one tool reports
    newspic_content_max_chars: int = 1000
    newspic_max_images: int = 20
    publish_seconds: float = 1.0  # publish_status stays 1 (publishing) this long
    publish_outcome: int = 0  # the final publish_status of later submissions
    publish_fail_idx: tuple[int, ...] = ()  # fail_idx for outcomes 2 and 4; () = every article
    submit_refusal: int = 0  # freepublish/submit answers this code instead of publishing
    latency: float = 0.0
    #: Extra latency per API request, uniform in [0, latency_jitter] s (seeded).
    latency_jitter: float = 0.0
    #: How long a ``timeout`` fault holds the answer before dropping the connection.
    hang_seconds: float = 2.0
    #: Every N-th API request (token endpoints excepted) first expires every token issued
    #: so far, so it answers 42001 as when a token runs out mid-run; 0 = never.
    token_expire_every: int = 0
    #: The N-th API request (token endpoints excepted) answers 45009 (daily API quota
    #: reached) without doing anything — once, counted from start or the last ``seed``
    #: change; 0 = never.
    quota_hit_at: int = 0
    #: Endpoints (log names such as ``"draft/count"``, or prefixes ending in ``/`` such as
    #: ``"comment/"``) that answer 48001, after the token check: the account lacks them.
    denied_endpoints: tuple[str, ...] = ()
    #: "verified", or "unverified" (personal and unverified accounts since July 2025: the
    #: freepublish, mass-send, preview, comment and datacube calls answer 48001).
    account_kind: str = "verified"
    #: Addresses allowed to call (empty: no whitelist); any other ``caller_ip`` gets 40164.
    ip_whitelist: tuple[str, ...] = ()
    #: The address the sandbox pretends each request came from (quoted in 40164).
    caller_ip: str = "203.0.113.7"
    #: Permanent images the library already holds beyond those uploaded to the sandbox
    #: (listed by ``material/batchget_material`` as synthetic items), to test fill levels.
    material_preloaded: int = 0
    failure_rate: float = 0.0
    failure_kinds: tuple[str, ...] = ("errcode", "http500", "drop")
    fault_tokens: bool = False
    seed: int = 0
    state_path: Path | None = None
    # 群发 and preview (mdwx.sandbox.mass; docs/reach.md): who the account is and what it allows.
    account_type: str = "subscription"  # or "service": the mass-send quotas differ
    mass_api_authorised: bool = True  # False: every message/mass/* call answers 48001
    mass_draft_accepted: bool = True  # False: sendall/send/preview answer 40007 for a draft
    mass_protection: bool = False  # 群发保护: a send to all waits for an admin's confirmation
    mass_confirm_seconds: float = 60.0  # when the admin confirms (after the send was taken)
    mass_confirm_timeout: float = 1800.0  # an unconfirmed protected send fails after this
    mass_send_seconds: float = 1.0  # msg_status stays SENDING this long once it may go out
    followers: int = 3  # followers reader1..readerN (openids from mass.follower_openid)
    preview_daily_limit: int = 100

    def __post_init__(self) -> None:
        check_settings(self)

    def replace(self, **changes: Any) -> SandboxSettings:
        """A copy with ``changes`` applied and validated (the running settings are shared
        between threads, so they are swapped whole, never mutated)."""
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise ValueError(f"unknown sandbox setting(s): {', '.join(sorted(unknown))}")
        for name in ("failure_kinds", "publish_fail_idx", "denied_endpoints", "ip_whitelist"):
            if name in changes:
                if not isinstance(changes[name], (list, tuple)):
                    raise ValueError(f"{name} must be a list, not {changes[name]!r}"[:200])
                changes[name] = tuple(changes[name])
        return dataclasses.replace(self, **changes)

    def public(self) -> dict[str, object]:
        """The settings as JSON-ready values, without the AppSecret."""
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        out.pop("secret")
        out["failure_kinds"] = list(self.failure_kinds)
        out["publish_fail_idx"] = list(self.publish_fail_idx)
        out["denied_endpoints"] = list(self.denied_endpoints)
        out["ip_whitelist"] = list(self.ip_whitelist)
        out["state_path"] = str(self.state_path) if self.state_path else None
        return out

    def __repr__(self) -> str:  # the AppSecret never appears in a repr
        shown = ", ".join(f"{k}={v!r}" for k, v in self.public().items())
        return f"SandboxSettings({shown}, secret=***)"


#: Ranges of the numeric settings (inclusive); the rest are counts from 0 to :data:`_MAX_COUNT`.
#: Delays are bounded so a setting cannot hang every call (``latency = 1e9``).
_BOUNDS: dict[str, tuple[float, float]] = {
    "latency": (0, 60),
    "latency_jitter": (0, 60),
    "hang_seconds": (0, 600),
    "review_seconds": (0, 86_400),
    "video_review_seconds": (0, 86_400),
    "publish_seconds": (0, 86_400),
    "token_ttl": (0, 10**7),
    "token_grace": (0, 10**7),
    "failure_rate": (0, 1),
    "seed": (-(2**63), 2**63 - 1),
    "mass_confirm_seconds": (0, 86_400),
    "mass_confirm_timeout": (0, 86_400),
    "mass_send_seconds": (0, 86_400),
    "followers": (0, 10_000),
    # Synthetic library images: no more than WeChat's permanent-image cap (docs/limits.md).
    "material_preloaded": (0, 100_000),
}
_MAX_COUNT = 2**31
_WORDS = {
    "bool": "true or false",
    "int": "a whole number",
    "float": "a finite number",
    "str": "text",
}


def _check_kinds(s: SandboxSettings) -> None:
    """Every plain setting has its type (no bool for a number, no NaN) and lies in its range."""
    for f in dataclasses.fields(s):
        kind, value = f.type, getattr(s, f.name)
        if kind not in _WORDS:
            continue
        if kind == "bool":
            ok = isinstance(value, bool)
        elif kind == "str":
            ok = isinstance(value, str)
        else:
            number = (int,) if kind == "int" else (int, float)
            ok = isinstance(value, number) and not isinstance(value, bool) and math.isfinite(value)
        if not ok:
            raise ValueError(f"{f.name} must be {_WORDS[str(kind)]}, not {value!r}"[:200])
        if kind in ("int", "float"):
            low, high = _BOUNDS.get(f.name, (0, _MAX_COUNT))
            if not low <= value <= high:
                raise ValueError(f"{f.name} must be between {low} and {high}, not {value!r}")


def check_settings(s: SandboxSettings) -> None:
    """Reject settings that would make the emulator lie (e.g. a failure rate of 3) or hang.

    Raises ValueError naming the setting.
    """
    _check_kinds(s)
    if not 0.0 <= s.failure_rate <= 1.0:
        raise ValueError("failure_rate must be between 0 and 1")
    bad = [k for k in s.failure_kinds if not isinstance(k, str) or k not in FAULT_KINDS]
    if bad or not s.failure_kinds:
        raise ValueError(f"failure_kinds must be a non-empty subset of {FAULT_KINDS}")
    if s.video_final_status not in (2, 3, 5, 9, 10):
        raise ValueError("video_final_status must be one of 2, 3, 5, 9, 10")
    for name in (
        "token_ttl",
        "token_grace",
        "daily_submit_limit",
        "content_max_chars",
        "draft_title_max_chars",
        "draft_author_max_chars",
        "draft_digest_max",
        "newspic_content_max_chars",
        "newspic_max_images",
        "token_expire_every",
        "quota_hit_at",
    ):
        if getattr(s, name) < 0:
            raise ValueError(f"{name} must not be negative")
    for name in (
        "latency",
        "latency_jitter",
        "hang_seconds",
        "review_seconds",
        "video_review_seconds",
        "publish_seconds",
    ):
        if getattr(s, name) < 0:
            raise ValueError(f"{name} must not be negative")
    _check_draft_settings(s)
    check_capability_settings(s)


def _check_draft_settings(s: SandboxSettings) -> None:
    if s.account_type not in ACCOUNT_TYPES:
        raise ValueError(f"account_type must be one of {ACCOUNT_TYPES}")
    if s.draft_digest_unit not in ("chars", "bytes"):
        raise ValueError('draft_digest_unit must be "chars" or "bytes"')
    if s.publish_outcome not in PUBLISH_OUTCOMES:
        raise ValueError(f"publish_outcome must be one of {PUBLISH_OUTCOMES}")
    if s.submit_refusal not in SUBMIT_REFUSALS:
        raise ValueError(f"submit_refusal must be one of {SUBMIT_REFUSALS}")
    if any(isinstance(i, bool) or not isinstance(i, int) or i < 1 for i in s.publish_fail_idx):
        raise ValueError("publish_fail_idx holds article numbers counted from 1")


ACCOUNT_KINDS = (
    "verified",
    "unverified",
)  # an unverified account lacks the calls of docs/account.md


def check_capability_settings(s: SandboxSettings) -> None:
    """Raise ValueError for an unknown account kind, a bad endpoint name or address."""
    if s.account_kind not in ACCOUNT_KINDS:
        raise ValueError(f"account_kind must be one of {ACCOUNT_KINDS}")
    for name in s.denied_endpoints:
        if not isinstance(name, str) or not name.strip("/") or len(name) > 100:
            raise ValueError(
                "denied_endpoints holds endpoint names such as 'draft/count' or 'comment/'"
            )
    for address in (*s.ip_whitelist, s.caller_ip):
        try:
            ipaddress.ip_address(address)
        except (TypeError, ValueError):
            raise ValueError(f"{address!r} is not an IP address"[:200]) from None
