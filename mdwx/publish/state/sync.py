"""Keep a site's ``state_file`` export and its state database in step around a run.

With ``state_file = ".mdwx/state.jsonl"`` in mdwx.toml, the export is merged into the
database before a run (a fresh CI runner or server hook has no database: it is made from the
export, so no post it records is published again) and written after it when the state
changed, ready to be committed or cached.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from mdwx.errors import StateError
from mdwx.files.reader import read_config_text
from mdwx.publish.state.export import MAX_BYTES, sync_after, sync_before
from mdwx.source.gate import collect_posts


def _sites(paths: Sequence[Path], state_path: Path | None) -> dict[Path, tuple[Path, Path]]:
    """Site root → (state database, export) for the sites of ``paths`` that keep an export."""
    sites: dict[Path, tuple[Path, Path]] = {}
    for post in collect_posts(paths):
        export = post.config.state_export_path
        if export is not None:
            sites[post.config.root] = (state_path or post.config.state_path, export)
    return sites


@contextlib.contextmanager
def exported_state(
    paths: Sequence[Path],
    state_path: Path | None = None,
    *,
    write: bool = True,
    say: Callable[[str], None] = lambda _line: None,
) -> Iterator[None]:
    """Around a run over the posts ``paths`` name: import each site's export first, export after.

    ``state_path``: one state database for every site (``MDWX_STATE``), else each site's own.
    ``write=False`` (a dry run, status) imports only. The export is written even when the run
    fails part-way, since what was sent before the failure is recorded in the database.
    Raises :class:`mdwx.errors.StateError` for an export that does not parse (file and line).
    """
    sites = _sites(paths, state_path)
    before: dict[Path, str | None] = {}
    for db, export in sites.values():
        report = sync_before(db, export)
        if report is not None:
            for conflict in report.conflicts:
                say(f"note: {export}: {conflict}")
        before[export] = _contents(export)
    try:
        yield
    finally:
        if write:
            for db, export in sites.values():
                # The run's state (mdwx.publish.state.synced) may have written it already.
                if sync_after(db, export) or _contents(export) != before[export]:
                    say(f"state exported to {export} (commit it, or cache it, for the next run)")


def _contents(export: Path) -> str | None:
    """The export's text (through the capped reader), None when missing or unreadable."""
    if not export.is_file():
        return None
    try:
        return read_config_text(export, error=StateError, limit=MAX_BYTES)
    except StateError:
        return None
