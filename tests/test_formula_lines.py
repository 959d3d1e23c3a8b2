"""Empty lines in a formula (a ``\\\\`` opening or closing it, two in a row, an empty table
row) are drawn as MathJax and KaTeX draw them, not refused as a picture of invalid size
(issue 17: ctf-wiki's ``\\\\\\\\``, a writer's trailing ``\\\\``)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.assets import formula
from mdwx.assets.formula_cache import TypesetFormula
from mdwx.assets.formula_lines import without_empty_lines

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ATOMS = ["x", "a_{i}", "2^{k}", r"\frac{a}{b}", r"\sum_{i=1}^{n} i", "f(x)", "=", "+", r"\le"]
line = st.lists(st.sampled_from(ATOMS), min_size=1, max_size=3).map(" ".join)
breaks = st.integers(min_value=0, max_value=2).map(lambda n: r" \\ " * n)


@settings(max_examples=10)
@given(
    lines=st.lists(line, min_size=1, max_size=3),
    before=breaks,
    after=breaks,
    doubled=st.booleans(),
    display=st.booleans(),
)
def test_a_formula_with_empty_lines_is_drawn(
    lines: list[str], before: str, after: str, doubled: bool, display: bool
) -> None:
    body = (r" \\ \\ " if doubled else r" \\ ").join(lines)
    drawn = formula.typeset_uncached(before + body + after, display=display)
    assert isinstance(drawn, TypesetFormula) and drawn.width > 0 and drawn.height > 0
    # A break opening or closing the formula adds nothing, as a trailing one in LaTeX's arrays.
    assert drawn == formula.typeset_uncached(body, display=display)


@settings(max_examples=15)
@given(lines=st.lists(line, min_size=1, max_size=4))
def test_mathml_without_empty_lines_is_left_as_it_is(lines: list[str]) -> None:
    import ziamath

    for tex in (r" \\ ".join(lines), r"\begin{matrix}" + r" \\ ".join(lines) + r"\end{matrix}"):
        mathml = ziamath.tex.tex2mml(tex, inline=False)
        assert without_empty_lines(mathml) == mathml


@pytest.mark.parametrize(
    "tex",
    [
        r"\begin{matrix} a \\ \\ b \end{matrix}",
        r"\begin{matrix} a & 1 \\ & \\ b & 2 \end{matrix}",
        r"r \equiv g^k \bmod p \\\\ s_1 \equiv (m_1-dr)k^{-1} \bmod p-1",
    ],
)
def test_empty_rows_and_doubled_breaks_are_drawn(tex: str) -> None:
    drawn = formula.typeset_uncached(tex, display=True)
    assert drawn.height > formula.typeset_uncached("a", display=True).height
