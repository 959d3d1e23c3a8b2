"""Per-key rate limits: a token bucket per key, on an injectable clock.

A key may make ``burst`` calls at once and then ``rate_per_minute`` a minute; a call over
the limit is answered HTTP 429 with ``Retry-After`` and nothing forwarded, which mdwx's
client retries with backoff as it does WeChat's own 429 (docs/relay.md, "Rate limits").
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RateLimiter:
    """Buckets by key name; ``take`` answers 0 (go) or the seconds to wait."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # name → (tokens, at)
        self._lock = threading.Lock()

    def take(self, name: str, rate_per_minute: float, burst: int) -> float:
        """Spend one call of ``name``'s bucket; 0.0 when allowed, else seconds until one is."""
        per_second = rate_per_minute / 60.0
        now = self._clock()
        with self._lock:
            tokens, at = self._buckets.get(name, (float(burst), now))
            tokens = min(float(burst), tokens + (now - at) * per_second)
            if tokens >= 1.0:
                self._buckets[name] = (tokens - 1.0, now)
                return 0.0
            self._buckets[name] = (tokens, now)
            return (1.0 - tokens) / per_second
