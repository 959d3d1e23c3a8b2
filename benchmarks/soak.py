"""Soak: publish a generated site to the sandbox with every fault on, re-running until done.

The site (``benchmarks/sitegen.py``): 50 posts, 200 images, 2 small videos, generated in a
temporary folder. The sandbox answers ``failure_rate`` (20%) of API requests with a fault
drawn from every kind it knows — ``errcode -1``, HTTP 500, a connection dropped before the
work, dropped after it, or a timeout (work done, answer held past the client's read
timeout) — expires every token each ``--expire-every`` calls, answers one request with
45009 (daily quota reached), and adds seeded latency jitter. mdwx is re-run, as a user
would, until every post is published or ``--max-runs`` runs have been made.

Then the same site is published once to a fault-free sandbox in the same script, and the
figures are printed: posts published, duplicate articles, duplicate submissions, images
uploaded more than once (and how many upload answers were lost, which is what makes a
re-upload unavoidable), unsubmitted copies left by lost ``uploadnews`` answers (and how many
of them mdwx warned about), requests against the fault-free run, wall time.

Targets: every post published after re-runs; 0 duplicate submitted articles; 0 duplicate
submissions.

Usage: python benchmarks/soak.py [--posts 50] [--images 200] [--videos 2] [--seed 1]
                                 [--rate 0.2] [--max-runs 12] [--quick] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sitegen import make_site  # noqa: E402

from mdwx.publish.publisher import Publisher  # noqa: E402
from mdwx.publish.results import PostResult  # noqa: E402
from mdwx.publish.run_options import RunOptions  # noqa: E402
from mdwx.publish.state.store import State  # noqa: E402
from mdwx.sandbox import FAULT_KINDS, SandboxServer, SandboxSettings  # noqa: E402
from mdwx.source.gate import collect_posts  # noqa: E402
from mdwx.wechat import MemoryTokenCache, RetryPolicy, WeChatClient  # noqa: E402

IMAGE_ENDPOINTS = ("media/uploadimg", "material/add_material")
ORPHAN_WARNING = "stopped while uploading this article"


@dataclass(frozen=True)
class SoakConfig:
    """Scale and fault mix of one soak. Times in seconds."""

    posts: int = 50
    images: int = 200
    videos: int = 2
    seed: int = 1
    rate: float = 0.2
    expire_every: int = 7
    quota_at: int = 40
    jitter: float = 0.01
    client_timeout: float = 1.0
    hang: float = 1.5
    max_runs: int = 12
    retry_base: float = 0.02

    @classmethod
    def quick(cls, **changes: Any) -> SoakConfig:
        """A few posts with short timeouts: the whole soak in a few seconds (used by tests)."""
        base = dict(
            posts=5, images=12, videos=1, quota_at=9, client_timeout=0.5, hang=0.7, retry_base=0.01
        )
        return cls(**{**base, **changes})


@dataclass
class SoakReport:
    posts: int
    published: int
    runs: int
    duplicate_articles: int
    duplicate_submissions: int
    images_stored: int
    images_uploaded_more_than_once: int
    extra_image_copies: int
    image_uploads_unanswered: int
    unsubmitted_copies: int
    copies_warned: int
    faults: dict[str, int]
    requests: int
    baseline_requests: int
    wall_s: float
    baseline_wall_s: float
    runs_detail: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            self.published == self.posts
            and self.duplicate_articles == 0
            and self.duplicate_submissions == 0
        )


class UnansweredUploads:
    """Counts image uploads whose answer never reached the client, from the client's request
    log (``POST media/uploadimg → ReadTimeout (0.50 s)``): injected faults, and also any
    timeout a loaded machine causes on its own. Each can leave one extra stored copy."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, line: str) -> None:
        _, label, _, outcome, *_ = (line.split() + ["", "", "", ""])[:4]
        if label in IMAGE_ENDPOINTS and not outcome.isdigit():
            self.count += 1


