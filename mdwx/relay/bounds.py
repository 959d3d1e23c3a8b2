"""The declared range of each number a relay takes: ``relay.toml``'s rates, burst and body
size, and a key's ``--rate`` and ``--expires``.

A number outside its range is refused with one line, never clamped: NaN passes every
``x <= 0`` test (a NaN rate turns rate limiting off), infinity makes a key that never
expires and JSON that is no JSON (``Infinity``), and a huge or tiny value overflows a date
or prints a 300-digit ``Retry-After``. Every value is checked finite and inside its bounds.
"""

from __future__ import annotations

import math
from typing import NamedTuple


class Bound(NamedTuple):
    """The inclusive range ``low``–``high`` (``low`` > 0) of a number, in ``unit``;
    ``whole``: an integer."""

    low: float
    high: float
    unit: str
    whole: bool = False

    def problem(self, value: object) -> str | None:
        """Why ``value`` is not a number in this range, or None when it is: one phrase for
        every wrong value (of another kind, not whole, not finite, outside the range), naming
        the range and the value."""
        kind = "a positive whole number" if self.whole else "a positive number"
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            whole = not self.whole or float(value).is_integer()
            if math.isfinite(value) and whole and self.low <= value <= self.high:
                return None
        shown = repr(value)[:80]
        return (
            f"must be {kind} from {_shown(self.low)} to {_shown(self.high)} {self.unit}, "
            f"not {shown}"
        )


def _shown(number: float) -> str:
    return f"{number:,.0f}" if float(number).is_integer() else f"{number:g}"


#: Calls a minute, for a key (``--rate``) and the relay's default (``rate_per_minute``).
RATE_PER_MINUTE = Bound(0.01, 1_000_000, "calls a minute")
#: A key's bucket of calls (``burst``).
BURST = Bound(1, 100_000, "calls", whole=True)
#: The largest request body forwarded (``max_body_mb``).
MAX_BODY_MB = Bound(0.01, 1024, "MB")
#: A key's lifetime (``--expires``, in days): at most ten years.
EXPIRES_DAYS = Bound(0.001, 3660, "days")
