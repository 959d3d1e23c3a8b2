"""Which site generator laid out a folder: the marker files each one's site root holds.

Pure file-system probing, so :mod:`mdwx.source.site` can ask for a generator's site root
when a site has no ``mdwx.toml``.

- Hugo: ``hugo.toml`` / ``hugo.yaml`` / ``hugo.json`` / ``config.toml`` / ``config.yaml`` /
  ``config/_default/`` beside a ``content/`` folder (gohugo.io/getting-started/directory-structure).
- Hexo: ``_config.yml`` beside ``source/_posts/`` (hexo.io/docs/setup).
- Jekyll: ``_config.yml`` beside ``_posts/`` (jekyllrb.com/docs/structure).
- Obsidian: a ``.obsidian/`` folder at the vault's root (help.obsidian.md/Files+and+folders).
  A vault without one is recognised by its notes (see :func:`mdwx.source.generators.adapt`).
- MkDocs: ``mkdocs.yml`` / ``mkdocs.yaml`` (pages under its ``docs_dir``, default ``docs``).
- Pelican: ``pelicanconf.py`` (articles under its ``PATH``, usually ``content``).

Nested roots: the nearest folder at or above a post wins (an Obsidian vault inside another
vault is its own vault, as Obsidian opens it).
"""

from __future__ import annotations

from pathlib import Path

from mdwx.config import GENERATOR_NAMES

__all__ = ["GENERATOR_NAMES", "HUGO_CONFIGS", "find_generator_root", "generator_at"]
#: The files whose presence makes a folder a Hugo site (its config, by every name Hugo reads).
HUGO_CONFIGS = (
    "hugo.toml",
    "hugo.yaml",
    "hugo.yml",
    "hugo.json",
    "config.toml",
    "config.yaml",
    "config.yml",
    "config.json",
)


def generator_at(folder: Path) -> str | None:
    """The generator whose site root ``folder`` is, or None. Order settles a folder that is
    two at once (a Hugo site kept inside an Obsidian vault is a Hugo site)."""
    try:
        if (folder / "content").is_dir() and (
            any((folder / name).is_file() for name in HUGO_CONFIGS)
            or (folder / "config" / "_default").is_dir()
        ):
            return "hugo"
        if (folder / "_config.yml").is_file() or (folder / "_config.yaml").is_file():
            if (folder / "source" / "_posts").is_dir():
                return "hexo"
            if (folder / "_posts").is_dir():
                return "jekyll"
        if (folder / ".obsidian").is_dir():
            return "obsidian"
        if (folder / "mkdocs.yml").is_file() or (folder / "mkdocs.yaml").is_file():
            return "mkdocs"
        if (folder / "pelicanconf.py").is_file():
            return "pelican"
    except OSError:
        return None
    return None


def find_generator_root(start: Path) -> tuple[str, Path] | None:
    """The nearest folder at or above ``start`` that is a generator's site root."""
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        name = generator_at(candidate)
        if name:
            return name, candidate
    return None
