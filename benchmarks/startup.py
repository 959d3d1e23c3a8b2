"""Start-up of the offline commands against ``python -c "import markdown_it"`` (issue 19).

Runs, interleaved ``--runs`` times each in fresh interpreters (medians kept):

- ``python -c pass`` and ``python -c "import markdown_it"``: the floor and the baseline;
- ``mdwx check one.md`` and ``mdwx build one.md`` on a one-post site (front matter, a
  paragraph, a code fence, a list: what a hook checks on every commit), and the start of
  the publishing commands hooks and end-to-end tests run most: ``mdwx publish --dry-run
  one.md`` (with made-up credentials: nothing is sent) and ``mdwx status one.md`` (a post
  never published: nothing is asked);
- the command's **own work**: the CPU time of the same command run in a process that has
  already imported every module the command imports, so only reading, rendering and
  checking are timed.

Printed: each wall time, **check ÷ import markdown_it**, and **(check − own work) ÷ import
markdown_it** — the start-up the command adds before doing anything (target ≤ 1.5) — in
wall time and, steadier on a loaded machine, in CPU time; the same start-up ratio, in CPU
time, of ``build``, ``publish --dry-run`` and ``status``. Also
the modules of the publishing stack an offline command imported (target: none)::

    python benchmarks/startup.py [--runs 15] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

POST = """---
title: One post
author: Me
---

