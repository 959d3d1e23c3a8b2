"""``mdwx stats`` on the day of publishing says why there are no figures yet (WeChat counts
a day once it is over, Beijing time) and from which day they show, instead of an empty table."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.account.types import StatsReport, StatsRow
from mdwx.sandbox import SandboxServer
from tests import factories
from tests.cli_helpers import mdwx, mdwx_json, sandbox_env, write_post


def test_stats_the_day_an_article_is_published_says_when_its_figures_appear(
    sb: SandboxServer, tmp_path: Path
) -> None:
    site = factories.draft_site(tmp_path)
    write_post(site / "posts" / "one.md", title="One")
    env = sandbox_env(sb, tmp_path)
    assert mdwx("publish", "posts/one.md", "--wait", cwd=site, env=env).returncode == 0
    shown = mdwx("stats", cwd=site, env=env)
    code, doc = mdwx_json("stats", cwd=site, env=env)
    assert shown.returncode == 0 == code and doc["rows"] == []
    until = dt.date.fromisoformat(doc["until"])
    assert "WeChat counts a day's figures once the day is over (Beijing time)" in shown.stderr
    assert f"run on {(until + dt.timedelta(days=2)).isoformat()}" in shown.stderr


@settings(max_examples=30)
@given(until=st.dates(dt.date(2015, 1, 1), dt.date(2099, 1, 1)), rows=st.integers(0, 2))
def test_the_note_is_said_exactly_when_no_article_has_figures(until: dt.date, rows: int) -> None:
    row = StatsRow("1_1", "t", until.isoformat(), None, 1, 0, 0, 0, 0)
    report = StatsReport(
        (until - dt.timedelta(days=6)).isoformat(), until.isoformat(), [row] * rows
    )
    note = report.empty_note()
    assert (note is None) == bool(rows)
    if note is not None:
        assert (until + dt.timedelta(days=1)).isoformat() in note and "\n" not in note