def _client(
    sb: SandboxServer, config: SoakConfig, log: UnansweredUploads | None = None
) -> WeChatClient:
    """A fresh client per run, as a fresh process would have (its own token cache)."""
    return WeChatClient(
        sb.appid,
        sb.secret,
        api_base=sb.base_url,
        token_cache=MemoryTokenCache(),
        timeout=config.client_timeout,
        upload_timeout=config.client_timeout,
        retry=RetryPolicy(attempts=5, base=config.retry_base, cap=config.retry_base * 8),
        log=log,
    )


def publish_once(
    site: Path, sb: SandboxServer, config: SoakConfig, log: UnansweredUploads | None = None
) -> list[PostResult]:
    """One ``mdwx publish SITE`` through the library; failures are results, not exceptions."""
    posts = collect_posts([site])
    client = _client(sb, config, log)

    async def go(state: State) -> list[PostResult]:
        async with client:
            return await Publisher(client, state, sb.appid, RunOptions()).publish_all(posts)

    with State.open(posts[0].config.state_path) as state:
        return asyncio.run(go(state))


def _sandbox_settings(config: SoakConfig, faults: bool) -> SandboxSettings:
    fast = dict(review_seconds=0.02, video_review_seconds=0.05, seed=config.seed)
    if not faults:
        return SandboxSettings(**fast)
    return SandboxSettings(
        **fast,
        failure_rate=config.rate,
        failure_kinds=FAULT_KINDS,
        fault_tokens=True,
        token_expire_every=config.expire_every,
        quota_hit_at=config.quota_at,
        latency_jitter=config.jitter,
        hang_seconds=config.hang,
    )


def _api_requests(sb: SandboxServer) -> list[Any]:
    return [r for r in sb.requests if r.path.startswith("/cgi-bin/")]


def account_figures(sb: SandboxServer, titles: list[str]) -> dict[str, int]:
    """Count what the sandbox account holds, per post title."""
    by_title: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for article in sb.store.articles():
        by_title[article.article["title"]][article.state] += 1
    submitted = [by_title[t]["submitted"] for t in titles]
    images = collections.Counter((i.kind, i.sha1) for i in sb.store.images())
    return {
        "published": sum(1 for n in submitted if n >= 1),
        "duplicate_articles": sum(max(0, n - 1) for n in submitted),
        "duplicate_submissions": sb.store.submission_count() - sum(1 for n in submitted if n >= 1),
        "unsubmitted_copies": sum(by_title[t]["draft"] for t in titles),
        "images_stored": sum(images.values()),
        "images_uploaded_more_than_once": sum(1 for n in images.values() if n > 1),
        "extra_image_copies": sum(n - 1 for n in images.values()),
    }


def _titles(site: Path) -> list[str]:
    return [f"Soak post {n:03d}" for n in range(len(list((site / "posts").glob("*.md"))))]


def baseline(config: SoakConfig, root: Path) -> tuple[int, float]:
    """Requests and wall time of the same site published once with no faults."""
    site = make_site(root / "clean", config.posts, config.images, config.videos, config.seed)
    with SandboxServer(_sandbox_settings(config, faults=False)) as sb:
        start = time.perf_counter()
        results = publish_once(site, sb, config)
        wall = time.perf_counter() - start
        failed = [str(r.error) for r in results if r.error]
        if failed:
            raise SystemExit("the fault-free run failed: " + "; ".join(failed[:3]))
        return len(_api_requests(sb)), wall


