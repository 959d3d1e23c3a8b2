"""Running the real ``mdwx`` command against a standalone sandbox over loopback HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from mdwx.sandbox import SandboxServer

POST = """---
title: {title}
{extra}---

{body}

![a picture](pic.png)
"""


def write_post(path: Path, *, title: str = "A post", body: str = "Some text.", extra: str = "") -> Path:
    from tests.publish_helpers import png_bytes

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(POST.format(title=title, body=body, extra=extra), encoding="utf-8")
    picture = path.parent / "pic.png"
    if not picture.exists():
        picture.write_bytes(png_bytes())
    return path


def sandbox_env(sb: SandboxServer, home: Path) -> dict[str, str]:
    """An environment pointing mdwx at ``sb``, with the token cache inside ``home``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "MDWX_"))}
    env.update(MDWX_API_BASE=sb.base_url, WECHAT_APPID=sb.appid, WECHAT_APPSECRET=sb.secret,
               XDG_CACHE_HOME=str(home / "cache"), HOME=str(home))
    return env


def mdwx(*args: str, cwd: Path, env: dict[str, str], stdin: Any = subprocess.DEVNULL) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mdwx", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, stdin=stdin, timeout=120)


def mdwx_json(*args: str, cwd: Path, env: dict[str, str]) -> tuple[int, dict[str, Any]]:
    result = mdwx(*args, "--json", cwd=cwd, env=env)
    assert result.stdout, result.stderr
    return result.returncode, json.loads(result.stdout)


def count(sb: SandboxServer, endpoint: str) -> int:
    """Successful calls of ``endpoint`` the sandbox answered (errcode 0 or none)."""
    return sum(1 for r in sb.requests if r.endpoint == endpoint and not r.errcode)
