"""``mdwx send --openids FILE`` reads FILE like every other file: through the capped reader,
confined to the post's site (a link leading out of it, a FIFO or a device is refused unread),
and a bad line is named by file and line only: nothing of its content is ever printed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from mdwx.errors import ConfigError
from mdwx.publish.mass import _OPENID, parse_openids
from tests.cli_helpers import mdwx, write_post

SECRET = "MDWX_TEST_SECRET_0123456789abcdef"


def _site(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "site"
    root.mkdir()
    (root / "mdwx.toml").write_text('backend = "draft"\n', encoding="utf-8")
    return root, write_post(root / "posts" / "hello.md", title="群发")


def _refusal(text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_openids(text, path="readers.txt")
    return str(caught.value)


BAD_LINES = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="#\n\r"),
    min_size=1,
    max_size=80,
).filter(
    lambda s: (
        bool(s.strip())
        and not _OPENID.fullmatch(s.split("#", 1)[0].strip())
        and len(s.splitlines()) == 1
    )
)


@given(line=BAD_LINES)
def test_a_bad_line_is_named_never_echoed(line: str) -> None:
    message = _refusal(f"oABCDEFGHIJ\n{line}\n")
    # The same words for every bad line: nothing of its content can reach the message.
    assert message == _refusal("oABCDEFGHIJ\nx\n")
    assert "readers.txt" in message and ":2" in message and "OpenID is" in message


def test_a_link_leading_out_of_the_site_is_refused_unread(tmp_path: Path) -> None:
    root, post = _site(tmp_path)
    outside = tmp_path / "token-cache.json"
    outside.write_text(f"{SECRET}\nline two\n", encoding="utf-8")
    (root / "readers.txt").symlink_to(outside)
    result = mdwx(
        "send", str(post), "--openids", str(root / "readers.txt"), "--yes", cwd=root, env={}
    )
    assert result.returncode == 2, result.stderr
    assert "outside the site" in result.stderr and SECRET not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_or_device_is_refused_without_blocking(tmp_path: Path) -> None:
    root, post = _site(tmp_path)
    os.mkfifo(root / "readers.txt")
    fifo = mdwx(
        "send", str(post), "--openids", str(root / "readers.txt"), "--yes", cwd=root, env={}
    )
    assert fifo.returncode == 2 and "FIFO" in fifo.stderr
    (root / "null.txt").symlink_to("/dev/null")
    device = mdwx("send", str(post), "--openids", str(root / "null.txt"), "--yes", cwd=root, env={})
    assert device.returncode == 2 and "Traceback" not in device.stderr


def test_a_secret_in_a_bad_line_is_not_printed(tmp_path: Path) -> None:
    root, post = _site(tmp_path)
    (root / "readers.txt").write_text(f"oABCDEFGHIJ\nAPPSECRET={SECRET}\n", encoding="utf-8")
    result = mdwx(
        "send", str(post), "--openids", str(root / "readers.txt"), "--yes", cwd=root, env={}
    )
    assert result.returncode == 2 and "readers.txt:2" in result.stderr
    assert SECRET not in result.stderr + result.stdout and "APPSECRET" not in result.stderr


IDS = st.lists(
    st.from_regex(r"o[A-Za-z_-][A-Za-z0-9_-]{9,26}", fullmatch=True), min_size=0, max_size=40
)


#: 10,001 distinct ids none of IDS can equal (IDS' ids have a letter after the o).
MANY = [f"o{n:010d}" for n in range(10_001)]


@hsettings(max_examples=25)
@given(ids=IDS, limit_over=st.booleans())
def test_ids_are_kept_once_in_order_and_refused_at_the_line_past_the_limit(
    ids: list[str], limit_over: bool
) -> None:
    """Duplicates are dropped (first kept); past 10,000 distinct ids the refusal names the line
    of the 10,001st, however much follows it."""
    unique = list(dict.fromkeys(ids))
    if limit_over:
        many = MANY
        text = "\n".join([*ids, *many, *ids, "not an id"])
        seen: set[str] = set()
        lines, line = [*ids, *many], 0
        while len(seen) <= 10_000:  # the line of the 10,001st distinct id
            seen.add(lines[line])
            line += 1
        message = _refusal(text)
        assert f"readers.txt:{line}:" in message and "more than 10,000 OpenIDs" in message
        return
    text = "\n".join(f"{v}  # reader" for v in ids)
    if len(unique) < 2:
        assert f"{len(unique)} OpenIDs" in _refusal(text)
    else:
        assert parse_openids(text, path="readers.txt") == tuple(unique)


def test_a_megabyte_of_ids_is_refused_at_line_10001_without_reading_on() -> None:
    text = "\n".join(f"o{n:026d}" for n in range(131_000))
    message = _refusal(text)
    assert message.startswith("readers.txt:10001: more than 10,000 OpenIDs"), message