A paragraph with *emphasis*, `code` and a [link](https://example.com/).

```python
print("hello")
```

- one
- two
"""
#: The publishing stack: an offline command imports none of it (tests/test_offline_imports.py).
PUBLISHING = (
    "asyncio",
    "sqlite3",
    "ssl",
    "httpx",
    "mdwx.publish.state",
    "mdwx.api.aio",
    "mdwx.publish.plan",
    "multiprocessing",
)

_OWN_WORK = """
import json, sys, time
modules, out, args = sys.argv[1], sys.argv[2], sys.argv[3:]
for name in json.load(open(modules)):
    try:
        __import__(name)
    except Exception:
        pass
from mdwx.cli.main import main
start = time.process_time()
try:
    main(args, prog_name="mdwx")
except SystemExit:
    pass
open(out, "w").write(str(time.process_time() - start))
"""
_MODULES = """
import atexit, json, runpy, sys
out = sys.argv.pop(1)
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
sys.argv[0] = "mdwx"
runpy.run_module("mdwx", run_name="__main__", alter_sys=True)
"""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


#: Made-up credentials: ``publish --dry-run`` asks for some and sends nothing.
_ENV = {
    **os.environ,
    "WECHAT_APPID": "wx0123456789abcdef",
    "WECHAT_APPSECRET": "0123456789abcdef0123456789abcdef",
}
#: The commands timed, by short name (``mdwx`` and the post appended).
COMMANDS = {
    "check": ["check"],
    "build": ["build", "-o", "_site"],
    "publish --dry-run": ["publish", "--dry-run"],
    "status": ["status"],
}


def _run(argv: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one run of ``argv``."""
    start, cpu = time.perf_counter(), _children_cpu()
    subprocess.run(
        argv, cwd=cwd, env=_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
    )
    return time.perf_counter() - start, _children_cpu() - cpu


def measure(runs: int, site: Path) -> dict[str, object]:
    """Median wall seconds of each command, the own work, the ratios and stray imports."""
    py = sys.executable
    commands = {
        "python -c pass": [py, "-c", "pass"],
        "import markdown_it": [py, "-c", "import markdown_it"],
        **{
            f"mdwx {name} one.md": [py, "-m", "mdwx", *args, "one.md"]
            for name, args in COMMANDS.items()
        },
    }
    stray: dict[str, list[str]] = {}
    own: dict[str, float] = {}
    for name, command in COMMANDS.items():
        args = [*command, "one.md"]
        listing = site / f"{name.split()[0]}-modules.json"
        subprocess.run(
            [py, "-c", _MODULES, str(listing), *args],
            cwd=site,
            env=_ENV,
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        modules = json.loads(listing.read_text())
        if name in ("check", "build"):  # the offline commands: the others publish
            stray[name] = [
                m for m in modules if any(m == p or m.startswith(p + ".") for p in PUBLISHING)
            ]
        times = []  # CPU seconds of the work alone (the process is busy only with it)
        for _ in range(max(3, runs // 3)):
            out = site / "own.txt"
            out.unlink(missing_ok=True)  # a failed run must not leave the last run's figure
            done = subprocess.run(
                [py, "-c", _OWN_WORK, str(listing), str(out), *args],
                cwd=site,
                env=_ENV,
                check=False,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            if not out.exists():  # printed as nan, with the reason on stderr
                print(f"the own work of {name} failed: {done.stderr[-600:]}", file=sys.stderr)
                times.append(float("nan"))
                break
            times.append(float(out.read_text()))
        own[name] = statistics.median(times)
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(runs):  # interleaved: a load spike disturbs every command alike
        for name, argv in commands.items():
            samples[name].append(_run(argv, site))
    wall = {name: statistics.median(w for w, _ in values) for name, values in samples.items()}
    cpu = {name: statistics.median(c for _, c in values) for name, values in samples.items()}
    base, base_cpu = wall["import markdown_it"], cpu["import markdown_it"]
    return {
        "wall_ms": {name: round(value * 1000, 1) for name, value in wall.items()},
        "cpu_ms": {name: round(value * 1000, 1) for name, value in cpu.items()},
        "own_work_ms": {name: round(value * 1000, 1) for name, value in own.items()},
        "check_over_markdown_it": round(wall["mdwx check one.md"] / base, 2),
        "check_startup_over_markdown_it": round(
            (wall["mdwx check one.md"] - own["check"]) / base, 2
        ),
        "build_startup_over_markdown_it": round(
            (wall["mdwx build one.md"] - own["build"]) / base, 2
        ),
        "check_cpu_over_markdown_it": round(cpu["mdwx check one.md"] / base_cpu, 2),
        "check_startup_cpu_over_markdown_it": round(
            (cpu["mdwx check one.md"] - own["check"]) / base_cpu, 2
        ),
        "startup_cpu_over_markdown_it": {
            name: round((cpu[f"mdwx {name} one.md"] - own[name]) / base_cpu, 2) for name in own
        },
        "publishing_modules_imported": stray,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each command (medians kept)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        (site / "one.md").write_text(POST, encoding="utf-8")
        result = measure(args.runs, site)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    for name, ms in result["wall_ms"].items():  # type: ignore[union-attr]
        print(f"{name:<22} {ms:8.1f} ms wall {result['cpu_ms'][name]:8.1f} ms CPU")  # type: ignore[index]
    for name, ms in result["own_work_ms"].items():  # type: ignore[union-attr]
        print(f"own work of {name:<10} {ms:8.1f} ms")
    print(f"check ÷ import markdown_it:               {result['check_over_markdown_it']}×")
    print(
        f"(check − own work) ÷ import markdown_it:  {result['check_startup_over_markdown_it']}×"
        "  (target ≤ 1.5)"
    )
    print(f"(build − own work) ÷ import markdown_it:  {result['build_startup_over_markdown_it']}×")
    print(
        f"CPU: check ÷ import markdown_it:          {result['check_cpu_over_markdown_it']}×;"
        f" (check − own work) ÷ import markdown_it: {result['check_startup_cpu_over_markdown_it']}×"
    )
    for name, ratio in result["startup_cpu_over_markdown_it"].items():  # type: ignore[union-attr]
        print(f"CPU: ({name} − own work) ÷ import markdown_it: {ratio}×")
    print(f"publishing modules imported: {result['publishing_modules_imported']}  (target: none)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
