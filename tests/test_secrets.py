"""The AppSecret and every access token issued never reach output, logs, the state
database or any file mdwx writes, on success and on every failure path (faults on)."""

from __future__ import annotations

import asyncio
import json
import logging
import os
from pathlib import Path

from mdwx.publish.publisher import Publisher
from mdwx.publish.run_options import RunOptions
from mdwx.publish.state.store import State
from mdwx.source.gate import collect_posts
from mdwx.wechat import RetryPolicy, WeChatClient
from mdwx.wechat.token import DiskTokenCache
from tests.publish_helpers import SAMPLE_SITE, copy_site, sandbox


def _files(folder: Path, skip: set[Path]) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink() and p not in skip]


def test_no_secret_or_token_in_output_logs_state_or_files(tmp_path: Path, caplog) -> None:
    site = copy_site(tmp_path)
    # The run must outlast token_ttl so tokens expire within it: keep the sample site's
    # own (2 s) video polling, which copy_site shortens for other tests.
    (site / "mdwx.toml").write_text((SAMPLE_SITE / "mdwx.toml").read_text("utf-8"), "utf-8")
    cache = DiskTokenCache(tmp_path / "cache")
    client_log: list[str] = []
    results = []
    caplog.set_level(logging.DEBUG)  # every logger: mdwx's, httpx's, httpcore's, the sandbox's
    with sandbox(token_ttl=2) as sb:  # tokens expire within the run: several are issued
        sb.configure(failure_rate=0.25, failure_kinds=("errcode", "http500", "drop"), seed=7)
        posts = collect_posts([site])
        for force in (False, True):  # a second run re-publishes: more requests, more tokens
            client = WeChatClient(
                sb.appid,
                sb.secret,
                api_base=sb.base_url,
                token_cache=cache,
                retry=RetryPolicy(attempts=8, base=0.01, cap=0.05),
                log=client_log.append,
            )

            async def run(state: State, client: WeChatClient = client, force: bool = force) -> list:
                async with client:
                    options = RunOptions(poll_interval=0.02, force=force)
                    return await Publisher(client, state, sb.appid, options).publish_all(posts)

            with State.open(posts[0].config.state_path) as state:
                results += asyncio.run(run(state))
            sb.expire_tokens()
        tokens = [row[0] for row in sb.store._db.execute("SELECT token FROM tokens")]
        secret = sb.secret
    assert len(tokens) >= 2
    texts = client_log + [record.getMessage() for record in caplog.records]
    texts += [json.dumps(r.to_json(), ensure_ascii=False) for r in results]
    texts += [str(r.error) for r in results if getattr(r, "error", None)]
    assert len(texts) > 20
    cache_files = set(cache.directory.glob("*.json"))
    written = _files(site, set()) + _files(tmp_path / "cache", cache_files)
    assert any(p.name.startswith("state.db") for p in written)
    for value in [secret, *tokens]:
        for text in texts:
            assert value not in text, text
        for path in written:
            assert value.encode() not in path.read_bytes(), path
    # The one place a token may be: the cache file, private to the user.
    assert cache_files and all(os.stat(p).st_mode & 0o777 == 0o600 for p in cache_files)
    assert os.stat(cache.directory).st_mode & 0o777 == 0o700
