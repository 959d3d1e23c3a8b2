"""Hooks in everyday use, end to end with real git pushes against the sandbox: a typo fixed
in an already-submitted post never blocks a push (``on_submitted_change``), a post a hook
failed to publish is retried by the next push and listed by ``status`` meanwhile."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_helpers import count, mdwx, sandbox_env, write_post
from tests.git_helpers import commit_all, git, git_env, repository
from tests.publish_helpers import sandbox


def _site(work: Path, setting: str | None = None) -> None:
    line = f'on_submitted_change = "{setting}"\n' if setting else ""
    (work / "mdwx.toml").write_text(line, encoding="utf-8")
    (work / ".gitignore").write_text(".mdwx/\n", encoding="utf-8")


@pytest.mark.parametrize("setting", [None, "warn", "error", "republish"])
def test_a_typo_in_a_submitted_post_follows_on_submitted_change(
    tmp_path: Path, setting: str | None
) -> None:
    with sandbox() as sb:
        env = git_env(sandbox_env(sb, tmp_path), tmp_path)
        bare, work = repository(tmp_path, env)
        _site(work, setting)
        post = write_post(work / "posts" / "a.md", title="A", body="Teh first text.")
        commit_all(work, "a post", env)
        assert mdwx("hook", "install", "--submit", cwd=work, env=env).returncode == 0
        assert git(work, "push", "-q", "origin", "main", env=env, check=False).returncode == 0
        assert count(sb, "publish/uploadnews") == 1 and count(sb, "publish/submit") == 1

        write_post(post, title="A", body="The first text.")  # the typo fixed after submitting
        commit_all(work, "fix a typo", env)
        pushed = git(work, "push", "origin", "main", env=env, check=False)
        landed = (
            git(bare, "rev-parse", "main", env=env).stdout
            == git(work, "rev-parse", "HEAD", env=env).stdout
        )
        assert "Traceback" not in pushed.stderr
        if setting == "error":  # the documented strict choice: the push stops, naming the command
            assert pushed.returncode != 0 and not landed
            assert "mdwx publish --force posts/a.md" in pushed.stderr
            assert count(sb, "publish/uploadnews") == 1
        elif setting == "republish":  # a new article, submitted; the push goes on
            assert pushed.returncode == 0 and landed, pushed.stderr
            assert count(sb, "publish/uploadnews") == 2 and count(sb, "publish/submit") == 2
        else:  # "warn", the default: the push goes on, nothing sent, the next command named
            assert pushed.returncode == 0 and landed, pushed.stderr
            assert (
                "warning:" in pushed.stderr and "mdwx publish --force posts/a.md" in pushed.stderr
            )
            assert count(sb, "publish/uploadnews") == 1 and count(sb, "publish/submit") == 1
            # The command the warning names does what it says.
            done = mdwx("publish", "--force", "posts/a.md", cwd=work, env=env)
            assert done.returncode == 0, done.stderr
            assert count(sb, "publish/uploadnews") == 2 and count(sb, "publish/submit") == 2


def test_a_failed_post_receive_is_retried_by_the_next_push_and_listed_meanwhile(
    tmp_path: Path,
) -> None:
    with sandbox() as sb:
        env = git_env(sandbox_env(sb, tmp_path), tmp_path)
        no_secret = {k: v for k, v in env.items() if k != "WECHAT_APPSECRET"}
        bare, work = repository(tmp_path, env)
        _site(work)
        write_post(work / "posts" / "a.md", title="A")
        commit_all(work, "a post", env)
        assert (
            mdwx("hook", "install", "--post-receive", "--submit", cwd=bare, env=env).returncode == 0
        )

        # The server has no credentials: the push is accepted, the post is not published.
        pushed = git(work, "push", "origin", "main", env=no_secret, check=False)
        assert pushed.returncode == 0, pushed.stderr
        assert "publishing failed" in pushed.stderr and "Traceback" not in pushed.stderr
        assert count(sb, "publish/uploadnews") == 0
        tree = bare / "mdwx-publish"
        state = (tree / ".mdwx" / "state.db").read_bytes()
        assert sb.secret.encode() not in state  # the reason is kept, never a secret

        listed = mdwx("status", "--json", "posts/a.md", cwd=tree, env=no_secret)
        row = json.loads(listed.stdout)["posts"][0]
        assert row["pending"]["failures"] == 1 and "WECHAT_APPSECRET" in row["pending"]["reason"]
        human = mdwx("status", "posts/a.md", cwd=tree, env=no_secret)
        assert "failed, will retry" in human.stderr

        # A second push without credentials, touching nothing: the post is tried again.
        git(work, "commit", "-q", "--allow-empty", "-m", "nothing", env=env)
        pushed = git(work, "push", "origin", "main", env=no_secret, check=False)
        assert "retrying 1 post(s)" in pushed.stderr and "posts/a.md" in pushed.stderr
        row = json.loads(mdwx("status", "--json", "posts/a.md", cwd=tree, env=no_secret).stdout)[
            "posts"
        ][0]
        assert row["pending"]["failures"] == 2

        # Credentials now exist on the server: a push that does not touch the post publishes it.
        write_post(work / "posts" / "b.md", title="B")
        commit_all(work, "another post", env)
        pushed = git(work, "push", "origin", "main", env=env, check=False)
        assert pushed.returncode == 0, pushed.stderr
        assert "retrying 1 post(s)" in pushed.stderr
        assert count(sb, "publish/uploadnews") == 2 and count(sb, "publish/submit") == 2
        row = json.loads(mdwx("status", "--json", "posts/a.md", cwd=tree, env=env).stdout)["posts"][
            0
        ]
        assert "pending" not in row and row["status"] in ("submitted", "published")

        # Cleared: the next push has nothing to retry.
        git(work, "commit", "-q", "--allow-empty", "-m", "nothing again", env=env)
        pushed = git(work, "push", "origin", "main", env=env, check=False)
        assert "no posts changed" in pushed.stderr and "retrying" not in pushed.stderr
        assert count(sb, "publish/uploadnews") == 2


@pytest.mark.parametrize("mode", ["--draft", "--submit"])
def test_a_local_pre_push_and_a_server_post_receive_make_one_article(
    tmp_path: Path, mode: str
) -> None:
    # publish_seconds=0: a submitted article is published at once, so the server's lookup
    # does not race the sandbox's publishing window.
    with sandbox(publish_seconds=0) as sb:
        env = git_env(sandbox_env(sb, tmp_path), tmp_path)
        bare, work = repository(tmp_path, env)
        (work / "mdwx.toml").write_text('backend = "draft"\n', encoding="utf-8")
        (work / ".gitignore").write_text(".mdwx/\n", encoding="utf-8")
        post = write_post(work / "posts" / "a.md", title="A", body="Teh text.")
        commit_all(work, "a post", env)
        assert mdwx("hook", "install", mode, cwd=work, env=env).returncode == 0
        assert mdwx("hook", "install", "--post-receive", mode, cwd=bare, env=env).returncode == 0
        tree = bare / "mdwx-publish"

        pushed = git(work, "push", "origin", "main", env=env, check=False)
        assert pushed.returncode == 0, pushed.stderr
        assert count(sb, "draft/add") == 1, (
            pushed.stderr
        )  # the pre-push made it, the server adopted it
        assert "taken over instead of making a second" in pushed.stderr
        assert count(sb, "freepublish/submit") == (1 if mode == "--submit" else 0)
        assert (work / ".mdwx" / "state.db").is_file() and (tree / ".mdwx" / "state.db").is_file()
        status = json.loads(mdwx("status", "--json", "posts/a.md", cwd=tree, env=env).stdout)[
            "posts"
        ][0]
        local = json.loads(mdwx("status", "--json", "posts/a.md", cwd=work, env=env).stdout)[
            "posts"
        ][0]
        assert (
            status["status"] == local["status"] == ("published" if mode == "--submit" else "draft")
        )

        write_post(post, title="A", body="The text.")  # a typo fixed: both doors act on one article
        commit_all(work, "fix a typo", env)
        pushed = git(work, "push", "origin", "main", env=env, check=False)
        assert pushed.returncode == 0, pushed.stderr
        assert count(sb, "draft/add") == 1, pushed.stderr
        if mode == "--draft":  # the one draft updated by each door in turn
            assert count(sb, "draft/update") == 2
        else:  # kept as submitted by both, each naming the command
            assert pushed.stderr.count("mdwx publish --force posts/a.md") == 2
            assert count(sb, "freepublish/submit") == 1


def test_two_clones_with_their_own_states_make_one_article_and_other_sites_stay_apart(
    tmp_path: Path,
) -> None:
    from mdwx import api
    from tests.backend_helpers import DRAFT

    with sandbox(publish_seconds=0) as sb:
        env = git_env(sandbox_env(sb, tmp_path), tmp_path)
        bare, laptop = repository(tmp_path, env)
        (laptop / "mdwx.toml").write_text('backend = "draft"\n', encoding="utf-8")
        write_post(laptop / "posts" / "a.md", title="A")
        commit_all(laptop, "a post", env)
        git(laptop, "push", "-q", "origin", "main", env=env)
        ci = tmp_path / "ci"
        git(tmp_path, "clone", "-q", str(bare), str(ci), env=env)

        def run(post: Path, state: str) -> api.PostResult:
            options = api.Options(
                credentials=api.Credentials(appid=sb.appid, secret=sb.secret),
                api_base=sb.base_url,
                state_path=tmp_path / state,
            )
            return api.publish([post], options).posts[0]

        first = run(laptop / "posts" / "a.md", "laptop.db")
        second = run(ci / "posts" / "a.md", "ci.db")  # a CI runner: another clone, another state
        assert first.error is None and second.error is None
        # Published at once (publish_seconds=0): found among the published articles, known
        # by its article_id, unchanged; nothing created or submitted again.
        assert (
            second.steps == [f"adopt {second.media_id}", "unchanged"]
            and second.status == "published"
        )
        assert len(DRAFT.created(sb)) == 1 and len(DRAFT.submitted(sb)) == 1

        # Two sites outside git with the same post path are different sites: two articles.
        for name in ("one", "two"):
            (tmp_path / name).mkdir()
            (tmp_path / name / "mdwx.toml").write_text('backend = "draft"\n', encoding="utf-8")
            result = run(write_post(tmp_path / name / "posts" / "a.md", title="A"), f"{name}.db")
            assert result.error is None and not result.steps[0].startswith("adopt")
        assert len(DRAFT.created(sb)) == 3
