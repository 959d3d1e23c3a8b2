"""The environment read into the API's options: the one place below the command line that
reads ``MDWX_*`` variables for a run (the command line and the site-generator plugins share it).

Kept below :mod:`mdwx.cli` and :mod:`mdwx.integrations` so a plugin needs no command-line
module to build its options.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mdwx.errors import ConfigError

if TYPE_CHECKING:
    from mdwx.api import Options


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
