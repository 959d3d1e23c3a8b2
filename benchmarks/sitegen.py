"""A generated, seeded site for the reliability benchmarks (``soak.py``, ``crash.py``).

``make_site(root, posts=50, images=200, videos=2, seed=0)`` writes::

    root/mdwx.toml            default cover, fast video polling, no header/footer
    root/media/cover.jpg      the shared cover (uploaded once as a thumb)
    root/media/pNNNN.png      ``images`` distinct pictures, spread over the posts
    root/media/clipN.mp4      ``videos`` tiny MP4 files (ISO BMFF: ftyp, moov/mvhd, mdat)
    root/posts/soak-NNN.md    ``posts`` posts; the first ``videos`` ones each hold a video

Every file is drawn from ``random.Random(seed)``, so one seed gives byte-identical sites
(the fault-free baseline of the soak publishes an identical copy). Nothing is read from the
network or from outside ``root``.
"""

from __future__ import annotations

import random
import struct
from pathlib import Path

from PIL import Image

WORDS = (
    "publish",
    "image",
    "token",
    "review",
    "draft",
    "reader",
    "公众号",
    "排版",
    "图片",
    "上传",
    "发布",
    "草稿",
    "审核",
    "读者",
    "视频",
    "封面",
)


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def tiny_mp4(rng: random.Random, payload_bytes: int = 48 * 1024) -> bytes:
    """A small, structurally valid MP4: ``ftyp`` (isom), ``moov`` with a version-0 ``mvhd``
    (1 s at timescale 1000) and an ``mdat`` of seeded bytes, so container checks that look
    for the ISO BMFF signature accept it and each seed gives a distinct file."""
    ftyp = _box(b"ftyp", b"isom" + struct.pack(">I", 0x200) + b"isomiso2avc1mp41")
    matrix = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    mvhd = _box(
        b"mvhd",
        struct.pack(">B3xIIII", 0, 0, 0, 1000, 1000)
        + struct.pack(">IH10x", 0x10000, 0x100)
        + matrix
        + bytes(24)
        + struct.pack(">I", 2),
    )
    mdat = _box(b"mdat", rng.randbytes(payload_bytes))
    return ftyp + _box(b"moov", mvhd) + mdat


def _picture(path: Path, rng: random.Random) -> None:
    colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
    image = Image.new("RGB", (96, 64), colour)
    image.putpixel((rng.randrange(96), rng.randrange(64)), (255 - colour[0], 0, 0))
    image.save(path, "PNG")


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def make_site(
    root: Path,
    posts: int = 50,
    images: int = 200,
    videos: int = 2,
    seed: int = 0,
    video_bytes: int = 48 * 1024,
) -> Path:
    """Write the site under ``root`` (created) and return ``root``; see the module doc.
    ``video_bytes`` sizes each video's ``mdat`` (uploads go in 1 MB blocks)."""
    if posts < 1 or images < 0 or not 0 <= videos <= posts:
        raise ValueError("need posts ≥ 1, images ≥ 0 and 0 ≤ videos ≤ posts")
    rng = random.Random(seed)
    media, folder = root / "media", root / "posts"
    media.mkdir(parents=True, exist_ok=True)
    folder.mkdir(exist_ok=True)
    (root / "mdwx.toml").write_text(
        'default_cover = "media/cover.jpg"\nconcurrency = 4\n\n'
        '[video]\ncategory = "科技"\ntags = ["soak"]\npoll_interval = 0.05\n',
        encoding="utf-8",
    )
    Image.new("RGB", (360, 200), (40, 90, 150)).save(media / "cover.jpg", "JPEG")
    for index in range(images):
        _picture(media / f"p{index:04d}.png", rng)
    for index in range(videos):
        (media / f"clip{index}.mp4").write_bytes(tiny_mp4(rng, video_bytes))
    for number in range(posts):
        lines = ["---", f"title: Soak post {number:03d}", "---", "", _text(rng, 40), ""]
        # Images are dealt round-robin, so every post has ⌊images/posts⌋ or one more.
        for index in range(number, images, posts):
            lines += [f"![picture {index}](../media/p{index:04d}.png)", "", _text(rng, 12), ""]
        if number < videos:
            lines += [f"![clip {number}](../media/clip{number}.mp4)", ""]
        (folder / f"soak-{number:03d}.md").write_text("\n".join(lines), encoding="utf-8")
    return root
