"""A diagram's layout runs in a child process that is killed when it takes too long.

mermaid's layout in QuickJS has no time bound of its own: a 1,000-character flowchart of 50
nodes and 100 edges ran for minutes and took a quarter of a gigabyte. An engine running in
this process cannot be stopped, so each diagram is drawn in one child process (a fresh
interpreter, safe from a threaded parent), reused for every diagram of the
run so the engine starts once; a diagram over the time limit kills the child (``SIGKILL``,
then reaped) and the next diagram starts a new one. Where the system shows a process's CPU
time (Linux ``/proc``), the limit counts the child's processor seconds, so a busy machine (a
CI runner sharing its cores) does not turn an ordinary diagram into a timeout; a child that
uses no processor yet never answers (blocked) is stopped after :data:`WALL_FACTOR` times the
limit in wall-clock seconds. Elsewhere the limit is wall-clock seconds. The child's address space is capped
(:data:`MEMORY_BYTES`, Linux ``RLIMIT_AS``), so a diagram that grows without end fails there
instead of taking the machine. See docs/diagrams.md.

The renderer's function is sent to the child by name (pickled), so it must be a module-level
function, or a :func:`functools.partial` of one.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from mdwx.assets.diagram_errors import DiagramError
from mdwx.errors import AssetError

# The child's address space: mermaid's engine peaks near 340 MB on a small diagram.
MEMORY_BYTES = 1024 * 1024 * 1024

# Seconds a fresh child may take to start (an interpreter, on a busy machine), before any diagram.
STARTUP_SECONDS = 60.0

# A child blocked without using the processor is stopped after this many times the limit.
WALL_FACTOR = 10.0
# How often the parent looks at the child's CPU time while it waits (seconds).
POLL_SECONDS = 0.05

ToSvg = Callable[[str, str], str]


def cpu_seconds(pid: int) -> float | None:
    """Processor seconds (user + system) process ``pid`` has used; None where unknown."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def _limit_memory() -> None:
    try:
        import resource
    except ImportError:  # not on Linux/macOS: the time limit still holds
        return
    with contextlib.suppress(ValueError, OSError):  # a lower hard limit already applies
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))


def serve() -> None:
    """The child (``python -c``): draw each (to_svg, source, font) read on stdin, answer on stdout.

    Answers are pickles on a private copy of stdout; the renderer's own prints go to stderr.
    """
    requests = os.fdopen(os.dup(0), "rb")
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    _limit_memory()
    pickle.dump(("ready",), answers)
    answers.flush()
    while True:
        try:
            to_svg, source, font = pickle.load(requests)
        except (EOFError, OSError):  # the parent is gone
            return
        pickle.dump(_draw(to_svg, source, font), answers)
        answers.flush()


def _draw(to_svg: ToSvg, source: str, font: str) -> tuple[Any, ...]:
    try:
        return ("svg", to_svg(source, font))
    except AssetError as exc:
        return ("asset", exc.message, exc.hint, getattr(exc, "source_line", None))
    except ImportError as exc:
        return ("import", str(exc))
    except MemoryError:
        return ("asset", f"needs more than {MEMORY_BYTES >> 20} MB of memory", None)
    except Exception as exc:  # noqa: BLE001 — a renderer's own bug costs one picture
        return ("asset", f"the renderer failed: {type(exc).__name__}: {exc}"[:200], None)


