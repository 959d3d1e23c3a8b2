"""A cold ``check`` of formula-heavy sites, one source tree against another, interleaved.

    python benchmarks/formula_check.py --before /work/main [--runs 2] [--synthetic 2000] [--json]

Two sites, each checked with an empty formula cache by a fresh process (``api.check``, the
formula pool over the usable cores, as ``mdwx check`` does) importing mdwx from ``--before``
(a checkout of the baseline, e.g. the main branch) and from this repository, alternated
``--runs`` times (best kept):

- ``oiwiki``: the OI-wiki pages of ``../shared/realsites/mkdocs-oiwiki`` beside the repository
  (their own layout, checked from the folder its owner builds from);
- ``synthetic``: ``--synthetic`` distinct formulas made from the real ones (each varied —
  other digits, other letters, a term added — until distinct), 100 a page, as plain posts.

Printed per run: wall seconds, CPU seconds of the process and its workers together (cold,
then warm: the same check again on the cache it left), and the load average; then the
typesetting CPU per formula (cold − warm, so start-up and page rendering are not counted
as formulas), after/before, and the projection to 19,000 formulas on 2 idle cores: that
CPU × 19,000 / 2 (the pool keeps both cores busy), to which a site adds its warm check.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from formulas import SHARED_SITE, SITE_FORMULAS, site_formulas  # noqa: E402

PER_PAGE = 100
_RUN = r"""
import json, os, resource, sys, time
from pathlib import Path
import mdwx
from mdwx import api
start, cpu = time.perf_counter(), time.process_time()
report = api.check([Path(sys.argv[1])])
wall = time.perf_counter() - start
children = resource.getrusage(resource.RUSAGE_CHILDREN)
# The pool's workers are reaped only at exit: their CPU is read by the caller instead.
print(json.dumps({"wall": wall, "cpu": time.process_time() - cpu, "posts": len(report.posts),
                  "passing": sum(r.ok for r in report.posts), "mdwx": mdwx.__file__}))
