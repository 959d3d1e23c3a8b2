"""GitHub Actions workflow commands: ``mdwx check --format github`` as annotations.

Escaping follows the runner's rules (actions/toolkit ``command.ts``): in the message ``%``,
``\\r`` and ``\\n`` become ``%25``, ``%0D``, ``%0A``; in a property value ``:`` and ``,``
also become ``%3A`` and ``%2C``. So no finding can end its line early or forge a command.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

_WARNING_AT = re.compile(r"^(?P<path>[^:\n]+?)(?::(?P<line>\d+))?: (?P<message>.*)$", re.DOTALL)


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(level: str, message: str, *, file: str | None = None, line: int | None = None,
               title: str | None = None) -> str:
    """One workflow command line: ``::error file=F,line=N,title=T::message``."""
    props = []
    if file:
        props.append(f"file={escape_property(file)}")
    if line:
        props.append(f"line={int(line)}")
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
    """Annotations for ``check`` reports: the error of each failed post, every warning."""
    lines = []
    for report in reports:
        post = str(report.path)
        for warning in report.warnings:
            found = _WARNING_AT.match(str(warning))
            if found and Path(found["path"]).name == Path(post).name:
                lines.append(annotation("warning", found["message"], file=_relative(found["path"]),
                                        line=int(found["line"]) if found["line"] else None, title="mdwx check"))
            else:
                lines.append(annotation("warning", str(warning), file=_relative(post), title="mdwx check"))
        if report.error is not None:
            error = report.error
            message = error.message + (f" ({error.hint})" if error.hint else "")
            lines.append(annotation("error", message, file=_relative(error.path or post), line=error.line,
                                    title="mdwx check"))
    return lines


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
