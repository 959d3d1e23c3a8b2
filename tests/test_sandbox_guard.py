"""``mdwx sandbox`` answers only its own loopback names, refuses cross-site writes and keeps
every setting typed, finite and in range (a 400 naming the setting, never a hang or a 500)."""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.sandbox import SandboxServer, SandboxSettings
from mdwx.sandbox.reader import CSP

#: One client for the module: each ``httpx.get``/``httpx.post`` built a client of its own,
#: reading the CA bundle into a new TLS context (most of this file's processor time) for a
#: sandbox that speaks plain HTTP. Nothing is kept alive: every request opens a new
#: connection, as before.
_http = httpx.Client(limits=httpx.Limits(max_keepalive_connections=0))


@pytest.fixture(scope="module")
def sb() -> Iterator[SandboxServer]:
    with SandboxServer(SandboxSettings(review_seconds=0.05)) as server:
        yield server


@pytest.mark.parametrize(
    "host, answered",
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("LOCALHOST", True),
        ("[::1]", True),
        ("evil.example", False),
        ("127.0.0.1.evil.example", False),
        ("localhost.evil", False),
        ("", False),
    ],
)
@pytest.mark.parametrize(
    "path", ["/_sandbox/settings", "/cgi-bin/token?grant_type=client_credential", "/"]
)
def test_only_loopback_names_are_answered(
    sb: SandboxServer, host: str, answered: bool, path: str
) -> None:
    port = sb.base_url.rpartition(":")[2]
    response = _http.get(sb.base_url + path, headers={"host": f"{host}:{port}" if host else ""})
    assert (response.status_code != 400 or "unknown host" not in response.text) is answered, (
        response.text
    )


def _configure(sb: SandboxServer, body: bytes, **headers: str) -> httpx.Response:
    return _http.post(
        f"{sb.base_url}/_sandbox/configure",
        content=body,
        headers={"content-type": "application/json", **headers},
    )


@pytest.mark.parametrize(
    "headers",
    [
        {"content-type": "text/plain"},  # a cross-site form or no-cors fetch
        {"content-type": "application/x-www-form-urlencoded"},
        {"origin": "https://evil.example"},
        {"origin": "null"},
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},
    ],
)
def test_cross_site_writes_change_nothing(sb: SandboxServer, headers: dict[str, str]) -> None:
    before = sb.settings
    response = _configure(sb, b'{"latency": 5}', **headers)
    assert response.status_code in (403, 415) and sb.settings == before
    for path in ("/_sandbox/expire_tokens", "/_sandbox/clear_log", "/_sandbox/ban_article"):
        assert _http.post(sb.base_url + path, content=b"{}", headers=headers).status_code in (
            403,
            415,
        )


def test_the_sandboxs_own_tools_still_write(sb: SandboxServer) -> None:
    origin = sb.base_url
    assert (
        _configure(
            sb, b'{"seed": 1}', origin=origin, **{"sec-fetch-site": "same-origin"}
        ).status_code
        == 200
    )
    assert (
        _http.post(f"{sb.base_url}/_sandbox/clear_log").status_code == 200
    )  # curl sends no body or Origin


#: Settings the sandbox turns into that many items (library images, followers).
MATERIALISED = {"material_preloaded": 100_000, "followers": 10_000}
NUMERIC = [f.name for f in dataclasses.fields(SandboxSettings) if f.type in ("int", "float")]
values = st.one_of(
    st.floats(allow_nan=False),
    st.integers(-(2**80), 2**80),
    st.booleans(),
    st.text(max_size=5),
    st.none(),
    st.lists(st.integers(), max_size=2),
    st.sampled_from(["NaN", "Infinity", "-Infinity"]),
)


@settings(max_examples=120)
@given(
    name=st.sampled_from(
        NUMERIC + ["review_reject", "draft_digest_unit", "failure_kinds", "publish_fail_idx"]
    ),
    value=values,
)
def test_a_setting_is_applied_in_range_or_refused_naming_it(
    sb: SandboxServer, name: str, value: object
) -> None:
    body = (
        f'{{"{name}": {value}}}'
        if value in ("NaN", "Infinity", "-Infinity")
        else json.dumps({name: value})
    )
    response = _configure(sb, body.encode())
    assert response.status_code in (200, 400), response.text
    if response.status_code == 400:
        assert name in response.json()["error"]
        return
    applied = getattr(sb.settings, name)
    if isinstance(applied, (int, float)):
        assert not isinstance(applied, bool) or name == "review_reject"
        assert math.isfinite(applied) and applied >= (-(2**63) if name == "seed" else 0)
        if name in ("latency", "latency_jitter"):
            assert applied <= 60
        if name in MATERIALISED:  # counts the sandbox builds items for stay small
            assert applied <= MATERIALISED[name]
    _configure(
        sb,
        json.dumps({name: getattr(SandboxSettings(review_seconds=0.05), name)}).encode()
        if not isinstance(applied, tuple)
        else json.dumps({name: list(getattr(SandboxSettings(), name))}).encode(),
    )


@pytest.mark.parametrize(
    "body, setting",
    [
        (b'{"latency": 1e9}', "latency"),
        (b'{"latency": NaN}', "latency"),
        (b'{"hang_seconds": Infinity}', "hang_seconds"),
        (b'{"review_reject": "yes"}', "review_reject"),
    ],
)
def test_the_reported_settings_are_400s_naming_them(
    sb: SandboxServer, body: bytes, setting: str
) -> None:
    response = _configure(sb, body)
    assert response.status_code == 400 and response.json()["error"].startswith(setting)
    assert (
        sb.settings.latency == 0
        and _http.get(f"{sb.base_url}/_sandbox/settings").status_code == 200
    )


def test_reader_pages_run_no_script(sb: SandboxServer) -> None:
    page = _http.get(sb.base_url + "/")
    assert page.headers["content-security-policy"] == CSP and "script-src" not in CSP
    assert "default-src 'none'" in CSP and "frame-ancestors 'none'" in CSP


def test_a_huge_preloaded_library_is_refused_and_the_cap_is_listed_lazily(
    sb: SandboxServer,
) -> None:
    response = _configure(sb, b'{"material_preloaded": 100000000}')
    assert response.status_code == 400
    assert response.json()["error"].startswith("material_preloaded must be between 0 and 100000")
    assert "\n" not in response.json()["error"]
    sb.configure(material_preloaded=100_000)
    try:
        token = _http.get(
            f"{sb.base_url}/cgi-bin/token",
            params={
                "grant_type": "client_credential",
                "appid": sb.settings.appid,
                "secret": sb.settings.secret,
            },
        ).json()["access_token"]
        page = _http.post(
            f"{sb.base_url}/cgi-bin/material/batchget_material",
            params={"access_token": token},
            json={"type": "image", "offset": 99_998, "count": 20},
        ).json()
        assert page["total_count"] == 100_000 and page["item_count"] == 2
        assert page["item"][-1]["media_id"] == "preloaded-099999"
    finally:
        sb.configure(material_preloaded=0)