class _Worker:
    """One child process and its pipes; killed and forgotten on a timeout or a crash.

    A plain ``python -c`` child, not :mod:`multiprocessing`'s spawn: that re-runs the parent's
    main script in the child, which a script embedding mdwx may not guard.
    """

    def __init__(self) -> None:
        self.reader: threading.Thread | None = None
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from mdwx.assets.diagram_worker import serve; serve()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        # The time limit is the diagram's: the interpreter's start is not counted in it.
        if self.receive(STARTUP_SECONDS) != ("ready",):
            self.stop()
            raise AssetError("the diagram process did not start")

    def send(self, request: tuple[Any, ...]) -> None:
        assert self.process.stdin is not None
        data = pickle.dumps(request)  # before writing: a renderer that cannot be sent, raises
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def receive(self, seconds: float, *, cpu: bool = False) -> tuple[Any, ...] | None:
        """The child's next answer; None when it has none in time (or stopped).

        In time: within ``seconds`` of wall-clock time, or with ``cpu``, before the child has
        used ``seconds`` of processor time since the call (and within :data:`WALL_FACTOR`
        times that of wall-clock time) where its CPU time can be read.
        """
        answer: list[tuple[Any, ...] | None] = [None]

        def read() -> None:
            with contextlib.suppress(EOFError, OSError, ValueError, pickle.UnpicklingError):
                answer[0] = pickle.load(self.process.stdout)  # type: ignore[arg-type]

        self.reader = threading.Thread(target=read, name="mdwx-diagram-reader", daemon=True)
        self.reader.start()
        start = cpu_seconds(self.process.pid) if cpu else None
        began = time.monotonic()
        if start is None:
            self.reader.join(seconds)
        else:
            self._wait_cpu(start, seconds)
        used = cpu_seconds(self.process.pid) if start is not None else None
        global _spent
        _spent += (
            (used - start) if used is not None and start is not None else (time.monotonic() - began)
        )
        return None if self.reader.is_alive() else answer[0]

    def _wait_cpu(self, start: float, seconds: float) -> None:
        """Wait for the reader until the child has used ``seconds`` of CPU since ``start``."""
        assert self.reader is not None
        deadline = time.monotonic() + seconds * WALL_FACTOR  # bounds a blocked child only
        while self.reader.is_alive() and time.monotonic() < deadline:
            self.reader.join(POLL_SECONDS)
            used = cpu_seconds(self.process.pid)
            if used is None or used - start > seconds:
                self.reader.join(POLL_SECONDS)  # an answer written as the limit passed
                return

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        """Kill the child and reap it (its reader then sees the pipe close)."""
        if self.alive():
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)
        if self.reader is not None:  # sees the pipe close; only then may it be closed here
            self.reader.join(5)
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()


_lock = threading.Lock()
_worker: _Worker | None = None
# Seconds the diagrams of this process have taken so far: the child's processor seconds where
# they can be read, else wall-clock (what bounds a post's diagrams in all: see spent()).
_spent = 0.0


def spent() -> float:
    """Seconds all diagrams drawn by this process have taken (processor seconds of the child
    where the system shows them, else wall-clock): callers bound a post's total with it."""
    return _spent


def _stop_worker() -> None:
    global _worker
    if _worker is not None:
        _worker.stop()
        _worker = None


atexit.register(_stop_worker)


def draw_svg(to_svg: ToSvg, source: str, font: str, seconds: float) -> str:
    """The SVG ``to_svg(source, font)`` returns, drawn in the child within ``seconds``.

    ``seconds`` counts the child's processor time where the system shows it (see the module
    docstring). Raises :class:`AssetError` when it takes longer (the child is killed), runs out of
    memory, cannot be sent to the child, or refuses the source; ``ImportError`` when the
    renderer's package is missing. Calls from several threads take turns.
    """
    global _worker
    with _lock:
        if _worker is None or not _worker.alive():
            _stop_worker()
            _worker = _Worker()
        try:
            _worker.send((to_svg, source, font))
        except (pickle.PicklingError, AttributeError, TypeError) as exc:
            raise AssetError(f"its renderer cannot run in a child process ({exc})") from exc
        except OSError:
            _stop_worker()
            raise AssetError("the diagram process stopped") from None
        answer = _worker.receive(seconds, cpu=True)
        if answer is None:
            stopped = not _worker.alive()
            _stop_worker()
            if stopped:
                raise AssetError(
                    f"the renderer stopped (over {MEMORY_BYTES >> 20} MB of memory?)",
                    hint="simplify or split the diagram",
                )
            raise AssetError(
                f"took longer than {seconds:g} s",
                hint="simplify or split the diagram, or raise limits.diagram_seconds in mdwx.toml",
            )
    return _answer(answer)


def _answer(answer: tuple[Any, ...]) -> str:
    kind = answer[0]
    if kind == "svg":
        return str(answer[1])
    if kind == "import":
        raise ImportError(answer[1])
    if len(answer) > 3 and answer[3] is not None:  # a diagram's faulty line: said at it
        raise DiagramError(answer[1], hint=answer[2], source_line=answer[3])
    raise AssetError(answer[1], hint=answer[2])


def worker_pid() -> int | None:
    """The running child's process id (None when there is none): for tests and diagnostics."""
    return _worker.process.pid if _worker is not None and _worker.alive() else None
