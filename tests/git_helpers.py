"""A real git repository with commits and a bare remote, for the git and CI integration tests."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.hang import HANG_SECONDS

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Writer",
    "GIT_AUTHOR_EMAIL": "w@example.com",
    "GIT_COMMITTER_NAME": "Writer",
    "GIT_COMMITTER_EMAIL": "w@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_TERMINAL_PROMPT": "0",
}


def git_env(base: dict[str, str], home: Path) -> dict[str, str]:
    """``base`` with a fixed identity and no user or system git config (HOME is ``home``)."""
    env = {k: v for k, v in base.items() if not k.startswith("GIT_")}
    env.update(GIT_ENV, HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"))
    return env


def git(
    cwd: Path,
    *args: str,
    env: dict[str, str] | None = None,
    check: bool = True,
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        input=stdin,
        env=env or git_env(dict(os.environ), cwd),
        timeout=HANG_SECONDS,
    )
    if check:
        assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done


def commit_all(cwd: Path, message: str, env: dict[str, str]) -> str:
    git(cwd, "add", "-A", env=env)
    git(cwd, "commit", "-q", "-m", message, env=env)
    return git(cwd, "rev-parse", "HEAD", env=env).stdout.strip()


def repository(root: Path, env: dict[str, str]) -> tuple[Path, Path]:
    """A clone (``root/work``) of a bare repository (``root/remote.git``) on branch main."""
    bare, work = root / "remote.git", root / "work"
    git(root, "init", "-q", "--bare", "-b", "main", str(bare), env=env)
    git(root, "clone", "-q", str(bare), str(work), env=env)
    git(work, "checkout", "-q", "-B", "main", env=env)
    return bare, work
