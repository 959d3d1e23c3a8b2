"""Generate the small media files of ``sample-site/media/``.

The sample site must exercise every path of image normalisation (EXIF orientation and
privacy stripping, WebP → JPEG/PNG, animated GIF, SVG rasterising, transparency, card
cropping) and the chunked video upload, yet stay small enough to commit. Drawing the
files here with Pillow (and ffmpeg from ``imageio-ffmpeg`` for the clip) keeps them
reproducible and free of third-party rights. Run from the repository root::

    python scripts/make_sample_media.py [--out sample-site/media]

Every output is checked against a size budget so a careless change cannot bloat the repo.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

IMAGE_BUDGET = 60 * 1024
VIDEO_BUDGET = 200 * 1024

EXIF_ORIENTATION = 0x0112
EXIF_GPS_IFD = 0x8825
EXIF_MAKE, EXIF_MODEL = 0x010F, 0x0110


def _gradient(
    size: tuple[int, int], top: tuple[int, int, int], bottom: tuple[int, int, int]
) -> Image.Image:
    """A vertical two-colour gradient: smooth like a sky, cheap to compress."""
    ramp = Image.linear_gradient("L").resize(size)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), ramp)


def photo(out: Path) -> None:
    """A photo-like JPEG carrying orientation 6 (rotate 90° CW) and a fake GPS position.

    The pixels are stored sideways (900x1200) so that only a renderer/normaliser that honours
    the orientation tag shows the horizon level; the GPS tag must be stripped before upload.
    """
    width, height = 1600, 1200
    img = _gradient((width, height), (70, 130, 200), (250, 200, 150))
    draw = ImageDraw.Draw(img)
    draw.ellipse((1150, 180, 1350, 380), fill=(255, 236, 180))
    hills = [
        (0, 900),
        (300, 760),
        (650, 860),
        (1000, 700),
        (1350, 820),
        (1600, 740),
        (1600, 1200),
        (0, 1200),
    ]
    draw.polygon(hills, fill=(60, 110, 70))
    draw.polygon(
        [(0, 1000), (500, 920), (1100, 1010), (1600, 950), (1600, 1200), (0, 1200)],
        fill=(40, 80, 50),
    )
    noise = Image.effect_noise((width, height), 6).convert("RGB")
    img = ImageChops.add(img, noise, scale=1.0, offset=-128).filter(ImageFilter.GaussianBlur(1))
    stored = img.transpose(Image.Transpose.ROTATE_90)  # undone by orientation 6
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = 6
    exif[EXIF_MAKE] = "mdwx"
    exif[EXIF_MODEL] = "Sample Camera"
    exif[EXIF_GPS_IFD] = {1: "N", 2: (31.0, 14.0, 9.5), 3: "E", 4: (121.0, 28.0, 30.2)}
    stored.save(out, "JPEG", quality=55, optimize=True, exif=exif.tobytes())


def webp(out: Path) -> None:
    """A lossy WebP: WeChat's body-image upload refuses it, so mdwx must convert it."""
    img = _gradient((800, 450), (30, 30, 80), (240, 120, 60))
    draw = ImageDraw.Draw(img)
    for i in range(6):
        draw.rectangle((60 + i * 120, 300 - i * 30, 140 + i * 120, 420), fill=(20, 20, 40))
    draw.text((40, 40), "WebP sunset", fill=(255, 255, 255))
    img.save(out, "WEBP", quality=60, method=6)


def transparent_png(out: Path) -> None:
    """An RGBA logo whose transparent corners must stay transparent (no black fill)."""
    img = Image.new("RGBA", (320, 320), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.ellipse((20, 20, 300, 300), fill=(7, 193, 96, 255))
    draw.ellipse((90, 90, 230, 230), fill=(255, 255, 255, 200))
    draw.text((128, 150), "mdwx", fill=(7, 120, 60, 255))
    img.save(out, "PNG", optimize=True)


def animated_gif(out: Path) -> None:
    """Four frames of a moving dot: the upload path must keep the animation."""
    frames = []
    for i in range(4):
        frame = Image.new("P", (160, 90), 0)
        frame.putpalette([255, 255, 255, 7, 193, 96, 40, 40, 40] + [0] * (256 * 3 - 9))
        draw = ImageDraw.Draw(frame)
        draw.rectangle((0, 80, 159, 89), fill=2)
        draw.ellipse((10 + i * 35, 30, 40 + i * 35, 60), fill=1)
        frames.append(frame)
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=200, loop=0)


