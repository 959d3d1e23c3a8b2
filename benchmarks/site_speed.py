"""Speed at the size of a whole site: figures as ratios against a baseline of the same run.

Every figure times a fresh child process (import included) calling ``mdwx.api`` against a
sandbox served by this process (loopback HTTP, as WeChat would be: its CPU is not the
child's). The baselines run the same child with the new paths switched off.

1. ``unchanged``: re-publishing a generated site (``--posts``, default 1,000; half as many
   pictures) published once already, against the same re-publish with the skipping of
   unchanged posts off (every post read, rendered and loaded: the path before
   ``mdwx.publish.unchanged``). ``--draft`` throughout: the sandbox, as WeChat, takes 200
   submissions a day. Target: ≤ 3 s wall for 1,000 posts.
2. ``status``: ``status`` of the same site, against the same call with every post read
   (front matter parsed once) and WeChat asked one post after the other. Target: ≤ 2 s wall
   for 1,000 posts.
3. ``overlap``: a first publish of ``--new-posts`` (default 100) new posts, each request
   answered after ``--latency`` (default 50 ms), against the same publish one post after the
   other. Printed: wall time, the child's CPU time, the network floor (requests × latency ÷
   the site's concurrency, 4: no run can be faster), and wall ÷ max(CPU, floor).
   Target: ≤ 1.2.

Usage: python benchmarks/site_speed.py [--posts 1000] [--runs 2] [--new-posts 100]
                                      [--latency 0.05] [--only unchanged,status,overlap] [--json]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from sitegen import make_site  # noqa: E402

from mdwx.sandbox import SandboxServer, SandboxSettings  # noqa: E402

#: The child: ``publish`` or ``status`` of SITE's posts; ``full``: the new paths off;
#: WINDOW (publish): posts in flight (0: the site's concurrency).
_CHILD = """
import importlib, sys
from pathlib import Path
from mdwx import api
mode, site, base, appid, secret, full, window, draft = sys.argv[1:9]
if full == "1":
    unchanged = importlib.import_module("mdwx.publish.unchanged")
    unchanged.UnchangedPosts.find = lambda self, items: {}
    unchanged.UnchangedPosts.known = lambda self, post: None
    status = importlib.import_module("mdwx.api.status")
    ask = status._ask_live
    status._ask_live = lambda asks, state, conn, backend, n: ask(asks, state, conn, backend, 1)
if int(window):
    publisher = importlib.import_module("mdwx.publish.publisher")
    overlapped = publisher.in_order
    publisher.in_order = lambda items, work, _: overlapped(items, work, int(window))
options = api.Options(credentials=api.Credentials(appid, secret), api_base=base, draft=draft == "1")
posts = [Path(site) / "posts"]
if mode == "publish":
    report = api.publish(posts, options)
    sys.exit(0 if report.ok else 1)
rows = api.status(posts, options).posts
sys.exit(0 if all(row.live for row in rows) else 1)
"""


def _child(
    sb: SandboxServer,
    mode: str,
    site: Path,
    *,
    full: bool = False,
    window: int = 0,
    draft: bool = True,
) -> dict[str, float]:
    """Wall and CPU seconds of one child, and the requests the sandbox answered meanwhile."""
    sb.clear_log()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _CHILD,
            mode,
            str(site),
            sb.base_url,
            sb.appid,
            sb.secret,
            "1" if full else "0",
            str(window),
            "1" if draft else "0",
        ],
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{mode} failed ({done.returncode}): {done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "requests": len(sb.requests)}


def bench_site(posts: int, runs: int) -> dict[str, dict[str, float]]:
    """An unchanged re-publish and a status, each against its baseline, interleaved, best of ``runs``."""
    with tempfile.TemporaryDirectory() as tmp, SandboxServer(SandboxSettings()) as sb:
        site = make_site(Path(tmp) / "site", posts=posts, images=posts // 2, videos=0, seed=1)
        first = _child(sb, "publish", site)
        times: dict[str, list[dict[str, float]]] = {
            "unchanged": [],
            "full": [],
            "status": [],
            "status_full": [],
        }
        for _ in range(runs):
            times["unchanged"].append(_child(sb, "publish", site))
            times["full"].append(_child(sb, "publish", site, full=True))
            times["status"].append(_child(sb, "status", site))
            times["status_full"].append(_child(sb, "status", site, full=True))
    best = {name: min(values, key=lambda t: t["wall"]) for name, values in times.items()}
    return {
        "unchanged": {
            "posts": posts,
            "first_publish_s": round(first["wall"], 2),
            "unchanged_s": round(best["unchanged"]["wall"], 3),
            "unchanged_cpu_s": round(best["unchanged"]["cpu"], 3),
            "requests": best["unchanged"]["requests"],
            "full_path_s": round(best["full"]["wall"], 3),
            "speedup": round(best["full"]["wall"] / best["unchanged"]["wall"], 1),
            "target_s": 3.0,
        },
        "status": {
            "posts": posts,
            "status_s": round(best["status"]["wall"], 3),
            "status_cpu_s": round(best["status"]["cpu"], 3),
            "one_read_sequential_s": round(best["status_full"]["wall"], 3),
            "speedup": round(best["status_full"]["wall"] / best["status"]["wall"], 1),
            "target_s": 2.0,
        },
    }


def bench_overlap(posts: int, latency: float) -> dict[str, float]:
    """A first publish of ``posts`` new posts, side by side against one after the other."""
    concurrency = 4  # sitegen's mdwx.toml
    found = {}
    with tempfile.TemporaryDirectory() as tmp:
        pristine = make_site(Path(tmp) / "pristine", posts=posts, images=posts, videos=0, seed=2)
        for label, window in (("overlapped", 0), ("one_by_one", 1)):
            site = Path(tmp) / label
            shutil.copytree(pristine, site)
            with SandboxServer(SandboxSettings(latency=latency)) as sb:  # a fresh day's quota each
                found[label] = _child(sb, "publish", site, window=window, draft=False)
    overlapped = found["overlapped"]
    floor = overlapped["requests"] * latency / concurrency
    return {
        "posts": posts,
        "latency_s": latency,
        "requests": overlapped["requests"],
        "wall_s": round(overlapped["wall"], 2),
        "cpu_s": round(overlapped["cpu"], 2),
        "network_floor_s": round(floor, 2),
        "ratio_to_bound": round(overlapped["wall"] / max(overlapped["cpu"], floor), 2),
        "one_by_one_s": round(found["one_by_one"]["wall"], 2),
        "target_ratio": 1.2,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--new-posts", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--only", default="unchanged,status,overlap")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    only = set(args.only.split(","))
    figures: dict[str, dict[str, float]] = {}
    if only & {"unchanged", "status"}:
        figures.update(bench_site(args.posts, args.runs))
    if "overlap" in only:
        figures["overlap"] = bench_overlap(args.new_posts, args.latency)
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    for name, values in figures.items():
        print(f"{name}: " + ", ".join(f"{k}={v}" for k, v in values.items()))


if __name__ == "__main__":
    main()
