"""The on-disk cache of typeset formulas, keyed by content hash.

One file per formula under the user cache dir (``platformdirs``; ``MDWX_CACHE_DIR``
overrides it, an empty value turns the cache off): a magic line, a JSON header with the CSS
size and the PNG's SHA-256, then the PNG bytes. ``check`` needs only a formula's layout (its
size, and whether it can be drawn), so it stores the typeset SVG instead, beside the PNG's
place (``<key>.svg.bin``, zlib-compressed; :func:`read_layout`): ``build`` and ``publish``
then only rasterise it. Files are written to a temporary name and
renamed, so a reader never sees half a file; an entry that is truncated, corrupt or of
another format is ignored and rewritten. The key includes ziamath's version and the
rendering constants, so an upgrade typesets again instead of reusing old pictures.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAGIC = b"MDWX-FORMULA-1\n"
LAYOUT_MAGIC = b"MDWX-FORMULA-SVG-1\n"
ENV = "MDWX_CACHE_DIR"
# The recipe of every formula picture (part of the cache key; mdwx.assets.formula draws with it).
# Render at twice the CSS size: phones have dense screens and a 1x raster looks blurry.
SCALE = 2
# ziamath typesets at 24 px; body text in every theme is about 16 px.
ZIAMATH_PX = 24.0
TEXT_PX = 16.0
# White, not transparent: WeChat's dark mode shows images as they are, and black glyphs on a
# transparent background would vanish against the dark page.
FORMULA_BACKGROUND = "#ffffff"


@dataclass(frozen=True)
class TypesetFormula:
    """A typeset formula: its PNG (at SCALE×, white background) and its CSS size.

    ``width``/``height`` are CSS px at body-text size; ``depth`` is how far it reaches below
    the baseline (for ``vertical-align`` of inline math).
    """

    png: bytes
    width: float
    height: float
    depth: float


@dataclass(frozen=True)
class FormulaLayout:
    """A formula laid out but not drawn: the typeset SVG and its CSS size (as in
    :class:`TypesetFormula`); ``pixels`` is the raster's width × height at SCALE×."""

    svg: str
    width: float
    height: float
    depth: float
    pixels: tuple[int, int]


def cache_dir() -> Path | None:
    """Where formulas are cached, or None when ``MDWX_CACHE_DIR`` is set empty."""
    override = os.environ.get(ENV)
    if override is not None:
        return Path(override) / "formulas" if override else None

    from platformdirs import user_cache_dir  # start-up only a formula or diagram pays

    return Path(user_cache_dir("mdwx", appauthor=False)) / "formulas"


@functools.cache  # importlib.metadata searches the path each time: half a millisecond a call
def _ziamath_version() -> str:
    # Imported here: importlib.metadata (with email, zipfile, csv) costs as much start-up as
    # markdown-it itself, and only a post with a formula asks (issue 19).
    from importlib import metadata

    try:
        return metadata.version("ziamath")
    except metadata.PackageNotFoundError:  # pragma: no cover - a dependency of mdwx
        return "unknown"


def cache_key(tex: str, *, display: bool, text_font: str = "") -> str:
    """SHA-256 of everything that decides the picture: TeX, display mode, renderer, scale,
    and the font of its CJK text (``text_font``, "" for none)."""
    parts = [
        MAGIC.decode().strip(),
        _ziamath_version(),
        str(SCALE),
        str(TEXT_PX),
        str(ZIAMATH_PX),
        FORMULA_BACKGROUND,
        str(int(display)),
        tex,
    ]
    recipe = "\0".join(parts + [text_font] if text_font else parts)
    return hashlib.sha256(recipe.encode("utf-8")).hexdigest()


def _path(key: str, suffix: str = ".bin") -> Path | None:
    folder = cache_dir()
    return folder / key[:2] / f"{key}{suffix}" if folder is not None else None


def exists(key: str) -> bool:
    """Whether an entry is stored under ``key`` (not whether it is intact: :func:`read` says)."""
    path = _path(key)
    return path is not None and path.is_file()


def layout_exists(key: str) -> bool:
    """Whether a layout (or a whole picture, which holds its size) is stored under ``key``."""
    path = _path(key, _LAYOUT)
    return (path is not None and path.is_file()) or exists(key)


_LAYOUT = ".svg.bin"


def _entry(path: Path | None, magic: bytes) -> tuple[dict[str, Any], bytes] | None:
    """(header, body) of an intact entry, or None when absent or unreadable (never raises)."""
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if not data.startswith(magic):
        return None
    header_end = data.find(b"\n", len(magic))
    if header_end < 0:
        return None
    body = data[header_end + 1 :]
    try:
        header = json.loads(data[len(magic) : header_end])
        if not isinstance(header, dict) or header["sha256"] != hashlib.sha256(body).hexdigest():
            return None
    except (ValueError, KeyError, TypeError):
        return None
    return header, body


def read(key: str) -> TypesetFormula | None:
    """The cached formula, or None when absent or unreadable (never raises)."""
    entry = _entry(_path(key), MAGIC)
    if entry is None:
        return None
    header, png = entry
    try:
        return TypesetFormula(
            png,
            float(header["width"]),
            float(header["height"]),
            float(header["depth"]),
        )
    except (ValueError, KeyError, TypeError):
        return None


def read_layout(key: str) -> FormulaLayout | None:
    """The cached layout of a formula, or None when absent or unreadable (never raises)."""
    entry = _entry(_path(key, _LAYOUT), LAYOUT_MAGIC)
    if entry is None:
        return None
    header, body = entry
    try:
        pixels = header["pixels"]
        return FormulaLayout(
            zlib.decompress(body).decode("utf-8"),
            float(header["width"]),
            float(header["height"]),
            float(header["depth"]),
            (int(pixels[0]), int(pixels[1])),
        )
    except (ValueError, KeyError, TypeError, IndexError, zlib.error, UnicodeDecodeError):
        return None


def write(key: str, formula: TypesetFormula) -> None:
    """Store ``formula`` atomically; a cache that cannot be written is silently skipped."""
    size: dict[str, object] = {
        "width": formula.width,
        "height": formula.height,
        "depth": formula.depth,
    }
    _store(_path(key), MAGIC, size, formula.png)


def write_layout(key: str, layout: FormulaLayout) -> None:
    """Store ``layout`` atomically (its SVG compressed: a tenth of the disk); skipped silently
    when the cache cannot be written."""
    size: dict[str, object] = {
        "width": layout.width,
        "height": layout.height,
        "depth": layout.depth,
    }
    body = zlib.compress(layout.svg.encode("utf-8"), 1)  # level 1: a fraction of a millisecond
    _store(_path(key, _LAYOUT), LAYOUT_MAGIC, size | {"pixels": list(layout.pixels)}, body)


# Folders known to exist: one ``mkdir`` per folder and process, not one per formula.
_MADE: set[Path] = set()


def _store(path: Path | None, magic: bytes, header: dict[str, object], body: bytes) -> None:
    if path is None:
        return
    line = json.dumps(header | {"sha256": hashlib.sha256(body).hexdigest()}).encode()
    try:
        try:
            if path.parent not in _MADE:
                raise FileNotFoundError(path.parent)
            handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".bin")
        except FileNotFoundError:  # first time here, or the folder was removed since
            path.parent.mkdir(parents=True, exist_ok=True)
            _MADE.add(path.parent)
            handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".bin")
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(magic + line + b"\n" + body)
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temp)
