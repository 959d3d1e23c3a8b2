"""Formula typesetting benchmark: where a cold check's time goes, and the process pool's gain.

A documentation site such as OI-wiki holds about 19,000 distinct formulas; with an empty
cache each is typeset (TeX → MathML → laid out by ziamath → SVG) and rasterised (resvg).
This script:

1. times the three stages on a sample of formulas, in this process (ms per formula);
2. typesets the same set of distinct formulas with an empty cache each time: one by one
   in this process with ziamath as released (the ``baseline``, what every check did
   before) and with :mod:`mdwx.assets.formula_speed`'s layout shortcuts, alternated
   ``--runs`` times (best kept), and prints formulas per CPU second and the ratio; then
   through :func:`mdwx.assets.formula_pool.typeset_many` over the usable cores
   (``pool / baseline``), all measured in the same run and projected to 19,000 formulas.

``--profile`` prints where a cold check's CPU goes instead (cProfile on the CPU clock, in
this process and in each pool worker).

Formulas come from ``../shared/realsites/mkdocs-oiwiki`` beside the repository when present
(every ``$…$`` and ``$$…$$`` of its pages), else from a seeded generator. Run::

    python benchmarks/formulas.py [--count 400] [--workers N] [--runs 2] [--profile] [--json]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import random
import re
import resource
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED_SITE = ROOT.parent / "shared" / "realsites" / "mkdocs-oiwiki"
SITE_FORMULAS = 19_000
_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.S)
_INLINE = re.compile(r"(?<![$\\])\$([^$\n]+?)\$(?!\$)")


def site_formulas() -> list[tuple[str, bool]]:
    """Distinct (TeX, display) of the shared OI-wiki sample, or [] when it is absent."""
    found: dict[tuple[str, bool], None] = {}
    for page in sorted(SHARED_SITE.rglob("*.md")) if SHARED_SITE.is_dir() else []:
        text = page.read_text("utf-8", errors="replace")
        for match in _DISPLAY.finditer(text):
            found[(match.group(1).strip(), True)] = None
        for match in _INLINE.finditer(_DISPLAY.sub("", text)):
            found[(match.group(1).strip(), False)] = None
    return [item for item in found if item[0]]


def generated_formulas(count: int, seed: int = 17) -> list[tuple[str, bool]]:
    """Seeded formulas of the shapes documentation sites use (sums, fractions, scripts)."""
    rng = random.Random(seed)
    atoms = [
        "x",
        "y",
        "n",
        "i",
        r"\alpha",
        r"\sum_{i=1}^{n}",
        r"\frac{a}{b}",
        r"\sqrt{2}",
        "a_{i}",
        r"\log n",
        "2^{k}",
        r"\binom{n}{k}",
        r"\le",
        "+",
        "=",
        r"\cdot",
        "f(x)",
        r"\mathcal{O}(n)",
    ]
    return [
        (" ".join(rng.choice(atoms) for _ in range(rng.randint(2, 9))), rng.random() < 0.3)
        for _ in range(count)
    ]


def stages(sample: list[tuple[str, bool]], cache: Path) -> dict[str, float]:
    """Mean CPU ms per formula of each stage, in this process, as mdwx runs them.

    ``parse_tex`` (TeX → MathML), ``layout`` (ziamath places the glyphs), ``svg`` (the
    placed formula written as SVG), ``raster_and_png`` (resvg draws at 2× and encodes the
    PNG: one call, not separable), ``png_encode_estimate`` (Pillow encoding the same pixels,
    for the encoder's share of the call before it), ``cache_write_layout`` and
    ``cache_write_png`` (one entry each, content-addressed). ``check`` runs the first three
    and writes the layout; ``build`` and ``publish`` then draw from it and write the PNG.
    """
    import io

    import ziamath.zmath
    from PIL import Image

    from mdwx.assets import formula, formula_cache, formula_speed

    os.environ["MDWX_CACHE_DIR"] = str(cache)
    formula_speed.install()
    names = ("parse_tex", "layout", "svg", "raster_and_png", "png_encode_estimate")
    totals = dict.fromkeys(names + ("cache_write_layout", "cache_write_png"), 0.0)
    done = 0
    clock = time.process_time  # CPU time: on a shared machine wall time times the others
    for tex, display in sample:
        try:
            start = clock()
            mathml = ziamath.tex.tex2mml(tex, inline=not display)
            parsed = clock()
            laid = ziamath.zmath.Math(mathml)
            placed = clock()
            laid.svg()
            written = clock()
            layout = formula.layout_uncached(tex, display=display)  # the same, as mdwx runs it
            before_draw = clock()
            drawn = formula.draw(layout, tex)
            after_draw = clock()
        except Exception:  # noqa: BLE001 - a formula the typesetter refuses is not timed
            continue
        pixels = Image.open(io.BytesIO(drawn.png))
        pixels.load()
        encode = clock()
        pixels.save(io.BytesIO(), "PNG")
        encoded = clock()
        key = formula.cache_key(f"{tex}\0{done}", display)
        formula_cache.write_layout(key, layout)
        stored_layout = clock()
        formula_cache.write(key, drawn)
        stored_png = clock()
        for name, seconds in zip(
            names + ("cache_write_layout", "cache_write_png"),
            (
                parsed - start,
                placed - parsed,
                written - placed,
                after_draw - before_draw,
                encoded - encode,
                stored_layout - encoded,
                stored_png - stored_layout,
            ),
            strict=True,
        ):
            totals[name] += seconds
        done += 1
    return {name: round(1000 * value / max(done, 1), 2) for name, value in totals.items()}


def _cold(cache: Path) -> None:
    import shutil

    from mdwx.assets import formula

    shutil.rmtree(cache, ignore_errors=True)
    os.environ["MDWX_CACHE_DIR"] = str(cache)
    formula.typeset_formula.cache_clear()
    formula.laid_out.cache_clear()
    for memo in (formula._DONE, formula._LAID, formula._FAILED):  # what a pool handed over
        memo.clear()


def one_by_one(
    formulas: list[tuple[str, bool]], cache: Path, *, shortcuts: bool
) -> tuple[float, float]:
    """(wall, CPU) seconds to typeset every formula one by one in this process, cache empty:
    ziamath as released (``shortcuts=False``: the baseline, what a check did before) or with
    :mod:`mdwx.assets.formula_speed`'s shortcuts."""
    from mdwx.assets import formula, formula_speed
    from mdwx.errors import AssetError

    _cold(cache)
    formula_speed.install()
    if not shortcuts:
        formula_speed.uninstall()
    install = formula_speed.install
    formula_speed.install = lambda: shortcuts  # type: ignore[assignment] # typeset_formula asks again
    try:
        start, cpu = time.perf_counter(), time.process_time()
        for tex, display in formulas:
            with contextlib.suppress(AssetError):
                formula.typeset_formula(tex, display=display)
        return time.perf_counter() - start, time.process_time() - cpu
    finally:
        formula_speed.install = install  # type: ignore[assignment]
        install()


def best_of(
    runs: int, formulas: list[tuple[str, bool]], folder: Path
) -> tuple[dict[str, tuple[float, float]], list[float]]:
    """Baseline and shortcuts, alternated ``runs`` times: the best (least CPU) of each, and
    each run's CPU ratio baseline/shortcuts (their median is steadier on a loaded machine
    than the ratio of the bests)."""
    best: dict[str, tuple[float, float]] = {}
    ratios = []
    for run in range(runs):
        cpus = {}
        for name, shortcuts in (("baseline", False), ("shortcuts", True)):
            wall, cpu = one_by_one(formulas, folder / f"{name}-{run}", shortcuts=shortcuts)
            cpus[name] = cpu
            if name not in best or cpu < best[name][1]:
                best[name] = (wall, cpu)
        ratios.append(cpus["baseline"] / cpus["shortcuts"])
    return best, ratios


def _start_profiling(folder: str) -> None:
    """A pool worker's initializer: profile it (CPU clock) and write the stats as it exits."""
    import cProfile
    from multiprocessing import util

    profiler = cProfile.Profile(time.process_time)
    profiler.enable()

    def dump() -> None:
        profiler.disable()
        profiler.dump_stats(f"{folder}/worker-{os.getpid()}.prof")

    util.Finalize(None, dump, exitpriority=100)


def profile(formulas: list[tuple[str, bool]], workers: int, top: int = 25) -> None:
    """Where a cold check's CPU goes (cProfile, CPU clock), in this process and in the pool's
    workers: the formulas laid out over the pool as ``check`` does, then each one's verdict
    and size taken as ``check`` does; the slowest calls of each side."""
    import cProfile
    import pstats

    from mdwx.assets import formula, formula_verdict
    from mdwx.assets.formula_pool import typeset_many
    from mdwx.assets.imaging import body_target
    from mdwx.config_tables import ImageLimits
    from mdwx.errors import AssetError

    target = body_target(ImageLimits())
    with tempfile.TemporaryDirectory(prefix="mdwx-formula-profile-") as folder:
        _cold(Path(folder) / "cache")
        profiler = cProfile.Profile(time.process_time)
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            workers, mp_context=context, initializer=_start_profiling, initargs=(folder,)
        ) as pool:
            profiler.enable()
            typeset_many(formulas, drawn=False, executor=pool)
            for tex, display in formulas:
                with contextlib.suppress(AssetError):
                    formula_verdict.check_formula(tex, display=display, target=target)
            profiler.disable()
        formula.laid_out.cache_clear()
        print("== this process (check's own share)")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(top)
        dumps = [str(path) for path in Path(folder).glob("worker-*.prof")]
        if dumps:
            print(f"== the {len(dumps)} pool workers together")
            pstats.Stats(*dumps).sort_stats("tottime").print_stats(top)


