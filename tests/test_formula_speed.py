"""The layout shortcuts (mdwx.assets.formula_speed) draw every formula byte for byte as
ziamath as released does: fences that stretch, rows nested in rows, scripts on fences,
fractions, matrices, styles and colours."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.assets import formula, formula_speed
from mdwx.assets.formula_cache import TypesetFormula
from mdwx.errors import AssetError

pytestmark = pytest.mark.skipif(
    not formula_speed.install(), reason="ziamath is not the version the shortcuts mirror"
)

ATOMS = [
    "x",
    "a_{i}",
    "2^{k}",
    r"\alpha",
    r"\frac{a}{b}",
    r"\sqrt{n}",
    r"\sum_{i=1}^{n} i",
    "f(x)",
    r"\mathbf{A}",
    r"\mathcal{O}(n)",
    r"\{1, 2\}",
    "|x|",
    r"\binom{n}{k}",
    r"\color{red}{y}",
    "+",
    "=",
]
WRAPS = [
    r"\left( {} \right)",
    r"\left[ {} \right]^{{2}}",
    r"\left\{{ {} \right\}}",
    r"\left| {} \right|_{{i}}",
    "{{ {} }}",
    r"\frac{{ {} }}{{2}}",
    r"\sqrt{{ {} }}",
    r"\begin{{pmatrix}} {} & 1 \\ 0 & {} \end{{pmatrix}}",
    r"\overbrace{{ {} }}^{{n}}",
    "({})^{{2}}",
    r"\left( \begin{{array}}{{cc}} {} & 1 \\ 0 & {} \end{{array}} \right)",
    r"\begin{{cases}} {} & x > 0 \\ 1 & x \le 0 \end{{cases}}",
    r"\left\{{ \frac{{ {} }}{{2}} \frac{{1}}{{ {} }} 3 \right\}}",
]

formulas = st.recursive(
    st.lists(st.sampled_from(ATOMS), min_size=1, max_size=4).map(" ".join),
    lambda inner: st.tuples(st.sampled_from(WRAPS), inner).map(
        lambda pair: pair[0].replace("{}", pair[1])
    ),
    max_leaves=4,
)


@contextmanager
def as_released() -> Iterator[None]:
    """ziamath without the shortcuts, even though typesetting asks to install them."""
    install = formula_speed.install
    formula_speed.uninstall()
    formula_speed.install = lambda: False  # type: ignore[assignment]
    try:
        yield
    finally:
        formula_speed.install = install  # type: ignore[assignment]
        install()


def _draw(tex: str, display: bool) -> TypesetFormula | str:
    try:
        return formula.typeset_uncached(tex, display=display)
    except AssetError as exc:
        return str(exc)


@settings(max_examples=12)
@given(tex=formulas, display=st.booleans())
def test_the_shortcuts_draw_every_formula_as_ziamath_does(tex: str, display: bool) -> None:
    with as_released():
        expected = _draw(tex, display)
    assert _draw(tex, display) == expected


def test_a_nested_stretchy_fence_with_a_script_is_drawn_as_ziamath_does() -> None:
    # The case a shortcut that skipped every nested measurement got wrong: )^2 inside \left\|.
    tex = r"\left\| \sum_{i=1}^{n} \left( x_i - \bar{x} \right)^2 \right\|"
    with as_released():
        expected = _draw(tex, True)
    assert isinstance(expected, TypesetFormula)
    assert _draw(tex, True) == expected


def test_uninstalled_and_installed_again() -> None:
    assert formula_speed.install() and formula_speed.install()  # idempotent
    formula_speed.uninstall()
    formula_speed.uninstall()
    assert formula_speed.install()


@pytest.mark.parametrize(
    "tex",
    [
        # An array after a left fence takes a margin the measuring build did not see.
        r"\left( \begin{array}{cc} a & 1 \\ 0 & b \end{array} \right)",
        # A table with nothing before it is placed as measured.
        r"\left\{ \begin{matrix} \frac{a}{b} & 1 \\ 0 & \sum_{i} i \end{matrix} \right.",
        r"f(x) = \begin{cases} \left( x \right)^2 & x > 0 \\ 0 & x \le 0 \end{cases}",
    ],
)
def test_tables_beside_stretchy_fences_are_drawn_as_ziamath_does(tex: str) -> None:
    with as_released():
        expected = _draw(tex, True)
    assert isinstance(expected, TypesetFormula)
    assert _draw(tex, True) == expected
