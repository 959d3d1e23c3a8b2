"""``[mirrors]``: a folder outside the site is refused when mdwx.toml is read (at the key's
line); a URL a prefix claims is never fetched, and what ``check`` says of its copy (there,
missing, or a link out of the site) is what ``publish`` does."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx import api
from mdwx.errors import ConfigError
from mdwx.source.site import load_config
from tests.factories import png_bytes

CDN = "https://cdn.example.com/img/"
_PART = st.text(alphabet="abcxyz0-_中", min_size=1, max_size=6)
#: How a mirrored picture's copy may be: in the site, missing, or a symlink out of the site.
STATES = ("there", "missing", "linked out")


def _climbs(parts: list[str]) -> bool:
    """Whether the path of ``parts`` goes above where it starts at some point."""
    depth = 0
    for part in parts:
        depth += -1 if part == ".." else 1
        if depth < 0:
            return True
    return False


def _toml(folder: str) -> str:
    return f'author = "me"\n[mirrors]\n"https://other.example/" = "static/"\n"{CDN}" = {folder}\n'


@settings(max_examples=40)
@given(
    parts=st.lists(_PART | st.just(".."), min_size=1, max_size=4),
    absolute=st.booleans(),
)
def test_a_mirror_folder_is_read_only_inside_the_site_else_refused_at_its_line(
    tmp_path_factory: pytest.TempPathFactory, parts: list[str], absolute: bool
) -> None:
    root = tmp_path_factory.mktemp("m")
    folder = ("/" if absolute else "") + "/".join(parts)
    (root / "mdwx.toml").write_text(_toml(f'"{folder}"'), "utf-8")
    inside = not absolute and not _climbs(parts)
    if inside:
        assert load_config(root).mirrors[CDN] == folder
        return
    with pytest.raises(ConfigError) as refused:
        load_config(root)
    assert refused.value.line == 4 and refused.value.path == str(root / "mdwx.toml")
    assert "not a folder inside the site" in refused.value.message


def _site(base: Path, states: list[str]) -> Path:
    """Post i shows ``CDN/p{i}.png``, whose copy in ``static/images`` is as ``states[i]``."""
    site, outside = base / "site", base / "outside"
    for folder in (site / "posts", site / "static" / "images", outside):
        folder.mkdir(parents=True)
    (site / "mdwx.toml").write_text(_toml('"static/images/"'), "utf-8")
    for number, state in enumerate(states):
        copy = site / "static" / "images" / f"p{number}.png"
        if state == "there":
            copy.write_bytes(png_bytes((40 + number, 30)))
        elif state == "linked out":
            (outside / copy.name).write_bytes(png_bytes((40 + number, 30)))
            copy.symlink_to(outside / copy.name)
        (site / "posts" / f"p{number}.md").write_text(
            f"---\ntitle: Post {number}\n---\n\nText {number}.\n\n![p]({CDN}p{number}.png)\n",
            "utf-8",
        )
    return site


def _refused(report: api.CheckReport) -> set[int]:
    return {int(r.path.stem[1:]) for r in report.posts if r.error is not None}


@settings(max_examples=25)
@given(states=st.lists(st.sampled_from(STATES), min_size=1, max_size=4))
def test_check_refuses_exactly_the_posts_whose_mirrored_copy_is_missing_or_out(
    tmp_path_factory: pytest.TempPathFactory, states: list[str]
) -> None:
    site = _site(tmp_path_factory.mktemp("c"), states)
    report = api.check(site)
    assert _refused(report) == {n for n, state in enumerate(states) if state != "there"}
    for post in report.posts:
        if post.error is not None:
            assert post.error.line == 7 and "[mirrors]" in post.error.message


def test_publish_does_what_check_says_and_never_fetches_a_mirrored_url(tmp_path: Path) -> None:
    """One post per state: check's refusals are publish's failures, and nothing is fetched
    (the testers saw check pass a post whose copy was missing, then publish fetch the URL)."""
    site = _site(tmp_path, list(STATES))
    fetched: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        fetched.append(str(request.url))
        return httpx.Response(200, content=png_bytes(), headers={"content-type": "image/png"})

    checked = _refused(api.check(site))
    options = api.Options(sandbox=True, sandbox_port=0, fetch_transport=httpx.MockTransport(answer))
    published = api.publish(site, options)
    failed = {int(Path(r.path).stem[1:]) for r in published.posts if r.error is not None}
    assert checked == failed == {1, 2} and fetched == []
    assert os.path.islink(site / "static" / "images" / "p2.png")


#: Every setting naming a file of the site, as mdwx.toml writes it (``{}``: the path).
PATH_SETTINGS = {
    "theme": 'theme = "{}/x.css"',
    "default_cover": 'default_cover = "{}/x.png"',
    "header": 'header = "{}/x.md"',
    "footer": 'footer = "{}/x.md"',
    "mirrors": '[mirrors]\n"https://cdn.example.com/" = "{}"',
}


@settings(max_examples=60)
@given(
    which=st.sampled_from(sorted(PATH_SETTINGS)),
    parts=st.lists(_PART | st.just(".."), min_size=1, max_size=4),
    absolute=st.booleans(),
)
def test_every_setting_naming_a_path_outside_the_site_is_refused_when_read(
    tmp_path_factory: pytest.TempPathFactory, which: str, parts: list[str], absolute: bool
) -> None:
    """Outside: absolute (but a cover's leading / is the site root), or climbing above it."""
    root = tmp_path_factory.mktemp("p")
    written = ("/" if absolute else "") + "/".join(parts)
    (root / "mdwx.toml").write_text(
        '# site\nauthor = "me"\n' + PATH_SETTINGS[which].format(written) + "\n", "utf-8"
    )
    outside = _climbs(parts) or (absolute and which != "default_cover")
    if not outside:
        load_config(root)
        return
    with pytest.raises(ConfigError) as refused:
        load_config(root)
    assert refused.value.line == (4 if which == "mirrors" else 3)
    assert refused.value.path == str(root / "mdwx.toml")
    assert "outside the site" in refused.value.message or "inside the site" in (
        refused.value.message
    )
