"""Pathological posts at the Markdown size limit: render time and memory, one process each.

Each input repeats one pattern up to ``[limits] markdown_bytes`` (default 2,000,000 bytes)
— the largest post mdwx accepts — and is rendered by ``render_markdown`` in a fresh
subprocess, so the figures are CPU seconds and the peak resident memory of that render
alone. Baselines, in the same run: mdwx rendering a plain-prose post of the same size
(the ``x prose`` column divides by it) and bare markdown-it-py (commonmark preset, no
plugins) on that prose. Before the guards of ``mdwx/markdown/bounded.py`` a million ``<``
took 24 s and the time grew as the square of the size. Run from anywhere::

    python benchmarks/pathological.py [--bytes N] [--only PATTERN...]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PATTERNS = [
    "<",
    "*a ",
    "[",
    "![",
    "[](",
    "http:",
    "https://x ",
    "a@b.c ",
    "{",
    "`",
    "_a ",
    "&amp; ",
    "\\*",
    "<b>",
    "> ",
    "- ",
    "1. ",
    "www.",
    "^[",
    "$x$ ",
    "~~a ",
]
PROSE = "Plain prose, with a few words and a full stop. "

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
pattern, size, mode = sys.argv[2], int(sys.argv[3]), sys.argv[4]
text = (pattern * (size // len(pattern.encode())))
start = time.process_time()
if mode == "bare":
    from markdown_it import MarkdownIt
    MarkdownIt("commonmark").render(text)
else:
    from pathlib import Path
    from mdwx.config import SiteConfig
    from mdwx.render import render_markdown
    render_markdown(text, SiteConfig(root=Path("/site")))
seconds = time.process_time() - start
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": round(seconds, 2), "rss_mb": round(rss)}))
"""


def run(pattern: str, size: int, mode: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(REPO), pattern, str(size), mode],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        return {"error": (result.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(result.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bytes", type=int, default=2_000_000, help="input size (the limit)")
    parser.add_argument("--only", nargs="*", help="patterns to run (default: all)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    bare = run(PROSE, args.bytes, "bare")
    baseline = run(PROSE, args.bytes, "mdwx")
    rows = [{"pattern": p, **run(p, args.bytes, "mdwx")} for p in (args.only or PATTERNS)]
    if args.json:
        print(
            json.dumps(
                {"bytes": args.bytes, "bare_prose": bare, "mdwx_prose": baseline, "rows": rows},
                indent=2,
            )
        )
        return 0
    print(
        f"input: {args.bytes:,} bytes per post. Plain prose: mdwx {baseline.get('seconds')} s, "
        f"{baseline.get('rss_mb')} MB; bare markdown-it {bare.get('seconds')} s, "
        f"{bare.get('rss_mb')} MB"
    )
    print(f"{'pattern':<14}{'cpu s':>8}{'x prose':>8}{'max RSS MB':>12}")
    for row in rows:
        if "error" in row:
            print(f"{row['pattern']!r:<14} error: {row['error']}")
            continue
        ratio = row["seconds"] / baseline["seconds"] if baseline.get("seconds") else 0.0
        print(f"{row['pattern']!r:<14}{row['seconds']:>8.2f}{ratio:>8.1f}{row['rss_mb']:>12}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
