"""Two processes (say, two git hooks at once) share one token through the disk cache."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from mdwx.sandbox import SandboxServer
from tests.contract_helpers import image_bytes, requests_of, sandbox
from tests.hang import HANG_SECONDS

__all__ = ["sandbox"]

CHILD = r"""
import asyncio, os, sys, time
from pathlib import Path
from mdwx.wechat import DiskTokenCache, WeChatClient

go = Path(sys.argv[1])
Path(f"{go}.ready.{os.getpid()}").touch()
while not go.exists():
    time.sleep(0.002)

async def main() -> None:
    async with WeChatClient(
        os.environ["WECHAT_APPID"], os.environ["WECHAT_APPSECRET"],
        api_base=os.environ["MDWX_API_BASE"], token_cache=DiskTokenCache(sys.argv[2]),
    ) as wx:
        url = await wx.uploadimg(Path(sys.argv[3]).read_bytes(), "pixel.png")
        print(wx.token_fetches, url.startswith("http"))

asyncio.run(main())
"""


def test_two_processes_fetch_exactly_one_token(sandbox: SandboxServer, tmp_path: Path) -> None:
    sandbox.configure(latency=0.2)  # the first fetch is slow, so the second process must wait
    picture = tmp_path / "pixel.png"
    picture.write_bytes(image_bytes())
    go = tmp_path / "go"
    env = {
        **os.environ,
        "WECHAT_APPID": sandbox.appid,
        "WECHAT_APPSECRET": sandbox.secret,
        "MDWX_API_BASE": sandbox.base_url,
    }
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(go), str(tmp_path / "cache"), str(picture)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    deadline = time.monotonic() + 20
    while len(list(tmp_path.glob("go.ready.*"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.005)
    go.touch()
    results = [child.communicate(timeout=HANG_SECONDS) for child in children]
    assert [child.returncode for child in children] == [0, 0], results
    fetches = sorted(out.split()[0] for out, _ in results)
    assert fetches == ["0", "1"] and all(out.split()[1] == "True" for out, _ in results)
    log = [r.endpoint for r in requests_of(sandbox, 3)]
    assert log.count("stable_token") == 1 and log.count("media/uploadimg") == 2
