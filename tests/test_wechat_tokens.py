"""Token fetching, caching, sharing and renewal."""

from __future__ import annotations

import json
import stat
import time
from pathlib import Path

import pytest

from mdwx.errors import ConfigError
from mdwx.wechat import CachedToken, DiskTokenCache, MemoryTokenCache, TokenError, WeChatClient
from tests.wechat_helpers import APPID, SECRET, FakeWeChat, make_client, run

BASE = "https://api.example.test"


def test_stable_token_is_fetched_once_and_reused() -> None:
    fake = FakeWeChat()

    async def go() -> None:
        async with make_client(fake) as wx:
            for _ in range(3):
                await wx.query("N")

    run(go())
    (fetch,) = fake.calls("stable_token")
    assert fetch.method == "POST"
    assert json.loads(fetch.content) == {
        "grant_type": "client_credential",
        "appid": APPID,
        "secret": SECRET,
        "force_refresh": False,
    }
    assert len(fake.calls("publish/query")) == 3


def test_token_mode_uses_get_cgi_bin_token() -> None:
    fake = FakeWeChat()
    run(make_client(fake, token_mode="token").query("N"))
    (fetch,) = fake.calls("token")
    assert fetch.method == "GET"
    assert dict(fetch.url.params) == {
        "grant_type": "client_credential",
        "appid": APPID,
        "secret": SECRET,
    }


def test_two_clients_sharing_a_cache_share_the_token() -> None:
    fake = FakeWeChat()
    cache = MemoryTokenCache()
    run(make_client(fake, token_cache=cache).query("A"))
    run(make_client(fake, token_cache=cache).query("B"))
    assert len(fake.calls("stable_token")) == 1


def test_concurrent_calls_on_one_client_fetch_one_token() -> None:
    import asyncio

    fake = FakeWeChat()

    async def go() -> None:
        async with make_client(fake) as wx:
            await asyncio.gather(*(wx.query(str(i)) for i in range(8)))

    run(go())
    assert len(fake.calls("stable_token")) == 1


def test_token_is_refreshed_before_it_expires() -> None:
    fake = FakeWeChat()
    cache = MemoryTokenCache()
    now = time.time()
    # 200 s left of its life: inside the 5-minute safety margin, so it must not be used.
    cache.put(APPID, BASE, CachedToken("OLD-TOKEN", expires_at=now + 200, refresh_at=now - 100))
    run(make_client(fake, token_cache=cache).query("N"))
    assert len(fake.calls("stable_token")) == 1
    assert fake.calls("publish/query")[0].url.params["access_token"] == fake.issued[0]


def test_fresh_token_margin_is_five_minutes_for_real_lifetimes() -> None:
    token = CachedToken.fresh("T", 7200, now=1000.0)
    assert token.expires_at == 8200.0 and token.refresh_at == 7900.0
    assert token.usable(now=7899.0) and not token.usable(now=7900.0)


@pytest.mark.parametrize("errcode", [40001, 40014, 42001])
def test_refused_token_is_refreshed_and_the_call_retried_once(errcode: int) -> None:
    fake = FakeWeChat()
    fake.on("publish/query", {"errcode": errcode, "errmsg": "token refused"})
    status = run(make_client(fake).query("N"))
    assert status.published
    queries = fake.calls("publish/query")
    assert len(queries) == 2
    assert queries[0].url.params["access_token"] == fake.issued[0]
    assert queries[1].url.params["access_token"] == fake.issued[1]


def test_second_refusal_raises_token_error_without_looping() -> None:
    fake = FakeWeChat()
    refusal = {"errcode": 40001, "errmsg": "invalid credential"}
    fake.on("publish/query", refusal, refusal, refusal)
    with pytest.raises(TokenError) as caught:
        run(make_client(fake).query("N"))
    assert caught.value.errcode == 40001
    assert len(fake.calls("publish/query")) == 2
    assert len(fake.calls("stable_token")) == 2


def test_stable_refresh_forces_only_when_the_same_token_comes_back() -> None:
    fake = FakeWeChat()
    fake.same_token_until_forced = True
    fake.on("publish/query", {"errcode": 40001, "errmsg": "not latest"})
    run(make_client(fake).query("N"))
    forced = [json.loads(r.content)["force_refresh"] for r in fake.calls("stable_token")]
    assert forced == [False, False, True]


def test_stable_refresh_does_not_force_when_a_new_token_comes_back() -> None:
    fake = FakeWeChat()
    fake.on("publish/query", {"errcode": 42001, "errmsg": "expired"})
    run(make_client(fake).query("N"))
    forced = [json.loads(r.content)["force_refresh"] for r in fake.calls("stable_token")]
    assert forced == [False, False]


