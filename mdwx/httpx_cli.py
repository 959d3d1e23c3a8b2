"""httpx's own command line, loaded only when it is run.

``import httpx`` imports ``httpx._main`` (its ``httpx`` command) whenever click, rich and
Pygments are installed, which mdwx's own dependencies make always: ``rich.console``,
``rich.progress``, ``rich.syntax``, ``rich.table`` and ``pygments.lexers`` (with Pygments'
plugin lookup through ``importlib.metadata``), the largest part of importing httpx, paid by
every command that publishes, asks for a status or fetches a picture (issue 19). mdwx
never runs that command line.

:func:`install` puts a stand-in under ``httpx._main`` before httpx is imported. Its
``main`` (what ``httpx.main`` and the ``httpx`` console script call) loads httpx's real
module and runs its ``main``, so the command works as before. Once httpx is imported,
:func:`install` does nothing.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import sys
from types import ModuleType
from typing import Any

_NAME = "httpx._main"


class _StandIn(ModuleType):
    """``httpx._main`` until the command line runs: other names load the real module."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system asks for __path__, __spec__…
            raise AttributeError(name)
        return getattr(real_module(), name)


def real_module() -> ModuleType:
    """httpx's own ``httpx._main``, loaded now if the stand-in still holds its place."""
    current = sys.modules.get(_NAME)
    if current is not None and not isinstance(current, _StandIn):
        return current
    httpx = importlib.import_module("httpx")  # here, as whoever calls main expects it loaded
    spec = importlib.machinery.PathFinder.find_spec(_NAME, list(httpx.__path__))
    if spec is None or spec.loader is None:  # pragma: no cover - httpx always has it
        raise ImportError(f"{_NAME} not found", name=_NAME)
    module = importlib.util.module_from_spec(spec)
    sys.modules[_NAME] = module
    spec.loader.exec_module(module)
    return module


def main(*args: Any, **kwargs: Any) -> Any:
    """httpx's command line (``httpx.main``), loaded and run."""
    return real_module().main(*args, **kwargs)


def install() -> None:
    """Put the stand-in in place, unless httpx is already imported."""
    if "httpx" in sys.modules or _NAME in sys.modules:
        return
    stand_in = _StandIn(_NAME, "httpx's command line, loaded when run (mdwx)")
    stand_in.main = main  # type: ignore[attr-defined]
    sys.modules[_NAME] = stand_in
