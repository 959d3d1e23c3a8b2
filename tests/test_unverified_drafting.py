"""An account without free publishing (48001 on ``freepublish/*``) still drafts: ``publish
--draft`` and the preview's side draft use the draft box, a refused published-list lookup is
said once, and every 48001 names the route ``mdwx doctor`` names (sandbox over HTTP)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mdwx.sandbox import SandboxServer
from mdwx.wechat.draft_codes import DRAFT_ROUTE, PASTE_ROUTE
from mdwx.wechat.errors import error_for
from tests import factories
from tests.cli_helpers import mdwx, mdwx_json, sandbox_env

POST = "---\ntitle: Hello {n}\nauthor: me\n---\n\nBody text {n}.\n"


@pytest.fixture(name="site")
def site_fixture(tmp_path: Path) -> Path:
    site = factories.draft_site(tmp_path)
    for n in range(2):
        (site / f"u{n}.md").write_text(POST.format(n=n), encoding="utf-8")
    return site


@pytest.mark.parametrize(
    "settings", [{"account_kind": "unverified"}, {"denied_endpoints": ["freepublish/"]}]
)
def test_publish_draft_works_without_free_publishing(
    sb: SandboxServer, site: Path, tmp_path: Path, settings: dict[str, object]
) -> None:
    sb.configure(**settings)
    result = mdwx("publish", ".", "--draft", cwd=site, env=sandbox_env(sb, tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr.count("freepublish/batchget answered 48001") == 1
    assert DRAFT_ROUTE in result.stderr
    assert sum(1 for r in sb.requests if r.endpoint == "draft/add" and not r.errcode) == 2
    assert not any(r.endpoint == "freepublish/submit" for r in sb.requests)


def test_the_warning_is_data_in_json(sb: SandboxServer, site: Path, tmp_path: Path) -> None:
    sb.configure(account_kind="unverified")
    code, doc = mdwx_json("publish", "u0.md", "--draft", cwd=site, env=sandbox_env(sb, tmp_path))
    assert code == 0, doc
    codes = [d["code"] for p in doc["posts"] for d in p.get("diagnostics", [])]
    assert codes.count("lookup-skipped") == 1


def test_doctor_and_the_error_name_one_route(sb: SandboxServer, site: Path, tmp_path: Path) -> None:
    sb.configure(account_kind="unverified")
    _, doc = mdwx_json("doctor", cwd=site, env=sandbox_env(sb, tmp_path))
    backend = {c["name"]: c for c in doc["checks"]}["backend"]
    assert backend["fix"] == DRAFT_ROUTE
    refused = error_for(48001, "api unauthorized", "freepublish/submit")
    assert refused.hint == DRAFT_ROUTE
    assert error_for(48001, "api unauthorized", "draft/add").hint == PASTE_ROUTE
