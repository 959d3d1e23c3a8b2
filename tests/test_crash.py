"""Killing a publishing process with SIGKILL at any point, then running it again.

The re-run must finish the site with no duplicate submission and nothing lost: every post
published once, the state consistent with what the sandbox holds.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from mdwx.sandbox import RequestRecord, SandboxServer
from tests.backend_helpers import APIS, Api
from tests.cli_helpers import mdwx
from tests.publish_helpers import copy_light_site, sandbox

pytestmark = pytest.mark.slow


def run_env(sb: SandboxServer, tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        MDWX_API_BASE=sb.base_url,
        WECHAT_APPID=sb.appid,
        WECHAT_APPSECRET=sb.secret,
        XDG_CACHE_HOME=str(tmp_path / "cache"),
    )
    env.pop("WECHAT_ACCESS_TOKEN", None)
    return env


def publish_args(site: Path, api: Api) -> list[str]:
    return ["publish", str(site), "--json", "--backend", api.name]


def publish_command(site: Path, api: Api) -> list[str]:
    return [sys.executable, "-m", "mdwx", *publish_args(site, api)]


def kill_when(
    sb: SandboxServer,
    process: subprocess.Popen[bytes],
    condition: Callable[[list[RequestRecord]], bool],
    timeout: float = 600,
) -> bool:
    """SIGKILL the process as soon as the sandbox log satisfies ``condition``.

    ``timeout`` only bounds a hang: a busy machine may take minutes to reach the point, and
    a run that ends first is reported by the caller."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        if condition(sb.requests):
            process.send_signal(signal.SIGKILL)
            process.wait()
            return True
        time.sleep(0.002)
    process.kill()
    raise AssertionError("the kill point was never reached")


def count(endpoint: str, n: int) -> Callable[[list[RequestRecord]], bool]:
    return lambda log: sum(1 for r in log if r.endpoint == endpoint) >= n


KILL_POINTS: dict[str, Callable[[Api], Callable[[list[RequestRecord]], bool]]] = {
    "during image uploads": lambda api: count("media/uploadimg", 3),
    "during video blocks": lambda api: (
        lambda log: any(r.endpoint.endswith("upload_block") for r in log)
    ),
    "after first article upload": lambda api: count(api.create, 1),
    "after first submit": lambda api: count(api.submit, 1),
    "after third submit": lambda api: count(api.submit, 3),
}


@pytest.mark.parametrize("backend", list(APIS))
@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_sigkill_then_rerun_completes_without_duplicates(
    tmp_path: Path, point: str, backend: str
) -> None:
    api = APIS[backend]
    site = copy_light_site(tmp_path)
    posts = len(list((site / "posts").glob("*.md")))
    with sandbox(latency=0.01) as sb:
        env = run_env(sb, tmp_path)
        process = subprocess.Popen(
            publish_command(site, api),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert kill_when(sb, process, KILL_POINTS[point](api)), (
            "the run ended before the kill point"
        )
        # The runs after the kill need no process of their own: same command, in this process.
        # A kill inside a write of the journal leaves an uncommitted tail, which SQLite drops
        # as it opens (docs/reliability.md): the re-run needs no recovery by hand.
        rerun = mdwx(*publish_args(site, api), env=env)
        assert "mdwx state recover" not in rerun.stderr, rerun.stderr
        assert rerun.returncode == 0, rerun.stdout + rerun.stderr
        submitted = api.submitted(sb)
        assert len(submitted) == posts
        assert api.submissions(sb) == posts
        titles = [a["title"] for a in submitted]
        assert len(set(titles)) == posts
        # A third run has nothing left to do.
        sb.clear_log()
        again = mdwx(*publish_args(site, api), env=env)
        assert again.returncode == 0
        assert api.sent(sb) == []
