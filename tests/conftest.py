"""Test-wide settings: the suite never writes to the user's own cache folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from mdwx.sandbox import SandboxServer
from tests import factories

# One Hypothesis profile for the whole suite: no per-example deadline (a busy 2-core machine
# makes any deadline a coin toss) and fixtures shared across examples are fine (every
# property builds what it needs per example). CI runs derandomised, so a red run is
# reproducible; local runs keep exploring new examples. Tests set only ``max_examples``.
settings.register_profile(
    "mdwx",
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=bool(os.environ.get("CI")),
)
settings.load_profile("mdwx")


@pytest.fixture(autouse=True, scope="session")
def _mdwx_compiled_once() -> None:
    """mdwx's bytecode on disk before any test starts ``python -m mdwx``.

    With ``PYTHONDONTWRITEBYTECODE`` set (common in containers and CI images) nothing writes
    ``__pycache__``, so every CLI subprocess, git hook and pre-commit run compiled all of
    mdwx from source again: most of a second each, about a hundred times per suite.
    ``compileall`` writes the files whatever that variable says; the interpreter still reads
    them. Up-to-date files are skipped, so each xdist worker's call is cheap after the first.
    """
    import compileall

    import mdwx

    compileall.compile_dir(Path(mdwx.__file__).parent, quiet=1, workers=1)


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Formula and diagram cache (and any other mdwx cache) in a temp folder, also for
    subprocesses, never the user's own.

    One folder for every xdist worker of the run: the corpus's formulas and diagrams are then
    drawn once per run instead of once per worker (a diagram costs seconds of processor time).
    The cache is content-addressed and written by rename, so workers sharing it see whole
    entries or none; tests that count drawing set a cache of their own.
    """
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "mdwx-cache"
    folder.mkdir(exist_ok=True)
    previous = os.environ.get("MDWX_CACHE_DIR")
    os.environ["MDWX_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("MDWX_CACHE_DIR", None)
    else:
        os.environ["MDWX_CACHE_DIR"] = previous


@pytest.fixture(autouse=True, scope="session")
def _formulas_in_process() -> Iterator[None]:
    """Formulas typeset in the test's own process: the suite already runs on every core, and a
    test counting typesetter calls must see them. Tests of the pool pass it an executor."""
    previous = os.environ.get("MDWX_FORMULA_WORKERS")
    os.environ["MDWX_FORMULA_WORKERS"] = "1"
    yield
    if previous is None:
        os.environ.pop("MDWX_FORMULA_WORKERS", None)
    else:
        os.environ["MDWX_FORMULA_WORKERS"] = previous


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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Start the slow tests first, each on a different xdist worker.

    With ``--dist worksteal`` (pyproject.toml) each of the W workers first gets one equal,
    contiguous share of the items, and an idle worker steals from the tail of the longest
    queue. Left in file order, the ten SIGKILL runs sat in one share and ran back to back.
    Here the tests marked ``slow`` are dealt round-robin to the heads of the shares: one
    by one, except that tests sharing a module-scoped fixture stay together so it is built
    once. Every worker computes the same order (xdist requires it); without xdist nothing
    moves.
    """
    workers = int(getattr(config, "workerinput", {}).get("workercount", 1))
    if workers < 2:
        return
    units: dict[tuple[str, ...], list[pytest.Item]] = {}
    rest: list[pytest.Item] = []
    for item in items:
        if item.get_closest_marker("slow") is None:
            rest.append(item)
            continue
        info = getattr(item, "_fixtureinfo", None)
        defs = info.name2fixturedefs if info is not None else {}
        shared = sorted(
            name for name, found in defs.items() if found and found[-1].scope == "module"
        )
        key = (item.nodeid.split("::")[0], *shared) if shared else (item.nodeid,)
        units.setdefault(key, []).append(item)
    heads: list[list[pytest.Item]] = [[] for _ in range(workers)]
    for number, unit in enumerate(units.values()):
        heads[number % workers].extend(unit)
    ordered: list[pytest.Item] = []
    left = len(items)
    for share in range(workers):
        size = left // (workers - share)  # as worksteal splits the pending items
        take = max(0, size - len(heads[share])) if share < workers - 1 else len(rest)
        ordered += heads[share] + rest[:take]
        rest = rest[take:]
        left -= size
    assert sorted(map(id, ordered)) == sorted(map(id, items))
    items[:] = ordered


@pytest.fixture(name="sb")
def sandbox_server() -> Iterator[SandboxServer]:
    """A started sandbox with the fast test windows (:func:`tests.factories.sandbox`); a test
    module needing other settings defines its own ``sb``."""
    with factories.sandbox() as server:
        yield server


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """One headless chromium (Playwright's ``Browser``) for the tests of a module.

    Each test opens its own page with ``new_page`` (a browser context of its own: no cookie,
    storage or cache shared with the test before) instead of starting a browser again, which
    cost most of a second of processor time per test. Modules using it skip first when
    Debian's chromium is missing (tests/test_preview_browser.py's ``CHROMIUM``).
    """
    from playwright.sync_api import sync_playwright

    from tests.test_preview_browser import ARGS, CHROMIUM

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
