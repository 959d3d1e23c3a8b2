"""The preview's own words follow the article's language; its times, the site's time zone."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st

from mdwx.config import SiteConfig
from mdwx.errors import ConfigError
from mdwx.preview.page import article_json, render_page
from mdwx.preview.snapshot import Snapshot
from mdwx.render.preview import preview_page
from mdwx.render.preview_words import WORDS, date_time, site_zone, words_for
from mdwx.source.model import Article
from mdwx.source.site import load_config

NOON_UTC = dt.datetime(2026, 12, 7, 4, 0, 5, tzinfo=dt.timezone.utc)  # 12:00:05 in Shanghai


def _article(tmp_path: Path, body: str, **fields: object) -> Article:
    values: dict = {"title": "标题", "slug": "p", "author": "林", "body": body, "body_line": 5}
    values.update(fields)
    return Article(path=tmp_path / "p.md", **values)


def test_every_language_has_every_word() -> None:
    assert set(WORDS["zh"]) == set(WORDS["en"])


@pytest.mark.parametrize(
    ("body", "lang", "dark", "chars"),
    [
        ("这是一篇中文文章，内容大多是汉字。", "", "深色模式", "字"),
        ("An English post about tools.", "", "dark mode", "characters"),
        ("An English post about tools.", "zh-CN", "深色模式", "字"),
    ],
)
def test_static_page_speaks_the_articles_language(
    tmp_path: Path, body: str, lang: str, dark: str, chars: str
) -> None:
    config = SiteConfig(root=tmp_path, lang=lang)
    page = preview_page(_article(tmp_path, body), "<p>x</p>", config)
    bar = BeautifulSoup(page, "html.parser").select_one(".bar")
    assert bar is not None and dark in bar.text and chars in bar.text


def test_static_page_prints_the_scheduled_time_in_the_sites_zone(tmp_path: Path) -> None:
    config = SiteConfig(root=tmp_path, timezone="Asia/Shanghai")
    page = preview_page(
        _article(tmp_path, "中文正文内容。", publish_at=NOON_UTC), "<p>x</p>", config
    )
    assert "定时发布：2026年12月7日 12:00（UTC+08:00）" in page
    english = preview_page(
        _article(tmp_path, "English body.", publish_at=NOON_UTC),
        "<p>x</p>",
        SiteConfig(root=tmp_path, timezone="UTC"),
    )
    assert "scheduled for 2026-12-07 04:00 (UTC+00:00)" in english


def _snapshot(tmp_path: Path, lang: str, zone: str) -> Snapshot:
    return Snapshot(
        version=3,
        path=tmp_path / "p.md",
        title="标题",
        html='<section style="color:#333">正文</section>',
        chars=1234,
        warnings=["a <b>"],
        lang=lang,
        timezone=zone,
        taken=NOON_UTC,
        publish_at=NOON_UTC + dt.timedelta(days=1),
    )


def test_live_page_speaks_the_articles_language_in_the_sites_zone(tmp_path: Path) -> None:
    soup = BeautifulSoup(
        render_page(_snapshot(tmp_path, "zh-CN", "Asia/Shanghai"), []), "html.parser"
    )
    assert soup.html is not None and soup.html["lang"] == "zh-CN"
    text = soup.select_one(".bar").text  # type: ignore[union-attr]
    assert "1,234 字" in text and "更新于 12:00:05" in text and "深色模式" in text
    assert soup.select_one("#copy").text == "复制到公众号编辑器"  # type: ignore[union-attr]
    assert "警告：a <b>" in soup.select_one("#notes").text  # type: ignore[union-attr]
    assert "定时发布：2026年12月8日 12:00（UTC+08:00）" in soup.select_one("#meta").text  # type: ignore[union-attr]
    assert json.loads(soup.body["data-words"])["copied"] == WORDS["zh"]["copied"]  # type: ignore[index,arg-type]
    english = json.loads(article_json(_snapshot(tmp_path, "en", "America/New_York"), []))
    assert english["updated"] == "updated 23:00:05" and english["chars_text"] == "1,234 characters"
    assert "data-dm" in english["html"] and "!important" in english["dark_css"]


@given(
    st.datetimes(
        min_value=dt.datetime(2000, 1, 1),
        max_value=dt.datetime(2100, 1, 1),
        timezones=st.sampled_from([dt.timezone.utc, dt.timezone(dt.timedelta(hours=-5))]),
    ),
    st.sampled_from(["Asia/Shanghai", "UTC", "Europe/Berlin", "America/Los_Angeles"]),
    st.sampled_from(["zh-CN", "en"]),
)
def test_a_time_is_printed_as_that_moment_in_the_sites_zone(
    moment: dt.datetime, zone: str, lang: str
) -> None:
    """Whatever the moment and zone, the printed date and time are that moment's wall clock there."""
    local = moment.astimezone(site_zone(zone))
    printed = date_time(moment, site_zone(zone), lang)
    if lang == "en":
        assert printed.startswith(f"{local:%Y-%m-%d %H:%M} (UTC")
    else:
        assert printed.startswith(f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}（UTC")


def test_timezone_setting_is_checked_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "mdwx.toml").write_text('author = "林"\ntimezone = "Asia/Shangai"\n', "utf-8")
    with pytest.raises(
        ConfigError, match="timezone 'Asia/Shangai' is not a time zone name"
    ) as caught:
        load_config(tmp_path)
    assert caught.value.line == 2
    (tmp_path / "mdwx.toml").write_text('timezone = "Asia/Shanghai"\n', "utf-8")
    assert load_config(tmp_path).timezone == "Asia/Shanghai"
    assert words_for("zh-Hant")["dark"] == "深色模式"
