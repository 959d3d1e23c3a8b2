"""Settings of the local WeChat emulator.

The defaults follow the media API contract (``wechat-media-api.md``); where WeChat's public
docs disagree, a switch selects the stricter public figure (``body_image_strict``). Every
timing is a setting so tests can run the whole review cycle in milliseconds, and every fault
is drawn from a seeded RNG so a failing test replays exactly.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Fault kinds the sandbox knows. ``drop_after`` processes the request, then drops the
#: connection: the client cannot tell whether the call took effect.
FAULT_KINDS = ("errcode", "http500", "drop", "drop_after")

#: Settings that identify the account or its storage: fixed for the life of a server.
FROZEN_SETTINGS = ("appid", "secret", "state_path")


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
    # no character limit has been observed on the API (0: none).
    content_max_chars: int = 0
    content_max_bytes: int = 690_000
    title_max_chars: int = 64
    digest_max_chars: int = 120
    latency: float = 0.0
    failure_rate: float = 0.0
    failure_kinds: tuple[str, ...] = ("errcode", "http500", "drop")
    fault_tokens: bool = False
    seed: int = 0
    state_path: Path | None = None

    def __post_init__(self) -> None:
        check_settings(self)

    def replace(self, **changes: Any) -> SandboxSettings:
        """A copy with ``changes`` applied and validated (the running settings are shared
        between threads, so they are swapped whole, never mutated)."""
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise ValueError(f"unknown sandbox setting(s): {', '.join(sorted(unknown))}")
        if "failure_kinds" in changes:
            changes["failure_kinds"] = tuple(changes["failure_kinds"])
        return dataclasses.replace(self, **changes)

    def public(self) -> dict[str, Any]:
        """The settings as JSON-ready values, without the AppSecret."""
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        out.pop("secret")
        out["failure_kinds"] = list(self.failure_kinds)
        out["state_path"] = str(self.state_path) if self.state_path else None
        return out

    def __repr__(self) -> str:  # the AppSecret never appears in a repr
        shown = ", ".join(f"{k}={v!r}" for k, v in self.public().items())
        return f"SandboxSettings({shown}, secret=***)"


def check_settings(s: SandboxSettings) -> None:
    """Reject settings that would make the emulator lie (e.g. a failure rate of 3)."""
    if not 0.0 <= s.failure_rate <= 1.0:
        raise ValueError("failure_rate must be between 0 and 1")
    bad = [k for k in s.failure_kinds if k not in FAULT_KINDS]
    if bad or not s.failure_kinds:
        raise ValueError(f"failure_kinds must be a non-empty subset of {FAULT_KINDS}")
    if s.video_final_status not in (2, 3, 5, 9, 10):
        raise ValueError("video_final_status must be one of 2, 3, 5, 9, 10")
    for name in ("token_ttl", "token_grace", "daily_submit_limit", "content_max_chars"):
        if getattr(s, name) < 0:
            raise ValueError(f"{name} must not be negative")
    for name in ("latency", "review_seconds", "video_review_seconds"):
        if getattr(s, name) < 0:
            raise ValueError(f"{name} must not be negative")