"""


def varied(formulas: list[str], count: int, seed: int = 19) -> list[str]:
    """``count`` distinct formulas, each a real one with its digits and letters varied."""
    rng = random.Random(seed)
    seen: set[str] = set()
    out: list[str] = []
    letters = "abcdefghijkmnpqrstuvwxyz"
    while len(out) < count:
        tex = rng.choice(formulas)
        tex = re.sub(r"(?<![\\A-Za-z])[0-9]", lambda _: str(rng.randint(0, 9)), tex)
        tex = re.sub(r"(?<![\\A-Za-z])[a-z](?![A-Za-z])", lambda _: rng.choice(letters), tex)
        while tex in seen:
            tex += f" + {rng.choice(letters)}_{{{rng.randint(0, 99)}}}"
        seen.add(tex)
        out.append(tex)
    return out


def synthetic_site(folder: Path, count: int) -> Path:
    """A site of plain posts holding ``count`` distinct formulas (a tenth of them display)."""
    real = [tex for tex, _ in site_formulas() if "$" not in tex]
    folder.mkdir(parents=True)
    (folder / "mdwx.toml").write_text("", encoding="utf-8")
    formulas = varied(real, count)
    for page in range(0, count, PER_PAGE):
        lines = ["---", f"title: Formulas {page}", "---", ""]
        for index, tex in enumerate(formulas[page : page + PER_PAGE]):
            flat = " ".join(tex.split())
            lines += ["$$", tex, "$$", ""] if index % 10 == 0 else [f"Text ${flat}$ text.", ""]
        (folder / f"page-{page:05d}.md").write_text("\n".join(lines), encoding="utf-8")
    return folder


def oiwiki_site(folder: Path) -> Path:
    site = folder / "oiwiki"
    shutil.copytree(SHARED_SITE, site)
    (site / ".git").mkdir()
    return site


def cold_check(tree: Path, site: Path, cache: Path) -> dict[str, float]:
    """Wall and CPU (process and pool workers) of a check in a fresh process, cache empty;
    then ``warm_cpu``, the CPU of the same check again with the cache it left (what a check
    costs besides typesetting: start-up, reading and rendering the pages)."""
    shutil.rmtree(cache, ignore_errors=True)
    result = _check(tree, site, cache)
    result["warm_cpu"] = _check(tree, site, cache)["cpu_all"]
    return result


def _check(tree: Path, site: Path, cache: Path) -> dict[str, float]:
    env = dict(os.environ, MDWX_CACHE_DIR=str(cache), PYTHONPATH=str(tree))
    before = os.times()
    done = subprocess.run(
        [sys.executable, "-c", _RUN, str(site)],
        env=env,
        cwd=site.parent,  # not this repository: "-c" puts the working folder first on the path
        capture_output=True,
        text=True,
        check=True,
    )
    after = os.times()
    result = json.loads(done.stdout.strip().splitlines()[-1])
    # The child and its workers, all reaped by now.
    result["cpu_all"] = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    result["load"] = os.getloadavg()[0]
    assert Path(result["mdwx"]).is_relative_to(tree), result["mdwx"]
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="source tree of the baseline")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--synthetic", type=int, default=2000)
    parser.add_argument("--only", choices=["oiwiki", "synthetic"])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    trees = {"before": args.before.resolve(), "after": ROOT}
    rows: dict[str, dict[str, list[dict[str, float]]]] = {}
    with tempfile.TemporaryDirectory(prefix="mdwx-formula-check-") as tmp:
        sites = {}
        if args.only != "synthetic" and SHARED_SITE.is_dir():
            sites["oiwiki"] = (oiwiki_site(Path(tmp)), len(site_formulas()))
        if args.only != "oiwiki":
            sites["synthetic"] = (
                synthetic_site(Path(tmp) / "synthetic", args.synthetic),
                args.synthetic,
            )
        for run in range(args.runs):
            for name, (site, _) in sites.items():
                order = ("before", "after") if run % 2 == 0 else ("after", "before")
                for label in order:
                    result = cold_check(trees[label], site, Path(tmp) / "cache")
                    rows.setdefault(name, {}).setdefault(label, []).append(result)
                    if not args.json:
                        print(
                            f"{name:<9} {label:<6} run {run + 1}: {result['wall']:.1f} s wall, "
                            f"{result['cpu_all']:.1f} s CPU (process + workers; warm "
                            f"{result['warm_cpu']:.1f} s), load "
                            f"{result['load']:.1f}, {result['passing']}/{result['posts']} passing",
                            flush=True,
                        )
    summary = {}
    for name, (_, formulas) in sites.items():
        best = {label: min(rows[name][label], key=lambda r: r["cpu_all"]) for label in trees}
        # What typesetting costs (cold minus warm: the rest of a check does not grow with the
        # formulas), per formula; projected as 19,000 of them over 2 idle cores.
        cpu_per = {
            label: (best[label]["cpu_all"] - best[label]["warm_cpu"]) / formulas for label in trees
        }
        summary[name] = {
            "formulas": formulas,
            "before_cpu_s": round(best["before"]["cpu_all"], 1),
            "after_cpu_s": round(best["after"]["cpu_all"], 1),
            "before_wall_s": round(best["before"]["wall"], 1),
            "after_wall_s": round(best["after"]["wall"], 1),
            "before_warm_cpu_s": round(best["before"]["warm_cpu"], 1),
            "after_warm_cpu_s": round(best["after"]["warm_cpu"], 1),
            "before_formula_cpu_ms": round(1000 * cpu_per["before"], 2),
            "after_formula_cpu_ms": round(1000 * cpu_per["after"], 2),
            "after_over_before_formula_cpu": round(cpu_per["after"] / cpu_per["before"], 2),
            "projected_19k_2cores_before_s": round(cpu_per["before"] * SITE_FORMULAS / 2),
            "projected_19k_2cores_after_s": round(cpu_per["after"] * SITE_FORMULAS / 2),
        }
    if args.json:
        json.dump({"runs": rows, "summary": summary}, sys.stdout, indent=2)
        print()
        return 0
    for name, row in summary.items():
        print(
            f"{name}: {row['formulas']} formulas; cold check CPU before {row['before_cpu_s']} s → "
            f"after {row['after_cpu_s']} s (warm {row['before_warm_cpu_s']} → "
            f"{row['after_warm_cpu_s']} s); typesetting CPU per formula (cold − warm) "
            f"{row['before_formula_cpu_ms']} → {row['after_formula_cpu_ms']} ms "
            f"({row['after_over_before_formula_cpu']}×); wall {row['before_wall_s']} → "
            f"{row['after_wall_s']} s; {SITE_FORMULAS:,} formulas on 2 idle cores "
            f"(per-formula CPU × {SITE_FORMULAS:,} / 2): {row['projected_19k_2cores_before_s']} s "
            f"→ {row['projected_19k_2cores_after_s']} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
