"""Diagram renderers of the tests' own, importable by name: drawing runs in a child process
(:mod:`mdwx.assets.diagram_worker`), which receives the renderer pickled by reference."""

from __future__ import annotations

import time

BOX = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20"/></svg>'


def fixed_svg(svg: str, source: str, font: str) -> str:
    """Always ``svg`` (bind it with functools.partial)."""
    return svg


def raising(exc: type[Exception], message: str, source: str, font: str) -> str:
    """Always raises ``exc(message)``."""
    raise exc(message)


def sleeping(source: str, font: str) -> str:
    """Never answers in time: asleep, as an engine blocked in a system call."""
    time.sleep(3600)
    return BOX


def spinning(source: str, font: str) -> str:
    """Never answers: a busy loop, as a layout that does not converge."""
    while True:
        pass


def hoarding(source: str, font: str) -> str:
    """Asks for more memory than the child may have."""
    return str(len(bytearray(4 * 1024 * 1024 * 1024)))


def dozing(seconds: float, source: str, font: str) -> str:
    """Answers after ``seconds`` of wall-clock time using no processor: a machine so busy the
    renderer waits for a core (bind ``seconds`` with functools.partial)."""
    time.sleep(seconds)
    return BOX
