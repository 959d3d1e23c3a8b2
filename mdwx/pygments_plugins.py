"""Pygments' plugin lookup, loaded only when a name is not one of Pygments' own.

``pygments.lexers`` and ``pygments.styles`` import ``pygments.plugin`` at their top, and it
imports ``importlib.metadata`` (with ``email``, ``zipfile``, ``csv``, ``socket``): as much
start-up as ``markdown_it`` itself, paid by every command that highlights a code block or
reads ``code_style`` (issue 19). Pygments only asks its plugins (the ``pygments.lexers``,
``pygments.styles``, ``pygments.formatters`` and ``pygments.filters`` entry points of
installed packages) for a name that none of its own lexers or styles answers to.

:func:`install` puts a stand-in under ``pygments.plugin`` before Pygments is imported. Its
functions load the real module on their first call and answer with it, so a third-party
lexer or style is still found, by the same entry points, in the same order; only the cost
moves to the first lookup that needs it. Call :func:`install` before importing
``pygments.lexers`` or ``pygments.styles``; once Pygments' real module is loaded it does
nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pygments  # the package alone: no lexer, style or plugin module

from mdwx.deferred_modules import StandIn, is_real, load_real

_NAME = "pygments.plugin"


#: The names ``pygments.plugin`` defines that are plain values: the stand-in carries them.
_CONSTANTS = {
    "LEXER_ENTRY_POINT": "pygments.lexers",
    "FORMATTER_ENTRY_POINT": "pygments.formatters",
    "STYLE_ENTRY_POINT": "pygments.styles",
    "FILTER_ENTRY_POINT": "pygments.filters",
}


def real_module() -> ModuleType:
    """Pygments' own ``pygments.plugin``, loaded now if the stand-in still holds its place."""
    loaded = is_real(_NAME)
    if loaded is not None:
        return loaded
    module = load_real(_NAME, list(pygments.__path__))
    pygments.plugin = module  # type: ignore[attr-defined]
    return module


def iter_entry_points(group_name: str) -> Any:
    """The entry points of ``group_name`` (Pygments' own function)."""
    return real_module().iter_entry_points(group_name)


def find_plugin_lexers() -> Iterator[Any]:
    """Lexer classes of installed plugins (Pygments' own function)."""
    yield from real_module().find_plugin_lexers()


def find_plugin_formatters() -> Iterator[tuple[str, Any]]:
    """(name, formatter class) of installed plugins (Pygments' own function)."""
    yield from real_module().find_plugin_formatters()


def find_plugin_styles() -> Iterator[tuple[str, Any]]:
    """(name, style class) of installed plugins (Pygments' own function)."""
    yield from real_module().find_plugin_styles()


def find_plugin_filters() -> Iterator[tuple[str, Any]]:
    """(name, filter class) of installed plugins (Pygments' own function)."""
    yield from real_module().find_plugin_filters()


def install() -> None:
    """Put the stand-in in place, unless Pygments' plugin module is already imported."""
    if _NAME in sys.modules:
        return
    stand_in = StandIn(_NAME, "Pygments' plugin lookup, loaded on first use (mdwx)", real_module)
    for constant, value in _CONSTANTS.items():
        setattr(stand_in, constant, value)
    for function in (
        iter_entry_points,
        find_plugin_lexers,
        find_plugin_formatters,
        find_plugin_styles,
        find_plugin_filters,
    ):
        setattr(stand_in, function.__name__, function)
    sys.modules[_NAME] = stand_in
    pygments.plugin = stand_in  # type: ignore[attr-defined]  # as an import would bind it
