"""A file a post's front matter names is the post's: whatever is wrong with it (outside the
site, a hard link to a file elsewhere, not UTF-8, a refused declaration) refuses that post at
its key's line, and every other post goes on. Only the site's own settings stop a run."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx import api
from mdwx.errors import ConfigError
from tests.factories import save_picture


def _hard_link(site: Path, outside: Path) -> None:
    (outside / "t.css").write_text("p { color: #333; }\n", "utf-8")
    os.link(outside / "t.css", site / "themes" / "bad.css")


def _symlink(site: Path, outside: Path) -> None:
    (outside / "t.css").write_text("p { color: #333; }\n", "utf-8")
    (site / "themes" / "bad.css").symlink_to(outside / "t.css")


def _not_utf8(site: Path, outside: Path) -> None:
    (site / "themes" / "bad.css").write_bytes(b"p { color: #333; }\n\xff\xfe\n")


def _script(site: Path, outside: Path) -> None:
    (site / "themes" / "bad.css").write_text("p { color: expression(alert(1)); }\n", "utf-8")


#: Ways a theme file can be wrong, each an error naming the theme file itself.
BAD_THEMES: dict[str, Callable[[Path, Path], None]] = {
    "hard link": _hard_link,
    "symlink out": _symlink,
    "not UTF-8": _not_utf8,
    "script": _script,
}


def _site(base: Path, posts: int, naming: set[int], bad: str) -> Path:
    site, outside = base / "site", base / "outside"
    (site / "posts").mkdir(parents=True)
    (site / "themes").mkdir()
    outside.mkdir()
    (site / "mdwx.toml").write_text('author = "me"\n', "utf-8")
    BAD_THEMES[bad](site, outside)
    for number in range(posts):
        theme = "theme: themes/bad.css\n" if number in naming else ""
        (site / "posts" / f"p{number}.md").write_text(
            f"---\ntitle: Post {number}\n{theme}---\n\nText {number}.\n", "utf-8"
        )
    return site


@settings(max_examples=12)
@given(data=st.data(), posts=st.integers(1, 4), bad=st.sampled_from(sorted(BAD_THEMES)))
def test_only_the_posts_naming_a_bad_theme_are_refused_the_others_go_on(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject, posts: int, bad: str
) -> None:
    naming = data.draw(st.sets(st.integers(0, posts - 1)), label="posts naming the theme")
    site = _site(tmp_path_factory.mktemp("t"), posts, naming, bad)
    report = api.check(site)
    refused = {int(r.path.stem[1:]) for r in report.posts if r.error is not None}
    assert refused == naming
    for post in report.posts:
        if post.error is not None:
            assert post.error.path == str(post.path) and post.error.line == 3
            assert "themes/bad.css" in post.error.message


@pytest.mark.parametrize("bad", sorted(BAD_THEMES))
def test_the_same_theme_as_the_sites_setting_stops_the_run(tmp_path: Path, bad: str) -> None:
    site = _site(tmp_path, 2, set(), bad)
    (site / "mdwx.toml").write_text('theme = "themes/bad.css"\n', "utf-8")
    with pytest.raises(ConfigError):
        api.check(site)


#: How a post names a file: the front-matter keys that take a path, and a picture in the body.
NAMING = {
    "theme": ("theme: themes/bad.css\n", "", 3),
    "cover": ("cover: ../pictures/bad.png\n", "", 3),
    "picture": ("", "\n\n![p](../pictures/bad.png)\n", 7),
}


@settings(max_examples=10)
@given(data=st.data(), posts=st.integers(1, 4), key=st.sampled_from(sorted(NAMING)))
def test_a_hard_link_out_of_the_site_refuses_only_the_posts_naming_it_whatever_names_it(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject, posts: int, key: str
) -> None:
    naming = data.draw(st.sets(st.integers(0, posts - 1)), label="posts naming the file")
    site = _site(tmp_path_factory.mktemp("k"), 0, set(), "hard link")
    outside = site.parent / "outside"
    (site / "pictures").mkdir()
    os.link(save_picture(outside / "bad.png", (40, 30)), site / "pictures" / "bad.png")
    front, body, line = NAMING[key]
    for number in range(posts):
        named = number in naming
        (site / "posts" / f"p{number}.md").write_text(
            f"---\ntitle: Post {number}\n{front if named else ''}---\n\nText {number}."
            f"{body if named else ''}\n",
            "utf-8",
        )
    report = api.check(site)
    assert {int(r.path.stem[1:]) for r in report.posts if r.error is not None} == naming
    assert all(r.error.line == line for r in report.posts if r.error is not None)


def test_the_testers_example_one_post_of_two_refused(tmp_path: Path) -> None:
    """A theme hard-linked from outside the site, named in one post, refused every post."""
    site = _site(tmp_path, 2, {1}, "hard link")
    report = api.check(site)
    assert [r.error is None for r in report.posts] == [True, False]
    assert "hard link" in str(report.posts[1].error)
