"""Unquoted dates and times in front matter: a real one is parsed, an impossible one
(``2024-02-30``, ``…T23:59:60Z``, ``+24:00``) stays the text written, as the site generators'
YAML readers take it — never a traceback from the YAML loader that stops the whole batch —
and ``publish_at``, which must be a real time, is a one-line ArticleError at its line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mdwx.config import SiteConfig
from mdwx.errors import ArticleError
from mdwx.source.article import read_article_text
from mdwx.source.yaml_load import load
from tests.cli_helpers import mdwx

PATH = Path("/site/posts/post.md")


@st.composite
def timestamps(draw: st.DrawFn) -> str:
    """YAML timestamps with every field drawn past its range: many impossible."""
    text = f"{draw(st.integers(0, 9999)):04d}-{draw(st.integers(0, 13)):02d}-{draw(st.integers(0, 32)):02d}"
    if draw(st.booleans()):
        sep = draw(st.sampled_from(["T", "t", " "]))
        text += f"{sep}{draw(st.integers(0, 25)):02d}:{draw(st.integers(0, 61)):02d}:{draw(st.integers(0, 61)):02d}"
        if draw(st.booleans()):
            text += "." + draw(st.text("0123456789", min_size=1, max_size=9))
        zone = draw(
            st.one_of(
                st.just(""),
                st.just("Z"),
                st.builds(
                    lambda sign, h, m: f"{sign}{h:02d}:{m:02d}",
                    st.sampled_from("+-"),
                    st.integers(0, 99),
                    st.integers(0, 59),
                ),
            )
        )
        text += (" " if zone and sep == " " and draw(st.booleans()) else "") + zone
    return text


def _real(text: str) -> bool:
    """Whether Python has this date/time (the oracle, independent of the YAML loader)."""
    try:
        if len(text) == 10:
            dt.date.fromisoformat(text)
            return True
        value = text[:10] + "T" + text[11:].strip().replace(" ", "")
        value = value[:-1] + "+00:00" if value.endswith("Z") else value
        head, dot, rest = value.partition(".")
        if dot:  # fromisoformat wants 3 or 6 digits of fraction
            digits = "".join(c for c in rest if c.isdigit())
            value = head + "." + (digits + "000000")[:6] + rest[len(digits) :]
        dt.datetime.fromisoformat(value)
        return True
    except ValueError:
        return False


@pytest.mark.parametrize("key", ["date", "publish_at", "updated"])
@given(stamp=timestamps())
def test_a_timestamp_is_parsed_kept_as_text_or_one_line_at_its_key(key: str, stamp: str) -> None:
    text = f"---\ntitle: T\n{key}: {stamp}\n---\n\nBody.\n"
    try:
        article = read_article_text(text, PATH, SiteConfig(root=PATH.parent))
    except ArticleError as exc:
        message = str(exc)
        assert key == "publish_at", message  # only a key mdwx needs as a real time refuses
        assert "\n" not in message and exc.line == 3 and "publish_at" in message, message
        return
    value = article.front_matter[key]
    if isinstance(value, str):
        assert value == stamp, value  # the text written, as js-yaml, Psych and Go read it
    else:  # parsed: only a time the calendar has (one UTC cannot hold stays text above)
        assert isinstance(value, (dt.date, dt.datetime)) and _real(stamp), (stamp, value)
    if not _real(stamp):
        assert value == stamp, value


@pytest.mark.parametrize(
    "stamp",
    ["2024-02-30", "2024-02-03T23:59:60Z", "2024-02-03T10:00:00+24:00", "2024-13-01", "0000-01-01"],
)
def test_the_reported_impossible_dates_stay_text_and_publish_at_names_its_line(stamp: str) -> None:
    text = f"---\ntitle: T\nauthor: me\ndate: {stamp}\n---\n\nBody.\n"
    assert read_article_text(text, PATH, SiteConfig(root=PATH.parent)).front_matter["date"] == stamp
    with pytest.raises(ArticleError) as info:
        read_article_text(text.replace("date:", "publish_at:"), PATH, SiteConfig(root=PATH.parent))
    assert info.value.line == 4 and f"publish_at {stamp!r}" in str(info.value)


def test_the_loader_keeps_real_timestamps() -> None:
    assert load("d: 2024-02-29") == {"d": dt.date(2024, 2, 29)}
    assert load("d: 2024-02-29T23:59:59Z")["d"] == dt.datetime(
        2024, 2, 29, 23, 59, 59, tzinfo=dt.timezone.utc
    )
    assert load("d: 2024-02-30") == {"d": "2024-02-30"}


def test_one_impossible_date_does_not_stop_the_batch(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(
        "---\ntitle: A\npublish_at: 2024-02-30T10:00:00Z\n---\n\nBody.\n", "utf-8"
    )
    (tmp_path / "b.md").write_text("---\ntitle: B\ndate: 2024-02-28\n---\n\nBody.\n", "utf-8")
    result = mdwx("check", "a.md", "b.md", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert (
        "a.md:3: publish_at '2024-02-30T10:00:00Z' is not an ISO 8601 time"
        in result.stdout + result.stderr
    )
    assert "1 of 2 posts passed" in result.stdout + result.stderr
