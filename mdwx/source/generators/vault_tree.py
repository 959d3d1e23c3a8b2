"""A folder without ``.obsidian/`` that is an Obsidian vault all the same.

A vault kept in git without its settings (Obsidian's own help is one) has no marker. Obsidian
syntax in any of its notes (``![[embeds]]``, ``[[wikilinks]]`` outside code) makes the whole
folder a vault, so its notes without links still lose their ``%%comments%%``, ``==marks==``
and ``^block-ids``, and its attachments are found from the vault's root, as Obsidian finds
them. The gate (:func:`mdwx.source.gate.admit`) decides it for the posts a folder holds,
reading each post through the post itself (read once per run, as every other read).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from mdwx.config import SiteConfig
from mdwx.errors import MdwxError
from mdwx.source.generators.detect import find_generator_root
from mdwx.source.generators.obsidian import uses_vault_syntax
from mdwx.source.posts import Post


def read_as_vault(
    posts: list[Post], folder_config: SiteConfig, unmarked: Callable[[SiteConfig], bool]
) -> list[Post]:
    """``posts`` (a folder's, whose config is ``folder_config``) with the sites that are
    unmarked vaults read as Obsidian's: when one post of a site with no generator (and
    ``generator = "auto"``) uses Obsidian's syntax, every post of it takes
    ``generator = "obsidian"``. A post whose site root is only its own folder by default
    (``unmarked``) below an unmarked folder named takes that folder as its site (the vault's
    root, so ``../attach/`` pictures are inside it)."""
    folders: dict[Path, bool] = {}  # a folder's posts share the answer: one walk per folder

    def generator_free(post: Post) -> bool:
        folder = post.path.parent
        if folder not in folders:
            folders[folder] = _generator_free(post)
        return folders[folder]

    candidates = [post for post in posts if generator_free(post)]
    free = {post.path for post in candidates}
    if not candidates:
        return posts
    widen = unmarked(folder_config) and _generator_free_config(folder_config)

    def site_of(post: Post) -> SiteConfig:
        if widen and _below(post, folder_config) and unmarked(post.config):
            return folder_config
        return post.config

    vaults: set[Path] = set()
    for post in candidates:
        root = site_of(post).root
        if root not in vaults and _uses_syntax(post):
            vaults.add(root)
    made: dict[Path, SiteConfig] = {}
    out = []
    for post in posts:
        site = site_of(post)
        if site.root not in vaults or post.path not in free:
            out.append(post)
            continue
        if site.root not in made:
            made[site.root] = dataclasses.replace(site, generator="obsidian")
        out.append(dataclasses.replace(post, config=made[site.root]))
    return out


def read_alone_as_vault(post: Post, site_notes: Callable[[], list[Post]]) -> Post:
    """``post``, a note named alone, read as a run over its site's folder reads it: as a
    note of an unmarked vault when any note of its site (``site_notes``, called only for a
    note of no generator's site) uses Obsidian's syntax, not only when it does itself."""
    if not _generator_free(post):
        return post
    others = [note for note in site_notes() if note.path != post.path]
    return read_as_vault([post, *others], post.config, lambda config: False)[0]


def _generator_free(post: Post) -> bool:
    return _generator_free_config(post.config) and find_generator_root(post.path) is None


def _generator_free_config(config: SiteConfig) -> bool:
    return (config.generator or "auto") == "auto" and find_generator_root(config.root) is None


def _below(post: Post, config: SiteConfig) -> bool:
    return post.config.root != config.root and post.config.root.is_relative_to(config.root)


def _uses_syntax(post: Post) -> bool:
    try:
        return uses_vault_syntax(post.source_text())
    except MdwxError:
        return False  # the post fails when it is read for the run, with its own error
