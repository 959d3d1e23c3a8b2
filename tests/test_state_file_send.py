"""Every command that may send keeps the site's ``state_file`` export in step: a fresh CI
runner that has only the committed export (no state database) never sends one post version
a second time, whatever order publish, send and preview ran in on earlier runners."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.sandbox import SandboxServer
from tests.cli_helpers import mdwx, sandbox_env, write_post
from tests.factories import sandbox

TOML = 'backend = "draft"\nstate_file = ".mdwx/state.jsonl"\n'
EXPORT = Path(".mdwx") / "state.jsonl"

# What a runner may do with the post; each runs in its own fresh checkout.
COMMANDS: dict[str, tuple[str, ...]] = {
    "publish --draft": ("publish", "--draft"),
    "send --yes": ("send", "--yes"),
    "publish --send --yes": ("publish", "--send", "--yes"),
    "preview --phone": ("preview", "--phone", "reader1"),
}


def first_runner(tmp_path: Path) -> Path:
    root = tmp_path / "run0"
    root.mkdir(parents=True)
    (root / "mdwx.toml").write_text(TOML, encoding="utf-8")
    write_post(root / "posts" / "a.md", title="一次群发")
    return root


def fresh_runner(previous: Path, name: str) -> Path:
    """A new checkout with only what CI keeps: posts/, mdwx.toml and the committed export."""
    root = previous.parent / name
    shutil.copytree(previous / "posts", root / "posts")
    shutil.copy(previous / "mdwx.toml", root / "mdwx.toml")
    if (previous / EXPORT).is_file():
        (root / EXPORT).parent.mkdir(parents=True)
        shutil.copy(previous / EXPORT, root / EXPORT)
    return root


def run(sb: SandboxServer, root: Path, home: Path, *args: str) -> None:
    result = mdwx(*args[:1], "posts/a.md", *args[1:], cwd=root, env=sandbox_env(sb, home))
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 0, result.stdout + result.stderr


def exported(root: Path) -> list[dict[str, object]]:
    text = (root / EXPORT).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_send_writes_the_export_and_a_fresh_runner_sends_nothing_again(tmp_path: Path) -> None:
    with sandbox(account_type="service") as sb:
        root = first_runner(tmp_path)
        run(sb, root, tmp_path, *COMMANDS["publish --draft"])
        run(sb, root, tmp_path, *COMMANDS["send --yes"])
        records = exported(root)
        assert any(r.get("type") == "mass_send" for r in records), records
        fresh = fresh_runner(root, "run1")
        assert not (fresh / ".mdwx" / "state.db").exists()
        run(sb, fresh, tmp_path, *COMMANDS["send --yes"])
        assert len(sb.store.history()) == 1


@settings(max_examples=4)
@given(steps=st.lists(st.sampled_from(sorted(COMMANDS)), min_size=2, max_size=3))
def test_fresh_runners_in_any_order_send_one_post_version_once(
    tmp_path_factory: object, steps: list[str]
) -> None:
    base = tmp_path_factory.mktemp("runners")  # type: ignore[attr-defined]
    with sandbox(account_type="service") as sb:
        root = first_runner(base)
        for number, step in enumerate(steps):
            if number:
                root = fresh_runner(root, f"run{number}")
            run(sb, root, base, *COMMANDS[step])
        sends = sum(1 for step in steps if "--yes" in COMMANDS[step])
        assert len(sb.store.history()) == min(sends, 1)
