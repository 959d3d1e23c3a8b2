"""The relay refuses a query naming a parameter twice (the permission check and WeChat could
read different ``action``s), logs the socket peer and an X-Forwarded-For only when it is a
list of IP addresses, and keeps its log file 0600."""

from __future__ import annotations

import ipaddress
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from mdwx.errors import ConfigError
from mdwx.relay.logfile import forwarded_for, log_stream
from mdwx.wechat.relay import REFUSAL_HEADER
from tests.relay_helpers import Relayed, relayed

NAMES = st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12)


@pytest.fixture(scope="module", name="env")
def env_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Relayed]:
    with relayed(tmp_path_factory.mktemp("relay")) as env:
        yield env


def _requests(env: Relayed) -> int:
    return len(env.sb.requests)


def test_a_repeated_action_is_refused_before_the_permission_check(env: Relayed) -> None:
    key = env.key("draft")
    before = _requests(env)
    answer = httpx.post(
        f"{env.url}/cgi-bin/material/upload_video?action=init_upload&action=query_status",
        headers={"Authorization": f"Bearer {key}"},
        json={},
    )
    assert answer.status_code == 400 and answer.headers[REFUSAL_HEADER] == "repeated_parameter"
    assert _requests(env) == before


@hsettings(max_examples=12)  # each example is an HTTP round trip
@given(
    names=st.lists(NAMES, min_size=1, max_size=4),
    repeated=NAMES,
    values=st.tuples(st.text(max_size=8), st.text(max_size=8)),
)
def test_any_repeated_query_parameter_is_refused(
    env: Relayed, names: list[str], repeated: str, values: tuple[str, str]
) -> None:
    key = _props(env)
    query = [(name, "1") for name in names] + [(repeated, values[0]), (repeated, values[1])]
    before = _requests(env)
    answer = httpx.post(
        f"{env.url}/cgi-bin/draft/add",
        params=query,
        headers={"Authorization": f"Bearer {key}"},
        json={},
    )
    assert answer.status_code == 400 and answer.headers[REFUSAL_HEADER] == "repeated_parameter"
    assert _requests(env) == before and env.log[-1]["outcome"] == "repeated_parameter"


_KEYS: dict[str, str] = {}


def _props(env: Relayed) -> str:
    if "props" not in _KEYS:
        _KEYS["props"] = env.key("draft,publish,read", name="props-key")
    return _KEYS["props"]


@given(header=st.text(max_size=60))
def test_forwarded_for_is_an_ip_list_or_nothing(header: str) -> None:
    found = forwarded_for(header)
    assert found is None or all(str(ipaddress.ip_address(a)) == a for a in found)


def test_the_log_records_the_peer_and_never_a_forged_forwarded_for(env: Relayed) -> None:
    key = _props(env)
    for given_header, logged in (
        ("203.0.113.9, 10.0.0.1", ["203.0.113.9", "10.0.0.1"]),
        ("1.2.3.4\x1b[2J, admin", "invalid"),
    ):
        httpx.post(
            f"{env.url}/cgi-bin/draft/count",
            json={},
            headers={"Authorization": f"Bearer {key}", "X-Forwarded-For": given_header},
        )
        entry = env.log[-1]
        assert entry["client"] == "127.0.0.1" and entry["forwarded_for"] == logged


def test_an_existing_log_file_is_made_0600(tmp_path: Path) -> None:
    path = tmp_path / "relay.log"
    path.write_text("old\n", encoding="utf-8")
    path.chmod(0o644)
    with log_stream(path) as stream:
        stream.write("new\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text(encoding="utf-8") == "old\nnew\n"
    with log_stream(tmp_path / "logs" / "fresh.log"):
        pass
    assert stat.S_IMODE((tmp_path / "logs" / "fresh.log").stat().st_mode) == 0o600


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_log_file_that_is_no_regular_file_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "relay.log")
    with pytest.raises(ConfigError), log_stream(tmp_path / "relay.log"):
        pass


@given(entry=st.dictionaries(st.text(max_size=8), st.text(max_size=30), max_size=4))
def test_a_log_line_is_ascii_json_whatever_the_caller_wrote(entry: dict[str, str]) -> None:
    import io
    import json

    from mdwx.relay.server import json_log

    out = io.StringIO()
    json_log(out)(entry)
    line = out.getvalue()
    assert line.endswith("\n") and line[:-1].isascii() and line[:-1].isprintable()
    assert json.loads(line) == entry


LINK_TARGETS = st.sampled_from(["file", "missing", "fifo", "directory", "link-to-file"])


@hsettings(max_examples=15)
@given(target=LINK_TARGETS, mode=st.sampled_from([0o644, 0o600, 0o640]))
def test_a_log_file_named_by_a_link_is_refused_and_its_target_untouched(
    tmp_path_factory: pytest.TempPathFactory, target: str, mode: int
) -> None:
    """Whatever the link leads to, the relay refuses it: no chmod, no append, nothing created."""
    root = tmp_path_factory.mktemp("links")
    aim = root / "target"
    if target in ("file", "link-to-file"):
        aim.write_text("kept\n", encoding="utf-8")
        aim.chmod(mode)
    elif target == "fifo":
        os.mkfifo(aim)
    elif target == "directory":
        aim.mkdir()
    if target == "link-to-file":
        (root / "middle").symlink_to(aim)
        (root / "relay.log").symlink_to(root / "middle")
    else:
        (root / "relay.log").symlink_to(aim)
    with pytest.raises(ConfigError) as caught, log_stream(root / "relay.log"):
        pass
    assert "symbolic link" in str(caught.value) and "\n" not in str(caught.value)
    if target == "missing":
        assert not aim.exists()
    elif target in ("file", "link-to-file"):
        assert aim.read_text(encoding="utf-8") == "kept\n"
        assert stat.S_IMODE(aim.stat().st_mode) == mode
