"""Posts a generator would not publish (future, expired, excluded) are skipped, said once."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx import api
from mdwx.diagnostics import summaries
from mdwx.source.generators import withheld
from mdwx.source.generators.withheld import (
    hugo_reason,
    instant,
    jekyll_reason,
    mkdocs_reason,
    pelican_reason,
)
from tests.factories import write_tree

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)
instants = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(timezone.utc)
)


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(withheld, "clock", lambda: NOW)


def _forms(when: datetime) -> list[object]:
    """One instant as front matter writes it: a datetime, a date, strings of both."""
    return [when, when.strftime("%Y-%m-%d %H:%M:%S"), when.strftime("%Y-%m-%dT%H:%M:%SZ")]


@settings(max_examples=60)
@given(when=instants)
def test_a_date_is_future_exactly_when_it_is_after_now(when: datetime) -> None:
    when = when.replace(microsecond=0)
    for form in _forms(when):
        assert (jekyll_reason({"date": form}, None, NOW, allow=False) is not None) == (when > NOW)
        assert jekyll_reason({"date": form}, None, NOW, allow=True) is None
        reason = hugo_reason({"date": form}, NOW, build_future=False, build_expired=False)
        assert (reason is not None) == (when > NOW)
        assert hugo_reason({"date": form}, NOW, build_future=True, build_expired=False) is None
        past = {"date": form, "publishDate": "2001-01-01"}  # publishDate decides when given
        assert hugo_reason(past, NOW, build_future=False, build_expired=False) is None
        expired = hugo_reason({"expiryDate": form}, NOW, build_future=False, build_expired=False)
        assert (expired is not None) == (when <= NOW)
        assert hugo_reason({"ExpiryDate": form}, NOW, build_future=True, build_expired=True) is None
        for alias in ("pubDate", "publishDate", "published"):  # Hugo's [frontmatter] defaults
            late = hugo_reason({alias: form}, NOW, build_future=False, build_expired=False)
            assert (late is not None) == (when > NOW)
        gone = hugo_reason({"unpublishdate": form}, NOW, build_future=False, build_expired=False)
        assert (gone is not None) == (when <= NOW)


@settings(max_examples=40)
@given(text=st.text(max_size=40))
def test_what_is_no_date_never_withholds(text: str) -> None:
    if instant(text) is None:
        assert jekyll_reason({"date": text}, None, NOW, allow=False) is None
        assert (
            hugo_reason({"expiryDate": text}, NOW, build_future=False, build_expired=False) is None
        )


def test_a_jekyll_file_name_date_counts_when_front_matter_has_none() -> None:
    assert jekyll_reason({}, "2099-01-01", NOW, allow=False)
    assert jekyll_reason({}, "2001-01-01", NOW, allow=False) is None
    assert instant(date(2099, 1, 1)) == datetime(2099, 1, 1, tzinfo=timezone.utc)


names = st.text(alphabet="abcxyz", min_size=1, max_size=4)


@settings(max_examples=60)
@given(folders=st.lists(names, min_size=0, max_size=3), excluded=names)
def test_pelican_excludes_a_folder_by_name_or_path(folders: list[str], excluded: str) -> None:
    relative = "/".join([*folders, "post.md"])
    inside = excluded in folders or any(
        "/".join(folders[: n + 1]) == excluded for n in range(len(folders))
    )
    assert (pelican_reason(relative, [excluded]) is not None) == inside
    assert pelican_reason(relative, []) is None


@settings(max_examples=60)
@given(folders=st.lists(names, min_size=0, max_size=3), excluded=names)
def test_mkdocs_exclude_docs_is_gitignore_style(folders: list[str], excluded: str) -> None:
    relative = "/".join([*folders, "page.md"])
    # "name/" excludes a folder of that name at any depth; "/name/" only at the top.
    assert (mkdocs_reason(relative, [f"{excluded}/"]) is not None) == (excluded in folders)
    top = bool(folders) and folders[0] == excluded
    assert (mkdocs_reason(relative, [f"/{excluded}/"]) is not None) == top
    assert mkdocs_reason(relative, ["*.md", f"!{relative}"]) is None


def _skipped(report: api.CheckReport) -> dict[str, str]:
    return {
        Path(post.path).name: d.code
        for post in report.posts
        for d in post.diagnostics
        if d.code == "not-published"
    }


def test_sites_skip_what_their_generator_would_not_publish(tmp_path: Path) -> None:
    body = "\n\nSome text of the post.\n"
    write_tree(
        tmp_path / "jek",
        {
            ".git/": "",
            "_config.yml": "title: t\n",
            "_posts/2099-01-01-future.md": "---\ntitle: F\n---" + body,
            "_posts/2020-01-01-past.md": "---\ntitle: P\n---" + body,
        },
    )
    write_tree(
        tmp_path / "hugo",
        {
            "hugo.toml": "title = 't'\n",
            "content/posts/late.md": "---\ntitle: L\ndate: 2099-01-01\n---" + body,
            "content/posts/gone.md": "---\ntitle: G\nexpiryDate: 2021-01-01\n---" + body,
            "content/posts/ok.md": "---\ntitle: O\ndate: 2021-01-01\n---" + body,
        },
    )
    write_tree(
        tmp_path / "mk",
        {
            "mkdocs.yml": "site_name: s\nexclude_docs: |\n  drafts/\n  *.tmp.md\n"
            "draft_docs: |\n  # work in progress\n  wip-*.md\nnav:\n  - real.md\n",
            "docs/wip-a.md": "# W" + body,
            "docs/drafts/d.md": "# D" + body,
            "docs/x.tmp.md": "# X" + body,
            "docs/real.md": "# R" + body,
        },
    )
    write_tree(
        tmp_path / "pel",
        {
            "pelicanconf.py": "PATH = 'content'\nARTICLE_EXCLUDES = ['sub/skip']\n",
            "content/sub/skip/x.md": "Title: X\n" + body,
            "content/sub/y.md": "Title: Y\n" + body,
        },
    )
    report = api.check([tmp_path / name for name in ("jek", "hugo", "mk", "pel")])
    assert sorted(_skipped(report)) == [
        "2099-01-01-future.md",
        "d.md",
        "gone.md",
        "late.md",
        "wip-a.md",
        "x.md",
        "x.tmp.md",
    ]
    assert report.ok
    _, run = summaries([post.diagnostics for post in report.posts])
    said = [d.message for d in run if d.code == "not-published"]
    assert len(said) == 1 and said[0].startswith("7 posts skipped")


def test_config_overrides_build_the_future(tmp_path: Path) -> None:
    body = "\n\nSome text.\n"
    write_tree(
        tmp_path / "jek",
        {
            ".git/": "",
            "_config.yml": "future: true\n",
            "_posts/2099-01-01-future.md": "---\ntitle: F\n---" + body,
        },
    )
    write_tree(
        tmp_path / "hugo",
        {
            "hugo.toml": "buildFuture = true\nbuildExpired = true\n",
            "content/late.md": "---\ntitle: L\ndate: 2099-01-01\nexpiryDate: 2000-01-01\n---"
            + body,
        },
    )
    report = api.check([tmp_path / "jek", tmp_path / "hugo"])
    assert _skipped(report) == {}
    assert len(report.posts) == 2 and report.ok
    assert NOW - timedelta(days=1) < withheld.clock()


def test_publish_skips_what_the_generator_would_not_publish(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            ".git/": "",
            "_config.yml": "title: t\n",
            "_posts/2099-01-01-future.md": "---\ntitle: F\n---\n\nText of the future.\n",
        },
    )
    report = api.publish([tmp_path], api.Options(sandbox=True, sandbox_port=0))
    assert report.ok
    [result] = report.posts
    assert result.status == "skipped"
    assert result.actions == ["skipped: not published by its generator"]
    assert [d.code for d in result.diagnostics] == ["not-published"]
