"""A failure of a whole bundle's step (its draft, its 群发) is said of the bundle: the message
names the bundle and every one of its posts, not only its first (the testers saw a bundle's
failed send reported as its 头条's own)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.errors import PublishError
from mdwx.publish.bundling import whole_bundle_error
from tests import factories
from tests.bundle_helpers import bundle_site, member
from tests.cli_helpers import mdwx, sandbox_env

#: A whole bundle's steps, by the endpoint that refuses them: its draft and its 群发.
STEPS = ("draft/add", "message/mass/sendall")


@settings(max_examples=3)  # each example is a sandbox and two mdwx runs
@given(size=st.integers(2, 4), step=st.sampled_from(STEPS))
def test_a_refused_bundle_send_names_the_bundle_and_all_its_posts(size: int, step: str) -> None:
    with tempfile.TemporaryDirectory() as folder, factories.sandbox() as sb:
        site = bundle_site(Path(folder) / "site")
        names = [f"p{n}" for n in range(size)]
        paths = [member(site, name, index=n + 1) for n, name in enumerate(names)]
        env = sandbox_env(sb, Path(folder))
        sb.configure(denied_endpoints=[step])
        run = mdwx("send", *(str(p.relative_to(site)) for p in paths), "--yes", cwd=site, env=env)
        assert run.returncode == 1, run.stderr
        named = ", ".join(f"posts/{name}.md" for name in names)
        assert f"bundle 'weekly' ({named}): WeChat error 48001" in run.stderr, run.stderr
        assert f"from {step}" in run.stderr and "Traceback" not in run.stderr


@given(
    names=st.lists(
        st.from_regex(r"[a-z]{1,6}", fullmatch=True), min_size=2, max_size=8, unique=True
    )
)
def test_only_an_error_without_a_place_is_made_the_bundles(names: list[str]) -> None:
    root = Path("/site")
    paths = [root / "posts" / f"{name}.md" for name in names]
    whole = whole_bundle_error(PublishError("refused"), "w", paths, root)
    assert whole.path == str(paths[0])
    assert whole.message == f"bundle 'w' ({', '.join(f'posts/{n}.md' for n in names)}): refused"
    placed = PublishError("bad picture", path=paths[-1], line=3)
    assert whole_bundle_error(placed, "w", paths, root).message == "bad picture"
