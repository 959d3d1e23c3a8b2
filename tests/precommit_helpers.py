"""Running the real ``pre-commit`` on a test repository: no network (the hooks are
``language: system`` calling the ``mdwx`` on PATH), the configuration README.md shows."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.git_helpers import git_env
from tests.hang import HANG_SECONDS

ROOT = Path(__file__).resolve().parents[1]


def run_pre_commit(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=HANG_SECONDS,
    )


def pre_commit_env(base: dict[str, str], home: Path) -> dict[str, str]:
    """``base`` for git (:func:`git_env`), the venv's ``mdwx`` first on PATH, pre-commit's cache in ``home``."""
    env = git_env(base, home)
    env["PATH"] = (
        f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"  # the venv's mdwx first
    )
    env["PRE_COMMIT_HOME"] = str(home / "pre-commit-cache")
    return env


def readme_local_config() -> str:
    """The ``repo: local`` configuration exactly as README.md shows it."""
    text = (ROOT / "README.md").read_text("utf-8")
    blocks = [b for b in text.split("```yaml\n")[1:] if "repo: local" in b.split("```", 1)[0]]
    assert len(blocks) == 1, "README.md shows one repo: local pre-commit configuration"
    return blocks[0].split("```", 1)[0]
