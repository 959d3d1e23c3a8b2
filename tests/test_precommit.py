"""The ``.pre-commit-hooks.yaml`` manifest: valid, and run for real by ``pre-commit`` in a test
repository (no network: the hooks are ``language: system`` calling the ``mdwx`` on PATH)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tests.cli_helpers import count, sandbox_env, write_post
from tests.git_helpers import commit_all, git, repository
from tests.precommit_helpers import pre_commit_env, readme_local_config, run_pre_commit
from tests.publish_helpers import sandbox

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / ".pre-commit-hooks.yaml"


_pre_commit = run_pre_commit
_env = pre_commit_env


def _hooks_repo(tmp_path: Path, env: dict[str, str]) -> tuple[Path, str]:
    repo = tmp_path / "hooks-repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main", env=env)
    shutil.copy(MANIFEST, repo / ".pre-commit-hooks.yaml")
    return repo, commit_all(repo, "manifest", env)


def test_manifest_validates(tmp_path: Path) -> None:
    result = _pre_commit(
        "validate-manifest", str(MANIFEST), cwd=tmp_path, env=_env(dict(os.environ), tmp_path)
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_pre_commit_runs_check_and_publishes_on_a_real_push(tmp_path: Path) -> None:
    with sandbox() as sb:
        env = _env(sandbox_env(sb, tmp_path), tmp_path)
        hooks, rev = _hooks_repo(tmp_path, env)
        _bare, work = repository(tmp_path, env)
        (work / "mdwx.toml").write_text("", encoding="utf-8")
        (work / ".gitignore").write_text(".mdwx/\n", encoding="utf-8")
        (work / ".pre-commit-config.yaml").write_text(
            f"repos:\n  - repo: {hooks}\n    rev: {rev}\n    hooks: [{{id: mdwx-check}}, {{id: mdwx-publish}}]\n",
            encoding="utf-8",
        )
        write_post(work / "good.md", title="Good")
        git(work, "add", "-A", env=env)
        checked = _pre_commit("run", "--all-files", cwd=work, env=env)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "mdwx check" in checked.stdout and "Passed" in checked.stdout

        (work / "bad.md").write_text(
            "---\ntitle: Bad\n---\n\n![x](missing.png)\n", encoding="utf-8"
        )
        git(work, "add", "-A", env=env)
        failed = _pre_commit("run", "--files", "bad.md", cwd=work, env=env)
        assert failed.returncode != 0 and "missing.png" in failed.stdout
        (work / "bad.md").unlink()
        commit_all(work, "a good post", env)

        installed = _pre_commit("install", "--hook-type", "pre-push", cwd=work, env=env)
        assert installed.returncode == 0, installed.stderr
        pushed = git(work, "push", "origin", "main", env=env, check=False)
        assert pushed.returncode == 0, pushed.stdout + pushed.stderr
        assert count(sb, "publish/uploadnews") == 1 and count(sb, "publish/submit") == 0  # a draft


_readme_local_config = readme_local_config


def test_the_readmes_local_pre_commit_config_checks_and_publishes(tmp_path: Path) -> None:
    """Copied from README.md as is, the ``repo: local`` hooks check a commit and publish a push."""
    with sandbox() as sb:
        env = _env(sandbox_env(sb, tmp_path), tmp_path)
        _bare, work = repository(tmp_path, env)
        (work / "mdwx.toml").write_text("", encoding="utf-8")
        (work / ".gitignore").write_text(".mdwx/\n", encoding="utf-8")
        (work / ".pre-commit-config.yaml").write_text(_readme_local_config(), encoding="utf-8")
        (work / "bad.md").write_text(
            "---\ntitle: Bad\n---\n\n![x](missing.png)\n", encoding="utf-8"
        )
        git(work, "add", "-A", env=env)
        failed = _pre_commit("run", "--files", "bad.md", cwd=work, env=env)
        assert failed.returncode != 0 and "missing.png" in failed.stdout
        (work / "bad.md").unlink()
        write_post(work / "good.md", title="Good")
        commit_all(work, "a good post", env)
        installed = _pre_commit("install", "--hook-type", "pre-push", cwd=work, env=env)
        assert installed.returncode == 0, installed.stderr
        pushed = git(work, "push", "origin", "main", env=env, check=False)
        assert pushed.returncode == 0, pushed.stdout + pushed.stderr
        assert count(sb, "publish/uploadnews") == 1
