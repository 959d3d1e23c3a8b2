"""Render benchmark: mdwx's WeChat renderer against bare markdown-it-py on the same input.

What is timed, per input set (best of ``--repeat`` passes over every post of the set):

- ``bare``: ``MarkdownIt.render(body)`` with the same syntax plugins mdwx enables, producing
  plain HTML. This is the floor: parsing cost with no WeChat transforms.
- ``mdwx``: ``render_markdown(body, config, path=..., base_dir=...)`` on the same body — the
  WeChat render of the body (transforms, highlighting, inline CSS, sanitising; no site
  header/footer, which bare would not have either). The ratio ``mdwx / bare`` is the
  figure with a target (≤ 2.5×).
- ``article``: ``read_article(path) + render_article(article)``: reading the file and its
  front matter (and building the digest), then the body plus the site's header, footer
  and references list — what ``mdwx build`` pays per post before touching assets.

Bodies are taken from ``read_article`` once, before timing, so ``bare`` and ``mdwx`` see the
identical string. Input sets: the real-world corpus ``../shared/bench/corpus`` (skipped
with a note when absent), ``sample-site/posts``, the generated corpus of
``benchmarks/corpus_gen.py`` and any DIR given. Also measured: the peak memory of one
``mdwx`` pass (tracemalloc), and the start-up time of ``mdwx --help`` against
``python -c pass`` in subprocesses. Run from anywhere::

    python benchmarks/render.py [DIR...] [--repeat 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt
from mdit_py_plugins.container import container_plugin

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import corpus_gen  # noqa: E402

from mdwx.article import read_article  # noqa: E402
from mdwx.config import SiteConfig, load_config  # noqa: E402
from mdwx.errors import MdwxError  # noqa: E402
from mdwx.render import render_article, render_markdown  # noqa: E402
from mdwx.render.pipeline import use_syntax  # noqa: E402

REAL_CORPUS = REPO.parent / "shared" / "bench" / "corpus"
SAMPLE_POSTS = REPO / "sample-site" / "posts"
RATIO_TARGET = 2.5
STARTUP_TARGET_MS = 150.0
MB = 1024 * 1024


@dataclass
class Post:
    path: Path
    body: str
    config: SiteConfig


@dataclass
class SetResult:
    name: str
    posts: int
    megabytes: float
    seconds: dict[str, float] = field(default_factory=dict)
    posts_per_s: dict[str, float] = field(default_factory=dict)
    mb_per_s: dict[str, float] = field(default_factory=dict)
    ratio: float = 0.0
    peak_memory_mb: float = 0.0
    skipped: list[str] = field(default_factory=list)


def bare_markdown_it() -> MarkdownIt:
    """markdown-it-py with the syntax (and options) mdwx's parser enables, rendering plain HTML.

    Uses ``mdwx.render.pipeline.use_syntax``, the same setup mdwx's own parser gets before
    its render rules, so the ratio measures what the WeChat transforms cost.
    """
    md = use_syntax(MarkdownIt("commonmark", {"html": True}))
    md.use(container_plugin, "callout")  # mdwx registers ::: containers with its block rules
    return md


def load_posts(folder: Path) -> tuple[list[Post], list[str]]:
    """Read every ``*.md`` under ``folder``; a post ``read_article`` refuses is skipped."""
    posts: list[Post] = []
    skipped: list[str] = []
    configs: dict[Path, SiteConfig] = {}
    for path in sorted(folder.rglob("*.md")):
        config = configs.get(path.parent) or configs.setdefault(path.parent, load_config(path))
        try:
            article = read_article(path.resolve(), config)
        except MdwxError as exc:
            skipped.append(f"{path.name}: {exc}")
            continue
        posts.append(Post(path.resolve(), article.body, config))
    return posts, skipped


def _mdwx_render(post: Post) -> str:
    return render_markdown(post.body, post.config, path=post.path, base_dir=post.path.parent).html


def _article_render(post: Post) -> str:
    return render_article(read_article(post.path, post.config), post.config).html


def drop_failing(posts: list[Post], skipped: list[str]) -> list[Post]:
    """Keep the posts mdwx renders; a failure is reported, not timed."""
    kept = []
    for post in posts:
        try:
            _mdwx_render(post)
        except MdwxError as exc:
            skipped.append(f"{post.path.name}: render failed: {exc}")
            continue
        kept.append(post)
    return kept


def best_of(repeat: int, posts: Sequence[Post], render: Callable[[Post], str]) -> float:
    """The fastest of ``repeat`` passes: the least disturbed by other load on the machine."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for post in posts:
            render(post)
        times.append(time.perf_counter() - start)
    return min(times)


def peak_memory(posts: Sequence[Post]) -> float:
    """Peak Python allocation (MB) during one mdwx pass over the set."""
    tracemalloc.start()
    try:
        for post in posts:
            _mdwx_render(post)
        return tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()


