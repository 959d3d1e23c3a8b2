"""What the library's calls take as posts.

Paths or in-memory :class:`~mdwx.publish.run_options.Post` objects, turned into the pipeline's posts
(each with its site's config and the call's overrides). Shared by :mod:`.aio` and
:mod:`.status`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from mdwx.errors import ConfigError
from mdwx.publish.run_options import Post, RunOptions
from mdwx.source.posts import Post as SitePost

#: One post: a path (``str`` or ``os.PathLike``: a file, or a folder of posts) or a :class:`Post`.
Source = str | os.PathLike[str] | Post
#: One source or a sequence of them.
Sources = Source | Sequence[Source]


def site_posts(
    posts: Sources, options: RunOptions, *, need_path: str | None = None
) -> list[SitePost]:
    """The posts named by ``posts``, each with its site's config and the call's overrides.

    Folders expand to their posts; a path named twice counts once. ``need_path`` names the
    call when in-memory posts must have a path (their identity). Everything goes through the
    gate (:func:`mdwx.source.gate.admit`). Raises :class:`ConfigError` for a path that does
    not exist, no posts, a missing ``path``, or an in-memory post with no site of its own.
    """
    from mdwx.source.gate import InMemory, admit

    sources: Sequence[Source] = [posts] if isinstance(posts, (str, os.PathLike, Post)) else posts
    items: list[str | os.PathLike[str] | InMemory] = []
    for source in sources:
        if not isinstance(source, Post):
            items.append(source)
            continue
        if source.path is None and need_path:
            raise ConfigError(
                f"an in-memory post needs a path to {need_path}",
                hint="Post(text, path=...): the path is the post's identity on WeChat",
            )
        items.append(InMemory(source.text, source.path, source.meta, source.root))
    return [with_overrides(item, options) for item in admit(items)]


def with_overrides(post: SitePost, options: RunOptions) -> SitePost:
    """The post with the call's ``state_path``, ``api_base`` and ``theme`` laid over its site config."""
    changes: dict[str, Any] = {}
    if options.state_path is not None:
        changes["state_file"] = Path(options.state_path)
    if options.api_base:
        changes["api_base"] = options.api_base
    if options.theme:
        changes["theme"] = options.theme
    return replace(post, config=replace(post.config, **changes)) if changes else post
