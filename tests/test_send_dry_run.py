"""``mdwx send --dry-run`` equals the real run: over random sequences of edits, sends to all
or to a tag, re-drafts and publishes (a published post is sent from its side draft, reused or
uploaded as the dry run says), the dry run's decision (would send / already sent / the refusal)
is the one the real run then takes, and it sends nothing."""

from __future__ import annotations

import json
import subprocess

import pytest
from hypothesis import example, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.cli_helpers import count, mdwx, sandbox_env, write_post
from tests.factories import sandbox

ACTIONS = st.lists(
    st.sampled_from(["edit", "send all", "send tag", "send tag name", "redraft", "publish"]),
    min_size=1,
    max_size=4,
)
TARGETS = {"send all": [], "send tag": ["--tag", "2"], "send tag name": ["--tag", "星标组"]}
READS = ("token", "stable_token", "tags/get")  # a dry run sends nothing
SAME = {"would send": "sent", "already sent": "already sent"}


def _outcome(result: subprocess.CompletedProcess[str]) -> tuple[str, str]:
    document = json.loads(result.stdout)
    if "error" in document:
        return "error", document["error"]["message"]
    return "ok", document["sends"][0]["status"]


def _side_step(result: subprocess.CompletedProcess[str]) -> str | None:
    """The side-draft step a dry run announced (reuse or upload), if any."""
    document = json.loads(result.stdout)
    actions = [] if "error" in document else document["sends"][0]["actions"]
    return next(
        (a.rsplit(" ", 1)[0] if a.startswith("reuse") else a for a in actions if "side draft" in a),
        None,
    )


@pytest.mark.slow
@hsettings(max_examples=6)
@given(actions=ACTIONS)
@example(actions=["publish", "send all", "send tag", "send tag", "edit", "send all"])
def test_the_dry_run_takes_the_real_runs_decision(
    tmp_path_factory: pytest.TempPathFactory, actions: list[str]
) -> None:
    folder = tmp_path_factory.mktemp("dry")
    root = folder / "site"
    root.mkdir()
    (root / "mdwx.toml").write_text('backend = "draft"\n', encoding="utf-8")
    post = write_post(root / "posts" / "p.md", title="Dry")
    with sandbox(account_type="service", followers=6) as sb:
        env = sandbox_env(sb, folder)
        for number, action in enumerate(actions):
            if action == "edit":
                post.write_text(post.read_text("utf-8") + f"\nEdit {number}.\n", "utf-8")
                continue
            if action == "redraft":
                mdwx("publish", str(post), "--draft", "--force", cwd=root, env=env)
                continue
            if action == "publish":  # its draft leaves the box: a send takes a side draft
                mdwx("publish", str(post), cwd=root, env=env)
                continue
            target = TARGETS[action]
            before = len(sb.requests)
            dry = mdwx("send", str(post), *target, "--dry-run", "--json", cwd=root, env=env)
            assert all(r.endpoint in READS for r in sb.requests[before:])
            added = count(sb, "draft/add")
            real = mdwx("send", str(post), *target, "--yes", "--json", cwd=root, env=env)
            kind, said = _outcome(dry)
            side = _side_step(dry)
            if side is not None and real.returncode == 0:  # the side draft step as announced
                assert count(sb, "draft/add") - added == (side == "uploadnews side draft")
            real_kind, done = _outcome(real)
            assert dry.returncode == real.returncode or (kind, real_kind) == ("ok", "ok")
            if kind == "error":
                assert real_kind == "error" and said == done
            else:
                assert real_kind == "ok" and SAME[said] == done, (said, done, real.stderr)
        assert len(sb.store.mass_sends()) == len({s.clientmsgid for s in sb.store.mass_sends()})


@pytest.mark.parametrize("backend, says, never", [("draft", "draft/add", "uploadnews")])
def test_the_dry_run_shows_the_backends_own_steps(
    tmp_path_factory: pytest.TempPathFactory, backend: str, says: str, never: str
) -> None:
    """The draft step is listed as ``publish --dry-run`` words it for the site's backend."""
    root = tmp_path_factory.mktemp("site")
    (root / "mdwx.toml").write_text(f'backend = "{backend}"\n', encoding="utf-8")
    post = write_post(root / "posts" / "a.md", title="计划")
    with sandbox() as sb:
        env = sandbox_env(sb, root.parent)
        dry = mdwx("send", str(post), "--dry-run", "--json", cwd=root, env=env)
        publish = mdwx("publish", str(post), "--draft", "--dry-run", "--json", cwd=root, env=env)
    actions = json.loads(dry.stdout)["sends"][0]["actions"]
    planned = json.loads(publish.stdout)["posts"][0]["actions"]
    assert any(says in a for a in actions) and not any(never in a for a in actions), actions
    assert actions[: len(planned)] == planned
