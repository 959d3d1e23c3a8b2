"""Every local file mdwx reads is inside the site: posts, templates, images, mirrors."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.build import build_post, check_post
from mdwx.errors import ConfigError
from mdwx.source.gate import collect_posts
from mdwx.source.site import load_config
from tests.factories import png_bytes, write_tree

POST = "---\ntitle: {title}\ncover: /cover.png\n---\n\nBody.\n"


def make_site(base: Path) -> Path:
    """A site under ``base/site`` with one post, and a post outside it in ``base/outside``."""
    write_tree(base / "outside", {"secret.md": POST.format(title="SECRET")})
    return write_tree(
        base / "site",
        {
            "posts/deep/": "",
            "mdwx.toml": "",
            "cover.png": png_bytes((20, 20), "white"),
            "posts/ok.md": POST.format(title="ok"),
        },
    )


@settings(max_examples=30)
@given(
    where=st.sampled_from(["posts", "posts/deep", "."]),
    how=st.sampled_from(["absolute", "relative", "chain", "folder"]),
    named=st.booleans(),
)
def test_a_post_leading_outside_the_site_is_refused(tmp_path_factory, where, how, named) -> None:
    """A link to a post outside, or a linked folder of posts, whether walked or named."""
    base = tmp_path_factory.mktemp("c")
    site = make_site(base)
    folder = site / where
    secret = base / "outside" / "secret.md"
    if how == "absolute":
        link = folder / "evil.md"
        link.symlink_to(secret)
    elif how == "relative":
        link = folder / "evil.md"
        link.symlink_to(os.path.relpath(secret, folder))
    elif how == "chain":  # a link to a link inside the site that leads out
        (site / "hop.md").symlink_to(secret)
        link = folder / "evil.md"
        link.symlink_to(site / "hop.md")
    else:
        (folder / "linked").symlink_to(base / "outside", target_is_directory=True)
        link = folder / "linked" / "secret.md"
    posts = collect_posts([link] if named else [site])
    reports = [check_post(post) for post in posts]
    evil = [r for r in reports if r.title == "SECRET"]
    assert evil == []
    if named:
        [report] = reports
        assert report.error is not None and "outside the site" in str(report.error)
    else:
        assert any(r.title == "ok" for r in reports)


def test_a_link_inside_the_site_is_still_a_post(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    (site / "posts" / "latest.md").symlink_to(site / "posts" / "ok.md")
    [post] = collect_posts([site / "posts" / "latest.md"])
    assert check_post(post).error is None
    assert post.relative == "posts/ok.md"  # one identity for the file, whatever its name
    assert len(collect_posts([site / "posts"])) == 1  # and found once


def test_a_fifo_named_as_a_post_is_not_read(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    os.mkfifo(site / "posts" / "pipe.md")
    [post] = collect_posts([site / "posts" / "pipe.md"])
    report = check_post(post)
    assert report.error is not None and "not a regular file" in str(report.error)


@pytest.mark.parametrize("kind", ["header", "footer"])
@pytest.mark.parametrize(
    "reference",
    ["../outside/secret.md", "{base}/outside/secret.md", "link.md", "/dev/zero", "posts"],
)
def test_templates_are_confined_like_every_local_file(
    tmp_path: Path, kind: str, reference: str
) -> None:
    site = make_site(tmp_path)
    (site / "link.md").symlink_to(tmp_path / "outside" / "secret.md")
    reference = reference.format(base=tmp_path)
    (site / "mdwx.toml").write_text(f'{kind} = "{reference}"\n', "utf-8")
    with pytest.raises(ConfigError) as info:  # a path climbing out: when mdwx.toml is read
        [post] = collect_posts([site / "posts" / "ok.md"])
        build_post(post, tmp_path / "out")
    assert str(info.value).startswith(str(site / "mdwx.toml"))
    assert "SECRET" not in str(info.value)


def test_a_template_inside_the_site_still_works(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    (site / "t").mkdir()
    (site / "t" / "h.md").write_text("Hello {title}\n", "utf-8")
    (site / "mdwx.toml").write_text('header = "t/h.md"\n', "utf-8")
    [post] = collect_posts([site / "posts" / "ok.md"])
    report = build_post(post, tmp_path / "out")
    assert report.error is None and "Hello ok" in report.outputs[0].read_text("utf-8")


@pytest.mark.parametrize("name", ["mdwx.toml", "pyproject.toml"])
def test_a_toml_error_names_file_and_line(tmp_path: Path, name: str) -> None:
    prefix = "[tool.mdwx]\n" if name == "pyproject.toml" else ""
    (tmp_path / name).write_text(prefix + 'author = "a"\ntheme = = 2\n', "utf-8")
    if name == "pyproject.toml":
        shutil.copy(tmp_path / name, tmp_path / "copy")
        (tmp_path / name).write_text('[tool.mdwx]\nauthor = "a"\n', "utf-8")
        from mdwx.source.site import read_toml

        with pytest.raises(ConfigError) as info:
            read_toml(tmp_path / "copy")
        assert str(info.value).startswith(f"{tmp_path / 'copy'}:3: invalid TOML")
        return
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert str(info.value).startswith(f"{tmp_path / name}:2: invalid TOML")
    assert "at line" not in str(info.value)
