"""``mdwx doctor`` prints each finding and its fix on lines of their own: the break is never
printed as a literal ``\\n``, and the fix is said once."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.account.types import CheckStatus, DoctorCheck
from mdwx.cli.printable import one_line

_TEXT = st.text(st.sampled_from("abc XYZ 中文 -=:;()[]'\"é"), min_size=1, max_size=30)


@settings(max_examples=50)
@given(status=st.sampled_from(("ok", "warn", "fail", "skip")), message=_TEXT, fix=st.none() | _TEXT)
def test_each_check_prints_as_lines_with_no_escaped_break(
    status: CheckStatus, message: str, fix: str | None
) -> None:
    lines = DoctorCheck("x", status, message, fix).lines()
    assert [one_line(line) for line in lines] == lines  # nothing for the guard to escape
    assert lines[0].endswith(message) and len(lines) == (2 if fix else 1)
    assert fix is None or lines[1] == f"    fix: {fix}"
