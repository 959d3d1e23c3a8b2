"""Speed at the size of a whole site: figures as ratios against a baseline of the same run.

1. ``unchanged``: ``mdwx publish SITE --sandbox --draft`` of a generated site published once already,
   in a fresh process (import included), against the same command with the skipping of
   unchanged posts turned off (every post read, rendered and loaded: the path before
   ``mdwx.publish.unchanged``). Target: ≤ 3 s wall for 1,000 posts. (``--draft``: the
   sandbox, as WeChat, takes 200 submissions a day; uploading is what costs.)
2. ``status``: ``mdwx status SITE --sandbox`` on the same site, in a fresh process, against
   the same command with every post read (its front matter parsed once) and WeChat asked one
   post after the other. Target: ≤ 2 s wall for 1,000 posts.
3. ``overlap``: publishing 100 new posts (``mdwx.api.publish``, in a child process) to a
   sandbox answering each request after 50 ms, against the same publish one post after the
   other. Printed: wall time, the child's CPU time, the network floor (requests × latency ÷
   the site's concurrency: no run can be faster), and wall ÷ max(CPU, floor). Target: ≤ 1.2.

Usage: python benchmarks/site_speed.py [--posts 1000] [--runs 2] [--new-posts 100]
                                      [--latency 0.05] [--only unchanged,status,overlap] [--json]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from sitegen import make_site  # noqa: E402

#: The CLI with the skipping of unchanged posts off: what every run did before.
_FULL_PATH = ("import sys; import mdwx.publish.unchanged as u; "
              "u.UnchangedPosts.find = lambda self, items: {}; "
              "u.UnchangedPosts.known = lambda self, post: None; "
              "import importlib; s = importlib.import_module('mdwx.api.status'); ask = s._ask_live; "
              "s._ask_live = lambda asks, state, conn, backend, n: ask(asks, state, conn, backend, 1); "
              "from mdwx.cli.main import main; sys.argv[0] = 'mdwx'; sys.exit(main())")


def _wall(args: list[str], cwd: Path, *, full_path: bool = False) -> float:
    command = [sys.executable, "-c", _FULL_PATH] if full_path else [sys.executable, "-m", "mdwx"]
    start = time.perf_counter()
    done = subprocess.run([*command, *args], cwd=cwd, capture_output=True, text=True)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"mdwx {' '.join(args)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return took


def bench_site(posts: int, runs: int) -> dict[str, dict[str, float]]:
    """An unchanged re-publish and a status, each against the full path, interleaved, best of ``runs``."""
    publish = ["publish", "site", "--sandbox", "--draft"]
    status = ["status", "site", "--sandbox"]
    with tempfile.TemporaryDirectory() as tmp:
        make_site(Path(tmp) / "site", posts=posts, images=posts // 2, videos=0, seed=1)
        first = _wall(publish, Path(tmp))
        times: dict[str, list[float]] = {"unchanged": [], "full": [], "status": [], "status_full": []}
        for _ in range(runs):
            times["unchanged"].append(_wall(publish, Path(tmp)))
            times["full"].append(_wall(publish, Path(tmp), full_path=True))
            times["status"].append(_wall(status, Path(tmp)))
            times["status_full"].append(_wall(status, Path(tmp), full_path=True))
    best = {name: min(values) for name, values in times.items()}
    return {
        "unchanged": {"posts": posts, "first_publish_s": round(first, 2), "unchanged_s": round(best["unchanged"], 3),
                      "full_path_s": round(best["full"], 3), "speedup": round(best["full"] / best["unchanged"], 1),
                      "target_s": 3.0},
        "status": {"posts": posts, "status_s": round(best["status"], 3), "one_read_sequential_s":
                   round(best["status_full"], 3), "speedup": round(best["status_full"] / best["status"], 1),
                   "target_s": 2.0},
    }


#: The child that publishes (``window`` posts in flight; 0: the site's concurrency).
_PUBLISH_CHILD = """
import sys
from pathlib import Path
from mdwx import api
import mdwx.publish.publisher as publisher
site, base, appid, secret, window = sys.argv[1:6]
if int(window):
    overlapped = publisher.in_order
    publisher.in_order = lambda items, work, _: overlapped(items, work, int(window))
report = api.publish([Path(site) / "posts"], api.Options(credentials=api.Credentials(appid, secret), api_base=base))
sys.exit(0 if report.ok else 1)
"""


def _publish_child(site: Path, latency: float, window: int) -> dict[str, float]:
    """Wall and CPU time of a child publishing ``site`` to a fresh sandbox, and its requests."""
    from mdwx.sandbox import SandboxServer, SandboxSettings

    with SandboxServer(SandboxSettings(latency=latency)) as sb:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", _PUBLISH_CHILD, str(site), sb.base_url, sb.appid, sb.secret,
                               str(window)], capture_output=True, text=True)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            raise SystemExit(f"publish failed: {done.stderr[-2000:]}")
        requests = len(sb.requests)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "requests": requests}


def bench_overlap(posts: int, latency: float) -> dict[str, float]:
    """A first publish of ``posts`` posts, side by side against one after the other."""
    import shutil

    with tempfile.TemporaryDirectory() as tmp:
        site = make_site(Path(tmp) / "site", posts=posts, images=posts, videos=0, seed=2)
        pristine = Path(tmp) / "pristine"
        shutil.copytree(site, pristine)
        concurrency = 4  # sitegen's mdwx.toml
        overlapped = _publish_child(site, latency, 0)
        shutil.rmtree(site)
        shutil.copytree(pristine, site)
        sequential = _publish_child(site, latency, 1)
    floor = overlapped["requests"] * latency / concurrency
    bound = max(overlapped["cpu"], floor)
    return {"posts": posts, "latency_s": latency, "requests": overlapped["requests"],
            "wall_s": round(overlapped["wall"], 2), "cpu_s": round(overlapped["cpu"], 2),
            "network_floor_s": round(floor, 2), "ratio_to_bound": round(overlapped["wall"] / bound, 2),
            "one_by_one_s": round(sequential["wall"], 2), "target_ratio": 1.2}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
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
