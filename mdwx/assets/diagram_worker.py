"""A diagram's layout runs in a child process that is killed when it takes too long.

mermaid's layout in QuickJS has no time bound of its own: a 1,000-character flowchart of 50
nodes and 100 edges ran for minutes and took a quarter of a gigabyte. An engine running in
this process cannot be stopped, so each diagram is drawn in one child process (started with
``spawn``: a clean interpreter, safe from a threaded parent), reused for every diagram of the
run so the engine starts once; a diagram over the time limit kills the child (``SIGKILL``,
then reaped) and the next diagram starts a new one. The child's address space is capped
(:data:`MEMORY_BYTES`, Linux ``RLIMIT_AS``), so a diagram that grows without end fails there
instead of taking the machine. See docs/diagrams.md.

The renderer's function is sent to the child by name (pickled), so it must be a module-level
function, or a :func:`functools.partial` of one.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import pickle
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from mdwx.errors import AssetError

# The child's address space: mermaid's engine peaks near 340 MB on a small diagram.
MEMORY_BYTES = 1024 * 1024 * 1024

# Seconds a fresh child may take to start (an interpreter, on a busy machine), before any diagram.
STARTUP_SECONDS = 60.0

ToSvg = Callable[[str, str], str]


def _limit_memory() -> None:
    try:
        import resource
    except ImportError:  # not on Linux/macOS: the time limit still holds
        return
    with contextlib.suppress(ValueError, OSError):  # a lower hard limit already applies
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))


def _serve(conn: Connection) -> None:
    """The child: draw each (to_svg, source, font) received, answer with the SVG or why not."""
    _limit_memory()
    conn.send(("ready",))
    while True:
        try:
            to_svg, source, font = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        answer: tuple[Any, ...]
        try:
            answer = ("svg", to_svg(source, font))
        except AssetError as exc:
            answer = ("asset", exc.message, exc.hint)
        except ImportError as exc:
            answer = ("import", str(exc))
        except MemoryError:
            answer = ("asset", f"needs more than {MEMORY_BYTES >> 20} MB of memory", None)
        except Exception as exc:  # noqa: BLE001 — a renderer's own bug costs one picture
            answer = ("asset", f"the renderer failed: {type(exc).__name__}: {exc}"[:200], None)
        conn.send(answer)


class _Worker:
    """One child process and its pipe; killed and forgotten on a timeout or a crash."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child_end = context.Pipe()
        self.process: BaseProcess = context.Process(target=_serve, args=(child_end,),
                                                    name="mdwx-diagram", daemon=True)
        self.process.start()
        child_end.close()
        # The time limit is the diagram's: the interpreter's start is not counted in it.
        try:
            if not self.conn.poll(STARTUP_SECONDS) or self.conn.recv() != ("ready",):
                raise EOFError
        except (EOFError, OSError):
            self.stop()
            raise AssetError("the diagram process did not start") from None

    def stop(self) -> None:
        self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)


_lock = threading.Lock()
_worker: _Worker | None = None


def _stop_worker() -> None:
    global _worker
    if _worker is not None:
        _worker.stop()
        _worker = None


atexit.register(_stop_worker)


def draw_svg(to_svg: ToSvg, source: str, font: str, seconds: float) -> str:
    """The SVG ``to_svg(source, font)`` returns, drawn in the child within ``seconds``.

    Raises :class:`AssetError` when it takes longer (the child is killed), runs out of
    memory, cannot be sent to the child, or refuses the source; ``ImportError`` when the
    renderer's package is missing. Calls from several threads take turns.
    """
    global _worker
    with _lock:
        if _worker is None or not _worker.process.is_alive():
            _stop_worker()
            _worker = _Worker()
        try:
            _worker.conn.send((to_svg, source, font))
        except (pickle.PicklingError, AttributeError, TypeError) as exc:
            raise AssetError(f"its renderer cannot run in a child process ({exc})") from exc
        try:
            ready = _worker.conn.poll(seconds)
            answer = _worker.conn.recv() if ready else None
        except (EOFError, OSError):
            _stop_worker()
            raise AssetError(f"the renderer stopped (over {MEMORY_BYTES >> 20} MB of memory?)",
                             hint="simplify or split the diagram") from None
        if answer is None:
            _stop_worker()
            raise AssetError(f"took longer than {seconds:g} s",
                             hint="simplify or split the diagram, or raise "
                                  "limits.diagram_seconds in mdwx.toml")
    return _answer(answer)


def _answer(answer: tuple[Any, ...]) -> str:
    kind = answer[0]
    if kind == "svg":
        return str(answer[1])
    if kind == "import":
        raise ImportError(answer[1])
    raise AssetError(answer[1], hint=answer[2])


def worker_pid() -> int | None:
    """The running child's process id (None when there is none): for tests and diagnostics."""
    return _worker.process.pid if _worker is not None and _worker.process.is_alive() else None
