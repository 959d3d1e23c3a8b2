"""The suite's shared factories: one home for pictures, sandboxes and site trees.

The helper modules (``tests/*_helpers.py``) re-export these under the names their tests
already use; new tests import from here. Each factory makes real things (real image files,
a real sandbox on loopback, real files on disk), never stand-ins.
"""

from __future__ import annotations

import io
import random
import signal
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from PIL import Image

from mdwx.sandbox import SandboxServer, SandboxSettings

Colour = str | tuple[int, ...]

RED = (200, 30, 30)
# Sandbox windows short enough that a run that simply waits sees reviews end. Tests that
# must see a state *before* a window ends set a long window and end it with
# ``SandboxServer.advance`` instead of racing the clock.
FAST_SANDBOX = {"review_seconds": 0.05, "video_review_seconds": 0.05, "publish_seconds": 0.05}


def picture(size: tuple[int, int] = (8, 8), colour: Colour = RED, mode: str = "RGB") -> Image.Image:
    """A plain picture of one colour: ``size`` is (width, height) in pixels, ``colour`` a
    Pillow colour (name or tuple) valid for ``mode``."""
    return Image.new(mode, size, colour)


def image_bytes(
    fmt: str = "PNG",
    size: tuple[int, int] = (8, 8),
    colour: Colour = RED,
    *,
    noise: bool = False,
    **save: Any,
) -> bytes:
    """A real image file in format ``fmt`` (a Pillow format name: PNG, JPEG, GIF, …).

    ``noise`` fills it with seeded random pixels instead of one colour, so it does not
    compress (to exceed size limits); ``save`` goes to ``Image.save`` (e.g. ``quality``).
    """
    if noise:
        image = Image.frombytes("RGB", size, random.Random(0).randbytes(size[0] * size[1] * 3))
    else:
        image = picture(size, colour)
    out = io.BytesIO()
    image.save(out, format=fmt, **save)
    return out.getvalue()


def png_bytes(size: tuple[int, int] = (64, 48), colour: Colour = (200, 120, 40)) -> bytes:
    """The bytes of a PNG picture of one colour; different colours give different files."""
    return image_bytes("PNG", size, colour)


def save_picture(
    path: Path, size: tuple[int, int] = (20, 20), colour: Colour = "white", fmt: str | None = None
) -> Path:
    """Write a picture to ``path`` (format from its suffix unless ``fmt``), making its
    folders; returns ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    picture(size, colour).save(path, format=fmt)
    return path


def sandbox(**settings: Any) -> SandboxServer:
    """A sandbox with :data:`FAST_SANDBOX` windows overridden by ``settings`` (fields of
    :class:`SandboxSettings`); not started — use it as a context manager."""
    return SandboxServer(SandboxSettings(**{**FAST_SANDBOX, **settings}))


#: Two accounts of one site (named ``blog`` and ``news`` in its ``[accounts]``), for the
#: multi-account tests: each sandbox answers as one of them.
BLOG_ACCOUNT = SandboxSettings(
    appid="wx00000000000000b1",
    secret="blog-secret-0123456789abcdef01",
    review_seconds=0.05,
    video_review_seconds=0.05,
)
NEWS_ACCOUNT = SandboxSettings(
    appid="wx00000000000000e2",
    secret="news-secret-0123456789abcdef02",
    review_seconds=0.05,
    video_review_seconds=0.05,
)


def draft_site(tmp_path: Path) -> Path:
    """An empty site folder ``tmp_path/site`` publishing through the draft box."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "mdwx.toml").write_text('backend = "draft"\n', encoding="utf-8")
    return site


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write ``files`` (a path relative to ``root`` → its text or bytes) under ``root``,
    making folders; a name ending in ``/`` makes an empty folder. Returns ``root``."""
    for name, content in files.items():
        path = root / name
        if name.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def default_sigint() -> None:
    """A ``preexec_fn`` for a child a test stops with SIGINT: Ctrl-C at its default, as from a
    terminal. An ignored or blocked SIGINT survives ``exec``, and a test worker can carry one
    (a full run showed a ``mdwx preview`` child never seeing its SIGINT), so the child would
    otherwise never stop."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
