"""``action.yml`` run step by step as the runner would, twice, each time from a fresh checkout
with the state the previous run committed back: the second run sends nothing. And ``mdwx
check --format github`` prints annotations escaped by GitHub's rules."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.integrations.github import annotation, escape_data, escape_property, workspace_path
from mdwx.integrations.github import main as github_main
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
        env["PATH"] = (
            f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"  # setup-python's python
        )
        bare, work = repository(tmp_path, env)
        (work / "mdwx.toml").write_text("", encoding="utf-8")
        (work / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
        write_post(work / "posts" / "one.md", title="One")
        write_post(work / "posts" / "two.md", title="Two")
        commit_all(work, "posts", env)
        git(work, "push", "-q", "origin", "main", env=env)

        first = run_action(
            {"paths": "posts", "mode": "submit"},
            workspace=_fresh_checkout(bare, tmp_path / "ci1", env),
            env=env,
        )
        assert first.returncode == 0, first.stdout + first.stderr
        assert first.skipped == [
            "actions/setup-python@v5",
            "actions/cache/restore@v4",
            "actions/cache/save@v4",
        ]
        assert count(sb, "publish/uploadnews") == 2 and count(sb, "publish/submit") == 2
        log = git(bare, "log", "-1", "--format=%s", "main", env=env).stdout
        assert log.startswith("mdwx: record what was published")
        sent = len(sb.requests)

        second = run_action(
            {"paths": "posts", "mode": "submit"},
            workspace=_fresh_checkout(bare, tmp_path / "ci2", env),
            env=env,
        )
        assert second.returncode == 0, second.stdout + second.stderr
        assert [r.endpoint for r in sb.requests[sent:]] == []  # not even a token: nothing to do
        assert count(sb, "publish/uploadnews") == 2 and count(sb, "publish/submit") == 2
        assert (
            git(bare, "log", "-1", "--format=%s", "main", env=env).stdout == log
        )  # nothing new to commit
    for text in (first.stdout, first.stderr, second.stdout, second.stderr):
        assert sb.secret not in text


def test_the_action_refuses_a_bad_mode_in_one_line(tmp_path: Path) -> None:
    env = git_env(dict(os.environ), tmp_path)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    _bare, work = repository(tmp_path, env)
    result = run_action({"mode": "publish-now"}, workspace=work, env=env)
    assert (
        result.returncode == 2
        and "::error title=mdwx::mode must be draft or submit" in result.stdout
    )


@settings(max_examples=150)
@given(st.text(), st.text(), st.integers(1, 10**6))
def test_annotations_cannot_end_their_line_or_forge_properties(
    message: str, file: str, line: int
) -> None:
    text = annotation("error", message, file=file or None, line=line, title="mdwx check")
    assert "\n" not in text and "\r" not in text
    head, _, body = text.partition("::")[2].partition("::")
    props = dict(item.split("=", 1) for item in head.removeprefix("error ").split(","))
    assert set(props) == ({"file", "line", "title"} if file else {"line", "title"})

    def unescape(s: str) -> str:
        return (
            s.replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%25", "%")
        )

    assert unescape(body) == message and unescape(props.get("file", "")) == file
    assert escape_data("%\r\n") == "%25%0D%0A" and escape_property("a:b,c") == "a%3Ab%2Cc"


def test_check_format_github_annotates_the_line(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write_post(site / "good.md")
    (site / "bad.md").write_text(
        "---\ntitle: Bad\n---\n\nText.\n\n![x](missing.png)\n", encoding="utf-8"
    )
    (site / "mdwx.toml").write_text("", encoding="utf-8")
    result = mdwx(
        "check",
        ".",
        "--format",
        "github",
        cwd=site,
        env=dict(os.environ, GITHUB_WORKSPACE=str(site)),
    )
    assert result.returncode == 1
    errors = [ln for ln in result.stdout.splitlines() if ln.startswith("::error ")]
    assert errors == [
        e for e in errors if e.startswith("::error file=bad.md,line=7,title=mdwx check (asset)::")
    ]
    assert len(errors) == 1 and "missing.png" in errors[0]


def _commands(stdout: str) -> list[str]:
    """The lines the runner would read as workflow commands (outside stop-commands)."""
    found, stopped = [], None
    for text in stdout.splitlines():
        if stopped is not None:
            if text == f"::{stopped}::":
                stopped = None
            continue
        if text.startswith("::stop-commands::"):
            stopped = text.removeprefix("::stop-commands::")
        elif text.startswith("::"):
            found.append(text)
    return found


def _workspace(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    env = git_env(dict(os.environ), tmp_path)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    _bare, work = repository(tmp_path, env)
    return work, env


def test_a_mode_cannot_forge_a_workflow_command(tmp_path: Path) -> None:
    work, env = _workspace(tmp_path)
    result = run_action(
        {"mode": "x\n::add-mask::posts", "persist-state": "y\n::set-output name=a::b"},
        workspace=work,
        env=env,
    )
    assert result.returncode == 2
    assert _commands(result.stdout) == [
        "::error title=mdwx::mode must be draft or submit, not 'x%0A::add-mask::posts'"
    ]


@pytest.mark.parametrize(
    "state_file", ["../../../x", "/tmp/elsewhere.jsonl", "linked/state.jsonl", "", "a\nb"]
)
def test_the_state_file_stays_in_the_workspace(tmp_path: Path, state_file: str) -> None:
    (tmp_path / "w").mkdir()
    work, env = _workspace(tmp_path / "w")
    (tmp_path / "outside").mkdir()
    (work / "linked").symlink_to(tmp_path / "outside")
    before = sorted(p.name for p in tmp_path.rglob("*") if ".git" not in p.parts)
    result = run_action({"mode": "draft", "state-file": state_file}, workspace=work, env=env)
    assert result.returncode == 2, result.stdout + result.stderr
    (command,) = _commands(result.stdout)
    assert command.startswith("::error title=mdwx::state-file") and "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.rglob("*") if ".git" not in p.parts) == before


segments = st.lists(
    st.sampled_from(["..", ".", "a", "b", "link", "", "/", "x.jsonl"]), min_size=1, max_size=6
)


@settings(max_examples=150)
@given(parts=segments)
def test_workspace_path_is_inside_or_refused(tmp_path_factory, parts: list[str]) -> None:
    base = tmp_path_factory.mktemp("ci")
    root = base / "work"
    (root / "a").mkdir(parents=True)
    (base / "out").mkdir()
    (root / "link").symlink_to(base / "out")
    value = "/".join(parts)
    try:
        inside = workspace_path(value, root)
    except ValueError as exc:
        assert "\n" not in str(exc) and (_leaves(value) or not value.strip())
        return
    assert root.resolve() in inside.parents and not _leaves(value)


def _leaves(value: str) -> bool:
    """Whether ``value`` leads out of the workspace (or is the workspace itself): walked by hand.

    ``link`` at the top is the symbolic link to a folder beside the workspace; nothing in the
    alphabet leads back in from there.
    """
    if value.startswith("/"):
        return True
    stack: list[str] = []
    for segment in value.split("/"):
        if segment in ("", "."):
            continue
        if segment == ".." and not stack or segment == "link" and not stack:
            return True
        if segment == "..":
            stack.pop()
        else:
            stack.append(segment)
    return not stack


@settings(max_examples=100)
@given(message=st.text())
def test_the_helper_prints_one_escaped_command(capsys, message: str) -> None:
    assert github_main(["error", message]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.startswith("::error title=mdwx::") and "\r" not in out
