"""Byte-level work on image containers: recognising HEIF (which Pillow cannot open) and SVG,
and cutting metadata out of JPEG, PNG and GIF files whose pixels are kept as they are.

The strippers work on the container, not the pixels: a JPEG or PNG that already fits is
uploaded with its compressed image data byte for byte, minus EXIF (GPS), XMP, ICC and
comments, which is cheaper and loses nothing. Each returns None for a malformed file.
"""

from __future__ import annotations

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


def looks_like_heif(data: bytes) -> bool:
    """HEIC/HEIF (iPhone photos): Pillow cannot read them, so the error says what to do."""
    return data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS


def looks_like_svg(data: bytes) -> bool:
    """SVG markup (possibly after a BOM, an XML declaration or comments), not a raster."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") and b"<svg" in head.lower()


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
