"""Getting an asset's bytes: local files confined to the site, ``data:`` URIs, metadata cuts.

This is also the front door of asset preparation: everything the publisher needs can be
imported from here (``prepare_image`` and the targets live in :mod:`mdwx.assets.imaging`, formulas
and SVG in :mod:`mdwx.assets.formula`, remote fetching in :mod:`mdwx.assets.fetch`). The imaging names
are looked up lazily because :mod:`mdwx.assets.imaging` itself imports the byte-level strippers
below; importing either module first works.

The strippers work on the container, not the pixels: a JPEG or PNG that already fits is
uploaded with its compressed image data byte for byte, minus EXIF (GPS), XMP, ICC and
comments, which is cheaper and loses nothing.
"""

from __future__ import annotations

import base64
import binascii
import importlib
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, unquote_to_bytes

from mdwx.assets.formula import check_svg, looks_like_svg, rasterize_svg, render_formula
from mdwx.document import Asset, AssetKind
from mdwx.errors import AssetError

if TYPE_CHECKING:
    from mdwx.assets.fetch import FetchPolicy, fetch_remote  # noqa: F401
    from mdwx.assets.imaging import (  # noqa: F401
        ImageTarget,
        PreparedImage,
        body_target,
        card_target,
        cover_target,
        gif_target,
        is_animated_gif,
        make_card_image,
        prepare_image,
    )

__all__ = [
    "FetchPolicy",
    "ImageTarget",
    "PreparedImage",
    "body_target",
    "card_target",
    "check_local_svg",
    "check_video_file",
    "cover_target",
    "decode_data_uri",
    "fetch_remote",
    "gif_target",
    "is_animated_gif",
    "load_asset_bytes",
    "make_card_image",
    "prepare_image",
    "rasterize_svg",
    "read_local_file",
    "render_formula",
    "resolve_local",
]
_IMAGING_NAMES = {
    "ImageTarget", "PreparedImage", "body_target", "card_target", "cover_target",
    "gif_target", "is_animated_gif", "make_card_image", "prepare_image",
}  # fmt: skip
# A local "image" bigger than this is certainly not one worth publishing; refuse to read it.
MAX_LOCAL_BYTES = 200 * 1024 * 1024
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")  # two letters at least: C:\ is a drive


_FETCH_NAMES = {"FetchPolicy", "fetch_remote"}  # httpx is heavy: offline commands never load it


