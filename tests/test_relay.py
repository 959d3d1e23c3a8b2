"""``mdwx relay`` end to end over loopback: a client with only a relay key publishes through
the relay to the sandbox; keys without the permission, unknown or expired are refused
before anything reaches WeChat; no secret or token ever reaches the client or the log."""

from __future__ import annotations

import asyncio
import json
import stat
from pathlib import Path

import httpx
import pytest

from mdwx.errors import ConfigError
from mdwx.relay import RelaySettings
from mdwx.wechat import RetryPolicy, WeChatClient
from mdwx.wechat.relay import REFUSAL_HEADER, RelayRefused
from tests.cli_helpers import count, mdwx, write_post
from tests.factories import image_bytes
from tests.relay_helpers import SECRET_ENV, Relayed, relayed


def _site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    (site / "mdwx.toml").write_text("", encoding="utf-8")
    write_post(site / "post.md", title="Through the relay")
    return site


def _no_secret_in(env: Relayed, key: str, *texts: str) -> None:
    secrets = [env.sb.secret, key, *env.tokens()]
    assert env.tokens()
    for text in texts:
        for secret in secrets:
            assert secret not in text


def test_a_client_with_only_a_relay_key_publishes_through_the_relay(tmp_path: Path) -> None:
    site = _site(tmp_path)
    with relayed(tmp_path) as env:
        key = env.key("draft,publish")
        result = mdwx(
            "publish", "post.md", "--json", "--wait", cwd=site, env=env.client_env(key, tmp_path)
        )
        asked = len(env.log)
        status = mdwx("status", "post.md", "--json", cwd=site, env=env.client_env(key, tmp_path))
        assert result.returncode == 0, result.stderr
        live = [e["endpoint"] for e in env.log[asked:] if e["outcome"] == "forwarded"]
        assert live == ["cgi-bin/publish/query"]  # status asks WeChat live through the relay
        post = json.loads(result.stdout)["posts"][0]
        assert post["status"] == "published" and post["error"] is None
        assert json.loads(status.stdout)["posts"][0]["status"] == "published"
        assert count(env.sb, "publish/submit") == 1
        _no_secret_in(
            env,
            key,
            result.stdout,
            result.stderr,
            status.stdout,
            status.stderr,
            json.dumps(env.log),
        )
        written = [
            p for p in [*site.rglob("*"), *tmp_path.joinpath("cache").rglob("*")] if p.is_file()
        ]
        for secret in [env.sb.secret, key, *env.tokens()]:
            for path in written:
                assert secret.encode() not in path.read_bytes(), path
    forwarded = [e for e in env.log if e["outcome"] == "forwarded"]
    assert {e["endpoint"] for e in forwarded} >= {
        "cgi-bin/publish/uploadnews",
        "cgi-bin/publish/submit",
    }
    assert all(e["key"].startswith("k-") and e["account"] == "news" for e in forwarded)


def test_the_client_never_fetches_a_token_and_sends_no_secret(tmp_path: Path) -> None:
    with relayed(tmp_path) as env:
        key = env.key("draft")
        seen: list[httpx.Request] = []

        async def run() -> str:
            async def hook(request: httpx.Request) -> None:
                seen.append(request)

            async with WeChatClient(api_base=env.url, relay_key=key, appid=env.sb.appid) as wx:
                wx._http.event_hooks["request"].append(hook)
                await wx.check_relay()
                return await wx.uploadimg(image_bytes("PNG"), "a.png")

        url = asyncio.run(run())
    assert url.startswith("http://127.0.0.1:")
    assert seen and all(
        "access_token" not in str(r.url) and "token" not in r.url.path for r in seen
    )
    assert all(r.headers["authorization"] == f"Bearer {key}" for r in seen)
    assert [r.endpoint for r in env.sb.requests if r.endpoint in ("token", "stable_token")] == [
        "stable_token"
    ]


def test_a_key_without_the_permission_is_refused_and_nothing_is_submitted(tmp_path: Path) -> None:
    site = _site(tmp_path)
    with relayed(tmp_path) as env:
        key = env.key("draft")
        result = mdwx("publish", "post.md", "--json", cwd=site, env=env.client_env(key, tmp_path))
        assert count(env.sb, "publish/uploadnews") == 1
        assert not [r for r in env.sb.requests if r.endpoint == "publish/submit"]
    assert result.returncode == 1
    error = json.loads(result.stdout)["posts"][0]["error"]
    assert "relay refused" in error["message"] and "publish/submit" in error["message"]
    assert [e["outcome"] for e in env.log if e["endpoint"] == "cgi-bin/publish/submit"] == [
        "forbidden"
    ]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("case", ["unknown", "expired", "revoked", "other_account"])
def test_a_wrong_or_expired_key_stops_the_run_before_anything_is_sent(
    tmp_path: Path, case: str
) -> None:
    site = _site(tmp_path)
    now = [1_000_000.0]
    with relayed(tmp_path, clock=lambda: now[0]) as env:
        key = env.key("all", name="k", expires_in=3600, now=now[0])
        client = env.client_env(key, tmp_path)
        if case == "unknown":
            client["MDWX_RELAY_KEY"] = key[:-4] + "AAAA"
        elif case == "expired":
            now[0] += 3601
        elif case == "revoked":
            env.keys.revoke("k")
        else:
            client["WECHAT_APPID"] = "wx0123456789abcdef"
        env.sb.clear_log()
        result = mdwx("publish", "post.md", cwd=site, env=client)
        assert env.sb.requests == []
    assert result.returncode == 2, result.stderr
    assert "relay" in result.stderr and "Traceback" not in result.stderr
    assert key not in result.stderr


