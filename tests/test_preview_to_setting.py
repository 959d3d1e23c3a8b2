"""``preview_to`` (the site's and an account's) is checked where mdwx.toml is read, by the
same rule a preview's recipient is parsed with: a bad one is refused by ``check`` with the
file and line, never first by ``preview --phone``; a missing recipient is worded for any door."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.api.reach import preview_recipient
from mdwx.errors import ConfigError
from mdwx.publish.mass import parse_recipient
from mdwx.source.site import load_config
from tests.cli_helpers import mdwx

ACCOUNT = '[accounts.news]\nappid = "wx1234567890abcdef"\nsecret_env = "WECHAT_X"\n'
VALUES = st.one_of(
    st.text(st.characters(exclude_categories=("Cc", "Cs")) | st.sampled_from("\t "), max_size=80),
    st.text(alphabet="abcdefgho0123456789_- \t", max_size=70).map(lambda t: "openid:" + t),
    st.sampled_from(["openid:", "has space", "openid:o6_bmjrPTlm6_2sgVt7hMZOPfL2M", "wxid_ok"]),
)


def _config(folder: Path, text: str) -> Path:
    (folder / "mdwx.toml").write_text(text, encoding="utf-8")
    return folder


def _parses(value: str) -> bool:
    try:
        parse_recipient(value)
    except ConfigError:
        return False
    return True


@settings(max_examples=60)
@given(value=VALUES, in_account=st.booleans())
def test_the_config_read_refuses_exactly_what_a_preview_would(value: str, in_account: bool) -> None:
    text = json.dumps(value, ensure_ascii=False)  # a TOML basic string, for these characters
    body = ACCOUNT + f"preview_to = {text}\n" if in_account else f"\npreview_to = {text}\n"
    with tempfile.TemporaryDirectory() as folder:
        site = _config(Path(folder), body)
        try:
            load_config(site)
        except ConfigError as exc:
            assert not _parses(value), exc  # "" is no recipient: refused only in an account
            assert exc.path is not None and Path(exc.path).name == "mdwx.toml"
            assert exc.line == (4 if in_account else 2)
        else:
            assert _parses(value) or (not value and not in_account)


@pytest.mark.parametrize("value", ["openid:", "has space"])
def test_check_refuses_a_bad_preview_to_with_file_and_line(tmp_path: Path, value: str) -> None:
    _config(tmp_path, f'backend = "draft"\npreview_to = "{value}"\n')
    (tmp_path / "three.md").write_text("---\ntitle: T\n---\n\nBody.\n", encoding="utf-8")
    result = mdwx("check", ".", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "mdwx.toml:2:" in result.stderr and repr(value) in result.stderr


def test_no_recipient_is_worded_for_every_door(tmp_path: Path) -> None:
    config = load_config(_config(tmp_path, ""))
    with pytest.raises(ConfigError) as caught:
        preview_recipient(config, None, wxname=None, openid=None)
    assert caught.value.message.startswith("no recipient: give a 微信号 or OpenID")
    assert "--phone" not in caught.value.message
