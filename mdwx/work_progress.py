"""Progress inside one post's long work (its formulas typeset, k of n), for a progress display.

A post of thousands of formulas takes most of a minute cold; counted in posts alone, a run
shows nothing meanwhile. The stage doing such work calls :func:`advance` per unit done; a
display that wants it wraps the run in :func:`listening`. Without a listener nothing happens:
the library prints nothing. A context variable carries the listener, so the stages keep
their signatures and a listener set for one run never sees another's work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

#: ``listener(what, done, total)``: ``done`` units of ``what`` (e.g. "formulas typeset")
#: finished of ``total`` in the post being worked on.
Listener = Callable[[str, int, int], None]

_listener: ContextVar[Listener | None] = ContextVar("mdwx_work_listener", default=None)


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Send every :func:`advance` made inside the block (same thread or task) to ``listener``."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)


def advance(what: str, done: int, total: int) -> None:
    """Tell the listener, if any, that ``done`` of ``total`` units of ``what`` are finished."""
    listener = _listener.get()
    if listener is not None:
        listener(what, done, total)
