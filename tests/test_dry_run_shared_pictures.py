"""``--dry-run`` counts what the run then reports, post by post, when posts of one run share
pictures: the earliest post of the run needing a picture uploads it, every other one reuses it
(mdwx.publish.claims), whichever of the posts, published side by side, reaches it first."""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.sandbox import SandboxServer
from tests.cli_helpers import count, mdwx_json, sandbox_env, write_post
from tests.factories import png_bytes, sandbox

POOL = 4
_RUN = itertools.count()


@pytest.fixture(scope="module")
def shared() -> Iterator[SandboxServer]:
    with sandbox() as sb:
        yield sb


def site(uses: list[list[int]]) -> Path:
    """Posts p0.. each showing the pool's pictures ``uses[n]`` (fresh bytes for this site)."""
    run = next(_RUN)
    root = Path(tempfile.mkdtemp()) / "site"
    (root / "posts").mkdir(parents=True)
    (root / "mdwx.toml").write_text('backend = "draft"\n', encoding="utf-8")
    for k in range(POOL):
        colour = (run % 250, k * 60, 7)
        (root / "posts" / f"s{k}.png").write_bytes(png_bytes(colour=colour))
    for n, chosen in enumerate(uses):
        body = "\n\n".join(f"![shared {k}](s{k}.png)" for k in chosen) or "Only text."
        write_post(root / "posts" / f"p{n}.md", title=f"r{run} post {n}", body=body)
    return root


def counts(root: Path, env: dict[str, str], *args: str) -> dict[str, tuple[int, int]]:
    code, report = mdwx_json("publish", "--draft", *args, "posts/", cwd=root, env=env)
    assert code == 0, report
    return {
        Path(p["path"]).name: (p["uploads"]["images"], p["uploads"]["cached"])
        for p in report["posts"]
    }


def dry_and_real(sb: SandboxServer, uses: list[list[int]]) -> None:
    root = site(uses)
    env = sandbox_env(sb, root.parent)
    planned = counts(root, env, "--dry-run")
    before = sent(sb)
    done = counts(root, env)
    assert planned == done
    assert sum(images for images, _ in done.values()) == sent(sb) - before  # each sent once


def sent(sb: SandboxServer) -> int:
    return count(sb, "media/uploadimg") + count(sb, "material/add_material")


def test_two_posts_sharing_pictures_count_the_same_dry_and_real(shared: SandboxServer) -> None:
    dry_and_real(shared, [[0, 1], [0, 1]])


@settings(max_examples=5)
@given(
    uses=st.lists(
        st.lists(st.integers(0, POOL - 1), max_size=POOL, unique=True), min_size=2, max_size=5
    )
)
def test_dry_run_counts_equal_the_runs_whatever_posts_share(
    shared: SandboxServer, uses: list[list[int]]
) -> None:
    dry_and_real(shared, uses)
