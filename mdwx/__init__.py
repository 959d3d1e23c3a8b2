"""mdwx: publish Markdown to WeChat Official Accounts.

The package is a pipeline (read → render → resolve → publish); the command line in
:mod:`mdwx.cli` is a thin shell over the library API, :mod:`mdwx.api`. That API is
re-exported here lazily, so ``import mdwx`` (and ``mdwx --help``) stays fast: ``mdwx.api``,
and every name of ``mdwx.api.__all__`` (``mdwx.Post``, ``mdwx.Options``, ``mdwx.check``, …)
except ``build`` and ``publish``, which here name the pipeline's modules: call them as
``mdwx.api.build`` and ``mdwx.api.publish``.
"""

from __future__ import annotations

import importlib
from typing import Any

from mdwx import httpx_cli
from mdwx.version import __version__ as __version__

# Before anything imports httpx: its command line (rich, Pygments) loads only if it is run.
httpx_cli.install()

#: Names of mdwx.api that are modules of this package (mdwx.build, mdwx.publish).
_MODULE_NAMES = frozenset({"build", "publish"})


def __getattr__(name: str) -> Any:
    """``mdwx.api`` and its public names, imported on first use."""
    if name == "api":
        return importlib.import_module("mdwx.api")
    if name not in _MODULE_NAMES and not name.startswith("_"):
        api = importlib.import_module("mdwx.api")
        if name in api.__all__:
            return getattr(api, name)
    raise AttributeError(f"module 'mdwx' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The module's names and the lazily re-exported API."""
    api_names = importlib.import_module("mdwx.api").__all__  # lazily, as __getattr__ does
    return sorted({*globals(), "api", *(n for n in api_names if n not in _MODULE_NAMES)})
