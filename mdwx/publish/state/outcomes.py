"""What a publish run leaves in the state's ``pending`` table (see
:mod:`mdwx.publish.state.pending`): called once per site by :func:`mdwx.api.aio.publish`, the
gate every door publishes through, never by a door."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mdwx.errors import MdwxError
    from mdwx.publish.results import PostResult
    from mdwx.publish.state.store import State


def remember_outcomes(state: State, paths: Sequence[str], results: Sequence[PostResult]) -> None:
    """A failed post is remembered with its reason; one the run published, kept, skipped on
    purpose or found unchanged is forgotten (for the account it went to)."""
    for path, result in zip(paths, results, strict=True):
        if result.status == "dry-run":
            continue
        if result.error is not None:
            state.remember_failure(path, result.account or "", str(result.error))
        else:
            state.clear_pending(path, result.account or "")


def remember_run_failure(
    state: State, targets: Sequence[tuple[str, str]], error: MdwxError
) -> None:
    """The run stopped before sending (missing credentials, a wrong account): each
    (path, account) it was to publish that has no article yet is remembered with that
    reason, for a hook to retry; a post already in the account keeps its record (nothing
    was sent, so nothing about it changed)."""
    for path, account in targets:
        state.remember_unsent(path, account, str(error))
