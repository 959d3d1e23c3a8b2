"""Each article of a 多图文 bundle is addressed at its own place: ``freepublish/get`` names one
``article_url`` per article (``idx`` from 1), and a post at place k of its bundle is given the
k-th, by ``publish --wait`` and by ``status`` alike (never the 头条's for all of them)."""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.sandbox import SandboxServer
from tests.bundle_helpers import bundle_site, member
from tests.cli_helpers import mdwx_json, sandbox_env
from tests.factories import sandbox

_RUN = itertools.count()


@pytest.fixture(scope="module")
def shared() -> Iterator[SandboxServer]:
    with sandbox(publish_seconds=0) as sb:
        yield sb


def publish_bundle(sb: SandboxServer, order: list[int]) -> tuple[Path, dict[str, str]]:
    """A bundle whose post ``w{n}`` stands at place ``order[n]`` (from 1), published and
    waited for; each post's reported URL by its name."""
    folder = Path(tempfile.mkdtemp())
    root = bundle_site(folder / "site")
    env = sandbox_env(sb, folder)
    bundle = f"weekly-{next(_RUN)}"
    for n, place in enumerate(order):
        member(root, f"w{n}", bundle=bundle, index=place, body=f"Article w{n} of {bundle}.")
    code, report = mdwx_json("publish", "posts/", "--wait", cwd=root, env=env)
    assert code == 0, report
    urls = {Path(p["path"]).stem: p["url"] for p in report["posts"]}
    return root, urls


def expected_idx(order: list[int]) -> dict[str, int]:
    ranked = sorted(range(len(order)), key=lambda n: order[n])
    return {f"w{n}": place for place, n in enumerate(ranked, start=1)}


def assert_addressed(sb: SandboxServer, urls: dict[str, str | None], order: list[int]) -> None:
    for name, idx in expected_idx(order).items():
        url = urls[name]
        assert url is not None and url.endswith(f"?idx={idx}"), (name, urls)
        page = httpx.get(url, timeout=10).text
        assert f"Article {name} of" in page, (name, url)


def test_each_article_of_a_bundle_gets_its_own_url_from_publish_and_status(
    shared: SandboxServer,
) -> None:
    order = [1, 2, 3]
    root, urls = publish_bundle(shared, order)
    assert_addressed(shared, urls, order)
    env = sandbox_env(shared, root.parent)
    code, status = mdwx_json("status", cwd=root, env=env)
    assert code == 0, status
    rows = status.get("posts", status.get("rows", []))
    assert_addressed(shared, {Path(r["path"]).stem: r["url"] for r in rows}, order)


@settings(max_examples=4)
@given(order=st.integers(2, 5).flatmap(lambda n: st.permutations(list(range(1, n + 1)))))
def test_any_bundle_gives_each_post_the_url_of_its_place(
    shared: SandboxServer, order: list[int]
) -> None:
    _, urls = publish_bundle(shared, list(order))
    assert_addressed(shared, urls, list(order))
