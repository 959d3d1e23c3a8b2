"""The state of one site opened in step with its ``state_file`` export.

Every run that may send (publish, send, preview --phone, delete, comments, reconcile) opens
its state here: the export committed by an earlier runner is merged into the database
before the first record is read, and the export is written again when the state is closed.
A fresh CI runner that has only the export therefore sees the 群发 and drafts an earlier
runner recorded, and never sends the same post version twice (docs/ci.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mdwx.publish.state.export import sync_after, sync_before
from mdwx.publish.state.store import State

if TYPE_CHECKING:
    from mdwx.config import SiteConfig


class SyncedState(State):
    """A :class:`State` that writes its site's export (when it has one) as it closes."""

    export: Path | None = None

    def close(self) -> None:
        """Close the database, then bring the export up to date (written only when changed).

        Runs on the way out of a failed run too: what was sent before the failure is
        recorded in the database and must reach the next runner. Raises
        :class:`mdwx.errors.StateError` when the export cannot be written.
        """
        super().close()
        export, self.export = self.export, None  # a second close writes nothing again
        if export is not None:
            sync_after(self.path, export)


def open_site_state(config: SiteConfig, notes: list[str], *, write: bool = True) -> State:
    """The site's state database with its ``state_file`` export merged in first.

    ``write=False`` (a dry run, a status query) imports only. Conflicts between the export
    and the database (the newer record is kept) are appended to ``notes`` as lines.
    Raises :class:`mdwx.errors.StateError` for an export that does not parse (file and line)
    or a locked, corrupt or newer database.
    """
    export = config.state_export_path
    if export is not None:
        report = sync_before(config.state_path, export)
        if report is not None:
            notes += [f"{export}: {conflict}" for conflict in report.conflicts]
    state = SyncedState.open(config.state_path)
    assert isinstance(state, SyncedState)  # State.open makes its class's instance
    state.export = export if write else None
    return state
