"""``mdwx hook``: a real ``git push`` to a real bare remote publishes exactly the changed posts
to the sandbox; a failing publish blocks the push; uninstall restores a foreign hook."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tests.cli_helpers import count, mdwx, sandbox_env, write_post
from tests.git_helpers import commit_all, git, git_env, repository
from tests.publish_helpers import sandbox


def _site(work: Path, env: dict[str, str]) -> None:
    (work / "mdwx.toml").write_text("", encoding="utf-8")
    (work / ".gitignore").write_text(".mdwx/\n", encoding="utf-8")


def test_pre_push_publishes_exactly_the_changed_posts_and_a_failure_blocks_the_push(
    tmp_path: Path,
) -> None:
    with sandbox() as sb:
        env = git_env(sandbox_env(sb, tmp_path), tmp_path)
        bare, work = repository(tmp_path, env)
        _site(work, env)
        write_post(work / "posts" / "a" / "index.md", title="A")
        write_post(work / "posts" / "b" / "index.md", title="B")
        commit_all(work, "two posts", env)
        installed = mdwx("hook", "install", cwd=work, env=env)
        assert installed.returncode == 0, installed.stderr
        hook = work / ".git" / "hooks" / "pre-push"
        assert hook.stat().st_mode & stat.S_IXUSR

        pushed = git(work, "push", "-q", "origin", "main", env=env, check=False)
        assert pushed.returncode == 0, pushed.stderr
        assert count(sb, "publish/uploadnews") == 2 and count(sb, "publish/submit") == 0  # drafts

        # One post edited, one added: exactly those two are sent.
        write_post(work / "posts" / "a" / "index.md", title="A", body="Edited text.")
        write_post(work / "posts" / "c" / "index.md", title="C")
        commit_all(work, "edit a, add c", env)
        pushed = git(work, "push", "-q", "origin", "main", env=env, check=False)
        assert pushed.returncode == 0, pushed.stderr
        assert count(sb, "publish/uploadnews") == 3 and count(sb, "publish/update") == 1

        # Another branch publishes nothing.
        git(work, "checkout", "-q", "-b", "feature", env=env)
        write_post(work / "posts" / "b" / "index.md", title="B", body="Edited on a branch.")
        commit_all(work, "edit b on a branch", env)
        pushed = git(work, "push", "-q", "origin", "feature", env=env, check=False)
        assert pushed.returncode == 0, pushed.stderr
        assert count(sb, "publish/uploadnews") == 3 and count(sb, "publish/update") == 1

        # A post that cannot be published stops the push, with one line saying how to bypass.
        git(work, "checkout", "-q", "main", env=env)
        broken = work / "posts" / "d.md"
        broken.write_text("---\ntitle: D\n---\n\n![gone](missing.png)\n", encoding="utf-8")
        commit_all(work, "a broken post", env)
        before = git(bare, "rev-parse", "main", env=env).stdout
        pushed = git(work, "push", "origin", "main", env=env, check=False)
        assert pushed.returncode != 0
        assert "git push --no-verify" in pushed.stderr and "missing.png" in pushed.stderr
        assert "Traceback" not in pushed.stderr
        assert git(bare, "rev-parse", "main", env=env).stdout == before
        assert count(sb, "publish/uploadnews") == 3


def test_post_receive_publishes_from_its_own_work_tree(tmp_path: Path) -> None:
    with sandbox() as sb:
        env = git_env(sandbox_env(sb, tmp_path), tmp_path)
        bare, work = repository(tmp_path, env)
        _site(work, env)
        write_post(work / "p.md", title="Received")
        commit_all(work, "one post", env)
        installed = mdwx("hook", "install", "--post-receive", "--submit", cwd=bare, env=env)
        assert installed.returncode == 0, installed.stderr
        pushed = git(work, "push", "-q", "origin", "main", env=env, check=False)
        assert pushed.returncode == 0, pushed.stderr
        assert count(sb, "publish/uploadnews") == 1 and count(sb, "publish/submit") == 1
        assert (bare / "mdwx-publish" / ".mdwx" / "state.db").is_file()  # kept for the next push
        git(work, "commit", "-q", "--allow-empty", "-m", "nothing to publish", env=env)
        pushed = git(work, "push", "origin", "main", env=env, check=False)
        assert pushed.returncode == 0 and "no posts changed" in pushed.stderr
        assert count(sb, "publish/uploadnews") == 1


def test_install_refuses_a_foreign_hook_and_uninstall_restores_it(tmp_path: Path) -> None:
    env = git_env(dict(os.environ), tmp_path)
    _bare, work = repository(tmp_path, env)
    hooks = work / "custom-hooks"
    hooks.mkdir()
    git(work, "config", "core.hooksPath", "custom-hooks", env=env)
    foreign = hooks / "pre-push"
    foreign.write_text("#!/bin/sh\necho foreign hook ran >&2\n", encoding="utf-8")
    foreign.chmod(0o755)

    refused = mdwx("hook", "install", cwd=work, env=env)
    assert (
        refused.returncode == 2 and "not mdwx's" in refused.stderr and "--force" in refused.stderr
    )
    assert foreign.read_text(encoding="utf-8").startswith("#!/bin/sh\necho foreign")

    forced = mdwx("hook", "install", "--force", cwd=work, env=env)
    assert forced.returncode == 0, forced.stderr
    assert "mdwx-hook: pre-push" in foreign.read_text(encoding="utf-8")
    assert (
        (hooks / "pre-push.mdwx-backup")
        .read_text(encoding="utf-8")
        .startswith("#!/bin/sh\necho foreign")
    )
    # The kept hook still runs, first: a push of a branch that is not main publishes nothing.
    write_post(work / "p.md")
    commit_all(work, "a post", env)
    git(work, "checkout", "-q", "-b", "topic", env=env)
    pushed = git(work, "push", "origin", "topic", env=env, check=False)
    assert pushed.returncode == 0 and "foreign hook ran" in pushed.stderr, pushed.stderr

    removed = mdwx("hook", "uninstall", cwd=work, env=env)
    assert removed.returncode == 0 and "restored" in removed.stderr
    assert foreign.read_text(encoding="utf-8") == "#!/bin/sh\necho foreign hook ran >&2\n"
    assert not (hooks / "pre-push.mdwx-backup").exists()
    again = mdwx("hook", "uninstall", cwd=work, env=env)
    assert again.returncode == 0 and "no mdwx hook" in again.stderr


def test_the_publishing_branch_comes_from_config_then_the_remote_then_git(
    tmp_path: Path, monkeypatch
) -> None:
    from mdwx.integrations.hooks import default_branch, publishing_branch

    env = git_env(dict(os.environ), tmp_path)
    bare, work = repository(tmp_path, env)
    for name, value in env.items():  # git run by mdwx sees the test's HOME, not the user's config
        monkeypatch.setenv(name, value)
    assert default_branch(work, "origin") == "main"  # nothing known: main
    git(work, "config", "init.defaultBranch", "trunk", env=env)
    assert default_branch(work, "origin") == "trunk"
    git(work, "commit", "-q", "--allow-empty", "-m", "first", env=env)
    git(work, "push", "-q", "origin", "main:develop", env=env)
    git(bare, "symbolic-ref", "HEAD", "refs/heads/develop", env=env)
    git(work, "remote", "set-head", "origin", "--auto", env=env)
    assert default_branch(work, "origin") == "develop"  # the remote's HEAD
    assert default_branch(bare, None) == "develop"  # a receiving repository's HEAD
    (work / "mdwx.toml").write_text('publish_branch = "release"\n', encoding="utf-8")
    assert publishing_branch(work, "origin") == "release"