def bench_set(name: str, posts: list[Post], skipped: list[str], repeat: int) -> SetResult:
    md = bare_markdown_it()
    posts = drop_failing(posts, skipped)
    size = sum(len(p.body.encode()) for p in posts) / MB
    result = SetResult(name, len(posts), round(size, 3), skipped=skipped)
    if not posts:
        return result
    passes: dict[str, Callable[[Post], str]] = {
        "bare": lambda post: md.render(post.body),
        "mdwx": _mdwx_render,
        "article": _article_render,
    }
    for label, render in passes.items():
        seconds = best_of(repeat, posts, render)
        result.seconds[label] = round(seconds, 4)
        result.posts_per_s[label] = round(len(posts) / seconds, 1)
        result.mb_per_s[label] = round(size / seconds, 3)
    result.ratio = round(result.seconds["mdwx"] / result.seconds["bare"], 2)
    result.peak_memory_mb = round(peak_memory(posts), 2)
    return result


def startup(runs: int) -> dict[str, float | str]:
    """Median wall time (ms) of ``mdwx --help`` and of ``python -c pass``, same conditions."""
    script = Path(sys.executable).parent / "mdwx"
    command = [str(script)] if script.exists() else [shutil.which("mdwx") or ""]
    if not command[0]:
        return {"note": "no mdwx executable next to this Python or on PATH"}

    def median_ms(argv: list[str]) -> float:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times.append((time.perf_counter() - start) * 1000)
        return statistics.median(times)

    python_ms = median_ms([sys.executable, "-c", "pass"])
    help_ms = median_ms([*command, "--help"])
    return {"mdwx_help_ms": round(help_ms, 1), "python_pass_ms": round(python_ms, 1),
            "ratio": round(help_ms / python_ms, 2), "target_ms": STARTUP_TARGET_MS, "runs": runs}


def input_sets(extra: Sequence[Path], generated: int, tmp: Path) -> tuple[list[tuple[str, Path]], list[str]]:
    notes = []
    sets = []
    if REAL_CORPUS.is_dir():
        sets.append(("real-world corpus", REAL_CORPUS))
    else:
        notes.append(f"real-world corpus not found at {REAL_CORPUS}: skipped")
    sets.append(("sample site", SAMPLE_POSTS))
    if generated:
        corpus_gen.write_corpus(tmp / "generated", count=generated)
        sets.append((f"generated ({generated} posts)", tmp / "generated"))
    sets.extend((str(folder), folder) for folder in extra)
    return sets, notes


def report(results: list[SetResult], start: dict[str, float | str], notes: list[str]) -> str:
    lines = [*notes]
    header = f"{'set':<28}{'posts':>6}{'MB':>7}  {'pass':<8}{'posts/s':>9}{'MB/s':>8}"
    lines.append(header)
    for res in results:
        for label in res.seconds:
            lines.append(f"{res.name:<28}{res.posts:>6}{res.megabytes:>7.2f}  {label:<8}"
                         f"{res.posts_per_s[label]:>9.1f}{res.mb_per_s[label]:>8.2f}")
        if res.seconds:
            verdict = "ok" if res.ratio <= RATIO_TARGET else "OVER TARGET"
            lines.append(f"  mdwx/bare = {res.ratio:.2f}x (target <= {RATIO_TARGET}x: {verdict}); "
                         f"peak traced memory of one mdwx pass {res.peak_memory_mb:.1f} MB")
        lines.extend(f"  skipped {item}" for item in res.skipped)
    if "mdwx_help_ms" in start:
        lines.append(f"mdwx --help: {start['mdwx_help_ms']} ms median of {start['runs']} "
                     f"(target <= {STARTUP_TARGET_MS:.0f} ms); python -c pass: "
                     f"{start['python_pass_ms']} ms; ratio {start['ratio']}x")
    else:
        lines.append(f"mdwx --help: {start.get('note')}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines.append(f"max RSS of this process: {rss:.0f} MB")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark mdwx's renderer against markdown-it-py.")
    parser.add_argument("dirs", nargs="*", type=Path, help="extra folders of Markdown posts")
    parser.add_argument("--repeat", type=int, default=3, help="passes per measurement; best kept")
    parser.add_argument("--generated", type=int, default=corpus_gen.DEFAULT_COUNT,
                        help="posts in the generated corpus (0: none)")
    parser.add_argument("--startup-runs", type=int, default=10)
    parser.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="mdwx-bench-") as tmp:
        sets, notes = input_sets(args.dirs, args.generated, Path(tmp))
        results = []
        for name, folder in sets:
            posts, skipped = load_posts(folder)
            results.append(bench_set(name, posts, skipped, max(1, args.repeat)))
    start = startup(args.startup_runs)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if args.json:
        print(json.dumps({"sets": [asdict(r) for r in results], "startup": start,
                          "max_rss_mb": round(rss, 1), "notes": notes,
                          "ratio_target": RATIO_TARGET}, ensure_ascii=False, indent=2))
    else:
        print(report(results, start, notes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
