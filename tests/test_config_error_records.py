"""A run stopped by a configuration error (exit 2) before sending writes nothing to the
record of a post it had nothing to send: ``mdwx status`` keeps showing what WeChat holds,
never "failed, will retry" for an article that was published (relay and sandbox over HTTP)."""

from __future__ import annotations

import json
from pathlib import Path

from tests import factories
from tests.cli_helpers import mdwx, sandbox_env
from tests.relay_helpers import relayed

POST = "---\ntitle: Post {n}\nauthor: me\n---\n\nBody {n}.\n"


def _site(tmp_path: Path, posts: int = 2) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    (site / "mdwx.toml").write_text('backend = "draft"\n', encoding="utf-8")
    for n in range(posts):
        (site / f"p{n}.md").write_text(POST.format(n=n), encoding="utf-8")
    return site


def _pending(site: Path, env: dict[str, str]) -> dict[str, object]:
    listed = mdwx("status", "--json", ".", cwd=site, env=env)
    rows = json.loads(listed.stdout)["posts"]
    return {Path(row["path"]).name: row["pending"] for row in rows if "pending" in row}


def test_a_relay_key_for_another_account_leaves_published_posts_alone(tmp_path: Path) -> None:
    site = _site(tmp_path)
    with relayed(tmp_path) as r:
        env = r.client_env(r.key(), tmp_path)
        assert mdwx("publish", ".", cwd=site, env=env).returncode == 0
        wrong = {**env, "WECHAT_APPID": "wx1111111111111111"}
        refused = mdwx("publish", ".", cwd=site, env=wrong)
        assert refused.returncode == 2 and "MDWX_RELAY_KEY" in refused.stderr
        assert _pending(site, env) == {}
        assert "will retry" not in mdwx("status", ".", cwd=site, env=env).stderr


def test_missing_credentials_record_only_the_posts_there_was_to_send(tmp_path: Path) -> None:
    site = _site(tmp_path)
    with factories.sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        assert mdwx("publish", ".", cwd=site, env=env).returncode == 0
        (site / "p1.md").write_text(POST.format(n="changed"), encoding="utf-8")
        (site / "new.md").write_text(POST.format(n="new"), encoding="utf-8")
        no_secret = {k: v for k, v in env.items() if k != "WECHAT_APPSECRET"}
        refused = mdwx("publish", ".", cwd=site, env=no_secret)
        assert refused.returncode == 2, refused.stderr
        # Only the post never sent is marked for a hook to retry; the published ones keep
        # their records, changed or not.
        assert list(_pending(site, env)) == ["new.md"]
