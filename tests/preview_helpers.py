"""A copy of the sample site for preview tests (they edit posts), and a loopback client."""

from __future__ import annotations

import shutil
from pathlib import Path

SAMPLE_SITE = Path(__file__).resolve().parent.parent / "sample-site"
#: What code-tour.md gains for the preview tests: pictures of three kinds (WebP, SVG, a formula).
PICTURES = (
    "\n![晚霞](../media/sunset.webp)\n\n![流程](../media/pipeline.svg)\n\nEnergy: $E = mc^2$\n"
)


def sample_site(tmp_path: Path) -> Path:
    """A private copy of sample-site/ (without any .mdwx/ state)."""
    site = tmp_path / "site"
    shutil.copytree(SAMPLE_SITE, site, ignore=shutil.ignore_patterns(".mdwx"))
    return site


def code_tour_with_pictures(tmp_path: Path) -> Path:
    """sample-site's code tour, with pictures added so both can be checked on one page."""
    post = sample_site(tmp_path) / "posts" / "code-tour.md"
    post.write_text(post.read_text("utf-8") + PICTURES, "utf-8")
    return post
