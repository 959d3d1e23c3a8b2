"""Whether a single newline inside a paragraph is a line break, as the post's generator shows it.

CommonMark joins the lines of a paragraph; some generators keep each line instead, and a post
written for them reads as one run-on line when joined. The generators' own documented rules:

- Obsidian: the editor setting "Strict line breaks" (``strictLineBreaks`` in the vault's
  ``.obsidian/app.json``) is off by default, so each newline is a break; on, lines join.
  A vault kept without ``.obsidian/`` has the default.
- Hexo: the default renderer, hexo-renderer-marked, has ``breaks: true`` (``marked:`` in
  ``_config.yml``); hexo-renderer-markdown-it (``markdown: render: breaks:``) and
  hexo-renderer-kramed (``kramed: breaks:``) default to true too; hexo-renderer-pandoc
  follows pandoc, which joins lines.
- Hugo, Jekyll, MkDocs, Pelican and mdwx's own sites join lines, as CommonMark does.

The source stage decides (this module reads the config files, capped); the render only gets
the answer (``Article.line_breaks``, markdown-it's ``breaks`` option).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from mdwx.source.math_setting import read_site_config


@lru_cache(maxsize=64)
def kept_line_breaks(generator: str, root: Path) -> bool:
    """Whether the ``generator`` site at ``root`` shows a paragraph's single newlines as breaks."""
    if generator == "obsidian":
        app = read_site_config(root / ".obsidian" / "app.json")
        return not (isinstance(app, Mapping) and app.get("strictLineBreaks") is True)
    if generator == "hexo":
        return _hexo_breaks(root)
    return False


def _hexo_breaks(root: Path) -> bool:
    package = read_site_config(root / "package.json")
    dependencies = package.get("dependencies", {}) if isinstance(package, Mapping) else {}
    renderers = set(dependencies) if isinstance(dependencies, Mapping) else set()
    if "hexo-renderer-pandoc" in renderers:
        return False
    config = read_site_config(root / "_config.yml") or read_site_config(root / "_config.yaml")
    if any(name.startswith("hexo-renderer-markdown-it") for name in renderers):
        return _flag(config, ("markdown", "render", "breaks"), ("markdown", "breaks"))
    if "hexo-renderer-kramed" in renderers:
        return _flag(config, ("kramed", "breaks"))
    return _flag(config, ("marked", "breaks"))


def _flag(config: Any, *paths: tuple[str, ...]) -> bool:
    """The first boolean found at one of ``paths`` in ``config``; true (the default) if none."""
    for path in paths:
        node = config
        for key in path:
            node = node.get(key) if isinstance(node, Mapping) else None
        if isinstance(node, bool):
            return node
    return True
