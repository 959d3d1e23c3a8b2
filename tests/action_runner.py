"""Run ``action.yml``'s steps as the GitHub runner runs a composite action's steps.

Each ``run:`` step becomes a script run by ``bash --noprofile --norc -eo pipefail`` (the
runner's ``shell: bash``), its ``env:`` with the ``${{ … }}`` expressions replaced by the
inputs (defaults from action.yml), ``github.*`` values, in the workspace. ``uses:`` steps
(setup-python, cache) belong to the hosted runner and are listed, not run. A ``run:`` script
must hold no expression: inputs reach it through env only (no script injection).
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


@dataclass
class ActionRun:
    returncode: int = 0
    stdout: str = ""
    stderr: str = ""
    skipped: list[str] = field(default_factory=list)


def _value(expression: str, inputs: dict[str, str], github: dict[str, str]) -> str:
    if expression.startswith("inputs."):
        return inputs[expression.removeprefix("inputs.")]
    if expression.startswith("github."):
        return github[expression.removeprefix("github.")]
    raise AssertionError(f"the runner script does not evaluate ${{{{ {expression} }}}}")


def run_action(
    inputs: dict[str, str], *, workspace: Path, env: dict[str, str], ref: str = "main"
) -> ActionRun:
    spec: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert spec["runs"]["using"] == "composite"
    unknown = set(inputs) - set(spec["inputs"])
    assert not unknown, f"not inputs of the action: {unknown}"
    values = {name: str(entry.get("default", "")) for name, entry in spec["inputs"].items()}
    values.update(inputs)
    github = {"action_path": str(ROOT), "ref_name": ref, "run_id": "1", "workspace": str(workspace)}
    base = {
        **env,
        "GITHUB_ACTION_PATH": str(ROOT),
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_ACTIONS": "true",
        "GITHUB_REF": f"refs/heads/{ref}",
        "GITHUB_REF_NAME": ref,
        "CI": "true",
    }
    result = ActionRun()
    for step in spec["runs"]["steps"]:
        if "uses" in step:
            result.skipped.append(step["uses"])
            continue
        assert step.get("shell") == "bash" and "if" not in step
        assert not EXPRESSION.search(step["run"]), (
            "a run: script must read inputs from env, not ${{ }}"
        )
        step_env = {
            k: EXPRESSION.sub(lambda m: _value(m.group(1), values, github), str(v))
            for k, v in step.get("env", {}).items()
        }
        with tempfile.NamedTemporaryFile(
            "w", suffix=".sh", delete=False, encoding="utf-8"
        ) as script:
            script.write(step["run"])
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", script.name],
            cwd=workspace,
            env={**base, **step_env},
            capture_output=True,
            text=True,
            timeout=300,
        )
        Path(script.name).unlink()
        result.stdout += done.stdout
        result.stderr += done.stderr
        if done.returncode != 0:
            result.returncode = done.returncode
            break
    return result
