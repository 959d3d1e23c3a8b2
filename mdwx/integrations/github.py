"""GitHub Actions workflow commands: ``mdwx check --format github`` as annotations.

Escaping follows the runner's rules (actions/toolkit ``command.ts``): in the message ``%``,
``\\r`` and ``\\n`` become ``%25``, ``%0D``, ``%0A``; in a property value ``:`` and ``,``
also become ``%3A`` and ``%2C``. So no finding can end its line early or forge a command.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mdwx.diagnostics import Diagnostic, at_path, summaries


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(
    level: str,
    message: str,
    *,
    file: str | None = None,
    line: int | None = None,
    col: int | None = None,
    title: str | None = None,
) -> str:
    """One workflow command line: ``::error file=F,line=N,col=C,title=T::message``."""
    props = []
    if file:
        props.append(f"file={escape_property(file)}")
    if line:
        props.append(f"line={int(line)}")
    if line and col:
        props.append(f"col={int(col)}")
    if title:
        props.append(f"title={escape_property(title)}")
    return f"::{level}{' ' + ','.join(props) if props else ''}::{escape_data(message)}"


def _relative(path: str) -> str:
    """A path as GitHub names files: relative to the workspace (the current folder)."""
    base = os.environ.get("GITHUB_WORKSPACE") or os.getcwd()
    try:
        return Path(os.path.relpath(path, base)).as_posix()
    except ValueError:
        return path


def report_annotations(reports: Iterable[Any]) -> list[str]:
    """Annotations for ``check`` reports: every error and warning of each post, at its file,
    line and column, titled ``mdwx check (<code>)``; advice repeated over posts (``no-cover``) once.

    Each report gives its ``diagnostics`` (:class:`~mdwx.diagnostics.Diagnostic`); a finding
    without a file is put on the post's.
    """
    reports = list(reports)
    kept, run = summaries([at_path(r.diagnostics, str(r.path)) for r in reports])
    lines = [diagnostic_annotation(d) for found in kept for d in found]
    return lines + [diagnostic_annotation(d, level="notice") for d in run]


def diagnostic_annotation(diagnostic: Diagnostic, *, level: str | None = None) -> str:
    """One workflow command for one diagnostic: ``error``/``warning`` by its severity."""
    message = diagnostic.message + (f" ({diagnostic.hint})" if diagnostic.hint else "")
    return annotation(
        level or diagnostic.severity.value,
        message,
        file=_relative(diagnostic.path) if diagnostic.path else None,
        line=diagnostic.line,
        col=diagnostic.column,
        title=f"mdwx check ({diagnostic.code})",
    )


def workspace_path(value: str, workspace: str | Path) -> Path:
    """``value`` (the Action's ``state-file``) as a path inside ``workspace``, links resolved.

    Raises ValueError with a one-line reason for a path that is empty, holds a control
    character, or leads (by ``..``, an absolute path or a symbolic link) outside the
    workspace: a workflow input must not make the Action write elsewhere on the runner.
    """
    if not value.strip() or any(not c.isprintable() for c in value):
        raise ValueError(f"state-file must be a path inside the workspace, not {value!r}")
    root = Path(os.path.realpath(workspace))
    target = Path(os.path.realpath(root / value))
    if target == root or root not in target.parents:
        raise ValueError(f"state-file {value!r} leads outside the workspace {root}")
    return target


def main(argv: list[str]) -> int:
    """The Action's helper: ``error|warning|notice MESSAGE`` prints one escaped workflow
    command; ``workspace-path PATH`` prints PATH inside ``$GITHUB_WORKSPACE`` (exit 2 and an
    error command when it leads outside); ``check-path PATH`` the same, printing nothing
    when it is inside."""
    if len(argv) == 2 and argv[0] in ("error", "warning", "notice"):
        print(annotation(argv[0], argv[1], title="mdwx"))
        return 0
    if len(argv) == 2 and argv[0] in ("workspace-path", "check-path"):
        try:
            inside = workspace_path(argv[1], os.environ.get("GITHUB_WORKSPACE") or os.getcwd())
            if argv[0] == "workspace-path":
                print(inside)
        except ValueError as exc:
            print(annotation("error", str(exc), title="mdwx"))
            return 2
        return 0
    print(annotation("error", f"unknown helper call {argv!r}", title="mdwx"))
    return 2


if __name__ == "__main__":  # pragma: no cover - run by action.yml
    import sys

    sys.exit(main(sys.argv[1:]))
