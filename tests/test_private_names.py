"""A name starting with ``_`` belongs to its module: no other module of mdwx imports or reads it.

A private name is one its owner may rename or remove without looking elsewhere; once another
module imports it, that promise is broken silently. What two modules share is a public name
of its home (or lives in a module both import). Third-party private names (Pygments'
``_TokenType``, which its public API returns) are not this rule's business.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "mdwx"
SOURCES = sorted(PACKAGE.rglob("*.py"))


def _module_name(path: Path, package: Path) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _absolute(node: ast.ImportFrom, path: Path, own: str) -> str:
    if not node.level:
        return node.module or ""
    package = own.split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    base = package[: len(package) - node.level + 1]
    return ".".join([*base, *([node.module] if node.module else [])])


def _private_uses(path: Path, package: Path = PACKAGE) -> list[str]:
    """Every private mdwx name ``path`` takes from another module, as ``line: what``."""
    tree = ast.parse(path.read_text("utf-8"))
    own = _module_name(path, package)
    imported: dict[str, str] = {}  # local name -> the mdwx module or name it stands for
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            home = _absolute(node, path, own)
            for alias in node.names:
                if home.startswith("mdwx") and home != own and _is_private(alias.name):
                    found.append(f"{node.lineno}: from {home} import {alias.name}")
                imported[alias.asname or alias.name] = f"{home}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                imported[alias.asname or alias.name.split(".")[0]] = alias.name
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and _is_private(node.attr)):
            continue
        if isinstance(node.value, ast.Name) and imported.get(node.value.id, "").startswith("mdwx"):
            found.append(f"{node.lineno}: {node.value.id}.{node.attr}")
    return found


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_module_takes_another_modules_private_name(path: Path) -> None:
    assert not _private_uses(path), (
        f"{path.relative_to(PACKAGE.parent)} uses private names of other modules: "
        f"{_private_uses(path)} — make each a public name of its home"
    )


def test_the_scan_sees_both_forms_of_taking_a_private_name(tmp_path: Path) -> None:
    # The guard above passes vacuously if the scan is blind: show it sees both forms.
    package = tmp_path / "mdwx"
    probe = package / "relay" / "probe.py"
    probe.parent.mkdir(parents=True)
    probe.write_text(
        "from mdwx.wechat.http import _X, Sender\nfrom ..wechat import http\nhttp._Y\n", "utf-8"
    )
    assert _private_uses(probe, package) == [
        "1: from mdwx.wechat.http import _X",
        "3: http._Y",
    ]
