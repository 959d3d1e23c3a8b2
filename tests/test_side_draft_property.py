"""Side drafts over random sequences of edits, publishes, re-drafts, previews and sends, over
real HTTP against the sandbox: after every step no side draft was ever published or made the
post's article, the draft box holds no side draft the state does not know (and at most one
for the post), no send went out twice, and nothing ends in a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from mdwx.publish.sidedraft import side_drafts_in_box
from mdwx.publish.state.store import State
from mdwx.sandbox import SandboxServer
from tests.cli_helpers import mdwx, sandbox_env, write_post
from tests.factories import sandbox

STEPS = st.lists(
    st.sampled_from(["edit", "publish", "redraft", "preview", "send all", "send tag"]),
    min_size=2,
    max_size=6,
)
COMMANDS = {
    "publish": ["publish"],
    "redraft": ["publish", "--draft", "--force"],
    "preview": ["preview", "--phone", "reader1"],
    "send all": ["send", "--yes"],
    "send tag": ["send", "--tag", "2", "--yes"],
}


def _check(root: Path, sb: SandboxServer, seen: set[str]) -> None:
    with State.open(root / ".mdwx" / "state.db") as all_state:
        state = all_state.for_backend("draft")
        seen.update(s.media_id for s in state.side_drafts(sb.appid) if s.media_id)
        article = state.article(sb.appid, "posts/p.md")
        in_box = set(side_drafts_in_box(state, sb.appid, "posts/p.md"))
    assert not seen & {p.media_id for p in sb.store.publications()}  # never published
    assert article is None or article.media_id not in seen  # never the post's article
    box = {d.media_id for d in sb.store.drafts()}
    assert box & seen <= in_box and len(box & seen) <= 1, (box, seen, in_box)
    sends = sb.store.mass_sends()
    assert len(sends) == len({s.clientmsgid for s in sends})


@pytest.mark.slow
@hsettings(max_examples=5)
@given(steps=STEPS)
@example(steps=["publish", "preview", "send all", "preview", "send tag", "redraft", "preview"])
def test_side_drafts_stay_beside_the_post(
    tmp_path_factory: pytest.TempPathFactory, steps: list[str]
) -> None:
    folder = tmp_path_factory.mktemp("side")
    root = folder / "site"
    root.mkdir()
    (root / "mdwx.toml").write_text('backend = "draft"\n', encoding="utf-8")
    post = write_post(root / "posts" / "p.md", title="Side")
    seen: set[str] = set()
    with sandbox(account_type="service", followers=4) as sb:
        env = sandbox_env(sb, folder)
        for number, step in enumerate(steps):
            if step == "edit":
                post.write_text(post.read_text("utf-8") + f"\nEdit {number}.\n", "utf-8")
                continue
            done = mdwx(*COMMANDS[step], str(post), cwd=root, env=env)
            assert "Traceback" not in done.stderr, done.stderr
            assert done.returncode in (0, 1, 2), done.stderr
            _check(root, sb, seen)
        if steps[:2] == ["publish", "preview"]:
            assert seen  # the property is not vacuous: a published post got its side draft
