"""``action.yml`` run step by step as the runner would, twice, each time from a fresh checkout
with the state the previous run committed back: the second run sends nothing. And ``mdwx
check --format github`` prints annotations escaped by GitHub's rules."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.integrations.github import annotation, escape_data, escape_property
from tests.action_runner import run_action
from tests.cli_helpers import count, mdwx, sandbox_env, write_post
from tests.git_helpers import commit_all, git, git_env, repository
from tests.publish_helpers import sandbox

GITIGNORE = ".mdwx/*\n!.mdwx/state.jsonl\n"


def _fresh_checkout(bare: Path, where: Path, env: dict[str, str]) -> Path:
    git(where.parent, "clone", "-q", str(bare), str(where), env=env)
    return where


def test_the_action_publishes_once_across_fresh_runners(tmp_path: Path) -> None:
    with sandbox() as sb:
        env = git_env(sandbox_env(sb, tmp_path), tmp_path)
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"  # setup-python's python
        bare, work = repository(tmp_path, env)
        (work / "mdwx.toml").write_text("", encoding="utf-8")
        (work / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
        write_post(work / "posts" / "one.md", title="One")
        write_post(work / "posts" / "two.md", title="Two")
        commit_all(work, "posts", env)
        git(work, "push", "-q", "origin", "main", env=env)

        first = run_action({"paths": "posts", "mode": "submit"}, workspace=_fresh_checkout(bare, tmp_path / "ci1", env),
                           env=env)
        assert first.returncode == 0, first.stdout + first.stderr
        assert first.skipped == ["actions/setup-python@v5", "actions/cache/restore@v4", "actions/cache/save@v4"]
        assert count(sb, "publish/uploadnews") == 2 and count(sb, "publish/submit") == 2
        log = git(bare, "log", "-1", "--format=%s", "main", env=env).stdout
        assert log.startswith("mdwx: record what was published")
        sent = len(sb.requests)

        second = run_action({"paths": "posts", "mode": "submit"},
                            workspace=_fresh_checkout(bare, tmp_path / "ci2", env), env=env)
        assert second.returncode == 0, second.stdout + second.stderr
        assert [r.endpoint for r in sb.requests[sent:]] == []  # not even a token: nothing to do
        assert count(sb, "publish/uploadnews") == 2 and count(sb, "publish/submit") == 2
        assert git(bare, "log", "-1", "--format=%s", "main", env=env).stdout == log  # nothing new to commit
    for text in (first.stdout, first.stderr, second.stdout, second.stderr):
        assert sb.secret not in text


def test_the_action_refuses_a_bad_mode_in_one_line(tmp_path: Path) -> None:
    env = git_env(dict(os.environ), tmp_path)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    _bare, work = repository(tmp_path, env)
    result = run_action({"mode": "publish-now"}, workspace=work, env=env)
    assert result.returncode == 2 and "::error title=mdwx::mode must be draft or submit" in result.stdout


@settings(max_examples=150)
@given(st.text(), st.text(), st.integers(1, 10**6))
def test_annotations_cannot_end_their_line_or_forge_properties(message: str, file: str, line: int) -> None:
    text = annotation("error", message, file=file or None, line=line, title="mdwx check")
    assert "\n" not in text and "\r" not in text
    head, _, body = text.partition("::")[2].partition("::")
    props = dict(item.split("=", 1) for item in head.removeprefix("error ").split(","))
    assert set(props) == ({"file", "line", "title"} if file else {"line", "title"})
    unescape = lambda s: s.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")  # noqa: E731
    assert unescape(body) == message and unescape(props.get("file", "")) == file
    assert escape_data("%\r\n") == "%25%0D%0A" and escape_property("a:b,c") == "a%3Ab%2Cc"


def test_check_format_github_annotates_the_line(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write_post(site / "good.md")
    (site / "bad.md").write_text("---\ntitle: Bad\n---\n\nText.\n\n![x](missing.png)\n", encoding="utf-8")
    (site / "mdwx.toml").write_text("", encoding="utf-8")
    result = mdwx("check", ".", "--format", "github", cwd=site, env=dict(os.environ, GITHUB_WORKSPACE=str(site)))
    assert result.returncode == 1
    errors = [ln for ln in result.stdout.splitlines() if ln.startswith("::error ")]
    assert errors == [e for e in errors if e.startswith("::error file=bad.md,line=7,title=mdwx check::")]
    assert len(errors) == 1 and "missing.png" in errors[0]