def test_token_endpoints_are_never_forwarded(tmp_path: Path) -> None:
    with relayed(tmp_path) as env:
        key = env.key("all")
        env.sb.clear_log()
        for path in ("cgi-bin/token", "cgi-bin/stable_token"):
            answer = env.call(
                key,
                path,
                {"grant_type": "client_credential", "appid": env.sb.appid, "secret": "x"},
                grant_type="client_credential",
            )
            assert answer.status_code == 403 and answer.headers[REFUSAL_HEADER] == "token_endpoint"
            assert "access_token" not in answer.text
        assert env.sb.requests == []


OUTSIDE_THE_TABLE = [
    "cgi-bin/user/get",
    "cgi-bin/menu/create",
    "cgi-bin/draft/add.json",
    "cgi-bin/draft//add",
    "cgi-bin/draft/add/",
    "mmbiz/x.png",
    "_sandbox/configure",
    "CGI-BIN/draft/add",
    "cgi-bin/draft/add%00",
]


def test_endpoints_outside_the_table_are_refused(tmp_path: Path) -> None:
    with relayed(tmp_path) as env:
        key = env.key("all")
        env.sb.clear_log()
        with httpx.Client(base_url=env.url, headers={"Authorization": f"Bearer {key}"}) as client:
            for path in OUTSIDE_THE_TABLE:
                answer = client.post(f"/{path}", json={})
                assert answer.status_code == 403, path
                assert answer.headers[REFUSAL_HEADER] == "not_forwarded", path
        assert env.sb.requests == []


def test_a_client_token_in_the_query_is_not_passed_on(tmp_path: Path) -> None:
    with relayed(tmp_path) as env:
        key = env.key("read,draft")
        answer = env.call(key, "cgi-bin/draft/count", access_token="planted-token")
        assert answer.status_code == 200 and "errcode" not in answer.json()
        sent = [r for r in env.sb.requests if r.endpoint == "draft/count"]
        assert len(sent) == 1


def test_the_rate_limit_answers_429_without_forwarding(tmp_path: Path) -> None:
    now = [0.0]
    with relayed(tmp_path, burst=2, rate_per_minute=60.0) as env:
        env.relay.core.limiter._clock = lambda: now[0]  # type: ignore[union-attr]
        key = env.key("read")
        env.sb.clear_log()
        codes = [env.call(key, "cgi-bin/draft/count").status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        now[0] += 1.0
        assert env.call(key, "cgi-bin/draft/count").status_code == 200
        assert len([r for r in env.sb.requests if r.endpoint == "draft/count"]) == 3
    limited = [e for e in env.log if e["outcome"] == "rate_limited"]
    assert len(limited) == 1 and limited[0]["status"] == 429


def test_the_relay_renews_an_expired_token_for_the_client(tmp_path: Path) -> None:
    with relayed(tmp_path) as env:
        key = env.key("read")
        assert env.call(key, "cgi-bin/draft/count").status_code == 200
        env.sb.expire_tokens()
        answer = env.call(key, "cgi-bin/draft/count")
        assert answer.status_code == 200 and "errcode" not in answer.json()
    assert any(e.get("token_renewed") for e in env.log)


def test_a_token_refusal_reaches_a_relay_client_as_the_relays(tmp_path: Path) -> None:
    with relayed(tmp_path) as env:
        key = env.key("read")
        env.sb.configure(token_expire_every=1)  # every call expires every token first

        async def run() -> None:
            async with WeChatClient(
                api_base=env.url, relay_key=key, retry=RetryPolicy(attempts=1)
            ) as wx:
                await wx.draft_count()

        with pytest.raises(Exception) as caught:
            asyncio.run(run())
    assert "relay's token" in str(caught.value) or "relay" in (
        getattr(caught.value, "hint", "") or ""
    )


def test_a_refusal_is_a_typed_relay_error_for_library_callers(tmp_path: Path) -> None:
    with relayed(tmp_path) as env:
        key = env.key("read")

        async def run() -> None:
            async with WeChatClient(api_base=env.url, relay_key=key) as wx:
                await wx.submit("MEDIA")

        with pytest.raises(RelayRefused) as caught:
            asyncio.run(run())
    assert caught.value.reason == "forbidden" and key not in str(caught.value)


def test_a_relay_key_without_a_relay_url_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="MDWX_API_BASE"):
        WeChatClient(relay_key="mdwxr_x")


@pytest.mark.parametrize(
    "upstream",
    [
        "https://example.com",
        "http://api.weixin.qq.com.evil.test",
        "https://api.weixin.qq.com/../x",
        "ftp://127.0.0.1",
    ],
)
def test_only_wechats_host_or_loopback_is_an_upstream(upstream: str) -> None:
    with pytest.raises(ConfigError):
        RelaySettings(upstream=upstream)


def test_an_account_without_its_secret_stops_the_relay_before_it_listens(tmp_path: Path) -> None:
    from mdwx.accounts import Account
    from mdwx.relay import build_core

    settings = RelaySettings(
        accounts={"news": Account("news", "wx0123456789abcdef", secret_env=SECRET_ENV)}
    )
    with pytest.raises(ConfigError, match=SECRET_ENV):
        build_core(settings, environ={})


def test_keys_are_stored_hashed_in_a_private_file(tmp_path: Path) -> None:
    from mdwx.relay import KeyStore

    store = KeyStore(tmp_path / "keys.json")
    key = store.add("ci", "news", "draft,publish")
    data = (tmp_path / "keys.json").read_bytes()
    assert (
        key.encode() not in data and stat.S_IMODE((tmp_path / "keys.json").stat().st_mode) == 0o600
    )
    assert store.find(key) is not None and store.find(key + "x") is None
    (tmp_path / "keys.json").chmod(0o666)
    with pytest.raises(ConfigError, match="other users"):
        KeyStore(tmp_path / "keys.json").records()