def __getattr__(name: str) -> object:
    if name in _IMAGING_NAMES:
        return getattr(importlib.import_module("mdwx.assets.imaging"), name)
    if name in _FETCH_NAMES:
        return getattr(importlib.import_module("mdwx.assets.fetch"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def resolve_local(source: str, *, post_path: Path, site_root: Path) -> Path:
    """The file ``source`` names: relative to the post's folder, or to the site root when it
    starts with ``/``; URL-decoded (``%20``). Paths and symlinks leading outside the site
    root are refused, so a post cannot publish ``~/.ssh/id_rsa`` as a picture.
    """
    name = unquote(source)
    if not name or "\0" in name:
        raise AssetError(f"invalid file reference {source!r}", path=post_path)
    root = Path(os.path.realpath(site_root))
    base = root if name.startswith("/") else Path(os.path.realpath(post_path.parent))
    lexical = Path(os.path.normpath(base / name.lstrip("/")))
    if not lexical.is_relative_to(root):
        raise AssetError(
            f"{source}: outside the site folder {root}",
            path=post_path,
            hint="move the file into the site",
        )
    real = Path(os.path.realpath(lexical))
    if not real.is_relative_to(root):
        raise AssetError(
            f"{source}: a symbolic link leading outside the site folder", path=post_path,
            hint="copy the file into the site instead",
        )  # fmt: skip
    if not real.exists():
        raise AssetError(f"image not found: {source}", path=post_path, hint=f"looked for {lexical}")
    if not real.is_file():
        raise AssetError(f"{source}: not a file", path=post_path)
    return real


def check_local_svg(path: Path, source: str, max_width: int | None) -> None:
    """For ``check``: a local SVG is refused offline for what rasterising would refuse
    (references outside itself, a DTD, bad markup, an oversized raster). Other images are
    left to publishing. Raises AssetError."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        raise AssetError(f"{source}: cannot be read ({exc.strerror or exc})") from exc
    if looks_like_svg(head):
        check_svg(read_local_file(path, source), source=source, max_width=max_width)


def decode_data_uri(uri: str) -> bytes:
    """The bytes of a ``data:`` URI, base64 (standard or URL-safe) or percent-encoded."""
    if not uri.startswith("data:") or "," not in uri:
        raise AssetError(
            f"malformed data: URI {_clip(uri)}", hint="expected data:[type][;base64],DATA"
        )
    header, payload = uri[5:].split(",", 1)
    if header.split(";")[-1].strip().lower() == "base64":
        text = "".join(unquote(payload).split()).replace("-", "+").replace("_", "/")
        text += "=" * (-len(text) % 4)
        try:
            data = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise AssetError(f"invalid base64 in data: URI {_clip(uri)}") from exc
    else:
        data = unquote_to_bytes(payload)
    if not data:
        raise AssetError(f"empty data: URI {_clip(uri)}")
    return data


def load_asset_bytes(asset: Asset, *, post_path: Path, site_root: Path) -> bytes:
    """The raw bytes of a local or ``data:`` image, or the PNG of a formula.

    Remote images are fetched by the caller with :func:`fetch_remote` (it is async);
    videos are streamed in chunks from :func:`resolve_local`'s path, never loaded whole.
    """
    if asset.kind is AssetKind.VIDEO:
        raise ValueError("videos are uploaded in chunks: use resolve_local for their path")
    if asset.is_remote and asset.kind is not AssetKind.FORMULA:
        raise ValueError(f"remote asset {asset.source!r}: fetch it with fetch_remote")
    try:
        if asset.kind is AssetKind.FORMULA:
            return render_formula(asset.source, display=asset.display)
        if asset.is_data_uri:
            return decode_data_uri(asset.source)
        if _SCHEME.match(asset.source):
            raise AssetError(
                f"{_clip(asset.source)}: unsupported URL scheme",
                hint="use a local path or an http(s) URL",
            )
        return read_local_file(
            resolve_local(asset.source, post_path=post_path, site_root=site_root), asset.source
        )
    except AssetError as exc:
        exc.path, exc.line = str(post_path), asset.line
        raise


def read_local_file(path: Path, source: str) -> bytes:
    """The bytes of a file :func:`resolve_local` found, refused over :data:`MAX_LOCAL_BYTES`."""
    try:
        if path.stat().st_size > MAX_LOCAL_BYTES:
            raise AssetError(
                f"{source}: over {MAX_LOCAL_BYTES // (1024 * 1024)} MB, too large for an image"
            )
        return path.read_bytes()
    except OSError as exc:
        raise AssetError(f"{source}: cannot be read ({exc.strerror or exc})") from exc


def _clip(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Byte-level work: recognising containers Pillow cannot open and cutting metadata out of
# files whose pixels we keep as they are.

_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_JPEG_KEEP_APP = {0xE0, 0xEE}  # JFIF and Adobe (the latter says how to read the colours)
_PNG_KEEP = {
    b"IHDR",
    b"PLTE",
    b"IDAT",
    b"IEND",
    b"tRNS",
    b"gAMA",
    b"cHRM",
    b"sRGB",
    b"sBIT",
    b"bKGD",
    b"pHYs",
}
_GIF_KEEP_APPS = (b"NETSCAPE2.0", b"ANIMEXTS1.0")  # the loop count


# Video containers by their first bytes, and the extensions each may carry.
_BMFF_BOXES = {b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}  # QuickTime starts
_VIDEO_FAMILIES = {
    "MP4/QuickTime": (".mp4", ".mov", ".m4v", ".3gp"),
    "Matroska/WebM": (".webm", ".mkv"),
    "AVI": (".avi",),
    "ASF/WMV": (".wmv",),
    "MPEG": (".mpg", ".mpeg"),
    "FLV": (".flv",),
}


def video_container(head: bytes) -> str | None:
    """The container family a file starting with ``head`` (its first 16+ bytes) is in:
    one of the keys of ``_VIDEO_FAMILIES``, or None for anything that is not a video (an
    image, text, an HEIF photo, which shares MP4's box structure)."""
    if head[4:8] in _BMFF_BOXES and not looks_like_heif(head):
        return "MP4/QuickTime"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "Matroska/WebM"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "AVI"
    if head.startswith(b"\x30\x26\xb2\x75\x8e\x66\xcf\x11"):
        return "ASF/WMV"
    if head[:4] in (b"\x00\x00\x01\xba", b"\x00\x00\x01\xb3") or (
        len(head) > 188 and head[0] == head[188] == 0x47
    ):
        return "MPEG"
    if head.startswith(b"FLV\x01"):
        return "FLV"
    return None


def check_video_file(path: Path, source: str) -> None:
    """Refuse, before anything is sent, a "video" whose bytes are not the container its
    extension names (as images are checked by decoding them). Raises AssetError."""
    try:
        with path.open("rb") as handle:
            head = handle.read(192)
    except OSError as exc:
        raise AssetError(f"{source}: cannot be read ({exc.strerror or exc})") from exc
    family = video_container(head)
    suffix = path.suffix.lower()
    if family is None:
        raise AssetError(f"{source}: not a video (its content is no video container)",
                         hint="export it as MP4 (H.264/AAC)")
    if suffix not in _VIDEO_FAMILIES[family]:
        raise AssetError(f"{source}: named {suffix} but holds {family} video",
                         hint=f"rename it to {_VIDEO_FAMILIES[family][0]}, or export it as MP4")


def looks_like_heif(data: bytes) -> bool:
    """HEIC/HEIF (iPhone photos): Pillow cannot read them, so the error says what to do."""
    return data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS


def strip_jpeg(data: bytes) -> bytes | None:
    """The JPEG without EXIF, XMP, ICC, comments or trailing data; None if it is malformed.

    Segments before the first scan are copied or dropped; the scans are copied up to the
    end-of-image marker, which also drops what phones append after it (motion-photo video,
    MPF previews).
    """
    if not data.startswith(b"\xff\xd8"):
        return None
    out, pos = bytearray(b"\xff\xd8"), 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        end = pos + 2 + length
        if length < 2 or end > len(data):
            return None
        if marker == 0xDA:  # start of scan: copy entropy-coded data up to EOI
            eoi = data.find(b"\xff\xd9", end)
            return None if eoi < 0 else bytes(out + data[pos : eoi + 2])
        if not (0xE0 <= marker <= 0xEF or marker == 0xFE) or marker in _JPEG_KEEP_APP:
            out += data[pos:end]
        pos = end
    return None


def strip_png(data: bytes) -> bytes | None:
    """The PNG with only the chunks that affect how it looks; None if malformed."""
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return None
    out, pos = bytearray(data[:8]), 8
    while pos + 12 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data):
            return None
        if kind in _PNG_KEEP:
            out += data[pos:end]
        elif kind[:1].isupper():  # an unknown critical chunk: cannot be dropped safely
            return None
        if kind == b"IEND":
            return bytes(out)
        pos = end
    return None


def strip_gif(data: bytes) -> bytes | None:
    """The GIF without comments and application data (XMP) other than the loop count."""
    try:
        return _walk_gif(data)
    except IndexError:
        return None


def _walk_gif(data: bytes) -> bytes | None:
    if not data.startswith((b"GIF87a", b"GIF89a")):
        return None
    pos = 13 + _colour_table_size(data[10])
    out = bytearray(data[:pos])
    while pos < len(data):
        introducer = data[pos]
        if introducer == 0x3B:  # trailer
            return bytes(out + b"\x3b")
        if introducer == 0x2C:  # image: descriptor, local colour table, LZW size, sub-blocks
            start = pos
            pos = _skip_sub_blocks(data, pos + 10 + _colour_table_size(data[pos + 9]) + 1)
            out += data[start:pos]
        elif introducer == 0x21:
            start, label = pos, data[pos + 1]
            pos = _skip_sub_blocks(data, pos + 2)
            ident = data[start + 3 : start + 14]
            if label != 0xFE and (label != 0xFF or ident in _GIF_KEEP_APPS):
                out += data[start:pos]
        else:
            return None
    return None


def _colour_table_size(packed: int) -> int:
    return 3 * (1 << ((packed & 7) + 1)) if packed & 0x80 else 0


def _skip_sub_blocks(data: bytes, pos: int) -> int:
    while data[pos]:
        pos += data[pos] + 1
    return pos + 1