def soak(config: SoakConfig) -> SoakReport:
    """Run the soak and the fault-free baseline; see the module doc."""
    with tempfile.TemporaryDirectory(prefix="mdwx-soak-") as tmp:
        root = Path(tmp)
        baseline_requests, baseline_wall = baseline(config, root)
        site = make_site(root / "site", config.posts, config.images, config.videos, config.seed)
        titles = _titles(site)
        runs: list[dict[str, Any]] = []
        warned = 0
        unanswered = UnansweredUploads()
        with SandboxServer(_sandbox_settings(config, faults=True)) as sb:
            start = time.perf_counter()
            for _ in range(config.max_runs):
                results = publish_once(site, sb, config, unanswered)
                warned += sum(1 for r in results for w in r.warnings if ORPHAN_WARNING in w)
                failed = [r for r in results if r.error]
                runs.append(
                    {
                        "failed": len(failed),
                        "errors": collections.Counter(type(r.error).__name__ for r in failed),
                    }
                )
                if not failed:
                    break
            wall = time.perf_counter() - start
            time.sleep(0.1)  # let the last reviews pass (review_seconds=0.02)
            figures = account_figures(sb, titles)
            log = _api_requests(sb)
            faults = collections.Counter(r.fault for r in log if r.fault)
        return SoakReport(
            posts=config.posts,
            runs=len(runs),
            images_stored=figures.pop("images_stored"),
            image_uploads_unanswered=unanswered.count,
            copies_warned=warned,
            faults=dict(faults),
            requests=len(log),
            baseline_requests=baseline_requests,
            wall_s=round(wall, 2),
            baseline_wall_s=round(baseline_wall, 2),
            runs_detail=[{"failed": r["failed"], "errors": dict(r["errors"])} for r in runs],
            **figures,
        )


def describe(report: SoakReport, config: SoakConfig) -> str:
    r = report
    faults = ", ".join(f"{k} {v}" for k, v in sorted(r.faults.items()))
    ratio = r.requests / r.baseline_requests if r.baseline_requests else float("nan")
    lines = [
        f"soak: {r.posts} posts, {config.images} images, {config.videos} videos; seed {config.seed}; "
        f"{config.rate:.0%} of API requests faulted, tokens expired every {config.expire_every} calls, "
        f"45009 at call {config.quota_at}, jitter ≤ {config.jitter * 1000:.0f} ms",
        f"  faults injected: {faults or 'none'}",
        f"  runs: {r.runs} (failed posts per run: {', '.join(str(d['failed']) for d in r.runs_detail)})",
        f"  posts published: {r.published}/{r.posts} (target {r.posts}/{r.posts})",
        f"  duplicate articles (submitted twice): {r.duplicate_articles} (target 0)",
        f"  duplicate submissions: {r.duplicate_submissions} (target 0)",
        f"  images uploaded more than once: {r.images_uploaded_more_than_once} ({r.extra_image_copies} extra "
        f"copies of {r.images_stored} stored) "
        f"(image uploads whose answer never arrived: {r.image_uploads_unanswered})",
        f"  unsubmitted copies left by lost uploadnews answers: {r.unsubmitted_copies} "
        f"(warned about: {r.copies_warned})",
        f"  requests: {r.requests} vs {r.baseline_requests} fault-free ({ratio:.2f}×)",
        f"  wall time: {r.wall_s:.1f} s vs {r.baseline_wall_s:.1f} s fault-free",
        "  result: " + ("target met" if r.ok else "TARGET MISSED"),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="5 posts, 12 images, 1 video, short timeouts"
    )
    parser.add_argument("--posts", type=int)
    parser.add_argument("--images", type=int)
    parser.add_argument("--videos", type=int)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--rate", type=float, help="share of API requests faulted (0-1)")
    parser.add_argument("--max-runs", type=int)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    changes = {
        k: v
        for k, v in (
            ("posts", args.posts),
            ("images", args.images),
            ("videos", args.videos),
            ("seed", args.seed),
            ("rate", args.rate),
            ("max_runs", args.max_runs),
        )
        if v is not None
    }
    config = SoakConfig.quick(**changes) if args.quick else SoakConfig(**changes)
    report = soak(config)
    if args.json:
        print(json.dumps({"config": asdict(config), **asdict(report), "ok": report.ok}, indent=2))
    else:
        print(describe(report, config))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
