"""What ``check`` says of a formula is what ``publish`` does with it, though check draws a
formula only when its size alone cannot say whether its picture fits the body limits."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mdwx.assets.formula as formula
from mdwx.assets import formula_verdict
from mdwx.assets.imaging import ImageTarget, prepare_image
from mdwx.build import build_post
from mdwx.errors import AssetError
from mdwx.prepare import prepare
from mdwx.source.gate import collect_posts

ATOMS = [
    "x",
    "y^2",
    r"\frac{a}{b}",
    r"\sum_{i=1}^{n} i",
    r"\sqrt{x}",
    "a_{i}",
    r"\alpha",
    r"\left( x \right)",
    r"\int_0^1 f",
    r"\text{abc}",
    "{}",
    r"\,",
    # Bad TeX, a construct the typesetter cannot lay out.
    r"\R",
    "x^",
    r"\begin{array}{c} \end{array}",
]


def _matrix(rows: int, columns: int) -> str:
    cells = " \\\\ ".join(" & ".join(f"a_{{{r}{c}}}" for c in range(columns)) for r in range(rows))
    return rf"\begin{{matrix}} {cells} \end{{matrix}}"


TEX = st.one_of(
    st.lists(st.sampled_from(ATOMS), min_size=1, max_size=6).map(" ".join),
    st.builds(_matrix, st.integers(1, 5), st.integers(1, 4)),
    # Pictures of every shape: empty, a hairline, long, and over the pixel cap.
    st.builds(
        lambda w, h: rf"\rule{{{w}pt}}{{{h}pt}}",
        st.sampled_from([0, 1, 300, 100_000]),
        st.sampled_from([0, 1, 60, 100_000]),
    ),
)
# The body limits, from the smallest mdwx accepts down to ones no formula fits, to reach
# every branch of the verdict; and widths from narrower than the floor of a shrink to none.
TARGETS = st.builds(
    lambda max_bytes, max_width: ImageTarget("body", max_bytes, ("jpeg", "png"), max_width),
    st.sampled_from([300, 4_000, 20_000, 1024 * 1024]),
    st.sampled_from([None, 200, 677, 1080]),
)


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    monkeypatch.setenv("MDWX_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    formula.typeset_formula.cache_clear()
    formula.laid_out.cache_clear()


def _published(tex: str, display: bool, target: ImageTarget) -> tuple[float, float, float] | None:
    """What publish makes of the formula: drawn from scratch, then fitted to ``target``."""
    try:
        drawn = formula.typeset_uncached(tex, display=display)
        prepare_image(drawn.png, target, source="formula")
    except AssetError:
        return None
    return drawn.width, drawn.height, drawn.depth


@settings(max_examples=30)
@given(tex=TEX, display=st.booleans(), target=TARGETS, warm=st.booleans())
def test_check_passes_exactly_the_formulas_publish_can_publish(
    tex: str, display: bool, target: ImageTarget, warm: bool
) -> None:
    formula.typeset_formula.cache_clear()
    formula.laid_out.cache_clear()
    if warm:  # an earlier build left the picture itself in the cache
        with contextlib.suppress(AssetError):
            formula.typeset_formula(tex, display=display)
    try:
        checked = formula_verdict.check_formula(tex, display=display, target=target)
    except AssetError as exc:
        assert exc.message.startswith(f"formula {formula.short_tex(tex)}: ")
        checked = None
    assert checked == _published(tex, display, target)


def test_check_draws_no_formula_whose_size_says_it_fits(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    drawn: list[str] = []
    real = formula.draw
    monkeypatch.setattr(formula, "draw", lambda layout, tex: drawn.append(tex) or real(layout, tex))
    (tmp_path / "mdwx.toml").write_text("", encoding="utf-8")
    formulas = [r"x^2", r"\frac{a}{b}", r"\sum_{i=1}^n i", r"\sqrt{2}", r"e^{i\pi} + 1 = 0"]
    body = "\n\n".join(f"Inline ${tex}$.\n\n$$\n{tex}\n$$" for tex in formulas)
    post = tmp_path / "math.md"
    post.write_text(f"---\ntitle: Math\n---\n\n{body}\n", encoding="utf-8")
    prepared = prepare(collect_posts([post])[0])
    assert not [w for w in prepared.document.warnings if w.code == "formula-not-drawn"]
    assert drawn == []
    # The build that follows draws from the layouts check cached: nothing is laid out again.
    typeset: list[str] = []
    real_typeset = formula._typeset
    monkeypatch.setattr(
        formula,
        "_typeset",
        lambda tex, *, display: typeset.append(tex) or real_typeset(tex, display=display),
    )
    formula.laid_out.cache_clear()
    report = build_post(collect_posts([post])[0], tmp_path / "out")
    assert report.error is None
    assert typeset == [] and len(drawn) == 2 * len(formulas)


def test_a_formula_over_the_body_limits_is_a_warning_at_check(tmp_path: Path) -> None:
    (tmp_path / "mdwx.toml").write_text("[images]\nbody_max_bytes = 65536\n", encoding="utf-8")
    big = r"\begin{matrix} " + " \\\\ ".join(f"x_{{{k}}}" for k in range(200)) + r" \end{matrix}"
    post = tmp_path / "big.md"
    post.write_text(f"---\ntitle: Big\n---\n\nSmall $x$.\n\n$$\n{big}\n$$\n", encoding="utf-8")
    prepared = prepare(collect_posts([post])[0])
    (warning,) = [w for w in prepared.document.warnings if w.code == "formula-not-drawn"]
    assert warning.line == 7 and "cannot be made to fit 64 KB" in warning.message
    assert _published(big, True, ImageTarget("body", 65536, ("jpeg", "png"), 1080)) is None
