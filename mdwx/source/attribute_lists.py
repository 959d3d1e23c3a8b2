"""Where a Hugo site writes Goldmark attribute lists, which its pages never show as text.

Hugo's Markdown attributes (gohugo.io, "Markdown attributes"; the defaults of
``markup.goldmark.parser.attribute``): ``title = true`` by default, so ``## Heading {#id
.class}`` takes the list as the heading's attributes; ``block = false`` by default, and when
a site turns it on, a line such as ``{.text-secondary style="…"}`` directly below a
paragraph, list, table, quote or code block is that block's attributes. Either way the list
is not text. The source stage reads the site's config here; the render only gets the kinds
(``"heading"``, ``"block"``) and drops those lists (:mod:`mdwx.render.attribute_lists`).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from mdwx.source.math_setting import read_site_config

_EXTENSIONS = ("toml", "yaml", "yml", "json")


@lru_cache(maxsize=64)
def attribute_list_kinds(generator: str, root: Path) -> frozenset[str]:
    """The kinds of attribute lists the ``generator`` site at ``root`` reads (none but Hugo's)."""
    if generator != "hugo":
        return frozenset()
    tables = [
        read_site_config(root / f"{stem}.{ext}")
        for stem in ("hugo", "config")
        for ext in _EXTENSIONS
    ]
    settings = [_attribute_table((t or {}).get("markup")) for t in tables if isinstance(t, Mapping)]
    settings += [
        _attribute_table(read_site_config(root / "config" / "_default" / f"markup.{ext}"))
        for ext in _EXTENSIONS
    ]
    title, block = True, False  # Hugo's defaults
    for setting in settings:
        if isinstance(setting, Mapping):
            title = setting.get("title", title) is not False
            block = setting.get("block", block) is True
    return frozenset({"heading"} if title else set()) | frozenset({"block"} if block else set())


def _attribute_table(markup: Any) -> Any:
    node = markup
    for key in ("goldmark", "parser", "attribute"):
        node = node.get(key) if isinstance(node, Mapping) else None
    return node
