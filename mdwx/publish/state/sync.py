"""Keep a site's ``state_file`` export and its state database in step around a run.

With ``state_file = ".mdwx/state.jsonl"`` in mdwx.toml, the export is merged into the
database before a run (a fresh CI runner or server hook has no database: it is made from the
export, so no post it records is published again) and written after it when the state
changed, ready to be committed or cached.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from mdwx.publish.state.export import sync_after, sync_before


@contextlib.contextmanager
def exported_state(posts: Sequence[Any], *, write: bool = True,
                   say: Callable[[str], None] = lambda _line: None) -> Iterator[None]:
    """Around a run over ``posts``: import each site's export first, export after.

    ``write=False`` (a dry run) imports only. The export is written even when the run
    fails part-way, since what was sent before the failure is recorded in the database.
    """
    sites = {}
    for post in posts:
        export = post.config.state_export_path
        if export is not None:
            sites[post.config.root] = (post.config.state_path, export)
    for db, export in sites.values():
        report = sync_before(db, export)
        if report is not None:
            for conflict in report.conflicts:
                say(f"note: {export}: {conflict}")
    try:
        yield
    finally:
        if write:
            for db, export in sites.values():
                if sync_after(db, export):
                    say(f"state exported to {export} (commit it, or cache it, for the next run)")
