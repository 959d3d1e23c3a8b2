"""Formulas typeset over a process pool are the ones one process draws; one that cannot be
drawn is a warning at its line with its TeX shown, never a refused post."""

from __future__ import annotations

import multiprocessing
import re
from concurrent.futures import ProcessPoolExecutor
from html import escape
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mdwx.assets.formula as formula
from mdwx.assets import formula_cache, formula_pool
from mdwx.errors import AssetError
from mdwx.prepare import prepare
from mdwx.source.gate import collect_posts

GOOD = [
    r"x^2",
    r"\frac{a}{b}",
    r"\sum_{i=1}^n i",
    r"\sqrt{2}",
    r"e^{i\pi} + 1 = 0",
    r"a_1 + a_2",
    r"\alpha\beta",
    r"\int_0^1 f(x)\,dx",
    r"\binom{n}{k}",
]
# Each fails a different way: an unknown command, a construct the typesetter cannot lay out,
# a formula too big to draw, a TeX syntax error.
BAD = [r"\R", r"\begin{array}{c} \end{array}", r"\rule{100000pt}{100000pt}", r"x^"]


@pytest.fixture()
def fresh_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("MDWX_CACHE_DIR", str(tmp_path / "cache"))
    _forget()
    yield tmp_path / "cache"
    _forget()


def _forget() -> None:
    formula.typeset_formula.cache_clear()
    formula.laid_out.cache_clear()
    formula._DONE.clear()
    formula._LAID.clear()
    formula._FAILED.clear()


def test_the_pool_draws_what_one_process_draws(fresh_cache: Path) -> None:
    items = [(tex, display) for tex in GOOD + BAD for display in (False, True)]
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        assert formula_pool.typeset_many(items, executor=pool) == len(items)
    for tex, display in items:
        key = formula_cache.cache_key(tex, display=display)
        if tex in BAD:
            assert not formula_cache.exists(key)
            with pytest.raises(AssetError):
                formula.typeset_formula(tex, display=display)
            continue
        assert formula_cache.exists(key)
        assert formula.typeset_formula(tex, display=display) == formula.typeset_uncached(
            tex, display=display
        )
    # Known now (disk cache): a second batch sends nothing to a pool.
    assert formula_pool.typeset_many([i for i in items if i[0] in GOOD]) == 0


def test_small_batches_and_one_worker_stay_in_process(
    monkeypatch: pytest.MonkeyPatch, fresh_cache: Path
) -> None:
    monkeypatch.setenv(formula_pool.WORKERS_ENV, "4")
    assert formula_pool.workers() == 4
    assert (
        formula_pool.typeset_many([(tex, False) for tex in GOOD[: formula_pool.MIN_BATCH - 1]]) == 0
    )
    monkeypatch.setenv(formula_pool.WORKERS_ENV, "1")
    assert formula_pool.typeset_many([(tex, False) for tex in GOOD]) == 0


def _post(folder: Path, formulas: list[tuple[str, bool]]) -> tuple[Path, list[int]]:
    """A post with each formula in its own paragraph; returns it and each formula's file line."""
    (folder / "mdwx.toml").write_text("", encoding="utf-8")
    lines, where = ["---", "title: Math", "---", ""], []
    for tex, display in formulas:
        where.append(len(lines) + 1)  # a display formula is at its opening $$
        lines += ["$$", tex, "$$", ""] if display else [f"Text ${tex}$ text.", ""]
    post = folder / "math.md"
    post.write_text("\n".join(lines), encoding="utf-8")
    return post, where


@settings(max_examples=25)
@given(st.lists(st.tuples(st.sampled_from(GOOD + BAD), st.booleans()), min_size=1, max_size=6))
def test_a_formula_that_cannot_be_drawn_is_a_warning_at_its_line(
    tmp_path_factory: pytest.TempPathFactory, formulas: list[tuple[str, bool]]
) -> None:
    folder = tmp_path_factory.mktemp("post")
    path, lines = _post(folder, formulas)
    prepared = prepare(collect_posts([path])[0])  # never raises for a formula
    warnings = [w for w in prepared.document.warnings if w.code == "formula-not-drawn"]
    bad = {(tex, display) for tex, display in formulas if tex in BAD}
    # One warning per distinct bad formula, at its first line, with the TeX as written.
    expected = sorted(
        min(line for (t, d), line in zip(formulas, lines, strict=True) if (t, d) == item)
        for item in bad
    )
    assert sorted(w.line for w in warnings) == expected
    for warning in warnings:
        assert re.search(
            r"formula `.+` cannot be drawn \(.+\): shown as its TeX in code", warning.message
        )
        assert "()" not in warning.message and "arg is" not in warning.message
    html = prepared.document.html
    for tex, _ in bad:
        assert f">{escape(tex)}</code>" in html
    kept = [a for a in prepared.document.assets if a.kind.value == "formula"]
    assert {(a.source, a.display) for a in kept} == {(t, d) for t, d in formulas if t in GOOD}
    assert all(a.placeholder in html for a in kept)


def test_the_pool_lays_out_what_one_process_lays_out_and_keeps_its_errors(
    fresh_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What check asks for: layouts only, cached for build to draw from; a formula the pool
    cannot lay out raises its error here without this process typesetting it again."""
    items = [(tex, display) for tex in GOOD + BAD for display in (False, True)]
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        assert formula_pool.typeset_many(items, drawn=False, executor=pool) == len(items)
    typeset: list[str] = []
    monkeypatch.setattr(formula, "_typeset", lambda tex, *, display: typeset.append(tex))
    for tex, display in items:
        key = formula_cache.cache_key(tex, display=display)
        assert not formula_cache.exists(key)  # nothing drawn
        if tex in BAD:
            with pytest.raises(AssetError) as raised:
                formula.laid_out(tex, display=display)
            assert raised.value.message.startswith(f"formula {formula.short_tex(tex)}: ")
            continue
        assert formula.laid_out(tex, display=display) == formula_cache.read_layout(key)
    assert typeset == []
    assert formula_pool.typeset_many([i for i in items if i[0] in GOOD], drawn=False) == 0
