"""Chinese, Japanese and Korean text inside formulas (``\\text{是边}``), drawn in a CJK font.

ziamath typesets with its bundled STIX Two Math, which has no CJK glyphs: without help each
such character is drawn as a missing-glyph box. Here the math font gets a fallback: a system
font holding the characters (found among :func:`mdwx.assets.cover.system_fonts`, the places
the cover drawer looks too), whose glyphs are laid out in the math font's units and drawn in
their own. The fallback must have TrueType outlines or plain CFF, which ziafont reads (WenQuanYi
Micro Hei, Droid Sans Fallback, Microsoft YaHei, PingFang; not the CID-keyed Noto/Source Han
CJK); a font collection (``.ttc``) is unpacked to its first face. Without one, the formula is
still drawn and :func:`cjk_font` is None, so the caller warns.
"""

from __future__ import annotations

import re
import struct
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from mdwx.diagnostics import Diagnostic

# Han (with extension A and compatibility), kana, Hangul, CJK punctuation and full-width forms.
CJK = re.compile(
    r"[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]"
)
PROBE = "是的一中文"  # a font that has these is taken to hold the common CJK characters
FONT_KEY = "mdwx-cjk"  # the math font with the fallback, as registered with ziamath
_KEEP: list[tempfile.TemporaryDirectory[str]] = []


def has_cjk(tex: str) -> bool:
    return CJK.search(tex) is not None


def sfnt_from_collection(data: bytes, index: int = 0) -> bytes:
    """Face ``index`` of a TrueType/OpenType collection (``ttcf``) as a standalone font file.

    The tables are copied as they are (their checksums stay valid) behind a new table
    directory. Raises ValueError for data that is not a collection with that face.
    """
    if data[:4] != b"ttcf" or len(data) < 16 + 4 * index:
        raise ValueError("not a font collection")
    (count,) = struct.unpack(">I", data[8:12])
    if index >= count:
        raise ValueError(f"the collection has {count} faces")
    (offset,) = struct.unpack(">I", data[12 + 4 * index : 16 + 4 * index])
    (tables,) = struct.unpack(">H", data[offset + 4 : offset + 6])
    directory, body = [data[offset : offset + 12]], []
    position = 12 + 16 * tables
    for i in range(tables):
        tag, checksum, start, length = struct.unpack(
            ">4sIII", data[offset + 12 + 16 * i : offset + 28 + 16 * i]
        )
        if start + length > len(data):
            raise ValueError("a table lies outside the file")
        directory.append(struct.pack(">4sIII", tag, checksum, position, length))
        chunk = data[start : start + length] + b"\0" * (-length % 4)
        body.append(chunk)
        position += len(chunk)
    return b"".join(directory + body)


def _load(path: Path) -> Any:
    """``path`` as a ziafont Font (a collection's first face), or None when ziafont cannot read it."""
    import ziafont.font

    try:
        if path.suffix.lower() in (".ttc", ".otc"):
            folder = tempfile.TemporaryDirectory(prefix="mdwx-font-")
            _KEEP.append(folder)
            single = Path(folder.name) / (path.stem + ".ttf")
            single.write_bytes(sfnt_from_collection(path.read_bytes()))
            path = single
        font = ziafont.font.Font(str(path))
        return font if all(font.glyphindex(char) for char in PROBE) else None
    except (OSError, ValueError, NotImplementedError, KeyError, IndexError, struct.error):
        return None


@cache
def cjk_font() -> Any:
    """The first system font with CJK glyphs that ziafont can read, or None."""
    from mdwx.assets.cover import has_glyphs, system_fonts

    for path in system_fonts():
        if has_glyphs(path, PROBE):
            font = _load(path)
            if font is not None:
                return font
    return None


def cjk_font_name() -> str:
    """The fallback font's file name ("" when there is none): part of a CJK formula's cache key."""
    font = cjk_font()
    return Path(str(font.fname)).name if font is not None else ""


@cache
def math_font_key() -> str | None:
    """Register STIX Two Math with the CJK fallback with ziamath; its key, or None without a CJK font."""
    fallback = cjk_font()
    if fallback is None:
        return None
    import ziamath.zmath
    from ziafont.fonttypes import BBox
    from ziamath.mathfont import MathFont

    class _OtherFontIndex(int):
        """A fallback glyph's number in its own font: an int for ziamath's lookups as before,
        and known for what it is where the math font would kern against it."""

    class _InMathUnits:
        """A fallback glyph measured in the math font's units (ziamath lays glyphs out in
        those) and drawn in its own font's (ziamath draws each glyph with its own font)."""

        def __init__(self, glyph: Any, ratio: float) -> None:
            self._glyph, self._ratio = glyph, ratio
            self.index = _OtherFontIndex(glyph.index)
            box = glyph.path.bbox
            self.path = _Path(
                glyph.path,
                BBox(box.xmin * ratio, box.xmax * ratio, box.ymin * ratio, box.ymax * ratio),
            )

        def advance(self, nextchr: Any = None) -> float:
            return float(self._glyph.advance()) * self._ratio

        def __getattr__(self, name: str) -> Any:
            return getattr(self._glyph, name)

    class _Path:
        def __init__(self, path: Any, bbox: Any) -> None:
            self._path, self.bbox = path, bbox

        def __getattr__(self, name: str) -> Any:
            return getattr(self._path, name)

    class _WithFallback(MathFont):
        def advance(self, glyph: int, glyph2: int | None = None) -> Any:
            # Kerning a glyph against the next one reads that one from this font: a fallback
            # glyph's number named an unrelated (or corrupt) glyph here, and ``\text{a栈}``
            # ran for minutes in gigabytes. Glyphs of two fonts are not kerned.
            if isinstance(glyph2, _OtherFontIndex):
                glyph2 = None
            return super().advance(glyph, glyph2)

        def findglyph(self, char: str, variant: Any) -> Any:
            glyph = super().findglyph(char, variant)
            if glyph.index == 0 and fallback.glyphindex(char):
                ratio = self.info.layout.unitsperem / fallback.info.layout.unitsperem
                return _InMathUnits(fallback.glyph(char), ratio)
            return glyph

    default = ziamath.zmath.loadedfonts["default"]
    ziamath.zmath.loadedfonts[FONT_KEY] = _WithFallback(str(default.fname))
    return FONT_KEY


def missing_font_warnings(formulas: list[Any], path: str) -> list[Any]:
    """A ``formula-cjk-font`` warning for each formula asset with CJK text when no CJK font is usable."""
    cjk = [asset for asset in formulas if has_cjk(asset.source)]
    # Asked only for CJK formulas: finding and reading a CJK font is a second or more per run.
    if not cjk or cjk_font() is not None:
        return []
    return [
        Diagnostic(
            "formula has CJK characters and no CJK font the typesetter can read is installed: "
            "they show as boxes",
            path,
            asset.line,
            code="formula-cjk-font",
            hint="install one with TrueType outlines (Debian: fonts-wqy-microhei), "
            "or write the words outside the formula",
        )
        for asset in cjk
    ]
