"""What every command module shares: exit codes, the environment read into the API's options.

Kept apart from :mod:`mdwx.cli.main` so the command modules it registers (publish, state,
hook) need not import the module that imports them.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from mdwx.environment import options_from_env, sandbox_port, state_override
from mdwx.errors import ConfigError, MdwxError

__all__ = ["options_from_env", "sandbox_port", "state_override"]  # the commands' environment

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


T = TypeVar("T")


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run``, imported here: offline commands (check, build) are registered beside
    the commands that talk to WeChat and must not pay for asyncio at start-up
    (tests/test_offline_imports.py)."""
    import asyncio

    return asyncio.run(coroutine)
