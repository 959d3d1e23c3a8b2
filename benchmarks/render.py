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
``python -c pass`` in subprocesses.

Whole process (what a user waits for): ``mdwx build`` of the real-world corpus as a
subprocess, wall time, against a subprocess running bare markdown-it-py with the same
plugins over the same files (its import included) — target ≤ 3×. The corpus is copied to a
temp site (front matter, a cover, a stand-in for every local picture it names), never into
the project. Also timed: ``mdwx build`` of a math-heavy post with an empty formula cache and
again with the cache filled (the second run typesets nothing). Run from anywhere::

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

from mdwx.config import SiteConfig  # noqa: E402
from mdwx.errors import MdwxError  # noqa: E402
from mdwx.markdown.syntax import use_syntax  # noqa: E402
from mdwx.render import render_article, render_markdown  # noqa: E402
from mdwx.source.article import read_article  # noqa: E402
from mdwx.source.site import load_config  # noqa: E402

REAL_CORPUS = REPO.parent / "shared" / "bench" / "corpus"
SAMPLE_POSTS = REPO / "sample-site" / "posts"
RATIO_TARGET = 2.5
PROCESS_RATIO_TARGET = 3.0
STARTUP_TARGET_MS = 150.0
MATH_POST = SAMPLE_POSTS / "math-notes.md"
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

    Uses ``mdwx.markdown.syntax.use_syntax``, the same setup mdwx's own parser gets before
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
    return {
        "mdwx_help_ms": round(help_ms, 1),
        "python_pass_ms": round(python_ms, 1),
        "ratio": round(help_ms / python_ms, 2),
        "target_ms": STARTUP_TARGET_MS,
        "runs": runs,
    }


# The bare side of the whole-process figure: markdown-it-py with the plugins of
# ``mdwx.markdown.syntax.use_syntax`` (checked below), rendering every post of a folder.
BARE_SCRIPT = """
import sys
from pathlib import Path

from markdown_it import MarkdownIt
from mdit_py_plugins.container import container_plugin

# mdwx's syntax plugins themselves (its CJK-friendly emphasis, autolinks, callout titles, image
# spaces, TOC, linear-time guards): the same parser, rendering plain HTML. Their import (with
# the mdwx modules they use) is counted here too.
from mdwx.markdown.syntax import use_syntax

md = use_syntax(MarkdownIt("commonmark", {"html": True}))
md.use(container_plugin, "callout")
if sys.argv[1] == "--rules":
    print(sorted(r.name for ruler in (md.core.ruler, md.block.ruler, md.inline.ruler, md.inline.ruler2)
                 for r in ruler.__rules__ if r.enabled))
else:
    for path in sorted(Path(sys.argv[1]).glob("*.md")):
        md.render(path.read_text("utf-8"))
"""


def _rule_names(md: MarkdownIt) -> list[str]:
    return sorted(
        r.name
        for ruler in (md.core.ruler, md.block.ruler, md.inline.ruler, md.inline.ruler2)
        for r in ruler.__rules__
        if r.enabled
    )


def corpus_site(source: Path, site: Path) -> Path:
    """A site holding each article of ``source`` with front matter, a default cover and a
    stand-in picture for every local image it names (the corpus ships without them)."""
    from PIL import Image

    site.mkdir(parents=True)
    Image.new("RGB", (900, 383), (20, 120, 80)).save(site / "cover.png")
    (site / "mdwx.toml").write_text('default_cover = "cover.png"\n', encoding="utf-8")
    config = load_config(site)
    for path in sorted(source.glob("*.md")):
        body = path.read_text("utf-8")
        post = site / path.name
        post.write_text(f"---\ntitle: {json.dumps(path.stem)}\n---\n\n{body}", encoding="utf-8")
        article = read_article(post, config)
        for asset in render_article(article, config).assets:
            target = asset.local_path
            if target is None or asset.kind.value == "formula" or not target.is_relative_to(site):
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.suffix.lower() == ".svg":
                target.write_text(
                    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
                )
            else:
                Image.new("RGB", (16, 16), (200, 30, 30)).save(target, format="PNG")
    return site


