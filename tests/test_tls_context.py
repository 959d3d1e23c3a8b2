"""One TLS context per process (mdwx/tls.py): reused by every client, made again when the
certificate variables change, as strict as httpx's own."""

from __future__ import annotations

import asyncio
import shutil
import ssl
from pathlib import Path

import certifi
import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mdwx.tls import ssl_context
from mdwx.wechat.client import WeChatClient


def _key(cert_file: str | None, trust_env: bool) -> str | None:
    return cert_file if trust_env else None


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("ca")
    copy = folder / "copy.pem"
    shutil.copyfile(certifi.where(), copy)
    return [certifi.where(), str(copy)]


@given(
    steps=st.lists(st.tuples(st.sampled_from([None, 0, 1]), st.booleans()), min_size=1, max_size=12)
)
def test_a_context_is_shared_exactly_while_its_certificates_are_the_same(
    bundles: list[str], steps: list[tuple[int | None, bool]]
) -> None:
    seen: dict[str | None, ssl.SSLContext] = {}
    with pytest.MonkeyPatch.context() as env:
        env.delenv("SSL_CERT_DIR", raising=False)
        for choice, trust_env in steps:
            cert_file = None if choice is None else bundles[choice]
            if cert_file is None:
                env.delenv("SSL_CERT_FILE", raising=False)
            else:
                env.setenv("SSL_CERT_FILE", cert_file)
            context = ssl_context(trust_env=trust_env)
            key = _key(cert_file, trust_env)
            assert seen.setdefault(key, context) is context
            assert [k for k, c in seen.items() if c is context] == [key]
            assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
            assert context.cert_store_stats()["x509_ca"] > 0


def test_an_unreadable_certificate_file_is_refused_as_httpx_refuses_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))
    with pytest.raises(OSError):
        ssl_context()
    with pytest.raises(OSError):
        httpx.create_ssl_context()


def test_every_wechat_client_takes_the_one_context(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    made: list[object] = []
    real = httpx.AsyncClient.__init__

    def spy(self: httpx.AsyncClient, *args: object, **kwargs: object) -> None:
        made.append(kwargs.get("verify"))
        real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(httpx.AsyncClient, "__init__", spy)

    async def use_three_clients() -> None:
        for _ in range(3):
            client = WeChatClient("wx1", "secret", api_base="https://api.weixin.qq.com")
            assert client._http is client._http  # made once, on first use
            await client.aclose()

    asyncio.run(use_three_clients())
    assert len(made) == 3 and made[0] is made[1] is made[2] is ssl_context()
