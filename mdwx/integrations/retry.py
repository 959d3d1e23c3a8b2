"""The posts an earlier publish failed, which the next push through a hook publishes again.

A failed post is remembered by the publish run itself (:mod:`mdwx.publish.state.pending`, at
the gate every door passes); this module only finds the remembered posts of the sites in a
work tree, so a hook can publish them with the posts its push changed. It never decides
anything about a post: publishing it decides, and clears the row on success.
"""

from __future__ import annotations

import os
from pathlib import Path

from mdwx.environment import state_override
from mdwx.errors import ConfigError
from mdwx.publish.state.store import State
from mdwx.source.gate import collect_posts


def pending_posts(top: Path) -> list[Path]:
    """Absolute paths of the posts under ``top`` a publish run failed and has not published
    since, by the state databases of their sites (``MDWX_STATE`` honoured). A remembered post
    that is no longer a post of its site (deleted, renamed, excluded) is forgotten."""
    try:
        posts = collect_posts([top])
    except ConfigError as exc:
        if exc.message == "no Markdown posts found":
            return []
        raise
    override = state_override()
    sites: dict[Path, dict[str, Path]] = {}
    for post in posts:
        database = override or post.config.state_path
        sites.setdefault(database, {})[post.relative] = Path(os.path.realpath(post.path))
    found: set[Path] = set()
    for database, known in sites.items():
        if not database.is_file():
            continue
        with State.open(database) as state:
            for record in state.pending():
                path = known.get(record.source_path)
                if path is None:
                    if not override:  # one shared database may hold other sites' posts
                        state.clear_pending(record.source_path)
                    continue
                found.add(path)
    return sorted(found)
