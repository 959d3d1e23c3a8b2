"""Getting an asset's bytes: local files confined to the site and ``data:`` URIs, through
one reader (:func:`read_source`) that refuses other URL schemes and files over
:data:`~mdwx.assets.caps.MAX_LOCAL_BYTES`; checking local SVGs and videos before publishing.

Preparing the bytes lives elsewhere: :mod:`mdwx.assets.imaging` (pictures),
:mod:`mdwx.assets.formula` (formulas, SVG), :mod:`mdwx.assets.fetch` (remote URLs),
:mod:`mdwx.assets.metadata` (metadata cuts).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote

from mdwx.assets.caps import MAX_LOCAL_BYTES
from mdwx.assets.datauri import clip, decode_data_uri
from mdwx.assets.metadata import looks_like_heif, looks_like_svg
from mdwx.document import VIDEO_EXTENSIONS
from mdwx.errors import AssetError
from mdwx.files.reader import check_file, read_file
from mdwx.urls import is_data_uri, is_remote, url_scheme


def resolve_local(
    source: str, *, post_path: Path, site_root: Path, written: str | None = None
) -> Path:
    """The file ``source`` names: relative to the post's folder, or to the site root when it
    starts with ``/``; URL-decoded (``%20``). Paths and symlinks leading outside the site
    root are refused, so a post cannot publish ``~/.ssh/id_rsa`` as a picture.

    ``written`` is the reference as the post wrote it, when ``source`` was derived from it
    (:meth:`mdwx.document.Asset.reference_from` makes ``/images/a.png`` ``../../images/a.png``):
    every message names that, and where mdwx looked. A reference with a URL scheme other than
    a drive letter (``leanote://…``, ``file:``) is another program's link, never a file here.
    """
    shown = source if written is None else written
    scheme = url_scheme(shown)
    if scheme is not None and len(scheme) > 1:  # C:\ is a drive, not a scheme
        raise AssetError(
            f"{clip(shown)}: unsupported URL scheme ({scheme}: is another program's link, "
            "not a file of the site)",
            path=post_path,
            hint="put the picture in the site and name its path, or use an http(s) URL",
        )
    name = unquote(source)
    if not name or "\0" in name:
        raise AssetError(f"invalid file reference {shown!r}", path=post_path)
    root = Path(os.path.realpath(site_root))
    base = root if name.startswith("/") else Path(os.path.realpath(post_path.parent))
    lexical = Path(os.path.normpath(base / name.lstrip("/")))
    if not lexical.is_relative_to(root):
        raise AssetError(
            f"{shown}: outside the site folder {root}",
            path=post_path,
            hint="move the file into the site",
        )
    real = Path(os.path.realpath(lexical))
    if not real.is_relative_to(root):
        raise AssetError(
            f"{shown}: a symbolic link leading outside the site folder", path=post_path,
            hint="copy the file into the site instead",
        )  # fmt: skip
    if not real.exists():
        raise AssetError(
            f"image not found: {shown}",
            path=post_path,
            hint=f"looked for {lexical}" + _elsewhere(name, root),
        )
    if not real.is_file():
        kind = "a folder" if real.is_dir() else "a special file"
        raise AssetError(f"{shown}: not a file but {kind}", path=post_path, hint=f"it is {real}")
    check_file(
        real, error=AssetError, single_link=True, name=shown
    )  # one name: see mdwx.files.reader
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
        # The formula module (Pillow, ElementTree) only for an SVG: start-up (issue 19).
        from mdwx.assets.formula import check_svg

        check_svg(read_local_file(path, source), source=source, max_width=max_width)


def read_source(
    source: str, *, post_path: Path, site_root: Path, written: str | None = None
) -> bytes:
    """The bytes a non-remote reference names: a ``data:`` URI decoded, or a local file
    found by :func:`resolve_local` (relative to ``post_path``'s folder) and read by
    :func:`read_local_file` (at most :data:`~mdwx.assets.caps.MAX_LOCAL_BYTES`).

    Raises AssetError for another URL scheme (``file:``, ``ftp:``; a one-letter "scheme"
    is a Windows drive), a bad ``data:`` URI or an unreadable, missing or outside file,
    naming ``written`` (the reference as the post wrote it) when given;
    ValueError for an http(s) URL, which the caller fetches.
    """
    if is_remote(source):
        raise ValueError(f"remote asset {source!r}: fetch it with fetch_remote")
    if is_data_uri(source):
        return decode_data_uri(source)
    found = resolve_local(source, post_path=post_path, site_root=site_root, written=written)
    return read_local_file(found, source if written is None else written)


def read_local_file(path: Path, source: str) -> bytes:
    """The bytes of a file :func:`resolve_local` found, through the one capped reader
    (:func:`mdwx.files.reader.read_file`: a regular file with one name), refused over
    :data:`MAX_LOCAL_BYTES`."""
    too_large = AssetError(
        f"{source}: over {MAX_LOCAL_BYTES // (1024 * 1024)} MB, too large for an image"
    )
    return read_file(
        path,
        limit=MAX_LOCAL_BYTES,
        error=AssetError,
        single_link=True,
        name=source,
        too_large=too_large,
    )


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
        raise AssetError(
            f"{source}: not a video (its content is no video container)",
            hint="export it as MP4 (H.264/AAC)",
        )
    if suffix not in _VIDEO_FAMILIES[family]:
        accepted = [ext for ext in _VIDEO_FAMILIES[family] if ext in VIDEO_EXTENSIONS]
        hint = (
            f"rename it to {accepted[0]}, or export it as MP4"
            if accepted
            else "export it as MP4 (H.264/AAC)"
        )
        raise AssetError(f"{source}: named {suffix} but holds {family} video", hint=hint)


def _elsewhere(name: str, root: Path) -> str:
    """``"; did you mean …"`` when a relative ``name`` exists from the site's root or from one
    of its top folders (Hexo's ``source/``, Hugo's ``static/``: where a generator keeps
    static files, which its themes address from the site's root), else ``""``."""
    if name.startswith("/") or name.startswith("."):
        return ""
    relative = Path(name)
    try:
        folders = [root, *sorted(d for d in root.iterdir() if d.is_dir())[:200]]
    except OSError:
        return ""
    for folder in folders:
        candidate = folder / relative
        if candidate.is_file() and Path(os.path.realpath(candidate)).is_relative_to(root):
            return f"; did you mean {candidate.relative_to(root).as_posix()} (from the site's root)"
    return ""
