"""The relay's permission matrix (every endpoint × every permission), the scrubbing of
tokens from any answer (a property over answers), and a soak: 200 concurrent client calls
through the relay while the sandbox expires every token over and over."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.accounts import Account
from mdwx.relay import ENDPOINTS, OPERATIONS, RelaySettings, build_core, create_relay_app
from mdwx.relay.keys import KeyStore
from mdwx.relay.upstream import AccountUpstream
from mdwx.wechat import MemoryTokenCache, RetryPolicy, WeChatClient
from mdwx.wechat.relay import REFUSAL_HEADER
from tests.factories import image_bytes
from tests.relay_helpers import relayed

APPID = "wx0123456789abcdef"
WECHAT = Path(__file__).resolve().parents[1] / "mdwx" / "wechat"
TOKEN = "UPSTREAM-TOKEN-" + "x" * 40
SECRET = "relay-side-app-secret-0123456789"


class FakeWeChat:
    """An upstream answering every call with ``answer`` and recording what reached it."""

    def __init__(self) -> None:
        self.seen: list[httpx.Request] = []
        self.answer: bytes = b'{"errcode": 0, "errmsg": "ok"}'

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("stable_token"):
            return httpx.Response(200, json={"access_token": TOKEN, "expires_in": 7200})
        self.seen.append(request)
        return httpx.Response(
            200, content=self.answer, headers={"content-type": "application/json"}
        )


@pytest.fixture(scope="module")
def matrix(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Any, FakeWeChat, dict[str, str]]]:
    """The relay app (in process) in front of :class:`FakeWeChat`, and a key per permission."""
    folder = tmp_path_factory.mktemp("relay")
    relay_settings = RelaySettings(
        accounts={"news": Account("news", APPID, secret_env="WECHAT_APPSECRET_NEWS")},
        upstream="http://127.0.0.1:9",
        keys_file=folder / "keys.json",
        rate_per_minute=1e6,
        burst=10_000,
    )
    upstream = FakeWeChat()
    core, http = build_core(
        relay_settings,
        environ={"WECHAT_APPSECRET_NEWS": SECRET},
        token_cache=MemoryTokenCache(),
        log=lambda entry: None,
        transport=httpx.MockTransport(upstream),
    )
    store = KeyStore(relay_settings.keys_file)
    keys = {op: store.add(op, "news", op) for op in OPERATIONS}
    yield create_relay_app(core, http.aclose), upstream, keys


def _calls(app: Any, key: str, endpoints: list[str]) -> list[httpx.Response]:
    """POST each endpoint through the relay app with ``key``, in one event loop."""

    async def run() -> list[httpx.Response]:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app), base_url="http://relay"
        ) as client:
            answers = []
            for endpoint in endpoints:
                path, _, action = endpoint.partition(":")
                answers.append(
                    await client.post(
                        f"/{path}",
                        params={"action": action} if action else {},
                        json={},
                        headers={"Authorization": f"Bearer {key}"},
                    )
                )
            return answers

    return asyncio.run(run())


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_key_calls_exactly_the_endpoints_its_permission_covers(
    matrix: tuple[Any, FakeWeChat, dict[str, str]], operation: str
) -> None:
    app, upstream, keys = matrix
    endpoints = sorted(ENDPOINTS)
    upstream.seen.clear()
    answers = _calls(app, keys[operation], endpoints)
    allowed = [e for e in endpoints if operation in ENDPOINTS[e]]
    for endpoint, answer in zip(endpoints, answers, strict=True):
        if endpoint in allowed:
            assert answer.status_code == 200 and answer.json() == {"errcode": 0, "errmsg": "ok"}, (
                endpoint
            )
        else:
            assert answer.status_code == 403 and answer.headers[REFUSAL_HEADER] == "forbidden", (
                endpoint
            )
            assert operation in answer.json()["errmsg"]
    assert [r.url.path for r in upstream.seen] == ["/" + e.partition(":")[0] for e in allowed]
    assert all(r.url.params["access_token"] == TOKEN for r in upstream.seen)


def test_every_permission_is_needed_by_some_endpoint_and_mass_send_is_not_a_publish() -> None:
    assert set().union(*ENDPOINTS.values()) == set(OPERATIONS)
    assert all(
        "publish" not in ENDPOINTS[e] and "draft" not in ENDPOINTS[e]
        for e in ENDPOINTS
        if "/mass/" in e and not e.endswith("/get")
    )


_leaf = st.one_of(
    st.integers(),
    st.booleans(),
    st.none(),
    st.text(max_size=20).map(lambda s: s.replace(TOKEN, "")),
    st.just(TOKEN),
    st.text(max_size=8).map(lambda s: f"{s}{TOKEN}{s}"),
    st.just(SECRET),
)
_json = st.recursive(
    _leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(["access_token", "media_id", "errmsg", "item", "url"]),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=20,
)


SCRUBBER = AccountUpstream(
    Account("news", APPID, secret_env="X"),
    SECRET,
    None,
    httpx.AsyncClient(base_url="http://127.0.0.1:9/"),
    MemoryTokenCache(),
    "stable",
)
SCRUBBER._remember(TOKEN)


@given(
    body=st.dictionaries(
        st.sampled_from(["access_token", "media_id", "errmsg", "item"]), _json, max_size=5
    ),
    as_text=st.booleans(),
)
def test_no_answer_the_client_gets_holds_a_token_or_the_secret(
    body: dict[str, Any], as_text: bool
) -> None:
    upstream = SCRUBBER
    text = json.dumps(body) if not as_text else f"note {json.dumps(body)}"
    answer = upstream._scrubbed(httpx.Response(200, content=text.encode()))
    shown = answer.body.decode()
    assert TOKEN not in shown and SECRET not in shown
    if not as_text:
        assert '"access_token"' not in shown


def test_a_token_in_an_answer_is_scrubbed_end_to_end(
    matrix: tuple[Any, FakeWeChat, dict[str, str]],
) -> None:
    app, upstream, keys = matrix
    upstream.answer = json.dumps(
        {"access_token": TOKEN, "item": [{"url": f"x?access_token={TOKEN}"}], "errmsg": SECRET}
    ).encode()
    try:
        answer = _calls(app, keys["read"], ["cgi-bin/draft/count"])[0]
    finally:
        upstream.answer = b'{"errcode": 0, "errmsg": "ok"}'
    assert (
        TOKEN not in answer.text
        and SECRET not in answer.text
        and '"access_token"' not in answer.text
    )


def test_200_concurrent_calls_through_the_relay_while_tokens_keep_expiring(tmp_path: Path) -> None:
    faults = {
        "token_expire_every": 100,
        "failure_rate": 0.05,
        "failure_kinds": ["errcode"],
        "seed": 7,
    }
    with relayed(tmp_path, sandbox=faults) as env:
        key = env.key("read,draft")
        picture = image_bytes("PNG")

        async def one(wx: WeChatClient, number: int) -> str:
            if number % 10 == 0:
                return await wx.uploadimg(picture, f"p{number}.png")
            return str(await wx.draft_count())

        async def run() -> list[str | BaseException]:
            async with WeChatClient(
                api_base=env.url,
                relay_key=key,
                appid=env.sb.appid,
                retry=RetryPolicy(attempts=8, base=0.01, cap=0.05),
            ) as wx:
                return await asyncio.gather(
                    *(one(wx, n) for n in range(200)), return_exceptions=True
                )

        results = asyncio.run(run())
        injected = [r for r in env.sb.requests if r.fault]
        expired = [r for r in env.sb.requests if r.errcode == 42001]
    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == []
    assert injected and expired  # the faults did happen, and every call still succeeded
    forwarded = [e for e in env.log if e["outcome"] == "forwarded"]
    assert len(forwarded) >= 200 and any(e.get("token_renewed") for e in forwarded)


_CLIENT_CALLS = re.compile(
    r'(?:_call|_post)\("([a-z_/]+)"|"(cgi-bin/[a-z_/]+)"|_publish\(\s*"([a-z]+)"|'
    r'_video\("([a-z_]+)"|\.datacube\(\s*"([a-z_]+)"'
)


def test_every_endpoint_mdwxs_client_calls_is_forwarded_except_the_token_ones() -> None:
    """A new call added to the client without a line in the relay's table would fail only
    through a relay: this names it at once."""
    from mdwx.relay.operations import TOKEN_ENDPOINTS

    modules = [p for p in sorted(WECHAT.parent.rglob("*.py")) if p.parent.name != "relay"]
    source = "\n".join(p.read_text("utf-8") for p in modules)
    called = set()
    for call, path, publish, video, datacube in _CLIENT_CALLS.findall(source):
        if datacube:
            called.add(f"datacube/{datacube}")
        elif call:
            called.add(f"cgi-bin/{call}")
        elif path and not path.endswith("upload_video"):
            called.add(path)
        elif publish:
            called.add(f"cgi-bin/publish/{publish}")
        elif video:
            called.add(f"cgi-bin/material/upload_video:{video}")
    assert len(called) > 20
    assert sorted(called - set(ENDPOINTS) - TOKEN_ENDPOINTS) == []


@settings(max_examples=20)
@given(
    before=st.sampled_from(["", "cgi-bin/", "cgi-bin/draft/", "x/../"]),
    after=st.sampled_from(["", "/count", "?action=x"]),
)
def test_a_key_pasted_into_a_path_is_never_logged_or_echoed(
    tmp_path_factory: pytest.TempPathFactory, before: str, after: str
) -> None:
    folder = tmp_path_factory.mktemp("relay")
    logged: list[dict[str, Any]] = []
    relay_settings = RelaySettings(
        accounts={"news": Account("news", APPID, secret_env="WECHAT_APPSECRET_NEWS")},
        upstream="http://127.0.0.1:9",
        keys_file=folder / "keys.json",
    )
    core, http = build_core(
        relay_settings,
        environ={"WECHAT_APPSECRET_NEWS": SECRET},
        token_cache=MemoryTokenCache(),
        log=logged.append,
        transport=httpx.MockTransport(FakeWeChat()),
    )
    key = KeyStore(relay_settings.keys_file).add("ci", "news", "read")
    secret_part = key.removeprefix("mdwxr_")

    async def run() -> list[httpx.Response]:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(create_relay_app(core, http.aclose)),
            base_url="http://relay",
        ) as client:
            return [
                await client.post(f"/{before}{key}{after}", json={}),
                await client.post(
                    f"/{before}{key}{after}", headers={"Authorization": f"Bearer {key}"}
                ),
            ]

    answers = asyncio.run(run())
    assert logged and all(a.status_code >= 400 for a in answers)
    assert all(secret_part not in json.dumps(entry) for entry in logged), logged
    assert all(secret_part not in a.text for a in answers)
