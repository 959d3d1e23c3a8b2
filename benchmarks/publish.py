"""Publishing benchmarks against the local sandbox (loopback HTTP), figures as ratios.

1. A post with 40 distinct images, 100 ms added latency per request: wall time with the
   default concurrency (8) against a sequential run (concurrency 1) in the same script.
   Target: ≥ 5× faster than sequential.
2. A 300 MB video: peak RSS of the publishing process, against the same process publishing
   a 1 MB video (the baseline). Target: < 120 MB.
3. Re-publishing the unchanged sample site: requests sent (target 0) and wall time, against
   the first publish.
4. The README's main command, `mdwx publish sample-site --sandbox`, in a fresh process on a
   fresh copy (in-process sandbox, review followed to the end): wall time, against `mdwx
   check sample-site` (the same posts read and rendered offline) in the same run.
   Target: ≤ 5 s.

Usage: python benchmarks/publish.py [--images 40] [--latency 0.1] [--video-mb 300]
                                    [--only images,video,republish,sandbox] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from mdwx.publish.publisher import Publisher  # noqa: E402
from mdwx.publish.run_options import RunOptions  # noqa: E402
from mdwx.publish.state.store import State  # noqa: E402
from mdwx.sandbox import SandboxServer, SandboxSettings  # noqa: E402
from mdwx.source.gate import collect_posts  # noqa: E402
from mdwx.wechat import MemoryTokenCache, WeChatClient  # noqa: E402


def run_publish(
    paths: list[Path], base_url: str, appid: str, secret: str, **options: object
) -> list:
    posts = collect_posts(paths)
    client = WeChatClient(appid, secret, api_base=base_url, token_cache=MemoryTokenCache())

    async def go(state: State) -> list:
        async with client:
            return await Publisher(client, state, appid, RunOptions(**options)).publish_all(posts)

    with State.open(posts[0].config.state_path) as state:
        results = asyncio.run(go(state))
    failed = [str(r.error) for r in results if r.error]
    if failed:
        raise SystemExit("publish failed: " + "; ".join(failed))
    return results


def image_site(root: Path, count: int) -> Path:
    (root / "media").mkdir(parents=True)
    (root / "mdwx.toml").write_text('default_cover = "media/cover.jpg"\n', encoding="utf-8")
    Image.new("RGB", (300, 200), (90, 90, 160)).save(root / "media" / "cover.jpg")
    lines = ["---", "title: Forty pictures", "---", ""]
    for i in range(count):
        Image.new("RGB", (160, 120), (i * 6 % 256, 255 - i * 5 % 256, i * 11 % 256)).save(
            root / "media" / f"p{i}.png"
        )
        lines.append(f"![picture {i}](media/p{i}.png)\n")
    (root / "post.md").write_text("\n".join(lines), encoding="utf-8")
    return root / "post.md"


def bench_images(count: int, latency: float) -> dict[str, float]:
    timings = {}
    for label, concurrency in (("sequential", 1), ("concurrent", 8)):
        with (
            tempfile.TemporaryDirectory() as tmp,
            SandboxServer(SandboxSettings(latency=latency)) as sb,
        ):
            post = image_site(Path(tmp), count)
            start = time.perf_counter()
            run_publish(
                [post], sb.base_url, sb.appid, sb.secret, draft=True, concurrency=concurrency
            )
            timings[label] = time.perf_counter() - start
    return {
        "images": count,
        "latency_s": latency,
        "sequential_s": round(timings["sequential"], 3),
        "concurrent_s": round(timings["concurrent"], 3),
        "speedup": round(timings["sequential"] / timings["concurrent"], 2),
    }


def video_child(video_mb: int, base_url: str, appid: str, secret: str, folder: Path) -> None:
    """Run inside a fresh process: publish a post holding one video, print peak RSS (MB)."""
    video = folder / "clip.mp4"
    with video.open("wb") as handle:
        block = os.urandom(1024 * 1024)
        handle.write(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom")  # an MP4 box
        for _ in range(video_mb):
            handle.write(block)
    (folder / "mdwx.toml").write_text("", encoding="utf-8")
    Image.new("RGB", (300, 200), (30, 30, 30)).save(folder / "cover.jpg")
    post = folder / "video.md"
    post.write_text(
        "---\ntitle: Video\ncover: cover.jpg\n---\n\n![clip](clip.mp4)\n", encoding="utf-8"
    )
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    run_publish([post], base_url, appid, secret, draft=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"peak_rss_mb": round(peak, 1), "before_mb": round(before, 1)}))


def bench_video(video_mb: int) -> dict[str, float]:
    settings = SandboxSettings(video_review_seconds=0.1)
    figures = {}
    for label, size in (("baseline_1mb", 1), (f"video_{video_mb}mb", video_mb)):
        with tempfile.TemporaryDirectory() as tmp, SandboxServer(settings) as sb:
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--video-child",
                    str(size),
                    sb.base_url,
                    sb.appid,
                    sb.secret,
                    tmp,
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            figures[label] = json.loads(out.stdout.strip().splitlines()[-1])["peak_rss_mb"]
    big = figures[f"video_{video_mb}mb"]
    return {
        "video_mb": video_mb,
        "peak_rss_mb": big,
        "baseline_peak_rss_mb": figures["baseline_1mb"],
        "ratio_to_baseline": round(big / figures["baseline_1mb"], 2),
        "target_mb": 120,
    }


def bench_republish() -> dict[str, float]:
    with (
        tempfile.TemporaryDirectory() as tmp,
        SandboxServer(SandboxSettings(review_seconds=0.05, video_review_seconds=0.05)) as sb,
    ):
        site = Path(tmp) / "site"
        shutil.copytree(REPO / "sample-site", site, ignore=shutil.ignore_patterns(".mdwx"))
        start = time.perf_counter()
        run_publish([site], sb.base_url, sb.appid, sb.secret, wait=True, poll_interval=0.02)
        first = time.perf_counter() - start
        first_requests = len(sb.requests)
        sb.clear_log()
        start = time.perf_counter()
        run_publish([site], sb.base_url, sb.appid, sb.secret, wait=True, poll_interval=0.02)
        again = time.perf_counter() - start
        return {
            "first_requests": first_requests,
            "first_s": round(first, 3),
            "rerun_requests": len(sb.requests),
            "rerun_s": round(again, 3),
            "rerun_time_ratio": round(again / first, 3),
        }


def bench_sandbox_command(runs: int = 3) -> dict[str, float]:
    """The README's main command as a user runs it, best of ``runs`` (each on a fresh copy)."""

    def wall(args: list[str], cwd: Path) -> float:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "mdwx", *args], cwd=cwd, check=True, capture_output=True
        )
        return time.perf_counter() - start

    publish, check = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copytree(
                REPO / "sample-site",
                Path(tmp) / "sample-site",
                ignore=shutil.ignore_patterns(".mdwx"),
            )
            check.append(wall(["check", "sample-site"], Path(tmp)))
            publish.append(wall(["publish", "sample-site", "--sandbox"], Path(tmp)))
    return {
        "publish_s": round(min(publish), 3),
        "check_s": round(min(check), 3),
        "ratio_to_check": round(min(publish) / min(check), 2),
        "target_s": 5.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--images", type=int, default=40)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--video-mb", type=int, default=300)
    parser.add_argument("--only", default="images,video,republish,sandbox")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--video-child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.video_child:
        size, base, appid, secret, folder = args.video_child
        video_child(int(size), base, appid, secret, Path(folder))
        return
    benches = {
        "images": lambda: bench_images(args.images, args.latency),
        "video": lambda: bench_video(args.video_mb),
        "republish": bench_republish,
        "sandbox": bench_sandbox_command,
    }
    report = {name: benches[name]() for name in args.only.split(",")}
    if args.json:
        print(json.dumps(report, indent=2))
        return
    if "images" in report:
        i = report["images"]
        print(
            f"{i['images']} images, {i['latency_s'] * 1000:.0f} ms latency: sequential {i['sequential_s']:.2f} s, "
            f"concurrent {i['concurrent_s']:.2f} s → {i['speedup']:.1f}× faster (target ≥ 5×)"
        )
    if "video" in report:
        v = report["video"]
        print(
            f"{v['video_mb']} MB video: peak RSS {v['peak_rss_mb']:.1f} MB (1 MB video: "
            f"{v['baseline_peak_rss_mb']:.1f} MB, ratio {v['ratio_to_baseline']:.2f}; target < 120 MB)"
        )
    if "republish" in report:
        r = report["republish"]
        print(
            f"unchanged sample site: {r['rerun_requests']} requests (first publish: {r['first_requests']}), "
            f"{r['rerun_s']:.2f} s vs {r['first_s']:.2f} s ({r['rerun_time_ratio']:.2f}×; target 0 requests)"
        )
    if "sandbox" in report:
        b = report["sandbox"]
        print(
            f"mdwx publish sample-site --sandbox: {b['publish_s']:.2f} s wall (mdwx check sample-site: "
            f"{b['check_s']:.2f} s, ratio {b['ratio_to_check']:.2f}; target ≤ 5 s)"
        )


if __name__ == "__main__":
    main()
