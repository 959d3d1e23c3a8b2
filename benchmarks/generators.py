"""Generator pre-processing stays linear on hostile text: time per MB at 1x and 4x size.

    python benchmarks/generators.py

For each generator (Hugo, Hexo, Jekyll, Obsidian) and each input shape — ordinary prose with
every construct, and shapes that make naive regexes quadratic (openers with no closer, many
backtick runs, one huge line) — the body rewrite is timed at 1x and 4x the size and the
ratio of the two times printed: about 4 means linear, 16 quadratic. Best of 3 runs.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from mdwx.source.generators import GENERATORS
from mdwx.source.generators.base import PostContext

PROSE = (
    'Intro {{< figure src="/a.png" caption="c" >}} and {% asset_img a.png t %} with '
    "[[Note|alias]] ==mark== %%hidden%% `{{ code }}` {{ site.baseurl }}/x ![i](/b.png)\n\n"
)
SHAPES = {
    "prose": lambda n: PROSE * (n // len(PROSE)),
    "unclosed raw": lambda n: "{% raw %} a\n" * (n // 12),
    "unclosed tags": lambda n: "{{< a {% b {{ c [[d ![e " * (n // 24),
    "backtick runs": lambda n: "` a `` b\n\n" * (n // 10),
    "unclosed pairs": lambda n: "{% note x %}\n{{% notice y %}}\n{% highlight z %}\n" * (n // 48),
}


def best(text: str, name: str, root: Path) -> float:
    times = []
    for _ in range(3):
        ctx = PostContext(path=root / "post.md", site_root=root, confine=root, body_line=1)
        start = time.perf_counter()
        GENERATORS[name].body(text, ctx)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    size = 250_000
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        print(f"{'generator':10} {'shape':16} {'1x s':>8} {'4x s':>8} {'4x/1x':>6}")
        for name in GENERATORS:
            for shape, make in SHAPES.items():
                small, large = best(make(size), name, root), best(make(4 * size), name, root)
                print(
                    f"{name:10} {shape:16} {small:8.3f} {large:8.3f} {large / max(small, 1e-9):6.1f}"
                )


if __name__ == "__main__":
    main()
