"""MkDocs page titles and identities, as MkDocs gives them.

A page's title (mkdocs.org/user-guide/writing-your-docs/#meta-data, ``mkdocs.structure.pages
.Page.title``): the title its ``nav:`` entry gives (``- 指南: guide/start.md``), even over a
``title`` meta, else its ``title`` meta, else its first ``# H1``, else its file name made readable — ``-`` and ``_`` as spaces,
capitalised when it was all lower case (``tcache-attack`` → ``Tcache attack``); the site's
home page (``index.md`` at the top) is ``Home``.

A page's identity is its path under ``docs_dir`` without the extension, an ``index`` page
named by its folder (``ds/index.md`` → ``ds``), ``/`` as ``-``: what the MkDocs plugin
(:mod:`mdwx.integrations.mkdocs`) calls it too, so both doors build one page to one folder.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from mdwx.files.reader import consulted_text
from mdwx.source.yaml_load import Loader

_MAX_NAV_ITEMS = 20_000


class _ConfigLoader(Loader):
    """The bounded front-matter loader, with the tags ``mkdocs.yml`` files carry
    (``!!python/name:…``, ``!ENV``, ``!relative``) read as nothing instead of refused."""


def _ignored(loader: yaml.Loader, suffix: str, node: yaml.Node) -> None:
    return None


_ConfigLoader.add_multi_constructor("!", _ignored)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignored)


def page_identity(relative: str) -> str:
    """The identity of the page at ``relative`` (a posix path under ``docs_dir``)."""
    stem = relative.rsplit(".", 1)[0] if "." in PurePosixPath(relative).name else relative
    if stem == "index" or stem.endswith("/index"):
        stem = stem[: -len("index")].rstrip("/") or "index"
    return stem.replace("/", "-")


def file_title(relative: str) -> str:
    """MkDocs' title for a page with no nav title, meta title or H1."""
    if relative in ("index.md", "README.md", "index.markdown"):
        return "Home"
    stem = PurePosixPath(relative).stem
    stem = "index" if stem == "README" else stem
    title = stem.replace("-", " ").replace("_", " ")
    return title.capitalize() if title.lower() == title else title


def nav_titles(nav: Any) -> dict[str, str]:
    """``{page path under docs_dir: title}`` from a ``nav:`` value; pages listed without a
    title, links and sections' own names give none."""
    titles: dict[str, str] = {}
    stack: list[Any] = [nav]
    seen = 0
    while stack and seen < _MAX_NAV_ITEMS:
        item = stack.pop()
        seen += 1
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            for title, value in item.items():
                if isinstance(value, str) and title is not None:
                    path = PurePosixPath(value.strip().lstrip("/")).as_posix()
                    titles.setdefault(path, " ".join(str(title).split()))
                elif isinstance(value, (list, dict)):
                    stack.append(value)
    return titles


def site_nav_titles(root: Path) -> dict[str, str]:
    """The nav titles of the MkDocs project at ``root`` (``mkdocs.yml``), {} when it has no
    nav or cannot be read. Remembered per file and its modification time."""
    for name in ("mkdocs.yml", "mkdocs.yaml"):
        path = root / name
        try:
            stamp = os.stat(path).st_mtime_ns
        except OSError:
            continue
        return _nav_of(path, stamp)
    return {}


@lru_cache(maxsize=32)
def _nav_of(path: Path, stamp: int) -> dict[str, str]:
    text = consulted_text(path)  # capped, never a FIFO or device
    if text is None:
        return {}
    try:
        data = yaml.load(text, Loader=_ConfigLoader)  # noqa: S506 - a SafeLoader
    except (yaml.YAMLError, ValueError, RecursionError):
        return {}
    return nav_titles(data.get("nav")) if isinstance(data, dict) else {}