SVG_DIAGRAM = """<svg xmlns="http://www.w3.org/2000/svg" width="640" height="200" viewBox="0 0 640 200">
  <rect width="640" height="200" fill="#ffffff"/>
  <g font-family="sans-serif" font-size="16" text-anchor="middle">
    <rect x="20" y="70" width="120" height="60" rx="8" fill="#e8f5e9" stroke="#07c160"/>
    <text x="80" y="105">post.md</text>
    <rect x="180" y="70" width="120" height="60" rx="8" fill="#e3f2fd" stroke="#1976d2"/>
    <text x="240" y="105">Article</text>
    <rect x="340" y="70" width="120" height="60" rx="8" fill="#fff3e0" stroke="#ef6c00"/>
    <text x="400" y="105">Document</text>
    <rect x="500" y="70" width="120" height="60" rx="8" fill="#fce4ec" stroke="#c2185b"/>
    <text x="560" y="105">WeChat</text>
  </g>
  <g stroke="#555" stroke-width="2">
    <line x1="140" y1="100" x2="178" y2="100"/>
    <line x1="300" y1="100" x2="338" y2="100"/>
    <line x1="460" y1="100" x2="498" y2="100"/>
  </g>
  <g fill="#555">
    <polygon points="178,95 178,105 186,100"/>
    <polygon points="338,95 338,105 346,100"/>
    <polygon points="498,95 498,105 506,100"/>
  </g>
</svg>
"""


def svg(out: Path) -> None:
    """A pipeline diagram; WeChat filters SVG images, so mdwx rasterises it."""
    out.write_text(SVG_DIAGRAM, encoding="utf-8")


def card(out: Path) -> None:
    """1200x900 (4:3): the card needs 1080x864 (5:4), so the normaliser must crop."""
    img = _gradient((1200, 900), (7, 193, 96), (2, 90, 50))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle((150, 200, 1050, 700), radius=40, fill=(255, 255, 255))
    draw.text((520, 440), "mini program", fill=(7, 120, 60))
    img.save(out, "PNG", optimize=True)


def _cover(
    top: tuple[int, int, int], bottom: tuple[int, int, int], label: str
) -> Callable[[Path], None]:
    def make(out: Path) -> None:
        """A 900x383 (2.35:1) cover, the ratio WeChat crops article covers to."""
        img = _gradient((900, 383), top, bottom)
        ImageDraw.Draw(img).text((40, 330), label, fill=(255, 255, 255))
        img.save(out, "JPEG", quality=70, optimize=True)

    return make


IMAGES: dict[str, Callable[[Path], None]] = {
    "photo.jpg": photo,
    "sunset.webp": webp,
    "logo.png": transparent_png,
    "dot.gif": animated_gif,
    "pipeline.svg": svg,
    "card.png": card,
    "cover-default.jpg": _cover((40, 40, 40), (120, 120, 120), "mdwx sample site"),
    "cover-hello.jpg": _cover((7, 193, 96), (20, 60, 120), "hello"),
    "cover-code.jpg": _cover((30, 30, 50), (90, 60, 140), "code"),
    "cover-lists.jpg": _cover((200, 120, 40), (120, 40, 40), "lists"),
    "cover-math.jpg": _cover((20, 90, 160), (10, 30, 60), "math"),
    "cover-media.jpg": _cover((160, 40, 120), (40, 20, 80), "media"),
    "cover-miniprogram.jpg": _cover((7, 193, 96), (2, 80, 40), "mini program"),
    "video-cover.jpg": _cover((10, 10, 10), (80, 80, 80), "video"),
}


def video(out: Path) -> bool:
    """Three seconds of ffmpeg's test pattern with a tone, H.264 + AAC in MP4."""
    try:
        import imageio_ffmpeg
    except ImportError:
        print("imageio-ffmpeg is not installed; keeping the existing clip.mp4", file=sys.stderr)
        return False
    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    command = [
        ffmpeg,
        "-y",
        "-loglevel",
        "error",
        "-f",
        "lavfi",
        "-i",
        "testsrc=size=320x180:rate=15",
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:sample_rate=22050",
        "-t",
        "3",
        "-c:v",
        "libx264",
        "-preset",
        "veryslow",
        "-crf",
        "32",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-b:a",
        "32k",
        "-movflags",
        "+faststart",
        "-map_metadata",
        "-1",
        "-fflags",
        "+bitexact",
        str(out),
    ]
    subprocess.run(command, check=True)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("sample-site/media"))
    parser.add_argument("--no-video", action="store_true", help="skip clip.mp4 (needs ffmpeg)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    made = []
    for name, make in IMAGES.items():
        make(args.out / name)
        made.append((args.out / name, IMAGE_BUDGET))
    if not args.no_video and video(args.out / "clip.mp4"):
        made.append((args.out / "clip.mp4", VIDEO_BUDGET))
    too_big = []
    for path, budget in made:
        size = path.stat().st_size
        print(f"{path}: {size / 1024:.1f} KB")
        if size > budget:
            too_big.append(f"{path.name} is {size} bytes, budget {budget}")
    if too_big:
        print("over budget: " + "; ".join(too_big), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
