"""Typeset many formulas at once, over the machine's cores.

Typesetting is pure Python (ziamath lays out each formula in tens of milliseconds) and a
documentation site holds thousands of distinct formulas, so a cold check of such a site is
bound by one core. :func:`typeset_many` sends the formulas neither this process nor the disk
cache knows to a pool of worker processes, then keeps each result where
:func:`mdwx.assets.formula.typeset_formula` (or, for layouts only, ``laid_out``) finds it: in
the content-addressed disk cache (each worker writes its own, so the writing is spread over
the cores too) and in this process's memo. The pictures are the same as one process would
draw (the workers run the very same functions); a formula that cannot be laid out leaves its
error for the caller to meet in :func:`~mdwx.assets.formula.laid_out` (so this process need
not load the typesetter only to say why), and one that cannot be drawn is drawn again, and
its error raised, by :func:`~mdwx.assets.formula.typeset_formula`.

The pool is made on first need (``spawn``: no state of the parent is copied into a worker)
and lives as long as the process; ``MDWX_FORMULA_WORKERS`` sets its size (``1``: no pool).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from mdwx.assets import formula, formula_cache
from mdwx.assets.formula import layout_uncached
from mdwx.assets.formula_cache import FormulaLayout, TypesetFormula
from mdwx.errors import AssetError
from mdwx.work_progress import advance

WORKERS_ENV = "MDWX_FORMULA_WORKERS"
# Below this many new formulas a pool costs more (starting workers) than it saves.
MIN_BATCH = 8
# Formulas handed to a worker at once: fewer round trips, still an even spread.
CHUNK = 4

_pool: Executor | None = None


def workers() -> int:
    """How many processes typeset at once: ``MDWX_FORMULA_WORKERS``, else the usable cores (≤ 8)."""
    value = os.environ.get(WORKERS_ENV, "").strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


def _executor(count: int) -> Executor:
    global _pool
    if _pool is None:
        _pool = ProcessPoolExecutor(
            max_workers=count, mp_context=multiprocessing.get_context("spawn")
        )
    return _pool


def _work(
    item: tuple[str, bool, bool, str],
) -> TypesetFormula | FormulaLayout | tuple[str, str | None] | None:
    """In a worker: the formula drawn (or only laid out), also written to the disk cache (the
    parent's at the time of asking, "" for none); when it cannot be laid out, the error's
    (message, hint); None when it cannot be drawn."""
    tex, display, drawn, folder = item
    os.environ[formula_cache.ENV] = folder  # the pool outlives a change of the parent's
    key = formula.cache_key(tex, display)
    try:
        layout = (formula_cache.read_layout(key) if drawn else None) or layout_uncached(
            tex, display=display
        )  # drawn from the layout a check cached, when there is one: only resvg runs then
    except AssetError as exc:
        return exc.message, exc.hint
    if not drawn:
        formula_cache.write_layout(key, layout)
        return layout
    try:
        result = formula.draw(layout, tex)
    except AssetError:
        return None
    formula_cache.write(key, result)
    return result


def typeset_many(
    formulas: Iterable[tuple[str, bool]], *, drawn: bool = True, executor: Executor | None = None
) -> int:
    """Typeset every ``(tex, display)`` not yet known, in parallel; returns how many were new.

    ``drawn=False`` lays them out only (their size, and whether they can be drawn: what a
    post needs before anything is uploaded or written); the picture is drawn later from the
    cached layout. Results go to the disk cache and this process's memo; nothing is raised
    (a formula that fails is typeset again, and its error raised, by ``typeset_formula`` or
    ``laid_out``). With fewer than :data:`MIN_BATCH` new formulas, one worker configured, or
    a pool that cannot start, it does nothing and the caller typesets one by one as before.
    """
    new = [item for item in dict.fromkeys(formulas) if not formula.is_known(*item, drawn=drawn)]
    count = workers()
    if executor is None and (len(new) < MIN_BATCH or count < 2):
        return 0
    try:
        pool = executor or _executor(count)
        folder = formula_cache.cache_dir()
        where = str(folder.parent) if folder is not None else ""
        work = [(tex, display, drawn, where) for tex, display in new]
        results = []
        for result in pool.map(_work, work, chunksize=CHUNK):  # in order, as each is done
            results.append(result)
            advance("formulas typeset", len(results), len(work))
    except (BrokenProcessPool, OSError, RuntimeError):  # no processes here: one by one instead
        return 0
    for (tex, display), result in zip(new, results, strict=True):
        if isinstance(result, tuple):
            formula.remember(tex, display, AssetError(result[0], hint=result[1]))
        elif result is not None:
            formula.remember(tex, display, result)
    return len(new)