def pooled(
    formulas: list[tuple[str, bool]], cache: Path, workers: int, *, drawn: bool = True
) -> tuple[float, float]:
    """(wall, CPU) seconds for ``typeset_many`` over ``workers`` processes, start-up included.

    CPU is the workers' and this process's together: on a machine others are using, wall
    time says little, and CPU close to the baseline's means the wall time divides by the
    number of idle cores."""
    from mdwx.assets.formula_pool import typeset_many

    _cold(cache)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start, cpu = time.perf_counter(), time.process_time()
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        typeset_many(formulas, drawn=drawn, executor=pool)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    children = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return time.perf_counter() - start, time.process_time() - cpu + children


def main(argv: list[str] | None = None) -> int:
    from mdwx.assets.formula_pool import workers as default_workers

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--count", type=int, default=400, help="distinct formulas timed (default 400)"
    )
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument(
        "--runs", type=int, default=2, help="baseline/shortcut passes alternated (best kept)"
    )
    parser.add_argument(
        "--profile", action="store_true", help="print where the CPU goes, then stop"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    source = "shared OI-wiki sample"
    formulas = site_formulas()
    if len(formulas) < args.count:
        source = f"{len(formulas)} from the shared OI-wiki sample, the rest generated"
        formulas += generated_formulas(args.count - len(formulas))
    formulas = random.Random(3).sample(formulas, args.count)
    if args.profile:
        profile(formulas, args.workers)
        return 0
    with tempfile.TemporaryDirectory(prefix="mdwx-formula-bench-") as folder:
        per_stage = stages(formulas[:200], Path(folder) / "stages")
        best, ratios = best_of(max(1, args.runs), formulas, Path(folder))
        many, many_cpu = pooled(formulas, Path(folder) / "pool", args.workers)
        # What check asks of the pool: layouts only (build and publish draw them later).
        laid, laid_cpu = pooled(formulas, Path(folder) / "laid", args.workers, drawn=False)
    (one, one_cpu), (fast, fast_cpu) = best["baseline"], best["shortcuts"]
    result = {
        "formulas": len(formulas),
        "source": source,
        "workers": args.workers,
        "cores": os.cpu_count(),
        "load_average": round(os.getloadavg()[0], 1),
        "stage_ms_per_formula": per_stage,
        "baseline_cpu_ms_per_formula": round(1000 * one_cpu / len(formulas), 2),
        "shortcuts_cpu_ms_per_formula": round(1000 * fast_cpu / len(formulas), 2),
        "formulas_per_cpu_second_baseline": round(len(formulas) / one_cpu, 1),
        "formulas_per_cpu_second_shortcuts": round(len(formulas) / fast_cpu, 1),
        "baseline_over_shortcuts_cpu": round(one_cpu / fast_cpu, 2),
        "baseline_over_shortcuts_cpu_median": round(statistics.median(ratios), 2),
        "baseline_s": round(one, 2),
        "shortcuts_s": round(fast, 2),
        "pool_s": round(many, 2),
        "pool_over_baseline": round(many / one, 3),
        "pool_cpu_s": round(many_cpu, 2),
        "check_pool_s": round(laid, 2),
        "check_pool_cpu_s": round(laid_cpu, 2),
        "projected_19k_check_cpu_s": round(laid_cpu / len(formulas) * SITE_FORMULAS),
        "projected_19k_baseline_s": round(one / len(formulas) * SITE_FORMULAS),
        "projected_19k_pool_s": round(many / len(formulas) * SITE_FORMULAS),
        "projected_19k_cpu_s": round(fast_cpu / len(formulas) * SITE_FORMULAS),
    }
    if args.json:
        json.dump(result, sys.stdout, indent=2)
        print()
        return 0
    print(f"{result['formulas']} distinct formulas ({source}), {args.workers} worker processes")
    print(
        "CPU per formula, in one process: " + ", ".join(f"{k} {v} ms" for k, v in per_stage.items())
    )
    print(
        f"one by one, CPU per formula: ziamath as released (baseline) {result['baseline_cpu_ms_per_formula']} ms, "
        f"with mdwx's layout shortcuts {result['shortcuts_cpu_ms_per_formula']} ms: "
        f"{result['formulas_per_cpu_second_baseline']} → {result['formulas_per_cpu_second_shortcuts']} "
        f"formulas per CPU second, {result['baseline_over_shortcuts_cpu']}× (best of {args.runs}; "
        f"median of the runs' ratios {result['baseline_over_shortcuts_cpu_median']}×)"
    )
    print(
        f"baseline (one by one): {one:.2f} s    pool: {many:.2f} s    pool/baseline: {many / one:.2f}×"
        f"    (load average {result['load_average']} on {result['cores']} cores)"
    )
    print(
        f"CPU: baseline {one_cpu:.2f} s, shortcuts {fast_cpu:.2f} s, pool {many_cpu:.2f} s (workers included): "
        f"on N idle cores the "
        f"pool's wall time is about {many_cpu:.1f}/N s"
    )
    print(
        f"check's share (layouts only, over the pool): {laid:.2f} s, {laid_cpu:.2f} s of CPU "
        f"(drawn too: {many_cpu:.2f} s); {SITE_FORMULAS:,} formulas: "
        f"{result['projected_19k_check_cpu_s']} s of CPU, about that / N s on N idle cores"
    )
    print(
        f"projected to {SITE_FORMULAS:,} formulas: {result['projected_19k_baseline_s']} s → "
        f"{result['projected_19k_pool_s']} s here; {result['projected_19k_cpu_s']} s of CPU in all"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
