"""Each distinct formula is typeset once per build, and never again while the cache holds it."""

from __future__ import annotations

from pathlib import Path

import pytest

import mdwx.assets.formula as formula
from mdwx.assets import formula_cache
from mdwx.build import build_post
from mdwx.source.gate import collect_posts

FORMULAS = [r"x^2", r"\frac{a}{b}", r"\sum_{i=1}^n i", r"\sqrt{2}", r"e^{i\pi} + 1 = 0"]


@pytest.fixture()
def typesets(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """Every call to the typesetter, with a fresh cache folder and no in-process memo."""
    calls: list[str] = []
    real = formula._typeset

    def counting(tex: str, *, display: bool) -> str:
        calls.append(tex)
        return real(tex, display=display)

    monkeypatch.setattr(formula, "_typeset", counting)
    monkeypatch.setenv("MDWX_CACHE_DIR", str(tmp_path / "cache"))
    _forget()
    yield calls
    _forget()


def _forget() -> None:
    """As in a new process: only the disk cache is left."""
    formula.typeset_formula.cache_clear()
    formula.laid_out.cache_clear()


def _math_post(folder: Path) -> Path:
    (folder / "mdwx.toml").write_text("", encoding="utf-8")
    body = "\n\n".join(f"Inline ${tex}$ and again ${tex}$.\n\n$$\n{tex}\n$$" for tex in FORMULAS)
    post = folder / "math.md"
    post.write_text(f"---\ntitle: Math\n---\n\n{body}\n", encoding="utf-8")
    return post


def test_each_distinct_formula_is_typeset_once_per_build(
    tmp_path: Path, typesets: list[str]
) -> None:
    report = build_post(collect_posts([_math_post(tmp_path)])[0], tmp_path / "out")
    assert report.error is None, report.error
    assert sorted(typesets) == sorted(FORMULAS * 2)  # once inline, once display; never twice


def test_second_build_typesets_nothing(tmp_path: Path, typesets: list[str]) -> None:
    post = _math_post(tmp_path)
    build_post(collect_posts([post])[0], tmp_path / "out1")
    first = (tmp_path / "out1" / "math" / "content.html").read_text("utf-8")
    typesets.clear()
    _forget()
    build_post(collect_posts([post])[0], tmp_path / "out2")
    assert typesets == []
    assert (tmp_path / "out2" / "math" / "content.html").read_text("utf-8") == first
    pngs = sorted(p.name for p in (tmp_path / "out1" / "math").glob("*.png"))
    assert [(tmp_path / "out2" / "math" / n).read_bytes() for n in pngs] == [
        (tmp_path / "out1" / "math" / n).read_bytes() for n in pngs
    ]


@pytest.mark.parametrize("suffix", [".bin", ".svg.bin"])
@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[:-10],
        lambda b: b"junk",
        lambda b: b"",
        lambda b: b.replace(b'"width"', b'"wodth"'),
    ],
)
def test_corrupt_cache_entry_is_ignored_and_rewritten(
    tmp_path: Path, typesets: list[str], damage, suffix: str
) -> None:
    good = formula.typeset_formula("x^2", display=False)
    key = formula_cache.cache_key("x^2", display=False)
    entry = next((tmp_path / "cache").rglob(f"{key}{suffix}"))
    entry.write_bytes(damage(entry.read_bytes()))
    if suffix == ".svg.bin":  # the picture gone too: only the damaged layout is left
        next((tmp_path / "cache").rglob(f"{key}.bin")).unlink()
    _forget()
    assert formula.typeset_formula("x^2", display=False) == good
    # A damaged picture is drawn again from the intact layout; a damaged layout is laid out again.
    assert typesets == (["x^2"] if suffix == ".bin" else ["x^2", "x^2"])
    assert formula_cache.read(key) == good  # rewritten whole
    layout = formula_cache.read_layout(key)
    assert layout is not None and layout == formula.layout_uncached("x^2", display=False)


def test_cache_can_be_turned_off(
    tmp_path: Path, typesets: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MDWX_CACHE_DIR", "")
    formula.typeset_formula("y^2", display=True)
    _forget()
    formula.typeset_formula("y^2", display=True)
    assert typesets == ["y^2", "y^2"] and not (tmp_path / "cache").exists()
