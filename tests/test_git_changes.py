"""``--changed-since`` / ``--git-range``: the posts a range of real git commits changed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.errors import ConfigError
from mdwx.integrations.git import changed_posts, parse_range
from tests.cli_helpers import mdwx, write_post
from tests.git_helpers import commit_all, git, git_env
from tests.publish_helpers import png_bytes


@pytest.fixture
def history(tmp_path: Path) -> tuple[Path, dict[str, str], str, str]:
    """Two commits: the second edits a, renames b, deletes c, changes d's picture only,
    adds e, and adds a README and an image no post uses (neither is a post change)."""
    env = git_env(dict(os.environ), tmp_path)
    site = tmp_path / "site"
    site.mkdir()
    git(site, "init", "-q", "-b", "main", env=env)
    (site / "mdwx.toml").write_text('exclude = ["**/README.md", "drafts/**"]\n', encoding="utf-8")
    for name in "abcd":
        write_post(
            site / "posts" / name / "index.md", title=f"Post {name}", body=f"Text of {name}."
        )
    write_post(site / "drafts" / "x.md", title="Excluded")
    first = commit_all(site, "first", env)
    write_post(site / "posts" / "a" / "index.md", title="Post a", body="Edited.")
    (site / "posts" / "b").rename(site / "posts" / "b2")
    for path in (site / "posts" / "c").iterdir():
        path.unlink()
    (site / "posts" / "c").rmdir()
    (site / "posts" / "d" / "pic.png").write_bytes(png_bytes(colour=(1, 2, 3)))
    write_post(
        site / "posts" / "e.md",
        title="Another subject entirely",
        body="A new post, written from scratch, sharing nothing with the others.\n\n" * 3,
    )
    (site / "posts" / "README.md").write_text("# About\n", encoding="utf-8")
    write_post(site / "drafts" / "x.md", title="Excluded, edited")
    (site / "unused.png").write_bytes(png_bytes())
    second = commit_all(site, "second", env)
    return site, env, first, second


def test_range_gives_added_modified_renamed_and_image_changed_posts(history) -> None:
    site, _env, first, second = history
    changes = changed_posts(site, first, second)
    rel = sorted(p.relative_to(site.resolve()).as_posix() for p in changes.posts)
    assert rel == ["posts/a/index.md", "posts/b2/index.md", "posts/d/index.md", "posts/e.md"]
    assert [
        (o.relative_to(site).as_posix(), n.relative_to(site).as_posix()) for o, n in changes.renamed
    ] == [("posts/b/index.md", "posts/b2/index.md")]
    assert [p.relative_to(site).as_posix() for p in changes.deleted] == ["posts/c/index.md"]
    assert list(changes.by_asset) == [(site / "posts" / "d" / "index.md").resolve()]


def test_cli_reports_deletions_and_renames_and_checks_only_the_changed(history) -> None:
    site, env, first, _second = history
    result = mdwx("check", "--changed-since", first, "--json", cwd=site, env=env)
    assert result.returncode == 0, result.stderr
    import json

    checked = sorted(
        Path(p["path"]).relative_to(site.resolve()).as_posix()
        for p in json.loads(result.stdout)["posts"]
    )
    assert checked == ["posts/a/index.md", "posts/b2/index.md", "posts/d/index.md", "posts/e.md"]
    assert "deleted: posts/c/index.md" in result.stderr
    assert "renamed: posts/b/index.md → posts/b2/index.md" in result.stderr
    assert "posts/d/index.md: its file(s) changed: posts/d/pic.png" in result.stderr


def test_a_range_without_post_changes_does_nothing(history) -> None:
    site, env, _first, second = history
    result = mdwx("publish", "--git-range", f"{second}..{second}", cwd=site, env=env)
    assert result.returncode == 0 and "no posts changed" in result.stderr


@pytest.mark.parametrize(
    "args, words",
    [
        (("--changed-since", "no-such-rev"), "unknown revision 'no-such-rev'"),
        (("--git-range", "HEAD~9..HEAD"), "unknown revision 'HEAD~9'"),
        (("--git-range", "HEAD"), "is not a range"),
        (("--changed-since", "HEAD", "--git-range", "HEAD..HEAD"), "not both"),
    ],
)
def test_bad_revisions_are_usage_errors(history, args, words) -> None:
    site, env, _first, _second = history
    result = mdwx("publish", *args, cwd=site, env=env)
    assert result.returncode == 2 and words in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_outside_a_repository_is_a_usage_error(tmp_path: Path) -> None:
    write_post(tmp_path / "p.md")
    env = git_env(dict(os.environ), tmp_path)
    env["GIT_CEILING_DIRECTORIES"] = str(tmp_path.parent)
    result = mdwx("check", "--changed-since", "HEAD", cwd=tmp_path, env=env)
    assert result.returncode == 2 and "not inside a git repository" in result.stderr
    with pytest.raises(ConfigError):
        parse_range("nodots")


NAMES = st.sampled_from(["a", "b c", "中文", "d-e", "f"])
OPS = st.lists(
    st.tuples(st.sampled_from(["edit", "picture", "rename", "delete", "add"]), NAMES), max_size=6
)


def _post_text(name: str, words: str) -> str:
    return f"---\ntitle: {name}\n---\n\n{words}\n\n![picture](pic.png)\n"


@settings(max_examples=25)
@given(start=st.sets(NAMES, min_size=1), ops=OPS, salt=st.integers(0, 10**6))
def test_changed_posts_match_a_model_of_the_commits(tmp_path_factory, start, ops, salt) -> None:
    """Whatever edits, picture changes, renames, deletions and additions a commit holds (names
    with spaces and CJK included), the changed posts are the model's: edited, picture-changed,
    added or renamed-to posts; deleted ones are listed; nothing else."""
    import hashlib

    site = tmp_path_factory.mktemp("repo")
    env = git_env(dict(os.environ), site)
    git(site, "init", "-q", "-b", "main", env=env)
    (site / "mdwx.toml").write_text("", encoding="utf-8")

    def words(tag: str) -> str:  # distinct enough that git pairs no deletion with an addition
        return " ".join(
            hashlib.sha256(f"{tag}{salt}{i}".encode()).hexdigest()[:10] for i in range(12)
        )

    def write(name: str, tag: str, colour: tuple[int, int, int] = (9, 9, 9)) -> None:
        folder = site / "posts" / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.md").write_text(_post_text(name, words(tag)), encoding="utf-8")
        (folder / "pic.png").write_bytes(png_bytes(colour=colour))

    present = set(start)
    for name in start:
        write(name, name)
    base = commit_all(site, "start", env)
    changed: set[str] = set()
    deleted: set[str] = set()
    for number, (op, name) in enumerate(ops):
        if op == "add" and name not in present:
            write(name, f"new{number}{name}", colour=(number, 1, 1))
            present.add(name)
            changed.add(name)
            deleted.discard(name)
        elif name not in present:
            continue
        elif op == "edit":
            (site / "posts" / name / "index.md").write_text(
                _post_text(name, words(f"e{number}{name}")), "utf-8"
            )
            changed.add(name)
        elif op == "picture":
            (site / "posts" / name / "pic.png").write_bytes(png_bytes(colour=(number * 20, 200, 3)))
            changed.add(name)
        elif op in ("rename", "delete"):
            for path in (site / "posts" / name).iterdir():
                path.unlink()
            (site / "posts" / name).rmdir()
            present.discard(name)
            if name in changed or name not in start:
                changed.discard(name)
            if name in start:
                deleted.add(name)
            if op == "rename":
                target = f"{name}-moved{number}"
                write(target, f"moved{number}")  # new content: git may or may not pair it
                present.add(target)
                changed.add(target)
    tip = (
        commit_all(site, "changes", env)
        if git(site, "status", "--porcelain", env=env).stdout
        else base
    )
    result = changed_posts(site, base, tip)
    got = sorted(p.parent.name for p in result.posts)
    assert got == sorted(changed & present)
    assert sorted(p.parent.name for p in result.deleted) == sorted(deleted - present)
