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


@pytest.fixture(autouse=True, scope="session")
def _sandbox_port_per_worker() -> Iterator[None]:
    """Each xdist worker's ``--sandbox`` runs try their own port first, so a test that
    serves the sandbox again on the port a run printed never finds another worker there."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    previous = os.environ.get("MDWX_SANDBOX_PORT")
    os.environ["MDWX_SANDBOX_PORT"] = str(28765 + int(worker.removeprefix("gw") or 0))
    yield
    if previous is None:
        os.environ.pop("MDWX_SANDBOX_PORT", None)
    else:
        os.environ["MDWX_SANDBOX_PORT"] = previous


@pytest.fixture(params=["media", "draft"])
def api(request: pytest.FixtureRequest):
    """The publishing API a test runs against: each test taking ``api`` runs once per backend
    (tests/backend_helpers.py says where each keeps what it made)."""
    from tests.backend_helpers import APIS

    return APIS[request.param]
