"""Sandbox access tokens: issue, grace after overwrite, stable tokens, expiry, errors."""

from __future__ import annotations

import httpx
import pytest

from mdwx.sandbox import SandboxServer, SandboxSettings

from .sandbox_helpers import Api, api_fixture, sandbox_fixture  # noqa: F401


def _token(sb: SandboxServer, **overrides: str) -> dict:
    params = {"grant_type": "client_credential", "appid": sb.appid, "secret": sb.secret}
    params.update(overrides)
    return httpx.get(f"{sb.base_url}/cgi-bin/token", params=params).json()


def _stable(sb: SandboxServer, force: bool = False, **overrides: object) -> dict:
    body = {
        "grant_type": "client_credential",
        "appid": sb.appid,
        "secret": sb.secret,
        "force_refresh": force,
    }
    body.update(overrides)
    return httpx.post(f"{sb.base_url}/cgi-bin/stable_token", json=body).json()


def _query(api: Api, token: str) -> int:
    return api.post("publish/query", {"media_id": "nope"}, access_token=token)["errcode"]


def test_token_is_long_and_lasts_the_configured_ttl(sandbox: SandboxServer) -> None:
    sandbox.configure(token_ttl=1234)
    body = _token(sandbox)
    assert len(body["access_token"]) >= 64
    assert body["expires_in"] == 1234


@pytest.mark.parametrize(("field", "code"), [("appid", 40013), ("secret", 40125)])
def test_wrong_credentials_are_refused(sandbox: SandboxServer, field: str, code: int) -> None:
    body = _token(sandbox, **{field: "wrong"})
    assert body["errcode"] == code
    assert "access_token" not in body
    assert _stable(sandbox, **{field: "wrong"})["errcode"] == code


def test_new_token_overwrites_the_old_one_after_the_grace_period(api: Api) -> None:
    old = api.token
    api.sb.configure(token_grace=3600)
    new = api.fetch_token()
    assert new != old
    assert _query(api, old) == 40007  # still valid during grace: the call itself is answered
    api.sb.configure(token_grace=0)
    assert _query(api, old) == 40001
    assert _query(api, new) == 40007


def test_stable_token_is_reused_until_force_refresh(sandbox: SandboxServer, api: Api) -> None:
    first = _stable(sandbox)["access_token"]
    assert _stable(sandbox)["access_token"] == first
    sandbox.configure(token_grace=3600)
    second = _stable(sandbox, force=True)["access_token"]
    assert second != first
    assert _query(api, first) == 40007
    sandbox.configure(token_grace=0)
    assert _query(api, first) == 40001


def test_stable_token_does_not_invalidate_plain_tokens(sandbox: SandboxServer, api: Api) -> None:
    sandbox.configure(token_grace=0)
    _stable(sandbox, force=True)
    assert _query(api, api.token) == 40007


def test_expired_token_answers_42001_and_a_new_one_works(sandbox: SandboxServer, api: Api) -> None:
    stable = _stable(sandbox)["access_token"]
    sandbox.expire_tokens()
    assert _query(api, api.token) == 42001
    assert _query(api, stable) == 42001
    assert _stable(sandbox)["access_token"] != stable
    assert _query(api, api.fetch_token()) == 40007


def test_missing_and_unknown_tokens(api: Api) -> None:
    r = httpx.post(f"{api.sb.base_url}/cgi-bin/publish/query", json={"media_id": "x"})
    assert r.status_code == 200
    assert r.json()["errcode"] == 41001
    body = api.post("publish/query", {"media_id": "x"}, access_token="made-up")
    assert body["errcode"] == 40001
    assert "not latest" in body["errmsg"]


def test_short_ttl_expires_on_its_own() -> None:
    with SandboxServer(SandboxSettings(token_ttl=0)) as sb:
        token = _token(sb)["access_token"]
        r = httpx.post(
            f"{sb.base_url}/cgi-bin/publish/query",
            params={"access_token": token},
            json={"media_id": "x"},
        )
        assert r.json()["errcode"] == 42001


def test_token_and_secret_never_reach_the_log(sandbox: SandboxServer, api: Api) -> None:
    _stable(sandbox)
    api.post("publish/query", {"media_id": "x"})
    logged = repr(sandbox.requests) + httpx.get(f"{sandbox.base_url}/_sandbox/log").text
    assert api.token not in logged
    assert sandbox.secret not in logged
    assert sandbox.secret not in repr(sandbox.settings)
    assert {r.endpoint for r in sandbox.requests} >= {"token", "stable_token", "publish/query"}
