"""Speed at the size of a whole site: figures as ratios against a baseline of the same run.

1. ``unchanged``: ``mdwx publish SITE --sandbox --draft`` of a generated site published once already,
   in a fresh process (import included), against the same command with the skipping of
   unchanged posts turned off (every post read, rendered and loaded: the path before
   ``mdwx.publish.unchanged``). Target: ≤ 3 s wall for 1,000 posts. (``--draft``: the
   sandbox, as WeChat, takes 200 submissions a day; uploading is what costs.)
2. ``status``: ``mdwx status SITE --sandbox`` on the same site, in a fresh process, against
   the same command with every post read (its front matter parsed once) and WeChat asked one
   post after the other. Target: ≤ 2 s wall for 1,000 posts.

Usage: python benchmarks/site_speed.py [--posts 1000] [--runs 2] [--json]
"""

from __future__ import annotations

import argparse
import json
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
              "import mdwx.api.status as s; ask = s._ask_live; "
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--only", default="unchanged,status")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    only = set(args.only.split(","))
    figures: dict[str, dict[str, float]] = {}
    if only & {"unchanged", "status"}:
        figures.update(bench_site(args.posts, args.runs))
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    for name, values in figures.items():
        print(f"{name}: " + ", ".join(f"{k}={v}" for k, v in values.items()))


if __name__ == "__main__":
    main()
