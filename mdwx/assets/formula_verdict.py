"""Whether a formula can be published, decided from its layout: what ``check`` says of a
formula is what ``publish`` does with it, without drawing it in most cases.

Publishing a formula is: lay it out (TeX → SVG: bad TeX, a construct the typesetter cannot
lay out, a picture over the SVG pixel cap all fail here), draw it (resvg, at SCALE×), then
make the PNG fit the body picture limits (:func:`mdwx.assets.imaging.prepare_image` with
``images.body_max_bytes`` and ``images.max_width``). The last step is the only one that
depends on the picture's bytes, and it cannot fail for a picture whose pixels, stored with
no compression at all, fit the byte limit: a PNG holds at most its raw pixels plus a bounded
overhead (:func:`png_bound`). So a formula is drawn here only when that bound says it might
not fit, and is then put through the very function publish uses (tests/test_formula_verdict.py
checks the verdicts agree for random formulas and limits).
"""

from __future__ import annotations

import struct

from mdwx.assets import formula
from mdwx.assets.caps import MAX_PIXELS
from mdwx.assets.formula_cache import FormulaLayout, TypesetFormula
from mdwx.assets.imaging import ImageTarget, prepare_image
from mdwx.errors import AssetError

# Bytes a PNG adds to its raw pixels: signature, IHDR, IEND, and the zlib stream's header and
# checksum, with generous room for ancillary chunks.
_PNG_FIXED = 4096


def png_bound(width: int, height: int) -> int:
    """The most bytes a PNG of ``width`` × ``height`` RGBA pixels (8 bits) can take.

    Raw rows are ``4 * width + 1`` bytes (a filter byte each). A deflate stream never needs
    more than 9/8 of its input (fixed-Huffman literals take at most 9 bits a byte; stored
    blocks add 5 bytes per 64 KiB), and IDAT chunking adds 12 bytes per chunk of at least
    8 KiB (under 1/500 of the data); 9/8 + 1/100 covers both with room to spare.
    """
    raw = (4 * width + 1) * height
    return raw * 9 // 8 + raw // 100 + _PNG_FIXED


def surely_fits(pixels: tuple[int, int], target: ImageTarget) -> bool:
    """Whether a picture of ``pixels`` (width, height) needs no drawing to know it fits
    ``target``: its first try (as it is, or scaled to ``target.max_width``) fits even as an
    incompressible PNG."""
    width, height = pixels[0] + 1, pixels[1] + 1  # resvg may round a side up
    if width < 2 or height < 1 or width * height > MAX_PIXELS:
        return False
    shown = min(width, target.max_width) if target.max_width else width
    return png_bound(shown, max(1, round(height * shown / width))) <= target.max_bytes


def check_formula(tex: str, *, display: bool, target: ImageTarget) -> tuple[float, float, float]:
    """The formula's (width, height, depth) in CSS px, as :func:`mdwx.assets.formula.formula_box`,
    once sure that publishing it to ``target`` will succeed.

    Raises :class:`~mdwx.errors.AssetError` (naming the formula) for exactly the formulas
    whose publishing would fail: laid out only, or drawn and fitted to ``target`` as
    publish does when the size alone cannot say.
    """
    made: FormulaLayout | TypesetFormula = formula.laid_out(tex, display=display)
    pixels = made.pixels if isinstance(made, FormulaLayout) else _png_pixels(made.png)
    if surely_fits(pixels, target):
        return made.width, made.height, made.depth
    drawn = formula.typeset_formula(tex, display=display)
    prepare_image(drawn.png, target, source=f"formula {formula.short_tex(tex)}")
    return drawn.width, drawn.height, drawn.depth


def _png_pixels(png: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's header; (0, 0) when it is not one (then it is opened)."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        return 0, 0
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def formula_style(tex: str, *, display: bool, target: ImageTarget) -> str:
    """The CSS that shows the formula at body-text size (see
    :func:`mdwx.assets.formula.formula_style`), once :func:`check_formula` passed it."""
    width, height, depth = check_formula(tex, display=display, target=target)
    size = f"width:{width:g}px;height:{height:g}px"
    return size if display else f"{size};vertical-align:-{depth:g}px"


def too_long(tex: str, formula_chars: int) -> AssetError | None:
    """Why ``tex`` is not typeset when longer than ``formula_chars`` (``limits.formula_chars``:
    the typesetter's time grows faster than the formula), else None."""
    if len(tex) <= formula_chars:
        return None
    return AssetError(
        f"formula {formula.short_tex(tex)}: {len(tex):,} characters, over "
        f"limits.formula_chars ({formula_chars:,})",
        hint="split the formula, or raise limits.formula_chars in mdwx.toml",
    )
