"""A URL's user name and password (``http://user:PASSWORD@host/x.png``) never reach a message.

:func:`mdwx.urls.redact` is applied where every message is made (:class:`MdwxError`,
:class:`Diagnostic`, plan lines, fetch's URL display); the properties drive URLs with
userinfo through every failure of the remote-image fetch, and a post through the CLI.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from mdwx.assets.fetch import FetchPolicy, fetch_remote
from mdwx.diagnostics import Diagnostic
from mdwx.errors import AssetError, MdwxError
from mdwx.urls import redact
from tests.cli_helpers import mdwx

SECRETISH = st.text(
    st.sampled_from("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789!$&'()*+,;=%-._~:"), min_size=6, max_size=20
)
users = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789-._~%"), max_size=8)
hosts = st.sampled_from(
    ["example.com", "img.example.org", "127.0.0.1", "[::1]", "10.0.0.8", "xn--fsq.com"]
)
paths = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789/-._"), max_size=12)
FAILURES = ["404", "redirect-loop", "connect", "timeout", "private", "too-big", "bad-port"]


def _secret(password: str) -> str:
    return "PW" + password  # never a piece of the host or path (upper case, and marked)


@settings(max_examples=80)
@given(
    user=users,
    password=SECRETISH,
    host=hosts,
    path=paths,
    scheme=st.sampled_from(["http", "https", ""]),
    failure=st.sampled_from(FAILURES),
)
def test_no_fetch_failure_prints_the_password(
    user: str, password: str, host: str, path: str, scheme: str, failure: str
) -> None:
    secret = _secret(password)
    port = ":99999" if failure == "bad-port" else ""
    url = f"{scheme + ':' if scheme else ''}//{user}:{secret}@{host}{port}/{path}x.png"

    def handler(request: httpx.Request) -> httpx.Response:
        if failure == "connect":
            raise httpx.ConnectError(f"cannot connect to {url}", request=request)
        if failure == "timeout":
            raise httpx.ReadTimeout(f"read timed out for {url}", request=request)
        if failure == "redirect-loop":
            return httpx.Response(302, headers={"location": url})
        if failure == "too-big":
            return httpx.Response(200, content=b"x" * 2048)
        return httpx.Response(404)

    async def resolve(name: str, port: int) -> list[str]:
        return ["127.0.0.1" if failure == "private" else "93.184.216.34"]

    policy = FetchPolicy(max_bytes=1024, timeout=30.0, max_redirects=2)
    with pytest.raises(AssetError) as info:
        asyncio.run(
            fetch_remote(url, policy, transport=httpx.MockTransport(handler), resolver=resolve)
        )
    shown = str(info.value) + str(info.value.hint or "")
    assert secret not in shown and "PW" not in shown, shown
    assert (
        "***@" in shown
        or "invalid URL" in shown
        or failure == "private"
        and host.startswith(("127", "[", "10"))
    )


@given(
    prefix=st.text(max_size=10),
    user=users,
    password=SECRETISH,
    host=hosts,
    suffix=st.text(max_size=10),
)
def test_errors_and_diagnostics_never_carry_a_url_password(
    prefix: str, user: str, password: str, host: str, suffix: str
) -> None:
    secret = _secret(password)
    text = f"{prefix} https://{user}:{secret}@{host}/a.png {suffix}"
    for shown in (
        str(MdwxError(text, hint=text)),
        str(Diagnostic(text, "p.md", 3, hint=text)),
        json.dumps(Diagnostic(text, "p.md", 3).to_json()),
    ):
        assert secret not in shown


def test_redact_keeps_what_is_not_userinfo() -> None:
    assert (
        redact("see https://medium.com/@me/x.png?a=b@c") == "see https://medium.com/@me/x.png?a=b@c"
    )
    assert redact("http://a@b:c@host/p") == "http://***@host/p"


def test_the_reported_password_is_not_printed_by_any_command(tmp_path: Path) -> None:
    Image.new("RGB", (20, 20), (0, 90, 200)).save(tmp_path / "c.png")
    (tmp_path / "mdwx.toml").write_text('author = "a"\n', "utf-8")
    (tmp_path / "p.md").write_text(
        "---\ntitle: T\ncover: c.png\n---\n\n![x](http://user:PASSWORD@127.0.0.1:9/x.png)\n",
        "utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "MDWX_"))}
    env.update(HOME=str(tmp_path), XDG_CACHE_HOME=str(tmp_path / "cache"))
    for args in (
        ["check", "p.md"],
        ["check", "p.md", "--json"],
        ["publish", "--dry-run", "p.md"],
        ["publish", "--sandbox", "p.md"],
        ["publish", "--sandbox", "p.md", "--json"],
    ):
        result = mdwx(*args, cwd=tmp_path, env=env)
        assert "PASSWORD" not in result.stdout + result.stderr, (
            args,
            result.stdout + result.stderr,
        )
    failed = mdwx("publish", "--sandbox", "p.md", cwd=tmp_path, env=env)
    assert failed.returncode == 1 and "http://***@127.0.0.1:9/x.png" in failed.stderr
