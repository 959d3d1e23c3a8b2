"""Where a site is and what it is set to: its root folder and its ``mdwx.toml``.

A site is a folder with one config file, as in Pelican and MkDocs; a folder without one is
still a site when it is the root of a git work tree or of a site generator's layout
(:mod:`mdwx.source.generators.detect`). The settings themselves are read and checked by
:mod:`mdwx.config`; this module finds the file and reads it through the capped reader.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

from mdwx.config import CONFIG_FILE, SiteConfig, config_from_mapping
from mdwx.errors import ConfigError, MdwxError
from mdwx.files.reader import read_config_text
from mdwx.source.generators.detect import generator_at

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

_TOML_AT = re.compile(r" \(at line (\d+), column (\d+)\)")


def find_site_root(start: Path) -> Path:
    """The site root governing ``start`` (a post or a folder), whatever path named it.

    The nearest folder at or above ``start`` holding ``mdwx.toml`` (or a ``pyproject.toml``
    with ``[tool.mdwx]``); else the nearest root of a git work tree holding it (a ``.git`` folder
    or file, so worktrees and submodules count; git itself is not run) or of a Hugo, Hexo or
    Jekyll site or Obsidian vault (the outermost of nested vaults, :func:`outermost_vault`;
    :mod:`mdwx.source.generators.detect`); else the post's own
    folder (``start`` itself for a folder). The state database lives under this root and
    keys posts by their path relative to it, so ``mdwx publish posts/`` and ``mdwx publish
    .`` from the parent name the same articles.

    The search follows the path as written (a post that is a link to a file elsewhere still
    belongs to the site it is linked from, and is then refused for leading outside it);
    the folder found is returned resolved.
    """
    start = Path(os.path.abspath(start))  # where the path is written, not where links lead
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        if os.path.lexists(
            candidate / CONFIG_FILE
        ):  # a FIFO or device there is refused, not skipped
            return Path(os.path.realpath(candidate))
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and _has_tool_mdwx(pyproject):
            return Path(os.path.realpath(candidate))
    for candidate in (folder, *folder.parents):
        # A git work tree, a Hugo/Hexo/Jekyll site, Obsidian vault or MkDocs/Pelican project
        # (its plugins publish pages from below docs_dir/PATH): the nearest wins.
        if (candidate / ".git").exists() or _plugin_project(candidate):
            return Path(os.path.realpath(candidate))
        found = generator_at(candidate)
        if found == "obsidian":
            return Path(os.path.realpath(outermost_vault(candidate)))
        if found:
            return Path(os.path.realpath(candidate))
    return Path(os.path.realpath(folder))


def outermost_vault(vault: Path) -> Path:
    """The outermost Obsidian vault holding ``vault``, up to the nearest git work tree.

    A vault's folder opened as a vault of its own keeps the outer vault's attachments (a
    picture pasted while the outer vault was open lies beside it, outside the inner one):
    the site is the outer vault, so they may be read. A git work tree (or a folder another
    generator lays out) ends the search: nothing above it belongs to the site.
    """
    outer = vault
    if (vault / ".git").exists():
        return outer
    for candidate in vault.parents:
        marker = generator_at(candidate)
        if marker == "obsidian":
            outer = candidate
        elif marker or _plugin_project(candidate):
            break
        if (candidate / ".git").exists():
            break
    return outer


#: Files marking the root of a project whose site generator runs mdwx as a plugin.
PLUGIN_PROJECT_FILES = ("mkdocs.yml", "mkdocs.yaml", "pelicanconf.py")


def _plugin_project(folder: Path) -> bool:
    return any((folder / name).is_file() for name in PLUGIN_PROJECT_FILES)


def _has_tool_mdwx(pyproject: Path) -> bool:
    try:
        return "mdwx" in tomllib.loads(read_config_text(pyproject)).get("tool", {})
    except (MdwxError, tomllib.TOMLDecodeError):
        return False


def load_config(start: Path) -> SiteConfig:
    """Load the config governing ``start`` (a post or a folder); defaults when there is none."""
    root = find_site_root(start)
    path = root / CONFIG_FILE
    if os.path.lexists(path):
        data = read_toml(inside_site(path, root))
    elif (root / "pyproject.toml").is_file() and _has_tool_mdwx(
        inside_site(root / "pyproject.toml", root)
    ):
        path = root / "pyproject.toml"
        data = read_toml(path).get("tool", {}).get("mdwx", {})
    else:
        return SiteConfig(root=root)
    return config_from_mapping(data, root=root, config_path=path)


def inside_site(path: Path, root: Path) -> Path:
    """``path`` when the file it leads to lies in the site folder ``root``: a site's config
    that is a symbolic link to a file elsewhere would let the site read (and show in its
    errors) a file it does not hold. Raises :class:`ConfigError`."""
    real = Path(os.path.realpath(path))
    if real.is_file() and not real.is_relative_to(
        os.path.realpath(root)
    ):  # a device: the reader says so
        raise ConfigError(
            "a symbolic link leading outside the site folder",
            path=path,
            hint=f"copy the configuration into {root}",
        )
    return path


def read_toml(path: Path) -> dict[str, Any]:
    """The TOML document at ``path``, read through the capped reader. Raises
    :class:`ConfigError` naming the line of a syntax error."""
    try:
        document: dict[str, Any] = tomllib.loads(
            read_config_text(path)
        )  # capped, regular file only
        return document
    except RecursionError:  # tomllib parses nested arrays and tables recursively
        raise ConfigError("the configuration is nested too deeply", path=path) from None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc.args[0] if exc.args else exc)
        line = getattr(exc, "lineno", None)  # Python 3.14+; before, only the message says it
        found = _TOML_AT.search(message)
        if found:
            line = line or int(found.group(1))
            message = _TOML_AT.sub(f" (column {found.group(2)})", message)
        raise ConfigError(f"invalid TOML: {message}", path=path, line=line) from exc