def _wall(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def _children_cpu() -> float:
    """CPU seconds (user + system) used so far by this process's finished children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def whole_process(repeat: int, tmp: Path) -> dict[str, object]:
    """Wall seconds of ``mdwx build`` of the corpus against bare markdown-it-py, subprocesses
    alternating (best of ``repeat``), and of a math post built cold then with its cache.

    The CPU seconds of the same runs are reported beside: on a machine others load, wall
    time measures them as much as mdwx, and the CPU ratio stays put."""
    import os

    script = Path(sys.executable).parent / "mdwx"
    if not script.exists():
        return {"note": "no mdwx executable next to this Python"}
    if not REAL_CORPUS.is_dir():
        return {"note": f"real-world corpus not found at {REAL_CORPUS}"}
    bare_py = tmp / "bare_markdown_it.py"
    bare_py.write_text(BARE_SCRIPT, encoding="utf-8")
    rules = subprocess.run(
        [sys.executable, str(bare_py), "--rules"], check=True, capture_output=True, text=True
    ).stdout.strip()
    if rules != str(_rule_names(bare_markdown_it())):
        raise SystemExit(
            "benchmark error: the bare script's markdown-it rules differ from mdwx's syntax"
        )
    site = corpus_site(REAL_CORPUS, tmp / "corpus-site")
    env = {**os.environ, "MDWX_CACHE_DIR": str(tmp / "cache")}
    build = [str(script), "build", str(site), "-o", str(tmp / "out")]
    _wall(build, env)  # warm the OS file cache and the formula cache
    mdwx_s, bare_s, mdwx_cpu, bare_cpu = [], [], [], []
    for _ in range(repeat):
        before = _children_cpu()
        mdwx_s.append(_wall(build, env))
        middle = _children_cpu()
        bare_s.append(_wall([sys.executable, str(bare_py), str(site)], env))
        mdwx_cpu.append(middle - before)
        bare_cpu.append(_children_cpu() - middle)
    math_env = {**os.environ, "MDWX_CACHE_DIR": str(tmp / "math-cache")}
    math = [str(script), "build", str(MATH_POST), "-o", str(tmp / "math-out")]
    cold = _wall(math, math_env)
    warm = min(_wall(math, math_env) for _ in range(repeat))
    return {
        "posts": len(list(site.glob("*.md"))),
        "mdwx_build_s": round(min(mdwx_s), 3),
        "bare_markdown_it_s": round(min(bare_s), 3),
        "ratio": round(min(mdwx_s) / min(bare_s), 2),
        "target": PROCESS_RATIO_TARGET,
        "mdwx_build_cpu_s": round(min(mdwx_cpu), 3),
        "bare_markdown_it_cpu_s": round(min(bare_cpu), 3),
        "cpu_ratio": round(min(mdwx_cpu) / min(bare_cpu), 2),
        "math_post_cold_s": round(cold, 3),
        "math_post_cached_s": round(warm, 3),
        "runs": repeat,
    }


def input_sets(
    extra: Sequence[Path], generated: int, tmp: Path
) -> tuple[list[tuple[str, Path]], list[str]]:
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


def report(
    results: list[SetResult],
    start: dict[str, float | str],
    notes: list[str],
    process: dict[str, object] | None = None,
) -> str:
    lines = [*notes]
    header = f"{'set':<28}{'posts':>6}{'MB':>7}  {'pass':<8}{'posts/s':>9}{'MB/s':>8}"
    lines.append(header)
    for res in results:
        for label in res.seconds:
            lines.append(
                f"{res.name:<28}{res.posts:>6}{res.megabytes:>7.2f}  {label:<8}"
                f"{res.posts_per_s[label]:>9.1f}{res.mb_per_s[label]:>8.2f}"
            )
        if res.seconds:
            verdict = "ok" if res.ratio <= RATIO_TARGET else "OVER TARGET"
            lines.append(
                f"  mdwx/bare = {res.ratio:.2f}x (target <= {RATIO_TARGET}x: {verdict}); "
                f"peak traced memory of one mdwx pass {res.peak_memory_mb:.1f} MB"
            )
        lines.extend(f"  skipped {item}" for item in res.skipped)
    if "mdwx_help_ms" in start:
        lines.append(
            f"mdwx --help: {start['mdwx_help_ms']} ms median of {start['runs']} "
            f"(target <= {STARTUP_TARGET_MS:.0f} ms); python -c pass: "
            f"{start['python_pass_ms']} ms; ratio {start['ratio']}x"
        )
    else:
        lines.append(f"mdwx --help: {start.get('note')}")
    if process and "ratio" in process:
        verdict = "ok" if float(process["ratio"]) <= PROCESS_RATIO_TARGET else "OVER TARGET"  # type: ignore[arg-type]
        lines.append(
            f"whole process, {process['posts']} corpus posts: mdwx build {process['mdwx_build_s']} s, "
            f"bare markdown-it-py {process['bare_markdown_it_s']} s: {process['ratio']}x "
            f"(target <= {PROCESS_RATIO_TARGET:.0f}x: {verdict}; best of {process['runs']})"
        )
        lines.append(
            f"math post: build {process['math_post_cold_s']} s with an empty formula cache, "
            f"{process['math_post_cached_s']} s with it filled"
        )
    elif process:
        lines.append(f"whole process: {process.get('note')}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines.append(f"max RSS of this process: {rss:.0f} MB")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Benchmark mdwx's renderer against markdown-it-py."
    )
    parser.add_argument("dirs", nargs="*", type=Path, help="extra folders of Markdown posts")
    parser.add_argument("--repeat", type=int, default=3, help="passes per measurement; best kept")
    parser.add_argument(
        "--generated",
        type=int,
        default=corpus_gen.DEFAULT_COUNT,
        help="posts in the generated corpus (0: none)",
    )
    parser.add_argument("--startup-runs", type=int, default=10)
    parser.add_argument("--process-runs", type=int, default=5, help="whole-process runs (0: skip)")
    parser.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    parser.add_argument(
        "--process-only",
        action="store_true",
        help="only the whole-process figures (no input sets, no start-up)",
    )
    args = parser.parse_args(argv)
    if args.process_only:
        with tempfile.TemporaryDirectory(prefix="mdwx-bench-") as tmp:
            process = whole_process(max(1, args.process_runs), Path(tmp))
        print(
            json.dumps(process, indent=2)
            if args.json
            else "\n".join(f"{key}: {value}" for key, value in process.items())
        )
        return 0
    with tempfile.TemporaryDirectory(prefix="mdwx-bench-") as tmp:
        sets, notes = input_sets(args.dirs, args.generated, Path(tmp))
        results = []
        for name, folder in sets:
            posts, skipped = load_posts(folder)
            results.append(bench_set(name, posts, skipped, max(1, args.repeat)))
        process = whole_process(args.process_runs, Path(tmp)) if args.process_runs else None
    start = startup(args.startup_runs)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if args.json:
        print(
            json.dumps(
                {
                    "sets": [asdict(r) for r in results],
                    "startup": start,
                    "max_rss_mb": round(rss, 1),
                    "notes": notes,
                    "whole_process": process,
                    "ratio_target": RATIO_TARGET,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        print(report(results, start, notes, process))
    return 0


if __name__ == "__main__":
    sys.exit(main())
