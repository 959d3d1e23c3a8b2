"""A third-party submodule's place in ``sys.modules``, held until something uses it.

Two of mdwx's dependencies import, at their top, a submodule that costs as much start-up as
the rest of them and that mdwx rarely needs: Pygments' plugin lookup (``pygments.plugin``,
through ``importlib.metadata``; mdwx.pygments_plugins) and httpx's own command line
(``httpx._main``, through rich and Pygments; mdwx.httpx_cli). Each puts a :class:`StandIn`
in that submodule's place; the first use of any name it does not carry itself loads the
real submodule (:func:`load_real`) and answers from it, so behaviour is the library's own,
only later.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any


class StandIn(ModuleType):
    """A module standing in for the real one: names it lacks are read from ``load()``."""

    def __init__(self, name: str, doc: str, load: Callable[[], ModuleType]) -> None:
        super().__init__(name, doc)
        self._load = load

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system asks for __path__, __spec__…
            raise AttributeError(name)
        return getattr(self._load(), name)


def is_real(name: str) -> ModuleType | None:
    """The module imported under ``name`` unless it is missing or still a stand-in."""
    current = sys.modules.get(name)
    return None if current is None or isinstance(current, StandIn) else current


def load_real(name: str, search_path: list[str]) -> ModuleType:
    """Import the real ``name`` from ``search_path`` (its package's ``__path__``) into
    ``sys.modules`` in the stand-in's place, and return it.

    Raises ImportError if the package no longer has that submodule; if running it raises,
    the stand-in (or nothing) is put back and the error is raised.
    """
    spec = importlib.machinery.PathFinder.find_spec(name, search_path)
    if spec is None or spec.loader is None:
        raise ImportError(f"{name} not found", name=name)
    module = importlib.util.module_from_spec(spec)
    previous = sys.modules.get(name)
    sys.modules[name] = module  # as an import does, before the module's code runs
    try:
        spec.loader.exec_module(module)
    except BaseException:
        if previous is None:
            sys.modules.pop(name, None)
        else:
            sys.modules[name] = previous
        raise
    return module
