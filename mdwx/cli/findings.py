"""The human lines of a run's diagnostics: every post's errors and warnings, then the run's
summaries of repeated advice. Printed from :class:`~mdwx.diagnostics.Diagnostic` only: no
message is parsed back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from mdwx.diagnostics import Diagnostic, summaries

Say = Callable[..., None]


def print_findings(
    per_post: Sequence[Sequence[Diagnostic]], say: Say, verdict: Callable[[int], None]
) -> None:
    """For each post: its warnings (yellow), then ``verdict(index)`` (its ✓ or ✗ lines); then
    one line per :data:`~mdwx.diagnostics.SUMMARISED` code met in several posts."""
    kept, run = summaries(per_post)
    for index, found in enumerate(kept):
        for diagnostic in found:
            if not diagnostic.is_error:
                say(f"warning: {diagnostic}", fg="yellow")
        verdict(index)
    for diagnostic in run:
        say(f"warning: {diagnostic}", fg="yellow")


def error_lines(diagnostics: Sequence[Diagnostic], say: Say, **style: Any) -> None:
    """One ``✗ path:line: message (hint)`` line per error."""
    for diagnostic in diagnostics:
        if diagnostic.is_error:
            say(f"✗ {diagnostic}", **style)
