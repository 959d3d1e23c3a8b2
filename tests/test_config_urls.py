"""URL settings and the credentials they receive, decided when the config is read.

Every URL setting (``api_base``, ``[accounts.NAME].api_base``, ``mirrors`` keys) is checked
by ``urllib.parse`` and httpx at load: a bad one is a one-line error at its file line, never
a traceback at publish. A repository file cannot send a CI secret elsewhere: ``secret_env``
and ``token_env`` must start with ``WECHAT_`` or ``MDWX_``, and an ``api_base`` a file sets to
a host other than WeChat's gets the credentials only when the environment allows it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx import api
from mdwx.errors import ConfigError
from mdwx.sandbox import SandboxServer, SandboxSettings
from mdwx.source.site import load_config
from mdwx.wechat import MemoryTokenCache
from mdwx.wechat.client import WeChatClient
from tests.cli_helpers import mdwx, write_post

hosts = st.sampled_from(
    [
        "api.weixin.qq.com",
        "127.0.0.1",
        "[::1]",
        "[::1",
        "::1]",
        "",
        "a b",
        "例子.测试",
        "xn--fsq",
        "h",
        "-",
        "%zz",
        "[fe80::1%25eth0]",
        "1.2.3.4.5",
        "a..b",
    ]
)
ports = st.one_of(
    st.just(""), st.integers(-5, 70000).map(lambda p: f":{p}"), st.sampled_from([":", ":x", ":8O"])
)
urls = st.one_of(
    st.builds(
        lambda scheme, user, host, port, path: f"{scheme}{user}{host}{port}{path}",
        st.sampled_from(["http://", "https://", "HTTP://", "ftp://", "http:/", "//", ""]),
        st.sampled_from(["", "u@", "u:p@", "@"]),
        hosts,
        ports,
        st.one_of(st.just(""), st.text(max_size=12).map(lambda t: "/" + t)),
    ),
    st.text(max_size=30),
)


def toml_string(value: str) -> str:
    """``value`` as a TOML basic string (JSON's escapes are TOML's; astral characters stay as they are)."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def _usable(base: str) -> None:
    """What publish does with a base: a client, and requests built on it."""
    client = WeChatClient("wx0123456789abcdef", "s", api_base=base, token_cache=MemoryTokenCache())
    try:
        client._http.build_request("GET", "cgi-bin/stable_token")
    finally:
        import asyncio

        asyncio.run(client.aclose())


@pytest.mark.parametrize("setting", ["api_base", "account", "mirrors"])
@settings(max_examples=60)
@given(url=urls)
def test_a_url_setting_is_usable_or_a_one_line_error_at_its_line(
    tmp_path_factory, setting: str, url: str
) -> None:
    if "\x00" in url or any(0xD800 <= ord(c) <= 0xDFFF for c in url):
        return  # not representable in a TOML file
    root = tmp_path_factory.mktemp("site")
    text = {
        "api_base": f'author = "a"\napi_base = {toml_string(url)}\n',
        "account": f'[accounts.blog]\nappid = "wx0123456789abcdef"\nsecret_env = "WECHAT_S"\n'
        f"api_base = {toml_string(url)}\n",
        "mirrors": f'author = "a"\n[mirrors]\n{toml_string(url)} = "static"\n',
    }[setting]
    (root / "mdwx.toml").write_text(text, "utf-8")
    # A mirrors key's own line, or its table's when the key is written with TOML escapes.
    lines = {"api_base": (2,), "account": (4,), "mirrors": (3, 2)}[setting]
    try:
        config = load_config(root)
    except ConfigError as exc:
        message = str(exc)
        assert "\n" not in message and exc.line in lines, message
        if "//u:p@" in url:  # a password in a URL's authority is not printed
            assert "u:p@" not in message, message
        return
    if setting == "api_base":
        base = config.api_base
    elif setting == "account":
        base = config.accounts["blog"].api_base or ""
    else:
        base = next(iter(config.mirrors))
    _usable(base)


def test_the_reported_bad_base_is_refused_at_load(tmp_path: Path) -> None:
    (tmp_path / "mdwx.toml").write_text('author = "a"\napi_base = "http://[::1"\n', "utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert str(info.value).startswith(
        f"{tmp_path / 'mdwx.toml'}:2: api_base 'http://[::1' is not a valid URL"
    )
    result = mdwx("check", ".", cwd=tmp_path)
    assert (
        result.returncode == 2
        and "Traceback" not in result.stderr
        and "mdwx.toml:2:" in result.stderr
    )


