"""What every command module shares: exit codes, the environment read into the API's options.

Kept apart from :mod:`mdwx.cli.main` so the command modules it registers (publish, state,
hook) need not import the module that imports them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from mdwx.errors import ConfigError, MdwxError

if TYPE_CHECKING:
    from mdwx.api import Options

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


def sandbox_port() -> int:
    """The port the in-process sandbox tries first: ``MDWX_SANDBOX_PORT``, else 8765."""
    text = os.environ.get("MDWX_SANDBOX_PORT", "").strip()
    if not text:
        return 8765
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise ConfigError(
            f"MDWX_SANDBOX_PORT={text!r} is not a port", hint="a number from 1 to 65535"
        )
    return int(text)


def options_from_env(**changes: Any) -> Options:
    """The API options for a command: credentials, ``MDWX_API_BASE`` (and ``MDWX_ALLOW_API_BASE``), ``MDWX_STATE`` and
    ``MDWX_SANDBOX_PORT`` and ``MDWX_THEME`` from the environment (the only place the command line reads them),
    plus ``changes``."""
    from mdwx.api import Credentials, Options

    if changes.get("sandbox"):
        changes.setdefault("sandbox_port", sandbox_port())
    if os.environ.get("MDWX_THEME", "").strip():  # a CI job choosing a theme without editing files
        changes.setdefault("theme", os.environ["MDWX_THEME"].strip())
    # Each [accounts.NAME]'s secret is read from the variable its config names, when used.
    allowed = tuple(os.environ.get("MDWX_ALLOW_API_BASE", "").replace(",", " ").split())
    return Options(
        credentials=Credentials.from_env(),
        api_base=os.environ.get("MDWX_API_BASE") or None,
        allow_api_base=allowed,
        state_path=state_override(),
        accounts=Credentials.for_account,
        **changes,
    )


T = TypeVar("T")


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run``, imported here: offline commands (check, build) are registered beside
    the commands that talk to WeChat and must not pay for asyncio at start-up
    (tests/test_offline_imports.py)."""
    import asyncio

    return asyncio.run(coroutine)
