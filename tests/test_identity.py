"""One post, one article: however the post is named, from whatever folder mdwx runs.

Every scenario runs the real command against a standalone sandbox over loopback HTTP and
checks the sandbox's own records: the number of articles it holds and submissions it took.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.source.gate import collect_posts
from mdwx.source.site import find_site_root
from tests.cli_helpers import mdwx, mdwx_json, sandbox_env, write_post
from tests.publish_helpers import sandbox


@pytest.fixture()
def sb():
    with sandbox() as server:
        yield server


def git_repo(path: Path) -> Path:
    path.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    return path


def articles(sb) -> int:
    return len(sb.store.articles())


def test_git_repo_without_config_same_article_from_any_folder_and_any_path(
    tmp_path: Path, sb
) -> None:
    repo = git_repo(tmp_path / "repo")
    post = write_post(repo / "blog" / "posts" / "hello.md")
    env = sandbox_env(sb, tmp_path)
    first = mdwx("publish", "posts/", cwd=repo / "blog", env=env)
    assert first.returncode == 0, first.stderr
    for args, cwd in (
        (["."], repo),
        (["hello.md"], post.parent),
        ([str(post)], tmp_path),
        (["blog"], repo),
        (["../.."], post.parent),
    ):
        code, doc = mdwx_json("publish", *args, cwd=cwd, env=env)
        assert code == 0, doc
        assert doc["posts"][0]["actions"] == ["unchanged: nothing sent"], (args, cwd)
        assert doc["posts"][0]["uploads"]["images"] == 0
    assert articles(sb) == 1 and sb.store.submission_count() == 1
    assert (repo / ".mdwx" / "state.db").is_file()
    assert (
        not (repo / "blog" / ".mdwx").exists() and not (repo / "blog" / "posts" / ".mdwx").exists()
    )
    status = mdwx("status", cwd=repo, env=env)  # status finds it from the repository root
    assert "submitted (recorded)" in status.stderr or "published (recorded)" in status.stderr


def test_site_root_rules(tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "repo")
    post = write_post(repo / "a" / "b" / "p.md")
    assert find_site_root(post) == repo
    (repo / "a" / "pyproject.toml").write_text("[tool.mdwx]\ntheme = 'default'\n", encoding="utf-8")
    assert find_site_root(post) == repo / "a"
    (repo / "a" / "b" / "mdwx.toml").write_text("", encoding="utf-8")
    assert find_site_root(post) == repo / "a" / "b"
    loose = write_post(tmp_path / "loose" / "deep" / "p.md")
    assert find_site_root(loose) == loose.parent  # the post's own folder, never the argument
    assert find_site_root(tmp_path / "loose") == tmp_path / "loose"


def test_config_added_after_publishing_takes_over_the_old_records(tmp_path: Path, sb) -> None:
    site = tmp_path / "site"  # no git: the post's own folder was the root
    post = write_post(site / "posts" / "hello.md")
    env = sandbox_env(sb, tmp_path)
    assert mdwx("publish", str(post), cwd=tmp_path, env=env).returncode == 0
    old_state = site / "posts" / ".mdwx" / "state.db"
    assert old_state.is_file()
    (site / "mdwx.toml").write_text('theme = "default"\n', encoding="utf-8")
    result = mdwx("publish", ".", cwd=site, env=env)
    assert result.returncode == 0, result.stderr
    assert "took over 1 article record" in result.stderr and str(old_state) in result.stderr
    assert "unchanged: nothing sent" in result.stderr
    assert articles(sb) == 1
    assert not old_state.exists() and old_state.with_name("state.db.adopted").is_file()
    assert mdwx("status", "posts/hello.md", cwd=site, env=env).stderr.count("(recorded)") == 1


def test_config_added_in_a_subfolder_of_the_repository_moves_the_records_down(
    tmp_path: Path, sb
) -> None:
    repo = git_repo(tmp_path / "repo")
    post = write_post(repo / "blog" / "posts" / "hello.md")
    other = write_post(repo / "notes" / "other.md", title="Other")
    env = sandbox_env(sb, tmp_path)
    assert mdwx("publish", "blog", "notes", cwd=repo, env=env).returncode == 0
    (repo / "blog" / "mdwx.toml").write_text(
        "", encoding="utf-8"
    )  # blog/ becomes a site of its own
    code, doc = mdwx_json("publish", str(post), cwd=tmp_path, env=env)
    assert code == 0 and doc["posts"][0]["actions"] == ["unchanged: nothing sent"], doc
    assert (repo / "blog" / ".mdwx" / "state.db").is_file()
    assert articles(sb) == 2
    # the repository's own state still answers for the post outside blog/, and no longer for hello.md
    code, doc = mdwx_json("publish", str(other), cwd=tmp_path, env=env)
    assert code == 0 and doc["posts"][0]["actions"] == ["unchanged: nothing sent"]
    from mdwx.publish.state.store import State

    with State.open(repo / ".mdwx" / "state.db") as state:
        assert [a.source_path for a in state.articles(sb.appid)] == ["notes/other.md"]


def test_two_records_of_one_post_stop_with_the_file_named(tmp_path: Path, sb) -> None:
    site = tmp_path / "site"
    post = write_post(site / "posts" / "hello.md")
    env = sandbox_env(sb, tmp_path)
    assert mdwx("publish", str(post), cwd=tmp_path, env=env).returncode == 0
    hidden = site / "posts" / ".mdwx"
    hidden.rename(tmp_path / "aside")
    (site / "mdwx.toml").write_text("", encoding="utf-8")
    assert mdwx("publish", str(post), cwd=tmp_path, env=env).returncode == 0  # a second article...
    (tmp_path / "aside").rename(hidden)  # ...and the first one's records come back
    result = mdwx("publish", str(post), cwd=tmp_path, env=env)
    assert result.returncode != 0
    assert str(hidden / "state.db") in result.stderr and "Traceback" not in result.stderr
    assert articles(sb) == 2  # nothing more was created


def test_renamed_post_keeps_its_article(tmp_path: Path, sb) -> None:
    repo = git_repo(tmp_path / "repo")
    post = write_post(repo / "posts" / "hello.md")
    env = sandbox_env(sb, tmp_path)
    assert mdwx("publish", "posts", cwd=repo, env=env).returncode == 0
    moved = repo / "archive" / "2026" / "hello-world.md"
    moved.parent.mkdir(parents=True)
    post.rename(moved)
    (post.parent / "pic.png").rename(moved.parent / "pic.png")
    code, doc = mdwx_json("publish", ".", cwd=repo, env=env)
    assert code == 0, doc
    assert doc["posts"][0]["actions"] == [
        "followed the rename from posts/hello.md",
        "unchanged: nothing sent",
    ]
    assert articles(sb) == 1
    assert (
        "renamed or moved" not in mdwx("status", cwd=repo, env=env).stderr
    )  # now recorded at the new path


def test_renamed_and_edited_post_is_followed_by_its_slug(tmp_path: Path, sb) -> None:
    repo = git_repo(tmp_path / "repo")
    post = write_post(repo / "posts" / "hello.md", extra="slug: hello\n")
    env = sandbox_env(sb, tmp_path)
    assert mdwx("publish", "posts", "--draft", cwd=repo, env=env).returncode == 0
    post.unlink()
    write_post(repo / "posts" / "greeting.md", body="Edited text.", extra="slug: hello\n")
    code, doc = mdwx_json("publish", "posts", "--draft", cwd=repo, env=env)
    assert code == 0, doc
    assert doc["posts"][0]["steps"] == ["follow rename from posts/hello.md", "update"]
    assert articles(sb) == 1


def test_a_copy_is_a_new_post_not_a_rename(tmp_path: Path, sb) -> None:
    repo = git_repo(tmp_path / "repo")
    post = write_post(repo / "posts" / "hello.md")
    env = sandbox_env(sb, tmp_path)
    assert mdwx("publish", "posts", cwd=repo, env=env).returncode == 0
    (repo / "posts" / "copy.md").write_bytes(post.read_bytes())  # the original still exists
    code, doc = mdwx_json("publish", "posts/copy.md", cwd=repo, env=env)
    assert code == 0 and doc["posts"][0]["steps"][-2:] == ["uploadnews", "submit"]
    assert articles(sb) == 2


LAYOUT = st.tuples(
    st.integers(0, 3), st.sampled_from(["git", "config", "pyproject", "none"]), st.integers(0, 3)
)


@settings(max_examples=60)
@given(LAYOUT, st.data())
def test_every_way_of_naming_a_post_gives_one_root_and_one_key(
    tmp_path_factory, layout, data
) -> None:
    """Whatever folder mdwx runs from and whichever path names the post (the file, a folder
    above it, relative or absolute), the post has one site root and one key in the state."""
    depth, marker, marker_level = layout
    base = tmp_path_factory.mktemp("layout")
    folders = [base / "top"] + [
        base / "top" / Path(*[f"d{i}" for i in range(1, n + 1)]) for n in range(1, depth + 1)
    ]
    post = write_post(folders[-1] / "post.md")
    marked = folders[min(marker_level, depth)]
    if marker == "git":
        (marked / ".git").mkdir()
    elif marker == "config":
        (marked / "mdwx.toml").write_text("", encoding="utf-8")
    elif marker == "pyproject":
        (marked / "pyproject.toml").write_text("[tool.mdwx]\n", encoding="utf-8")
    seen = set()
    for folder in folders:
        cwd = data.draw(st.sampled_from(folders), label="cwd")
        for argument in (
            post,
            folder,
            Path(os.path.relpath(post, cwd)),
            Path(os.path.relpath(folder, cwd)),
        ):
            absolute = argument if argument.is_absolute() else cwd / argument
            found = [p for p in collect_posts([absolute]) if p.path == post.resolve()]
            assert len(found) == 1
            seen.add((found[0].config.root, found[0].relative, found[0].config.state_path))
    assert len(seen) == 1, seen
    root = seen.pop()[0]
    assert root == (folders[-1] if marker == "none" else marked)


def test_a_cover_beside_the_posts_folder_works_by_either_path(tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "repo")
    write_post(repo / "posts" / "a.md", extra="cover: ../cover.png\n")
    (repo / "posts" / "pic.png").rename(repo / "cover.png")
    (repo / "posts" / "a.md").write_text(
        (repo / "posts" / "a.md").read_text("utf-8").replace("pic.png", "../cover.png"),
        encoding="utf-8",
    )
    env = dict(os.environ)
    for argument, cwd in (("posts", repo), ("a.md", repo / "posts"), ("posts/a.md", repo)):
        result = mdwx("check", argument, cwd=cwd, env=env)
        assert result.returncode == 0, (argument, result.stderr)


def test_status_from_the_parent_of_a_site_finds_its_records_and_creates_nothing(
    tmp_path: Path, sb
) -> None:
    site = tmp_path / "site"
    post = write_post(site / "posts" / "hello.md")
    (site / "mdwx.toml").write_text("", encoding="utf-8")
    env = sandbox_env(sb, tmp_path)
    assert mdwx("publish", "posts", cwd=site, env=env).returncode == 0
    code, doc = mdwx_json("status", "site", cwd=tmp_path, env=env)
    assert (
        code == 0
        and doc["posts"][0]["path"] == str(post)
        and doc["posts"][0]["status"] != "not published"
    )
    assert not (tmp_path / ".mdwx").exists()