@given(
    name=st.one_of(
        st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,20}", fullmatch=True),
        st.sampled_from(
            [
                "AWS_SECRET_ACCESS_KEY",
                "GITHUB_TOKEN",
                "WECHAT_",
                "MDWX_X",
                "wechat_x",
                "XWECHAT_A",
                "WECHAT_APPSECRET_NEWS",
            ]
        ),
    )
)
@settings(max_examples=60)
@pytest.mark.parametrize("key", ["secret_env", "token_env"])
def test_only_mdwx_variables_can_be_named_for_credentials(
    tmp_path_factory, key: str, name: str
) -> None:
    root = tmp_path_factory.mktemp("site")
    (root / "mdwx.toml").write_text(
        f'[accounts.blog]\nappid = "wx0123456789abcdef"\n{key} = "{name}"\n', "utf-8"
    )
    try:
        config = load_config(root)
    except ConfigError as exc:
        assert not name.startswith(("WECHAT_", "MDWX_")), str(exc)
        assert "must start with WECHAT_ or MDWX_" in str(exc) and "mdwx.toml:3:" in str(exc)
        return
    assert name.startswith(("WECHAT_", "MDWX_")) and getattr(config.accounts["blog"], key) == name


@pytest.fixture
def sandbox():
    with SandboxServer(SandboxSettings(review_seconds=0.05, video_review_seconds=0.05)) as server:
        yield server


def _site(root: Path, base: str, *, account: bool) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    if account:
        (root / "mdwx.toml").write_text(
            f'author = "a"\n\n[accounts.blog]\nappid = "wx5a4d0b0c5a4d0b0c"\n'
            f'secret_env = "WECHAT_APPSECRET_BLOG"\napi_base = "{base}"\n',
            "utf-8",
        )
        return write_post(root / "posts" / "p.md", extra="accounts: blog\n")
    (root / "mdwx.toml").write_text(f'author = "a"\napi_base = "{base}"\n', "utf-8")
    return write_post(root / "posts" / "p.md")


@pytest.mark.parametrize("account", [False, True])
def test_a_file_api_base_gets_the_secret_only_when_the_environment_allows_it(
    tmp_path: Path, sandbox: SandboxServer, account: bool
) -> None:
    post = _site(tmp_path / "site", sandbox.base_url, account=account)
    credentials = api.Credentials(appid=sandbox.appid, secret=sandbox.secret)
    options = api.Options(
        credentials=credentials, accounts={"blog": credentials}, token_cache=MemoryTokenCache()
    )
    with pytest.raises(ConfigError) as refused:
        api.publish(post, options)
    assert sandbox.requests == []  # nothing was sent, not even for a token
    error = str(refused.value)
    assert "is not WeChat's own API host" in error and "MDWX_ALLOW_API_BASE" in error
    assert f"mdwx.toml:{6 if account else 2}:" in error and "\n" not in error
    allowed = api.publish(
        post,
        api.Options(
            credentials=credentials,
            accounts={"blog": credentials},
            token_cache=MemoryTokenCache(),
            allow_api_base=(sandbox.base_url,),
        ),
    )
    assert allowed.ok, [str(r.error) for r in allowed.posts]


def test_the_users_own_base_and_the_cli_opt_in_are_allowed(
    tmp_path: Path, sandbox: SandboxServer
) -> None:
    _site(tmp_path / "site", "https://relay.attacker.example", account=False)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "MDWX_"))}
    env.update(
        HOME=str(tmp_path),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        WECHAT_APPID=sandbox.appid,
        WECHAT_APPSECRET=sandbox.secret,
    )
    refused = mdwx("publish", "posts", cwd=tmp_path / "site", env=env)
    assert refused.returncode == 2 and "relay.attacker.example" in refused.stderr
    assert "Traceback" not in refused.stderr and sandbox.requests == []
    # MDWX_API_BASE is the user's own choice: the file's base is not used at all.
    mine = mdwx(
        "publish", "posts", cwd=tmp_path / "site", env={**env, "MDWX_API_BASE": sandbox.base_url}
    )
    assert mine.returncode == 0, mine.stderr


def test_the_in_process_sandbox_needs_no_opt_in(tmp_path: Path) -> None:
    post = _site(tmp_path / "site", "https://relay.attacker.example", account=False)
    assert api.publish(post, api.Options(sandbox=True, sandbox_port=0)).ok


def test_wechats_own_host_needs_no_opt_in(tmp_path: Path) -> None:
    post = _site(tmp_path / "site", "https://api.weixin.qq.com/", account=False)
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.host)
        return httpx.Response(200, json={"errcode": 40125, "errmsg": "invalid appsecret"})

    report = api.publish(
        post,
        api.Options(
            credentials=api.Credentials(appid="wx0123456789abcdef", secret="s"),
            transport=httpx.MockTransport(handler),
            token_cache=MemoryTokenCache(),
        ),
    )
    assert not report.ok and seen and set(seen) == {"api.weixin.qq.com"}
