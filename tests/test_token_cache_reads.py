"""The disk token cache reads its file once per process, and again only once it changed;
the HTTP client is built on the first request.

Every request asks the cache for the token (issue 19: a status of 1,000 posts read the file
1,000 times). What one process sees must still be what is on disk whatever other processes
do meanwhile: write a new token, remove the file, damage it.
"""

from __future__ import annotations

import os
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mdwx.wechat import CachedToken, DiskTokenCache, MemoryTokenCache
from tests.wechat_helpers import FakeWeChat, make_client, run

APPID, BASE = "wx0123456789abcdef", "http://127.0.0.1:1/"

#: What another process does to the file between two reads of ours.
_ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("put"), st.integers(0, 3)),
        st.tuples(st.just("remove"), st.just(0)),
        st.tuples(st.just("damage"), st.just(0)),
        st.tuples(st.just("read"), st.just(0)),
    ),
    max_size=12,
)


def _token(n: int) -> CachedToken:
    return CachedToken(f"token-{n}", 4_000_000_000.0 + n, 3_999_999_000.0 + n)


@given(actions=_ACTIONS)
def test_a_process_sees_what_is_on_disk_whatever_others_do(
    actions: list[tuple[str, int]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    directory = tmp_path_factory.mktemp("tokens")
    ours, other = DiskTokenCache(directory), DiskTokenCache(directory)
    for action, n in actions:
        if action == "put":
            other.put(APPID, BASE, _token(n))
        elif action == "remove":
            other.invalidate(APPID, BASE)
        elif action == "damage" and other.path(APPID, BASE).exists():
            other.path(APPID, BASE).write_text("{not json", encoding="utf-8")
        assert ours.get(APPID, BASE) == DiskTokenCache(directory).get(APPID, BASE)


def test_an_unchanged_file_is_read_once(tmp_path: Path) -> None:
    cache = DiskTokenCache(tmp_path)
    cache.put(APPID, BASE, _token(1))
    with mock.patch.object(Path, "read_text", autospec=True, side_effect=Path.read_text) as read:
        tokens = {cache.get(APPID, BASE) for _ in range(50)}
    assert tokens == {_token(1)}
    assert read.call_count == 1


def test_a_file_rewritten_in_place_with_the_same_size_is_read_again(tmp_path: Path) -> None:
    """Another writer that does not replace the file (an older mdwx, an editor): the change
    of its modification time is enough."""
    cache = DiskTokenCache(tmp_path)
    cache.put(APPID, BASE, _token(1))
    assert cache.get(APPID, BASE) == _token(1)
    path = cache.path(APPID, BASE)
    text = path.read_text(encoding="utf-8").replace("token-1", "token-2")
    info = os.stat(path)
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000))
    assert cache.get(APPID, BASE) == CachedToken(
        "token-2", _token(1).expires_at, _token(1).refresh_at
    )


def test_a_client_that_sends_nothing_builds_no_http_client() -> None:
    """A dry run and a status with nothing to ask connect and close without building the
    HTTP client (its TLS context is start-up, issue 19); the first call builds it once."""
    fake = FakeWeChat()
    idle = make_client(fake, token_cache=MemoryTokenCache())
    run(idle.aclose())
    assert idle._http_client is None and fake.calls("stable_token") == []
    used = make_client(fake, token_cache=MemoryTokenCache())
    run(used.query("A"))
    first = used._http_client
    run(used.query("B"))
    assert first is not None and used._http_client is first
    run(used.aclose())
    assert first.is_closed
