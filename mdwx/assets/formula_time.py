"""A bound on the processor time one formula may take to lay out.

The typesetter's work grows faster than the formula (a formula of 4,000 characters takes
seconds, one of 20,000 minutes) and it has no bound of its own. ``limits.formula_chars``
refuses long formulas before they are typeset; this is the second lock, for a short formula
that is slow all the same. Laying out is pure Python, so a profiling timer
(``ITIMER_PROF``: the process's processor seconds, user + system — a busy machine does not
trip it) interrupts it between two steps and the formula is refused with an
:class:`~mdwx.errors.AssetError`, in this process or in a worker of the pool alike. Signals
reach only the main thread: typesetting in another thread runs unbounded but for the size
limit. See ``limits.formula_chars`` in docs/settings.md.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

from mdwx.errors import AssetError

#: Processor seconds one formula may take to lay out; the largest real formulas take ~1 s.
FORMULA_SECONDS = 20.0


class _OverTime(BaseException):
    """Raised by the timer's handler inside the typesetter: a BaseException, so the
    typesetter's own `except Exception` does not swallow it."""


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise _OverTime


@contextlib.contextmanager
def cpu_bound(label: str, seconds: float | None = None) -> Iterator[None]:
    """Run the body with at most ``seconds`` (default :data:`FORMULA_SECONDS`) of processor
    time; over it, AssetError naming ``label`` (the formula). Outside the main thread, where
    the timer is missing, or inside another bound (which holds), the body runs as it is."""
    seconds = FORMULA_SECONDS if seconds is None else seconds
    timer = getattr(signal, "ITIMER_PROF", None)
    if (
        timer is None
        or threading.current_thread() is not threading.main_thread()
        or signal.getitimer(timer)[0] > 0
    ):
        yield
        return
    earlier = signal.signal(signal.SIGPROF, _interrupt)
    signal.setitimer(timer, seconds)
    try:
        yield
    except _OverTime as exc:
        raise AssetError(
            f"formula {label}: the typesetter took over {seconds:g} s of processor time",
            hint="split or simplify the formula, or write it as an image",
        ) from exc
    finally:
        signal.setitimer(timer, 0)
        signal.signal(signal.SIGPROF, earlier)
