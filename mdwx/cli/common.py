"""What every command module shares: exit codes and the state override.

Kept apart from :mod:`mdwx.cli.main` so the command modules it registers (publish, state,
hook) need not import the module that imports them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mdwx.errors import ConfigError, MdwxError

#: What ``guard`` and the shared options are to a command function: a decorator that keeps
#: it a command function (typed, so ``mypy --strict`` sees through the registration helpers).
CommandDecorator = Callable[[Callable[..., Any]], Callable[..., Any]]

EXIT_OK = 0
EXIT_FAILED = 1  # a post failed validation or publishing
EXIT_USAGE = 2  # usage or configuration error
#: Exit code by error class (the nearest class in the error's MRO wins); others: EXIT_FAILED.
EXIT_CODES: dict[type[MdwxError], int] = {ConfigError: EXIT_USAGE}


def exit_code_for(error: MdwxError) -> int:
    """The exit code the command line ends with for ``error`` (docs/interface.md: 1 a post, 2 usage)."""
    for cls in type(error).__mro__:
        if cls in EXIT_CODES:
            return EXIT_CODES[cls]
    return EXIT_FAILED


def state_override() -> Path | None:
    """``MDWX_STATE``: one state database for every site (None: each site's own)."""
    state = os.environ.get("MDWX_STATE")
    return Path(state) if state else None
