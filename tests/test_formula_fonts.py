"""CJK text in formulas is drawn in a CJK font, one em per character; without one, a warning."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mdwx.assets.formula as formula
from mdwx.assets import formula_cache, formula_fonts
from mdwx.assets.formula_cache import TEXT_PX
from mdwx.prepare import prepare
from mdwx.source.gate import collect_posts

HAN = "是边长度面积中文的一图点集合"


def _collection(faces: list[list[tuple[bytes, bytes]]]) -> bytes:
    """A font collection of ``faces`` (each a list of (tag, data)), tables stored once each."""
    header = 12 + 4 * len(faces)
    directories = sum(12 + 16 * len(face) for face in faces)
    blobs, where, data_at = [], {}, header + directories
    for face in faces:
        for _, data in face:
            if data not in where:
                where[data] = data_at + sum(len(b) for b in blobs)
                blobs.append(data + b"\0" * (-len(data) % 4))
    out = [b"ttcf", struct.pack(">HHI", 1, 0, len(faces))]
    offset = header
    for face in faces:
        out.append(struct.pack(">I", offset))
        offset += 12 + 16 * len(face)
    for face in faces:
        out.append(struct.pack(">IHHHH", 0x00010000, len(face), 0, 0, 0))
        out += [struct.pack(">4sIII", tag, 0, where[data], len(data)) for tag, data in face]
    return b"".join(out + blobs)


TABLES = st.lists(
    st.tuples(st.binary(min_size=4, max_size=4), st.binary(min_size=1, max_size=40)),
    min_size=1,
    max_size=6,
    unique_by=lambda t: t[0],
)


@given(st.lists(TABLES, min_size=1, max_size=3), st.data())
def test_a_face_unpacked_from_a_collection_keeps_its_tables(
    faces: list, data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(faces) - 1))
    single = formula_fonts.sfnt_from_collection(_collection(faces), index)
    (count,) = struct.unpack(">H", single[4:6])
    assert count == len(faces[index])
    for i, (tag, table) in enumerate(faces[index]):
        got_tag, _, start, length = struct.unpack(">4sIII", single[12 + 16 * i : 28 + 16 * i])
        assert (got_tag, single[start : start + length]) == (tag, table)
        assert start % 4 == 0


def test_what_is_not_a_collection_is_refused() -> None:
    for data in (b"", b"OTTO" + b"\0" * 40, _collection([[(b"head", b"x")]])[:14]):
        with pytest.raises((ValueError, struct.error)):
            formula_fonts.sfnt_from_collection(data, 1)


needs_font = pytest.mark.skipif(
    formula_fonts.cjk_font() is None,
    reason="no CJK font with TrueType outlines installed (.ci/run installs fonts-wqy-microhei)",
)


@needs_font
@settings(max_examples=25)
@given(st.text(alphabet=HAN, min_size=1, max_size=6))
def test_cjk_text_in_a_formula_is_one_em_per_character(words: str) -> None:
    formula.typeset_formula.cache_clear()
    width, _, _ = formula.formula_box(rf"\text{{{words}}}", display=False)
    assert 0.85 * len(words) * TEXT_PX <= width <= 1.1 * len(words) * TEXT_PX + 2


@needs_font
def test_cjk_glyphs_are_drawn_not_boxes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MDWX_CACHE_DIR", str(tmp_path / "cache"))
    formula.typeset_formula.cache_clear()
    drawn = formula.typeset_uncached(r"\text{是边}", display=False).png
    monkeypatch.setattr(formula_fonts, "math_font_key", lambda: None)  # STIX alone: boxes
    boxes = formula.typeset_uncached(r"\text{是边}", display=False).png
    assert drawn != boxes
    # The font is part of a CJK formula's recipe: another font, another cached picture.
    assert formula.cache_key(r"\text{是}", False) != formula_cache.cache_key(
        r"\text{是}", display=False
    )
    assert formula.cache_key("x", False) == formula_cache.cache_key("x", display=False)


def test_without_a_cjk_font_the_formula_is_drawn_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(formula_fonts, "cjk_font", lambda: None)
    monkeypatch.setattr(formula_fonts, "math_font_key", lambda: None)
    (tmp_path / "mdwx.toml").write_text("", encoding="utf-8")
    post = tmp_path / "p.md"
    post.write_text("---\ntitle: T\n---\n\nEdge $\\text{是边}$ and $x$.\n", encoding="utf-8")
    prepared = prepare(collect_posts([post])[0])
    [warning] = [w for w in prepared.document.warnings if w.code == "formula-cjk-font"]
    assert warning.line == 5 and "CJK" in warning.message
    assert len(prepared.document.assets) == 2  # both formulas drawn


@needs_font
@settings(max_examples=30)
@given(
    st.text(
        alphabet=st.sampled_from(HAN + "abcxyzAVWT0123()[],.:;-+=_ "), min_size=2, max_size=8
    ).filter(lambda text: any(c in HAN for c in text) and any(c not in HAN for c in text))
)
def test_mixed_latin_and_cjk_text_never_reads_a_glyph_from_the_wrong_font(text: str) -> None:
    """Kerning a math-font glyph against the next one reads that one from the math font: a
    CJK glyph's number there named an unrelated or corrupt glyph (``\\text{a栈}`` ran for
    minutes in gigabytes, the real-sites re-measure). Every glyph the math font is asked to
    read must be one of its own."""
    import ziamath.zmath

    key = formula_fonts.math_font_key()
    assert key is not None
    math = ziamath.zmath.loadedfonts[key]
    own = len(math.advwidths)
    asked: list[int] = []
    read = math.glyph_fromid

    def spy(index: int, *args: object, **kwargs: object) -> object:
        asked.append(index)
        assert 0 <= index < own, (text, index)  # before reading it: a wrong one may never end
        return read(index, *args, **kwargs)

    math.glyph_fromid = spy  # type: ignore[method-assign]
    try:
        formula.layout_uncached(rf"\text{{{text}}}", display=False)
    finally:
        del math.glyph_fromid
    assert all(0 <= index < own for index in asked), (text, [i for i in asked if i >= own])
