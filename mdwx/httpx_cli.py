"""httpx's own command line, loaded only when it is run.

``import httpx`` imports ``httpx._main`` (its ``httpx`` command) whenever click, rich and
Pygments are installed, which mdwx's own dependencies make always: ``rich.console``,
``rich.progress``, ``rich.syntax``, ``rich.table`` and ``pygments.lexers`` (with Pygments'
plugin lookup through ``importlib.metadata``), the largest part of importing httpx, paid by
every command that publishes, asks for a status or fetches a picture (issue 19). mdwx
never runs that command line.

:func:`install` puts a finder first in ``sys.meta_path`` that answers the import of
``httpx._main`` with a stand-in (and nothing else: until httpx itself is imported, no
module is added). The stand-in's ``main`` (what ``httpx.main`` and the ``httpx`` console
script call) loads httpx's real module and runs its ``main``, so the command works as
before. Once httpx is imported, :func:`install` does nothing.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    import importlib.abc

from mdwx.deferred_modules import StandIn, is_real, load_real

_NAME = "httpx._main"


def real_module() -> ModuleType:
    """httpx's own ``httpx._main``, loaded now if the stand-in still holds its place."""
    loaded = is_real(_NAME)
    if loaded is not None:
        return loaded
    httpx = importlib.import_module("httpx")  # here, as whoever calls main expects it loaded
    return load_real(_NAME, list(httpx.__path__))


def main(*args: Any, **kwargs: Any) -> Any:
    """httpx's command line (``httpx.main``), loaded and run."""
    return real_module().main(*args, **kwargs)


class _Finder:
    """Finds (and loads) the stand-in for ``httpx._main``; every other name is not its."""

    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        loader = cast("importlib.abc.Loader", self)  # a loader by its methods
        return importlib.machinery.ModuleSpec(fullname, loader) if fullname == _NAME else None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return StandIn(_NAME, "httpx's command line, loaded when run (mdwx)", real_module)

    def exec_module(self, module: ModuleType) -> None:
        module.main = main  # type: ignore[attr-defined]


def install() -> None:
    """Put the finder in place, unless httpx is already imported (or it is there)."""
    if "httpx" in sys.modules or _NAME in sys.modules:
        return
    if not any(isinstance(finder, _Finder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
