"""``mdwx doctor`` against a sandbox over HTTP: every check and its failures (40125, 40013,
40164, 48001 per capability set, a full library, clock skew, a damaged state)."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from mdwx.account.doctor import doctor
from mdwx.api import Credentials, Options
from mdwx.sandbox import SandboxServer
from mdwx.wechat import MemoryTokenCache
from tests import factories
from tests.cli_helpers import mdwx, mdwx_json, sandbox_env


@pytest.fixture(name="site")
def site_fixture(tmp_path: Path) -> Path:
    site = factories.draft_site(tmp_path)
    return site


def checks(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in document["checks"]}


def test_a_verified_account_passes(sb: SandboxServer, site: Path, tmp_path: Path) -> None:
    code, doc = mdwx_json("doctor", cwd=site, env=sandbox_env(sb, tmp_path))
    found = checks(doc)
    assert code == 0 and doc["ok"]
    for name in (
        "state",
        "credentials",
        "ip_whitelist",
        "capability:draft",
        "capability:freepublish",
        "capability:material",
        "capability:analytics",
        "backend",
        "materials",
        "clock",
    ):
        assert found[name]["status"] == "ok", found[name]


def test_an_unverified_account_learns_the_july_2025_policy_and_the_route_left(
    sb: SandboxServer, site: Path, tmp_path: Path
) -> None:
    sb.configure(account_kind="unverified")
    code, doc = mdwx_json("doctor", cwd=site, env=sandbox_env(sb, tmp_path))
    found = checks(doc)
    assert code == 1
    assert "July 2025" in found["capability:freepublish"]["message"]
    assert "mdwx preview" in found["capability:freepublish"]["fix"]
    for name in ("capability:analytics", "capability:mass"):
        assert found[name]["status"] == "fail" and "verified account" in found[name]["message"]
        assert "verify the account" in found[name]["fix"]
    assert found["capability:draft"]["status"] == "ok"
    assert found["backend"]["status"] == "warn" and "--draft" in found["backend"]["fix"]


@pytest.mark.parametrize("denied", [["draft/"], ["material/get_materialcount"]])
def test_a_capability_set_decides_each_probe(
    sb: SandboxServer, site: Path, tmp_path: Path, denied: list[str]
) -> None:
    sb.configure(denied_endpoints=denied)
    _, doc = mdwx_json("doctor", cwd=site, env=sandbox_env(sb, tmp_path))
    found = checks(doc)
    name = "capability:draft" if denied == ["draft/"] else "capability:material"
    assert found[name]["status"] == "fail" and found[name]["details"]["errcode"] == 48001
    if name == "capability:draft":
        assert found["backend"]["status"] == "fail"
    else:
        assert "materials" not in found  # the fill level needs the count


@pytest.mark.parametrize(
    "variable, value, errcode, words",
    [
        ("WECHAT_APPSECRET", "0" * 32, 40125, "AppSecret"),
        ("WECHAT_APPID", "wx0000000000000000", 40013, "AppID"),
    ],
)
def test_refused_credentials_are_explained(
    sb: SandboxServer,
    site: Path,
    tmp_path: Path,
    variable: str,
    value: str,
    errcode: int,
    words: str,
) -> None:
    env = {**sandbox_env(sb, tmp_path), variable: value}
    code, doc = mdwx_json("doctor", cwd=site, env=env)
    found = checks(doc)
    assert code == 1 and found["credentials"]["status"] == "fail"
    assert (
        found["credentials"]["details"]["errcode"] == errcode
        and words in found["credentials"]["message"]
    )
    assert "capability:draft" not in found  # nothing is probed without a token
    assert sb.secret not in str(doc)


def test_missing_credentials_fail_one_check(site: Path, tmp_path: Path, sb: SandboxServer) -> None:
    env = {k: v for k, v in sandbox_env(sb, tmp_path).items() if not k.startswith("WECHAT_")}
    code, doc = mdwx_json("doctor", cwd=site, env=env)
    assert code == 1 and checks(doc)["credentials"]["status"] == "fail"


def test_the_whitelist_check_names_the_ip_wechat_saw(
    sb: SandboxServer, site: Path, tmp_path: Path
) -> None:
    sb.configure(ip_whitelist=["198.51.100.1"], caller_ip="203.0.113.44")
    result = mdwx("doctor", cwd=site, env=sandbox_env(sb, tmp_path))
    assert result.returncode == 1
    assert (
        "203.0.113.44" in result.stderr
        and "40164" in result.stderr
        and "0.0.0.0/0" in result.stderr
    )
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("preloaded, status", [(79_000, "ok"), (85_000, "warn"), (96_000, "fail")])
def test_the_fill_level_of_the_library(
    sb: SandboxServer, site: Path, tmp_path: Path, preloaded: int, status: str
) -> None:
    sb.configure(material_preloaded=preloaded)
    _, doc = mdwx_json("doctor", cwd=site, env=sandbox_env(sb, tmp_path))
    assert checks(doc)["materials"]["status"] == status
    assert checks(doc)["materials"]["details"]["image"] == preloaded


@pytest.mark.parametrize("skew, status", [(5, "ok"), (120, "warn"), (-3600, "fail")])
def test_clock_skew_against_wechats_date_header(
    sb: SandboxServer, site: Path, skew: int, status: str
) -> None:
    options = Options(
        credentials=Credentials(sb.appid, sb.secret),
        api_base=sb.base_url,
        allow_api_base=(sb.base_url,),
        token_cache=MemoryTokenCache(),
        now=lambda: dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=skew),
    )
    report = asyncio.run(doctor(site, options))
    assert report.check("clock").status == status


def test_a_damaged_state_fails_first(sb: SandboxServer, site: Path, tmp_path: Path) -> None:
    state = site / ".mdwx" / "state.db"
    state.parent.mkdir()
    state.write_bytes(b"SQLite format 3\x00" + b"\x13" * 4000)
    result = mdwx("doctor", cwd=site, env=sandbox_env(sb, tmp_path))
    assert result.returncode == 1 and "✗" in result.stderr and "state recover" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_in_process_sandbox_and_an_unknown_account(
    site: Path, tmp_path: Path, sb: SandboxServer
) -> None:
    env = {
        k: v for k, v in sandbox_env(sb, tmp_path).items() if not k.startswith(("WECHAT_", "MDWX_"))
    }
    code, doc = mdwx_json("doctor", "--sandbox", cwd=site, env=env)
    assert code == 0 and checks(doc)["capability:draft"]["status"] == "ok"
    result = mdwx("doctor", "--account", "nope", cwd=site, env=env)
    assert result.returncode == 2 and "no account 'nope'" in result.stderr


def test_a_given_access_token_is_checked_too(sb: SandboxServer, site: Path, tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in sandbox_env(sb, tmp_path).items()
        if k not in ("WECHAT_APPID", "WECHAT_APPSECRET")
    }
    code, doc = mdwx_json("doctor", cwd=site, env={**env, "WECHAT_ACCESS_TOKEN": "not-a-token"})
    found = checks(doc)
    assert (
        code == 1
        and found["credentials"]["status"] == "fail"
        and found["credentials"]["details"]["errcode"] == 40001
    )
    assert "not-a-token" not in str(doc)
