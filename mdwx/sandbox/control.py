"""Live control of a running sandbox: settings, seeded faults and the request log.

Handlers run in uvicorn's thread while tests read the log and reconfigure from theirs, so
everything here sits behind one lock, and settings are swapped as whole frozen objects.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass
from typing import Any

from .settings import FROZEN_SETTINGS, SandboxSettings


@dataclass(frozen=True)
class RequestRecord:
    """One request as the sandbox saw it. No query string, so never a token or secret.

    ``endpoint`` names the API call (``"media/uploadimg"``,
    ``"material/upload_video:init_upload"``, ``"mmbiz"``, ``"s"``, ``"_sandbox/log"``);
    ``status`` is the HTTP status, 0 when the connection was dropped without a response;
    ``errcode`` is the body's ``errcode`` (or ``ret`` on video endpoints), None when absent;
    ``fault`` is the injected fault kind, None for a normal request.
    """

    method: str
    path: str
    endpoint: str
    status: int
    errcode: int | None
    time: float
    fault: str | None = None


class Control:
    """Settings holder, fault dice and request log shared by the app and the test thread."""

    def __init__(self, settings: SandboxSettings) -> None:
        self._lock = threading.Lock()
        self._settings = settings
        self._rng = random.Random(settings.seed)
        # Jitter has its own dice so turning it on does not change which requests fail.
        self._jitter_rng = random.Random(settings.seed + 1)
        self._api_calls = 0
        self._log: list[RequestRecord] = []
        self._clock_offset = 0.0  # seconds a test moved the sandbox's clock forward

    @property
    def settings(self) -> SandboxSettings:
        return self._settings

    def configure(self, **changes: Any) -> SandboxSettings:
        """Apply ``changes`` live. Passing ``seed`` (even the same value) restarts the fault
        sequence, so a test can replay the exact same faults."""
        frozen = set(changes) & set(FROZEN_SETTINGS)
        if frozen:
            raise ValueError(f"cannot change {', '.join(sorted(frozen))} on a running sandbox")
        with self._lock:
            self._settings = self._settings.replace(**changes)
            if "seed" in changes:
                self._rng = random.Random(self._settings.seed)
                self._jitter_rng = random.Random(self._settings.seed + 1)
                self._api_calls = 0
            return self._settings

    def count_call(self) -> int:
        """Count one API request (token endpoints excepted); its 1-based number since start
        or the last ``seed`` change, which ``token_expire_every``/``quota_hit_at`` refer to."""
        with self._lock:
            self._api_calls += 1
            return self._api_calls

    def jitter(self) -> float:
        """Seconds of extra latency for one request: uniform in [0, ``latency_jitter``]."""
        with self._lock:
            spread = self._settings.latency_jitter
            return self._jitter_rng.uniform(0, spread) if spread > 0 else 0.0

    def draw_fault(self) -> str | None:
        """One draw per fault-eligible request: the fault kind to inject, or None.

        Both the decision and the kind come from the same seeded RNG, so for a given seed
        and request sequence the faults are always the same.
        """
        with self._lock:
            s = self._settings
            if s.failure_rate <= 0:
                return None
            roll = self._rng.random()
            kind = self._rng.choice(s.failure_kinds)
            return kind if roll < s.failure_rate else None

    def record(self, record: RequestRecord) -> None:
        with self._lock:
            self._log.append(record)

    def log(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._log)

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()

    def now(self) -> float:
        """The sandbox's clock: wall-clock time plus what :meth:`advance` added.

        Reviews, video checks, publishing and token lifetimes are measured on it, so a test
        can hold an article in review for as long as it likes (a long ``review_seconds``)
        and end the review when it chooses, instead of racing a short window.
        """
        return now() + self._clock_offset

    def advance(self, seconds: float) -> None:
        """Move the sandbox's clock forward by ``seconds`` (≥ 0)."""
        if not seconds >= 0:
            raise ValueError(f"the clock only moves forward, not by {seconds!r} seconds")
        with self._lock:
            self._clock_offset += seconds


def now() -> float:
    """Wall-clock time: persisted tokens and reviews must survive a restart."""
    return time.time()
