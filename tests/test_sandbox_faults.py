"""Sandbox fault injection, admin endpoints, persistence and the `mdwx sandbox` runner."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from mdwx.sandbox import SandboxServer, SandboxSettings
from tests.factories import default_sigint
from tests.hang import HANG_SECONDS

from .sandbox_helpers import Api, api_fixture, image_bytes, sandbox_fixture  # noqa: F401


def _outcomes(api: Api, n: int = 24) -> list[int]:
    return [api.post("publish/query", {"media_id": "m"})["errcode"] for _ in range(n)]


def test_faults_are_deterministic_for_a_seed(api: Api) -> None:
    api.sb.configure(failure_rate=0.5, failure_kinds=("errcode",), seed=7)
    first = _outcomes(api)
    api.sb.configure(seed=7)
    assert _outcomes(api) == first
    assert set(first) == {-1, 40007}
    api.sb.configure(seed=8)
    assert _outcomes(api) != first


def test_errcode_fault_means_nothing_was_done(api: Api) -> None:
    thumb = api.cover()
    api.sb.configure(failure_rate=1.0, failure_kinds=("errcode",))
    body = api.post("publish/uploadnews", {"articles": [api.article(thumb)]})
    assert body == {"errcode": -1, "errmsg": "system error"}
    assert api.post("material/upload_video", {}, action="init_upload") == {
        "ret": -1,
        "errmsg": "system error",
    }
    assert api.sb.store.articles() == []
    assert api.sb.store.videos() == []
    assert api.sb.requests[-1].fault == "errcode"
    assert api.sb.requests[-1].errcode == -1


def test_http500_fault(api: Api) -> None:
    api.sb.configure(failure_rate=1.0, failure_kinds=("http500",))
    r = api.http.post("/cgi-bin/publish/query", params={"access_token": api.token}, json={})
    assert r.status_code == 500
    assert api.sb.requests[-1].status == 500


def test_drop_closes_the_connection_before_doing_anything(api: Api) -> None:
    thumb = api.cover()
    api.sb.configure(failure_rate=1.0, failure_kinds=("drop",))
    with pytest.raises(httpx.TransportError):
        api.post("publish/uploadnews", {"articles": [api.article(thumb)]})
    assert api.sb.store.articles() == []
    last = api.sb.requests[-1]
    assert (last.endpoint, last.status, last.fault) == ("publish/uploadnews", 0, "drop")


def test_drop_after_processes_then_drops(api: Api) -> None:
    thumb = api.cover()
    api.sb.configure(failure_rate=1.0, failure_kinds=("drop_after",))
    with pytest.raises(httpx.TransportError):
        api.post("publish/uploadnews", {"articles": [api.article(thumb)]})
    assert len(api.sb.store.articles()) == 1
    assert api.sb.requests[-1].fault == "drop_after"


def test_tokens_admin_images_and_pages_are_not_faulted(api: Api) -> None:
    url = api.body_image()
    api.sb.configure(failure_rate=1.0, failure_kinds=("http500",))
    assert api.fetch_token()
    assert httpx.get(url).status_code == 200
    assert httpx.get(f"{api.sb.base_url}/_sandbox/log").status_code == 200
    assert httpx.get(f"{api.sb.base_url}/").status_code == 200
    api.sb.configure(fault_tokens=True)
    r = api.http.get("/cgi-bin/token", params={"grant_type": "client_credential"})
    assert r.status_code == 500


def test_latency_is_added_to_api_requests(api: Api) -> None:
    api.sb.configure(latency=0.15)
    start = time.monotonic()
    api.post("publish/query", {"media_id": "m"})
    assert time.monotonic() - start >= 0.15


def test_admin_endpoints_over_http(api: Api) -> None:
    base = api.sb.base_url
    r = httpx.post(f"{base}/_sandbox/configure", json={"review_reject": True, "seed": 3})
    assert r.json()["settings"]["review_reject"] is True
    assert "secret" not in r.json()["settings"]
    assert api.sb.settings.review_reject is True
    assert httpx.post(f"{base}/_sandbox/configure", json={"nope": 1}).status_code == 400
    assert httpx.post(f"{base}/_sandbox/configure", json={"appid": "wx1"}).status_code == 400
    assert (
        httpx.post(f"{base}/_sandbox/configure", json={"failure_kinds": ["explode"]}).status_code
        == 400
    )
    httpx.post(f"{base}/_sandbox/expire_tokens")
    assert api.post("publish/query", {"media_id": "m"})["errcode"] == 42001
    log = httpx.get(f"{base}/_sandbox/log").json()["requests"]
    assert {"endpoint": "publish/query", "errcode": 42001}.items() <= log[-1].items()
    httpx.post(f"{base}/_sandbox/clear_log")
    assert [r.endpoint for r in api.sb.requests] == ["_sandbox/clear_log"]
    api.sb.clear_log()
    assert api.sb.requests == []
    state = httpx.get(f"{base}/_sandbox/state").json()
    assert state["tokens_issued"] == 1
    assert api.token not in str(state)


def test_state_survives_a_restart(tmp_path: Path) -> None:
    settings = SandboxSettings(state_path=tmp_path / "sandbox.db", review_seconds=0)
    with SandboxServer(settings) as first:
        api = Api(first)
        img = api.body_image()
        media_id = api.uploadnews(content=f'<img src="{img}">')["media_id"]
        api.post("publish/submit", {"media_id": media_id, "msgtype": "mpnews"})
        token = api.token
        api.http.close()
    with SandboxServer(settings) as second:
        (article,) = second.store.articles()
        assert (article.media_id, article.status) == (media_id, "发布成功")
        assert second.store.submission_count() == 1
        old_port_url = img.replace(first.base_url, second.base_url)
        assert httpx.get(old_port_url).content == image_bytes("PNG")
        r = httpx.post(
            f"{second.base_url}/cgi-bin/publish/query",
            params={"access_token": token},
            json={"media_id": media_id},
        )
        assert r.json()["url"] == f"{second.base_url}/s/{media_id}"


def test_run_sandbox_prints_credentials_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    code = (
        "from mdwx.sandbox import run_sandbox, SandboxSettings\n"
        "run_sandbox(SandboxSettings(), port=0, echo=lambda s: print(s, flush=True))\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, preexec_fn=default_sigint
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(6)]
        base = next(
            ln.split("=", 1)[1].strip()
            for ln in lines + [proc.stdout.readline()]
            if "MDWX_API_BASE=" in ln
        )
        appid = SandboxSettings().appid
        r = httpx.get(
            f"{base}/cgi-bin/token",
            params={
                "grant_type": "client_credential",
                "appid": appid,
                "secret": SandboxSettings().secret,
            },
        )
        assert "access_token" in r.json()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=HANG_SECONDS) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
