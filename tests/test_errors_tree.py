"""The exception tree in ``mdwx/errors.py``'s docstring is the tree mdwx defines.

A new owner reads that tree to know what a caller may catch; an error class added anywhere
in the package (not only in ``errors.py``) and missing from it, or moved under another parent,
fails here. Every module is imported, so a class defined far from ``errors.py`` is found.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

import mdwx
import mdwx.errors
from mdwx.errors import MdwxError

#: One line of the tree: its indent, the class (bare for mdwx.errors, else dotted), its code.
TREE_LINE = re.compile(r"^(?P<indent> {4,})(?P<name>[\w.]+) \[(?P<code>[^\]]+)\]")


def _documented() -> dict[str, tuple[str | None, str]]:
    """Each class the docstring names → (its parent there, the code it gives)."""
    tree: dict[str, tuple[str | None, str]] = {}
    parents: list[str] = []
    for line in (mdwx.errors.__doc__ or "").splitlines():
        match = TREE_LINE.match(line)
        if not match:
            continue
        depth = len(match["indent"]) // 4 - 1
        del parents[depth:]
        tree[match["name"]] = (parents[-1] if parents else None, match["code"])
        parents.append(match["name"])
    return tree


def _name(cls: type) -> str:
    return cls.__name__ if cls.__module__ == "mdwx.errors" else f"{cls.__module__}.{cls.__name__}"


def _defined() -> dict[str, tuple[str | None, str]]:
    """Each MdwxError class mdwx defines → (its parent class, its code)."""
    for module in pkgutil.walk_packages(mdwx.__path__, "mdwx."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    found: dict[str, tuple[str | None, str]] = {_name(MdwxError): (None, MdwxError.code)}
    pending = [MdwxError]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("mdwx."):
                found[_name(sub)] = (_name(cls), sub.code)
                pending.append(sub)
    return found


def test_the_docstring_tree_is_every_error_mdwx_defines_under_its_parent() -> None:
    documented, defined = _documented(), _defined()
    assert sorted(set(defined) - set(documented)) == [], "missing from the tree"
    assert sorted(set(documented) - set(defined)) == [], "in the tree but not defined"
    assert documented == defined


def test_the_tree_reader_sees_nesting() -> None:
    # The comparison above would pass on an empty reading if TREE_LINE matched nothing.
    tree = _documented()
    assert tree["MdwxError"] == (None, "error")
    assert tree["mdwx.publish.video.VideoReviewFailed"][0] == "mdwx.wechat.errors.VideoError"
