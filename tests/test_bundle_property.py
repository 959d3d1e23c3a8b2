"""Plan-level property of 多图文 bundles, over real HTTP against one shared sandbox: for any
sequence of edits, reorders, removals and moves between bundles, published from the folder
or from the one post touched (as a hook does), ``--dry-run`` plans exactly the run's steps,
and after every run the draft box holds each bundle as written (one draft, its articles in
order, each at its written version) and every other post alone: no article twice."""

from __future__ import annotations

import itertools
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.sandbox import SandboxServer
from tests.bundle_helpers import bundle_site, member
from tests.cli_helpers import mdwx_json, sandbox_env
from tests.factories import sandbox

SIZE = 3
BUNDLES = ("weekly", "other")
_RUN = itertools.count()

OPS = st.lists(
    st.one_of(
        st.tuples(st.just("edit"), st.integers(0, SIZE - 1)),
        st.tuples(st.just("reorder"), st.permutations(range(SIZE))),
        st.tuples(st.just("remove"), st.integers(0, SIZE - 1)),
        st.tuples(st.just("move"), st.integers(0, SIZE - 1), st.sampled_from(BUNDLES)),
    ),
    min_size=1,
    max_size=2,
)


@dataclass
class Written:
    """One post as the site holds it now."""

    name: str
    bundle: str | None
    index: int
    version: int = 0

    def write(self, root: Path) -> None:
        member(
            root,
            self.name,
            bundle=self.bundle,
            index=self.index if self.bundle else None,
            body=f"Version {self.version} of {self.name}.",
        )


@pytest.fixture(scope="module")
def shared() -> Iterator[SandboxServer]:
    with sandbox() as sb:
        yield sb


def expected(posts: list[Written]) -> Counter[tuple[str, ...]]:
    groups: dict[str, list[Written]] = {}
    alone = []
    for post in posts:
        (groups.setdefault(post.bundle, []) if post.bundle else alone).append(post)
    drafts = [
        tuple(p.name for p in sorted(g, key=lambda p: (p.index, p.name))) for g in groups.values()
    ]
    return Counter([*drafts, *((p.name,) for p in alone)])


def in_box(sb: SandboxServer, prefix: str) -> tuple[Counter[tuple[str, ...]], dict[str, str]]:
    """This site's drafts (their titles) and each article's content, by title."""
    drafts = [
        d for d in sb.store.drafts() if d.items and str(d.items[0]["title"]).startswith(prefix)
    ]
    contents = {str(item["title"]): str(item["content"]) for d in drafts for item in d.items}
    return Counter(tuple(str(item["title"]) for item in d.items) for d in drafts), contents


def run(root: Path, env: dict[str, str], target: str, *, dry: bool) -> None:
    """Publish ``target``; with ``dry`` a --dry-run first, whose steps must be the run's."""
    if dry:
        dry_code, planned = mdwx_json("publish", "--draft", "--dry-run", target, cwd=root, env=env)
    code, done = mdwx_json("publish", "--draft", target, cwd=root, env=env)
    assert code == 0, done
    if dry:
        assert dry_code == code
        assert [(p["path"], p["steps"]) for p in planned["posts"]] == [
            (p["path"], p["steps"]) for p in done["posts"]
        ]


@settings(max_examples=15)
@given(ops=OPS, whole=st.lists(st.booleans(), min_size=2, max_size=2))
def test_the_draft_box_always_holds_each_bundle_as_written(
    shared: SandboxServer, ops: list[tuple[object, ...]], whole: list[bool]
) -> None:
    folder = Path(tempfile.mkdtemp())
    prefix = f"r{next(_RUN)}-"
    try:
        root = bundle_site(folder / "site")
        env = sandbox_env(shared, folder)
        posts = [Written(f"{prefix}{i}", "weekly", i) for i in range(SIZE)]
        for post in posts:
            post.write(root)
        run(root, env, "posts/", dry=False)
        for step, (op, use_folder) in enumerate(zip(ops, whole, strict=False), start=1):
            touched = _apply(op, posts)
            for post in touched:
                post.write(root)
            target = "posts/" if use_folder or len(touched) != 1 else f"posts/{touched[0].name}.md"
            run(root, env, target, dry=step == len(ops))  # the last run's plan: checked against it
            drafts, contents = in_box(shared, prefix)
            assert drafts == expected(posts)  # each bundle one draft, in order; no article twice
            for post in posts:
                assert f"Version {post.version} of {post.name}." in contents[post.name]
    finally:
        shutil.rmtree(folder)


def _apply(op: tuple[object, ...], posts: list[Written]) -> list[Written]:
    """Change the written posts by ``op``; the posts whose files change."""
    kind = op[0]
    if kind == "reorder":
        order = op[1]
        assert isinstance(order, list)
        for post, index in zip(posts, order, strict=True):
            post.index = index
        return list(posts)
    post = posts[int(str(op[1]))]
    if kind == "edit":
        post.version += 1
    elif kind == "remove":
        post.bundle = None
    else:
        post.bundle = str(op[2])
    return [post]
