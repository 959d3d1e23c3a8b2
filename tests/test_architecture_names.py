"""``docs/architecture.md`` names only what exists: modules, and the names it says they hold.

``tests/test_docs_references.py`` checks paths and full dotted names (``mdwx.x.y``) in every
page; the architecture page mostly cites shorter forms, checked here:

- a module path followed by names — ``mdwx/source/gate.py`` ``admit`` — each name is an
  attribute of that module;
- a short dotted name — ``build.check_post``, ``State.for_backend``, ``api.Options`` — its head
  is an mdwx module's last part or a class mdwx defines, and the rest are attributes of one of
  them (a dataclass field counts; so does a standard-library module: ``os.stat``);
- a call written out — ``read_article_text(text, path, config, meta)`` — the name is defined
  somewhere in mdwx (at a module's top or in a class);
- a bare file name — ``draftcheck.py`` — is a file of the package.
"""

from __future__ import annotations

import builtins
import importlib
import inspect
import pkgutil
import re
from functools import cache
from pathlib import Path
from types import ModuleType

import mdwx

REPO = Path(__file__).resolve().parents[1]
PAGE = REPO / "docs" / "architecture.md"
PACKAGE_FILES = REPO / "mdwx"
#: Names of files a user has or mdwx writes, not files of the package.
USER_FILES = {"mdwx.toml", "pyproject.toml", "relay.toml", "content.html", "preview.html"}
SHORT_DOTTED = re.compile(r"`([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)(?:\([^`]*\))?`")
PATH_THEN_NAMES = re.compile(r"`(mdwx/[\w/]+)\.py`((?:,?\s+`[A-Za-z_]\w*(?:\([^`]*\))?`)+)")
CALL = re.compile(r"`([A-Za-z_]\w*)\(")


@cache
def _modules() -> dict[str, ModuleType]:
    found = {"mdwx": mdwx}
    for module in pkgutil.walk_packages(mdwx.__path__, "mdwx."):
        if not module.name.endswith("__main__"):
            found[module.name] = importlib.import_module(module.name)
    return found


@cache
def _classes() -> dict[str, list[type]]:
    found: dict[str, list[type]] = {}
    for module in _modules().values():
        for name, value in vars(module).items():
            if inspect.isclass(value) and value.__module__.startswith("mdwx"):
                found.setdefault(name, []).append(value)
    return found


def _has(owner: object, name: str) -> bool:
    if hasattr(owner, name) or name in getattr(owner, "__dataclass_fields__", {}):
        return True
    return any(name in vars(k).get("__annotations__", {}) for k in getattr(owner, "__mro__", ()))


def _resolves(dotted: str) -> bool:
    head, *rest = dotted.split(".")
    owners: list[object] = [m for n, m in _modules().items() if n.rsplit(".", 1)[-1] == head]
    owners += _classes().get(head, [])
    if not owners:
        try:
            owners = [importlib.import_module(head)]  # the standard library: os.stat
        except ImportError:
            return False
    for owner in owners:
        value: object = owner
        for name in rest:
            if not _has(value, name):
                break
            value = getattr(value, name, None)
        else:
            return True
    return False


@cache
def _defined_names() -> set[str]:
    names = set(dir(builtins))
    for module in _modules().values():
        for name, value in vars(module).items():
            names.add(name)
            if inspect.isclass(value):
                names |= set(vars(value)) | set(getattr(value, "__dataclass_fields__", {}))
    return names


def _broken(text: str) -> list[str]:
    broken = []
    for dotted in SHORT_DOTTED.findall(text):
        if dotted in USER_FILES or dotted.startswith("mdwx."):
            continue  # full dotted names: tests/test_docs_references.py
        if dotted.endswith(".py"):
            if not any(PACKAGE_FILES.glob(f"**/{dotted}")):
                broken.append(dotted)
        elif not _resolves(dotted):
            broken.append(dotted)
    for path, names in PATH_THEN_NAMES.findall(text):
        module = _modules().get(path.replace("/", ".").removesuffix(".__init__"))
        for name in re.findall(r"`([A-Za-z_]\w*)", names):
            if module is None or not _has(module, name):
                broken.append(f"{path}.py {name}")
    broken += [name for name in CALL.findall(text) if name not in _defined_names()]
    return sorted(set(broken))


def test_every_name_the_architecture_page_cites_exists() -> None:
    assert _broken(PAGE.read_text("utf-8")) == []


def test_the_checker_refuses_invented_names() -> None:
    # The issue found these on the page once; each form must be caught, or the test above
    # proves nothing.
    invented = (
        "`Account.apply` `build.no_such_step` `mdwx/source/gate.py` `admit`, `let_in`; and"
        " `invented_call(x)` `nowhere.py`"
    )
    assert _broken(invented) == [
        "Account.apply",
        "build.no_such_step",
        "invented_call",
        "mdwx/source/gate.py let_in",
        "nowhere.py",
    ]
