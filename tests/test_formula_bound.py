"""Formulas are bounded: by length (limits.formula_chars) before typesetting, and by processor
time while typesetting (mdwx.assets.formula_time)."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.assets import formula, formula_time
from mdwx.assets.formula_verdict import too_long
from mdwx.config_tables import Limits
from mdwx.errors import AssetError


@settings(max_examples=60)
@given(size=st.integers(1, 50_000), limit=st.integers(1, 20_000), piece=st.sampled_from("x\\{"))
def test_a_formula_over_the_limit_is_refused_and_one_within_is_not(
    size: int, limit: int, piece: str
) -> None:
    error = too_long(piece * size, limit)
    assert (error is None) == (size <= limit)
    if error is not None:
        assert "limits.formula_chars" in error.message and error.hint


def test_the_default_limit_admits_real_formulas_and_refuses_the_hostile_one() -> None:
    assert too_long("x" * 1_200, Limits().formula_chars) is None  # the largest real formula
    assert too_long("x" * 20_000, Limits().formula_chars) is not None  # took minutes


def test_a_formula_over_its_processor_time_is_refused_not_waited_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(formula_time, "FORMULA_SECONDS", 0.2)
    calls = []

    def endless(tex: str, *, display: bool, label: str) -> str:  # a typesetter with no end
        calls.append(tex)
        until = time.process_time() + 60  # only bounds a broken bound: fails, never hangs
        while time.process_time() < until:
            pass
        return "<svg/>"

    monkeypatch.setattr(formula, "_typeset_bounded", endless)
    with pytest.raises(AssetError, match="processor time"):
        formula.layout_uncached("x" * 100, display=False)
    assert len(calls) == 1
    monkeypatch.undo()
    assert formula.layout_uncached("x^2", display=False).width > 0  # the timer was cleared


def test_the_bound_does_not_nest_and_leaves_no_timer() -> None:
    import signal

    with formula_time.cpu_bound("a", 5.0), formula_time.cpu_bound("b", 0.01):
        pass
    assert signal.getitimer(signal.ITIMER_PROF)[0] == 0
