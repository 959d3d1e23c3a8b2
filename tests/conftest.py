"""Test-wide settings: the suite never writes to the user's own cache folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Formula cache (and any other mdwx cache) in a temp folder, also for subprocesses."""
    folder = tmp_path_factory.mktemp("mdwx-cache")
    previous = os.environ.get("MDWX_CACHE_DIR")
    os.environ["MDWX_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("MDWX_CACHE_DIR", None)
    else:
        os.environ["MDWX_CACHE_DIR"] = previous
