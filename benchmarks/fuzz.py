"""Fuzz figure: N generated posts through the reader and renderer; every one must end in
success or a one-line MdwxError (target: 0 other exceptions).

    python benchmarks/fuzz.py                 # 2,000 examples
    python benchmarks/fuzz.py --examples 10000 --json

Prints examples run, rendered, refused, other exceptions (with the first few inputs that
raised them), and examples per second. The strategies are those of ``tests/test_fuzz.py``
(``tests/fuzz_posts.py``); the suite runs 150 of them on every test run.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hypothesis import HealthCheck, given, settings  # noqa: E402

from tests.fuzz_posts import posts, read_and_render  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=2000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    counts: collections.Counter[str] = collections.Counter()
    failures: list[dict[str, str]] = []

    with tempfile.TemporaryDirectory() as folder:

        @settings(
            max_examples=args.examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(text=posts)
        def run(text: str) -> None:
            try:
                counts[read_and_render(text, Path(folder))] += 1
            except Exception as exc:  # noqa: BLE001 - counting exactly these is the point
                counts["other"] += 1
                if len(failures) < 5:
                    failures.append(
                        {"input": text[:300], "error": traceback.format_exception_only(exc)[-1]}
                    )

        start = time.perf_counter()
        run()
        elapsed = time.perf_counter() - start
    total = sum(counts.values())
    figure = {
        "examples": total,
        "rendered": counts["ok"],
        "refused": counts["error"],
        "other_exceptions": counts["other"],
        "seconds": round(elapsed, 1),
        "examples_per_second": round(total / elapsed, 1),
        "failures": failures,
    }
    if args.json:
        print(json.dumps(figure, ensure_ascii=False, indent=2))
    else:
        print(
            f"fuzz: {total} posts: {counts['ok']} rendered, {counts['error']} refused with an "
            f"MdwxError, {counts['other']} other exceptions (target 0); "
            f"{figure['examples_per_second']} posts/s"
        )
        for failure in failures:
            print(f"  {failure['error'].strip()}  <- {failure['input']!r}")
    return 1 if counts["other"] else 0


if __name__ == "__main__":
    sys.exit(main())
