"""Running the real ``mdwx`` command against a standalone sandbox over loopback HTTP.

:func:`mdwx` runs the command line in this process (the same click entry point ``python -m
mdwx`` calls, with the given working folder and environment) so a test does not pay an
interpreter start-up and the imports for every run; :func:`mdwx_process` runs it in a new
process, for what only a process has: a terminal on stdin, a signal, a second process racing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import traceback
from pathlib import Path
from typing import Any

from mdwx.sandbox import SandboxServer
from tests.hang import HANG_SECONDS

POST = """---
title: {title}
{extra}---

{body}

![a picture](pic.png)
"""


def write_post(
    path: Path, *, title: str = "A post", body: str = "Some text.", extra: str = ""
) -> Path:
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
    env.update(
        MDWX_API_BASE=sb.base_url,
        WECHAT_APPID=sb.appid,
        WECHAT_APPSECRET=sb.secret,
        XDG_CACHE_HOME=str(home / "cache"),
        HOME=str(home),
    )
    return env


def mdwx(
    *args: str,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    stdin: Any = subprocess.DEVNULL,
) -> subprocess.CompletedProcess[str]:
    """Run ``mdwx *args`` as a user would, in ``cwd`` with exactly ``env`` (None: as they are).

    In this process unless ``stdin`` is given (a terminal): the exit code, stdout and stderr
    as a process would give them, and an exception escaping the command shows as the
    traceback Python would print, with exit code 1, so "no traceback" checks still bite.
    """
    if stdin is not subprocess.DEVNULL:
        return mdwx_process(*args, cwd=cwd, env=env, stdin=stdin)
    from click.testing import CliRunner

    from mdwx.cli.main import main

    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    try:
        if env is not None:
            os.environ.clear()
            os.environ.update(env)
        if cwd is not None:
            os.chdir(cwd)
        result = CliRunner().invoke(main, list(args), prog_name="python -m mdwx")
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(result.exception))
    return subprocess.CompletedProcess(["mdwx", *args], result.exit_code, result.stdout, stderr)


def mdwx_process(
    *args: str,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    stdin: Any = subprocess.DEVNULL,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m mdwx *args`` in a new process."""
    return subprocess.run(
        [sys.executable, "-m", "mdwx", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        stdin=stdin,
        timeout=HANG_SECONDS,
    )


def mdwx_json(*args: str, cwd: Path, env: dict[str, str]) -> tuple[int, dict[str, Any]]:
    result = mdwx(*args, "--json", cwd=cwd, env=env)
    assert result.stdout, result.stderr
    return result.returncode, json.loads(result.stdout)


def count(sb: SandboxServer, endpoint: str) -> int:
    """Successful calls of ``endpoint`` the sandbox answered (errcode 0 or none)."""
    return sum(1 for r in sb.requests if r.endpoint == endpoint and not r.errcode)
