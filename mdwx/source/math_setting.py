"""Whether ``$…$`` is math in a post: the post's word, the site's, else its generator's.

A dollar sign is math only where the writer's own site renders math; on a blog without it,
``$HOME`` or ``$$EnhancerBySpringCGLIB$$`` is text. In order, the first that speaks decides:

1. the front matter: ``math``, ``mathjax`` or ``katex`` set to true or false (the keys the
   themes of Hugo, Hexo and Jekyll read per page);
2. ``math = true | false`` in ``mdwx.toml`` (``"auto"``, the default, goes on);
3. the site's generator, as its documentation sets math up:

   - Obsidian renders math in every note: on;
   - Hugo: ``markup.goldmark.extensions.passthrough.enable`` (gohugo.io's mathematics
     page), or a theme parameter ``math``/``mathjax``/``katex`` that is true or has
     ``enable = true`` (``[params] math = true``, FixIt's ``[math] enable``, Stack's
     ``article.math``), in ``hugo.*``/``config.*`` or ``config/_default/params.*``;
   - Hexo and Jekyll: such a key in ``_config.yml`` (or a Hexo theme's ``_config.*.yml``);
     for Hexo also a math plugin among ``package.json``'s dependencies (:data:`HEXO_MATH_PLUGINS`);
   - MkDocs: ``pymdownx.arithmatex`` (or ``mdx_math``) among ``markdown_extensions``;
   - Pelican: the ``render_math`` plugin in ``pelicanconf.py``;
   - no generator (a site of mdwx's own): on.

Dollar parsing itself follows pandoc's rule (markdown-it-dollarmath, see
:mod:`mdwx.markdown.syntax`): an opening ``$`` is not followed by a space, a closing one not
preceded by a space nor followed by a digit.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from mdwx.files.reader import consulted_text
from mdwx.source.front_keys import MATH_KEYS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

FRONT_MATTER_KEYS = MATH_KEYS
# A theme setting that turns math on: the key's last word, e.g. math, mathjax, page-katex.
_MATH_KEY = re.compile(r"(?:^|[-_.])(?:math|mathjax|katex)$", re.I)
_ARITHMATEX = re.compile(r"^\s*-\s*['\"]?(?:pymdownx\.arithmatex|mdx_math)\b", re.M)
_RENDER_MATH = re.compile(r"""["'](?:[\w.]*\.)?render_math["']""")
_MAX_CONFIG_BYTES = 2_000_000
# Hexo renders math through a plugin (hexo.io/docs/plugins): the renderers and filters that do.
HEXO_MATH_PLUGINS = frozenset(
    {
        "hexo-filter-mathjax",
        "hexo-math",
        "hexo-renderer-kramed",
        "hexo-renderer-markdown-it-plus",
        "@upupming/hexo-renderer-markdown-it-plus",
        "hexo-renderer-pandoc",
        "hexo-filter-katex",
        "hexo-katex",
        "hexo-renderer-mathjax",
        "hexo-renderer-marked-katex",
    }
)


def front_matter_math(front: Mapping[str, Any]) -> bool | None:
    """The post's own word: the first of ``math``/``mathjax``/``katex`` that is a boolean."""
    for key in FRONT_MATTER_KEYS:
        value = front.get(key)
        if isinstance(value, bool):
            return value
        if isinstance(value, Mapping) and isinstance(value.get("enable"), bool):
            return bool(value["enable"])
    return None


def math_enabled(
    front: Mapping[str, Any],
    setting: bool | None,
    generator: str | None,
    generator_root: Path | None,
    post: Path,
    site_root: Path,
) -> bool:
    """Whether the post's ``$`` signs are math (see the module docstring for the order).

    ``setting`` is mdwx.toml's ``math`` (None: auto); ``generator``/``generator_root`` the
    site generator mdwx reads the post as (None: none); ``site_root`` bounds the search
    for an MkDocs or Pelican project above the post. Reads only those sites' config files.
    """
    own = front_matter_math(front)
    if own is not None:
        return own
    if setting is not None:
        return setting
    if generator == "obsidian":
        return True
    if generator in ("hugo", "hexo", "jekyll") and generator_root is not None:
        return generator_math(generator, generator_root)
    project = _plugin_project(post, site_root)
    return _plugin_math(*project) if project else True


@lru_cache(maxsize=64)
def generator_math(generator: str, root: Path) -> bool:
    """Whether the Hugo, Hexo or Jekyll site at ``root`` turns math on for every page."""
    if generator == "hugo":
        configs = [
            root / f"{stem}.{ext}"
            for stem in ("hugo", "config")
            for ext in ("toml", "yaml", "yml", "json")
        ]
        params = [
            root / "config" / "_default" / f"params.{ext}"
            for ext in ("toml", "yaml", "yml", "json")
        ]
        markup = [
            root / "config" / "_default" / f"markup.{ext}"
            for ext in ("toml", "yaml", "yml", "json")
        ]
        tables = [read_site_config(p) for p in configs]
        if any(_passthrough(t.get("markup", {})) for t in tables) or any(
            _passthrough(read_site_config(p)) for p in markup
        ):
            return True
        return any(_says_math(t.get("params", {})) for t in tables) or any(
            _says_math(read_site_config(p)) for p in params
        )
    names = ["_config.yml", "_config.yaml"]
    if generator == "hexo":
        package = read_site_config(root / "package.json")
        dependencies = package.get("dependencies", {}) if isinstance(package, Mapping) else {}
        if isinstance(dependencies, Mapping) and HEXO_MATH_PLUGINS & set(dependencies):
            return True
        names += sorted(p.name for p in root.glob("_config.*.y*ml"))
        names += [
            f"themes/{p.parent.name}/_config.yml" for p in sorted(root.glob("themes/*/_config.yml"))
        ]
    return any(_says_math(read_site_config(root / name)) for name in names)


def _says_math(table: Any, depth: int = 3) -> bool:
    """A math key set to true, or to a table with ``enable``/``enabled`` true, ``depth`` levels deep."""
    if not isinstance(table, Mapping) or depth < 0:
        return False
    for key, value in table.items():
        if _MATH_KEY.search(str(key)):
            if value is True or (
                isinstance(value, Mapping)
                and (
                    value.get("enable") is True
                    or value.get("enabled") is True
                    or _says_math(value, 0)
                )
            ):
                return True
        elif isinstance(value, Mapping) and _says_math(value, depth - 1):
            return True
    return False


def _passthrough(markup: Any) -> bool:
    """Hugo's documented math set-up: ``goldmark.extensions.passthrough.enable``."""
    node: Any = markup
    for key in ("goldmark", "extensions", "passthrough", "enable"):
        node = node.get(key) if isinstance(node, Mapping) else None
    return node is True


def _plugin_project(post: Path, site_root: Path) -> tuple[str, Path] | None:
    """The MkDocs or Pelican project file nearest above ``post``, not above ``site_root``."""
    folder = post.parent
    for candidate in (folder, *folder.parents):
        for name, kind in (
            ("mkdocs.yml", "mkdocs"),
            ("mkdocs.yaml", "mkdocs"),
            ("pelicanconf.py", "pelican"),
        ):
            if (candidate / name).is_file():
                return kind, candidate / name
        if candidate == site_root or not candidate.is_relative_to(site_root):
            return None
    return None


@lru_cache(maxsize=64)
def _plugin_math(kind: str, config: Path) -> bool:
    text = _text(config)
    return bool((_ARITHMATEX if kind == "mkdocs" else _RENDER_MATH).search(text))


def _text(path: Path) -> str:
    return consulted_text(path, limit=_MAX_CONFIG_BYTES) or ""  # capped, never a FIFO or device


def read_site_config(path: Path) -> Any:
    """A site generator's TOML, YAML or JSON config file as data (read capped, through the
    site's reader); {} when absent or unreadable. Shared by the source stage's readers of
    generator settings (math, line breaks, attribute lists)."""
    if not path.is_file():
        return {}
    text = _text(path)
    try:
        if path.suffix == ".toml":
            return tomllib.loads(text)
        if path.suffix == ".json":
            return json.loads(text)
        return yaml.safe_load(text) or {}
    except (ValueError, yaml.YAMLError, RecursionError):
        return {}
