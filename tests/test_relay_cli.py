"""``mdwx relay`` on the command line: keys made, listed and revoked (the key printed once,
never stored or listed), the relay's config refused with a line naming the file, and a
relay served by ``mdwx relay --sandbox`` that a client publishes through."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from mdwx.errors import ConfigError
from mdwx.sandbox import SandboxSettings
from mdwx.sandbox.settings import random_appid
from mdwx.wechat import WeChatClient
from tests.cli_helpers import mdwx, write_post
from tests.hang import HANG_SECONDS

CONFIG = """upstream = "https://api.weixin.qq.com"
rate_per_minute = 120
[accounts.news]
appid = "wx0123456789abcdef"
secret_env = "WECHAT_APPSECRET_NEWS"
"""


def test_a_key_is_printed_once_stored_hashed_listed_without_it_and_revoked(tmp_path: Path) -> None:
    config = tmp_path / "relay.toml"
    config.write_text(CONFIG, encoding="utf-8")
    made = mdwx(
        "relay",
        "key",
        "add",
        "ci",
        "--account",
        "news",
        "--allow",
        "draft,publish",
        "--config",
        str(config),
    )
    assert made.returncode == 0, made.stderr
    key = made.stdout.strip()
    assert key.startswith("mdwxr_") and key not in made.stderr
    keys_file = tmp_path / "relay-keys.json"
    assert key.encode() not in keys_file.read_bytes() and keys_file.stat().st_mode & 0o077 == 0
    listed = mdwx("relay", "key", "list", "--json", "--config", str(config))
    [record] = json.loads(listed.stdout)["keys"]
    assert (
        record["name"] == "ci"
        and record["allow"] == ["draft", "publish"]
        and "digest" not in record
    )
    assert key not in listed.stdout
    again = mdwx(
        "relay", "key", "add", "ci", "--account", "news", "--allow", "read", "--config", str(config)
    )
    assert again.returncode == 2 and "exists" in again.stderr
    revoked = mdwx("relay", "key", "revoke", "ci", "--config", str(config))
    assert (
        revoked.returncode == 0
        and json.loads(mdwx("relay", "key", "list", "--json", "--config", str(config)).stdout)[
            "keys"
        ]
        == []
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--account", "nope", "--allow", "draft"], "no account 'nope'"),
        (["--account", "news", "--allow", "draft,teleport"], "unknown permission"),
        (["--account", "news", "--allow", "draft", "--expires", "-1"], "positive"),
    ],
)
def test_a_bad_key_request_is_a_usage_error(tmp_path: Path, args: list[str], message: str) -> None:
    config = tmp_path / "relay.toml"
    config.write_text(CONFIG, encoding="utf-8")
    result = mdwx("relay", "key", "add", "ci", *args, "--config", str(config))
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('upstream = "https://proxy.example.com"\n', "not WeChat's API host"),
        ('secret = "x"\n', "secrets never live"),
        ('colour = "blue"\n', "unknown relay setting"),
        ('[accounts.news]\nappid = "wx0123456789abcdef"\nsecret = "s"\n', "secrets never live"),
        ("rate_per_minute = 0\n", "positive"),
        (
            '[accounts.news]\nappid = "wx0123456789abcdef"\nsecret_env = "WECHAT_APPSECRET_NEWS"\n',
            "no credentials",
        ),
    ],
)
def test_a_bad_relay_config_stops_before_listening(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "relay.toml"
    config.write_text(text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("WECHAT_")}
    result = mdwx("relay", "--listen", "127.0.0.1:0", "--config", str(config), env=env)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr


def test_a_missing_config_or_bad_address_is_a_usage_error(tmp_path: Path) -> None:
    missing = mdwx("relay", "--config", str(tmp_path / "none.toml"))
    assert missing.returncode == 2 and "no relay configuration" in missing.stderr
    bad = mdwx("relay", "--listen", "nowhere", "--sandbox")
    assert bad.returncode == 2 and "HOST:PORT" in bad.stderr


def test_a_relay_key_goes_only_over_https_or_to_this_machine() -> None:
    with pytest.raises(ConfigError, match="https"):
        WeChatClient(api_base="http://relay.example.com", relay_key="mdwxr_x")
    WeChatClient(api_base="https://relay.example.com", relay_key="mdwxr_x")
    WeChatClient(api_base="http://127.0.0.1:8790", relay_key="mdwxr_x")


def _started(relay: subprocess.Popen[str]) -> tuple[str, dict[str, str]]:
    """The relay's address (its --json document) and the exports it printed for clients."""
    assert relay.stdout is not None and relay.stderr is not None
    exports: dict[str, str] = {}
    while len(exports) < 3:
        line = relay.stderr.readline()
        assert line, "the relay stopped before printing its key"
        if line.strip().startswith("export "):
            name, _, value = line.strip().removeprefix("export ").partition("=")
            exports[name] = value
    text = ""
    while not text.rstrip().endswith("}"):
        line = relay.stdout.readline()
        assert line, "the relay stopped before listening"
        text += line
    return json.loads(text)["listen"], exports


def test_a_client_publishes_through_mdwx_relay_sandbox(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "mdwx.toml").write_text("", encoding="utf-8")
    write_post(site / "post.md")
    relay = subprocess.Popen(
        [sys.executable, "-m", "mdwx", "relay", "--sandbox", "--listen", "127.0.0.1:0", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    guard = threading.Timer(120, relay.kill)  # bounds a hang only
    guard.start()
    try:
        url, exports = _started(relay)
        assert set(exports) == {"MDWX_RELAY_KEY", "WECHAT_APPID", "MDWX_API_BASE"}
        assert exports["MDWX_API_BASE"] == url  # the real address, not a placeholder
        # Its own account: never the fixed AppID `mdwx sandbox` keeps across runs.
        assert exports["WECHAT_APPID"] != SandboxSettings().appid
        env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "MDWX_"))}
        env.update(XDG_CACHE_HOME=str(tmp_path / "cache"), HOME=str(tmp_path), **exports)
        result = mdwx("publish", "post.md", "--json", "--wait", cwd=site, env=env)
    finally:
        relay.send_signal(signal.SIGINT)
        relay.communicate(timeout=HANG_SECONDS)
        guard.cancel()
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["posts"][0]["status"] == "published"
    assert relay.returncode == 0


@pytest.mark.parametrize(
    ("config_text", "account", "expected"),
    [
        (CONFIG, "nwes", ["no account 'nwes'", "known: news", "did you mean 'news'"]),
        (CONFIG, "blog", ["no account 'blog'", "known: news"]),
        ('upstream = "https://api.weixin.qq.com"\n', "news", ["configures none"]),
        (None, "news", ["the file does not exist"]),
    ],
)
def test_a_key_for_an_account_the_relay_does_not_configure_is_refused(
    tmp_path: Path, config_text: str | None, account: str, expected: list[str]
) -> None:
    config = tmp_path / "relay.toml"
    if config_text is not None:
        config.write_text(config_text, encoding="utf-8")
    result = mdwx(
        "relay",
        "key",
        "add",
        "ci",
        "--account",
        account,
        "--allow",
        "draft",
        "--config",
        str(config),
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    [line, *_] = result.stderr.strip().splitlines()
    assert str(config) in line and all(text in line for text in expected), result.stderr
    assert not (tmp_path / "relay-keys.json").exists()


def test_each_in_process_sandbox_is_its_own_account() -> None:
    made = {random_appid() for _ in range(50)}
    assert len(made) == 50 and SandboxSettings().appid not in made
    assert all(re.fullmatch(r"wx[0-9a-f]{16}", appid) for appid in made)
