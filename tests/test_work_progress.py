"""Progress inside a long post and piped progress lines: counted in units of work, not time."""

from __future__ import annotations

import io
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx import api
from mdwx.cli.progress import EVERY, WORK_EVERY, PipedProgress
from mdwx.work_progress import advance, listening
from tests.cli_helpers import write_post


class _Named:
    path = Path("p.md")


POST = _Named()


@settings(max_examples=40)
@given(formulas=st.lists(st.integers(0, 1400), min_size=1, max_size=60))
def test_a_piped_run_says_something_every_few_posts_or_units_of_work(
    formulas: list[int],
) -> None:
    stream = io.StringIO()
    piped = PipedProgress(stream, "checking")
    total, posts_since, work_since, lines = len(formulas), 0, 0, 0

    def seen() -> bool:
        nonlocal lines
        now = stream.getvalue().count("\n")
        said, lines = now > lines, now
        return said

    with listening(piped.on_work):
        for done, count in enumerate(formulas, start=1):
            for k in range(1, count + 1):
                advance("formulas typeset", k, count)
                work_since = 0 if seen() else work_since + 1
                assert work_since < WORK_EVERY
            piped.on_checked(POST, done, total)  # type: ignore[arg-type]
            posts_since = 0 if seen() else posts_since + 1
            assert posts_since < EVERY or total < EVERY
    text = stream.getvalue()
    if total < EVERY and sum(formulas) < WORK_EVERY:
        assert text == ""  # a short run is quiet
    if text:
        assert text.endswith(f"mdwx: checking {total} of {total} posts\n")  # its end is said


def test_a_formula_heavy_post_reports_each_formula_typeset(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "mdwx.toml").write_text("", encoding="utf-8")
    body = "\n\n".join(f"Term ${i} x^{{{i}}}$ here." for i in range(5))
    post = write_post(site / "math.md", body=body)
    heard: list[tuple[str, int, int]] = []
    with listening(lambda what, done, total: heard.append((what, done, total))):
        report = api.check([post])
    assert report.ok, [str(p.error) for p in report.posts]
    assert heard and heard[-1][1:] == (5, 5)
    assert [done for _, done, _ in heard] == list(range(1, 6))
