"""What the library's calls take as posts.

Paths or in-memory :class:`~mdwx.api.types.Post` objects, turned into the pipeline's posts
(each with its site's config and the call's overrides). Shared by :mod:`.aio` and
:mod:`.status`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from mdwx.api.connection import with_overrides
from mdwx.api.types import Options, Post
from mdwx.errors import ConfigError
from mdwx.source.posts import Post as SitePost

#: One post: a path (``str`` or ``os.PathLike``: a file, or a folder of posts) or a :class:`Post`.
Source = str | os.PathLike[str] | Post
#: One source or a sequence of them.
Sources = Source | Sequence[Source]
UNNAMED_POST = "post.md"  # what an in-memory post without a path is called, in the current folder


def site_posts(posts: Sources, options: Options, *, need_path: str | None = None) -> list[SitePost]:
    """The posts named by ``posts``, each with its site's config and the call's overrides.

    Folders expand to their posts; a path named twice counts once. ``need_path`` names the
    call when in-memory posts must have a path (their identity). Raises :class:`ConfigError`
    for a path that does not exist, no posts, or a missing ``path``.
    """
    from mdwx.config import load_config
    from mdwx.source.posts import collect_posts

    sources: Sequence[Source] = [posts] if isinstance(posts, (str, os.PathLike, Post)) else posts
    if not sources:
        raise ConfigError("no post or folder given", hint="e.g. mdwx build posts/")
    items: list[SitePost] = []
    paths: list[str | os.PathLike[str]] = []  # a run of paths, expanded together as the CLI does
    for source in [*sources, None]:
        if not isinstance(source, Post) and source is not None:
            paths.append(source)
            continue
        if paths:
            items += collect_posts([Path(path) for path in paths])
            paths = []
        if source is None:
            break
        if source.path is None and need_path:
            raise ConfigError(f"an in-memory post needs a path to {need_path}",
                              hint="Post(text, path=...): the path is the post's identity on WeChat")
        if not isinstance(source.text, str):
            raise ConfigError(f"Post.text must be a string, not {type(source.text).__name__}")
        path = Path(source.path if source.path is not None else UNNAMED_POST).expanduser().resolve()
        items.append(SitePost(path, load_config(path), source.text, dict(source.meta)))
    found: list[SitePost] = []
    seen: set[Path] = set()
    for item in items:
        if item.path not in seen:
            seen.add(item.path)
            found.append(with_overrides(item, options))
    return found