def test_given_access_token_is_used_as_is_and_never_fetched() -> None:
    fake = FakeWeChat()
    fake.valid_tokens = {"GIVEN-TOKEN-abcdef"}
    client = make_client(fake, appid=None, secret=None, access_token="GIVEN-TOKEN-abcdef")
    run(client.query("N"))
    assert fake.calls("stable_token") == [] and fake.calls("token") == []
    assert fake.calls("publish/query")[0].url.params["access_token"] == "GIVEN-TOKEN-abcdef"


def test_rejected_given_access_token_says_so_and_is_not_renewed() -> None:
    fake = FakeWeChat()
    fake.on("publish/query", {"errcode": 42001, "errmsg": "access_token expired"})
    client = make_client(fake, access_token="GIVEN-TOKEN-abcdef")
    with pytest.raises(TokenError) as caught:
        run(client.query("N"))
    assert "WECHAT_ACCESS_TOKEN was rejected" in str(caught.value)
    assert "GIVEN-TOKEN-abcdef" not in str(caught.value)
    assert fake.calls("stable_token") == [] and len(fake.calls("publish/query")) == 1


def test_missing_credentials_are_a_config_error() -> None:
    with pytest.raises(ConfigError, match="WECHAT_APPID"):
        WeChatClient(APPID, None)


def test_credentials_and_api_base_are_read_from_the_environment_at_the_boundary(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from mdwx.api import Credentials
    from mdwx.cli.main import options_from_env
    from mdwx.config import SiteConfig
    from mdwx.publish.connection import connect

    monkeypatch.setenv("WECHAT_APPID", APPID)
    monkeypatch.setenv("WECHAT_APPSECRET", SECRET)
    monkeypatch.delenv("WECHAT_ACCESS_TOKEN", raising=False)
    monkeypatch.setenv("MDWX_API_BASE", "http://127.0.0.1:9/relay")
    options = options_from_env(token_cache=MemoryTokenCache())
    assert options.credentials == Credentials(APPID, SECRET) and SECRET not in repr(options)
    config = SiteConfig(root=tmp_path, token_endpoint="token", api_base=options.api_base or "")

    async def client_of(config: SiteConfig) -> WeChatClient:
        async with connect(config, options) as conn:
            assert conn.client is not None
            return conn.client

    client = run(client_of(config))
    assert client.api_base == "http://127.0.0.1:9/relay" and client.appid == APPID
    assert client._tokens._mode == "token"
    monkeypatch.delenv("WECHAT_APPSECRET")
    options = options_from_env()
    with pytest.raises(ConfigError) as caught:
        run(client_of(SiteConfig(root=tmp_path)))
    assert "WECHAT_APPSECRET" in str(caught.value)


def test_disk_cache_file_is_private_and_reused_by_a_new_client(tmp_path: Path) -> None:
    fake = FakeWeChat()
    directory = tmp_path / "cache"
    run(make_client(fake, token_cache=DiskTokenCache(directory)).query("A"))
    run(make_client(fake, token_cache=DiskTokenCache(directory)).query("B"))
    assert len(fake.calls("stable_token")) == 1
    (token_file,) = directory.glob("*.json")
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert json.loads(token_file.read_text())["access_token"] == fake.issued[0]


def test_disk_cache_keeps_one_entry_per_appid_and_api_base(tmp_path: Path) -> None:
    cache = DiskTokenCache(tmp_path)
    token = CachedToken.fresh("T1", 7200)
    cache.put("wxA", "https://a", token)
    cache.put("wxA", "https://b", CachedToken.fresh("T2", 7200))
    assert cache.get("wxA", "https://a") == token
    assert cache.get("wxA", "https://b").access_token == "T2"
    assert cache.get("wxB", "https://a") is None


def test_invalidate_spares_a_token_someone_else_already_renewed(tmp_path: Path) -> None:
    cache = DiskTokenCache(tmp_path)
    cache.put("wxA", BASE, CachedToken.fresh("NEW", 7200))
    cache.invalidate("wxA", BASE, rejected="OLD")
    assert cache.get("wxA", BASE) is not None
    cache.invalidate("wxA", BASE, rejected="NEW")
    assert cache.get("wxA", BASE) is None


def test_damaged_cache_file_is_ignored_and_rewritten(tmp_path: Path) -> None:
    fake = FakeWeChat()
    cache = DiskTokenCache(tmp_path)
    cache.path(APPID, BASE).write_text("{not json")
    run(make_client(fake, token_cache=cache).query("N"))
    assert cache.get(APPID, BASE).access_token == fake.issued[0]


def test_reprs_hide_tokens_and_secret(tmp_path: Path) -> None:
    token = CachedToken.fresh("SECRET-TOKEN-VALUE", 7200)
    client = make_client(FakeWeChat())
    assert "SECRET-TOKEN-VALUE" not in repr(token)
    assert SECRET not in repr(client)
