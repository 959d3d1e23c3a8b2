"""Remote image fetching: a real loopback server, and mock transports for public hosts."""

from __future__ import annotations

import asyncio
import ipaddress
import threading
import time
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from mdwx.assets.fetch import FetchPolicy, fetch_remote, is_forbidden
from mdwx.config import ImageLimits
from mdwx.errors import AssetError

BODY = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
CHUNK = b"x" * 65536


class Handler(BaseHTTPRequestHandler):
    """Routes: /img.png, /big (no length, 640 KB), /hop/N (N redirects), /slow, /missing."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if self.path == "/img.png":
            self._send(200, BODY, {"Content-Type": "image/png"})
        elif self.path == "/big":
            self.send_response(200)
            self.end_headers()  # HTTP/1.0 without Content-Length: the body ends at close
            for _ in range(10):
                self.wfile.write(CHUNK)
        elif self.path.startswith("/hop/"):
            left = int(self.path.rsplit("/", 1)[1])
            target = "/img.png" if left <= 1 else f"/hop/{left - 1}"
            self._send(302, b"", {"Location": target})
        elif self.path == "/slow":
            time.sleep(1.5)
            self._send(200, BODY, {})
        else:
            self._send(404, b"no", {})

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


LOOPBACK = FetchPolicy(max_bytes=1 << 20, timeout=5.0, max_redirects=3, allow_private=True)
PUBLIC_ONLY = FetchPolicy(max_bytes=1 << 20, timeout=5.0, max_redirects=3, allow_private=False)


def fetch(url: str, policy: FetchPolicy = LOOPBACK, **kwargs: object) -> bytes:
    return asyncio.run(fetch_remote(url, policy, **kwargs))  # type: ignore[arg-type]


def test_policy_from_config() -> None:
    policy = FetchPolicy.from_limits(ImageLimits(remote_max_redirects=2, allow_private_hosts=True))
    assert (policy.max_bytes, policy.timeout, policy.max_redirects, policy.allow_private) == (
        20 * 1024 * 1024,
        20.0,
        2,
        True,
    )


def test_fetch_from_loopback_when_private_hosts_are_allowed(server: str) -> None:
    assert fetch(f"{server}/img.png") == BODY


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_loopback_is_refused_by_default(server: str, host: str) -> None:
    url = f"{server}/img.png".replace("127.0.0.1", host)
    with pytest.raises(AssetError, match="refusing to fetch from non-public address") as caught:
        fetch(url, PUBLIC_ONLY)
    assert "allow_private_hosts" in str(caught.value)


def test_body_over_the_cap_is_abandoned(server: str) -> None:
    small = FetchPolicy(max_bytes=100_000, timeout=5.0, max_redirects=3, allow_private=True)
    with pytest.raises(AssetError, match="larger than the 0.1 MB limit"):
        fetch(f"{server}/big", small)
    assert len(fetch(f"{server}/big")) == 10 * len(CHUNK)


def test_redirects_are_followed_up_to_the_limit(server: str) -> None:
    assert fetch(f"{server}/hop/3") == BODY  # three redirects: allowed
    with pytest.raises(AssetError, match="more than 3 redirects"):
        fetch(f"{server}/hop/4")


def test_timeout_is_an_asset_error(server: str) -> None:
    quick = FetchPolicy(max_bytes=1 << 20, timeout=0.2, max_redirects=0, allow_private=True)
    with pytest.raises(AssetError, match="timed out after 0.2 s"):
        fetch(f"{server}/slow", quick)


def test_http_error_status_hides_the_query_string(server: str) -> None:
    with pytest.raises(AssetError, match="HTTP 404") as caught:
        fetch(f"{server}/missing?token=SECRET123")
    assert "SECRET123" not in str(caught.value)


@pytest.mark.parametrize(
    "url", ["ftp://example.com/a.png", "file:///etc/passwd", "javascript:alert(1)", "gopher://x/"]
)
def test_other_schemes_are_refused_without_a_request(url: str) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError("no request may be made")

    with pytest.raises(AssetError, match="only http and https"):
        fetch(url, transport=httpx.MockTransport(refuse))


async def resolve_fake(host: str, port: int) -> list[str]:
    table = {
        "img.example": ["93.184.216.34", "2606:2800:220:1::1"],
        "internal.example": ["10.0.0.7"],
        "mixed.example": ["93.184.216.34", "192.168.1.20"],
    }
    return table[host]


def test_public_host_is_pinned_to_the_checked_address() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=BODY)

    data = fetch(
        "//img.example/a.png",
        PUBLIC_ONLY,
        transport=httpx.MockTransport(handler),
        resolver=resolve_fake,
    )
    assert data == BODY
    request = seen[0]
    assert (request.url.scheme, request.url.host, request.url.path) == (
        "https",
        "93.184.216.34",
        "/a.png",
    )
    assert request.headers["host"] == "img.example"
    assert request.extensions["sni_hostname"] == "img.example"


@pytest.mark.parametrize("host", ["internal.example", "mixed.example"])
def test_names_resolving_to_private_addresses_are_refused(host: str) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError("no request may be made")

    with pytest.raises(AssetError, match="non-public address (10.0.0.7|192.168.1.20)"):
        fetch(
            f"https://{host}/a.png",
            PUBLIC_ONLY,
            transport=httpx.MockTransport(refuse),
            resolver=resolve_fake,
        )


def test_redirect_to_a_private_address_is_refused() -> None:
    hosts: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        hosts.append(request.url.host)
        return httpx.Response(302, headers={"Location": "http://internal.example/admin.png"})

    with pytest.raises(AssetError, match="internal.example/admin.png: refusing .* 10.0.0.7"):
        fetch(
            "https://img.example/a.png",
            PUBLIC_ONLY,
            transport=httpx.MockTransport(handler),
            resolver=resolve_fake,
        )
    assert hosts == ["93.184.216.34"]


class CountingStream(httpx.AsyncByteStream):
    def __init__(self) -> None:
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for _ in range(1000):
            self.sent += 1
            yield b"y" * 1024


def test_stream_stops_at_the_cap_instead_of_reading_everything() -> None:
    stream = CountingStream()
    transport = httpx.MockTransport(lambda request: httpx.Response(200, stream=stream))
    capped = FetchPolicy(max_bytes=10 * 1024, timeout=5.0, max_redirects=0, allow_private=True)
    with pytest.raises(AssetError, match="larger than"):
        fetch("https://img.example/a.png", capped, transport=transport)
    assert stream.sent <= 11


def test_declared_length_over_the_cap_is_refused_before_reading() -> None:
    stream = CountingStream()
    transport = httpx.MockTransport(
        lambda request: httpx.Response(200, headers={"Content-Length": "999999999"}, stream=stream)
    )
    with pytest.raises(AssetError, match="larger than"):
        fetch("https://img.example/a.png", LOOPBACK, transport=transport)
    assert stream.sent == 0


def test_given_client_is_used_and_left_open() -> None:
    async def run() -> tuple[bytes, bool]:
        async with httpx.AsyncClient(
            transport=httpx.MockTransport(lambda r: httpx.Response(200, content=b"ok"))
        ) as client:
            data = await fetch_remote("https://img.example/a.png", LOOPBACK, client=client)
            return data, client.is_closed

    assert asyncio.run(run()) == (b"ok", False)


@pytest.mark.parametrize(
    ("address", "forbidden"),
    [
        ("10.1.2.3", True),
        ("172.16.0.1", True),
        ("192.168.0.1", True),
        ("127.0.0.1", True),
        ("169.254.169.254", True),  # cloud metadata
        ("0.0.0.0", True),
        ("100.64.0.1", True),  # carrier-grade NAT
        ("224.0.0.1", True),
        ("240.0.0.1", True),
        ("::1", True),
        ("fe80::1", True),
        ("fc00::1", True),
        ("ff02::1", True),
        ("fec0::1", True),  # deprecated site-local, still routed inside some networks
        ("::ffff:127.0.0.1", True),
        ("2002:7f00:1::", True),  # 6to4 wrapping 127.0.0.1
        ("93.184.216.34", False),
        ("2606:4700:4700::1111", False),
    ],
)
def test_address_classification(address: str, forbidden: bool) -> None:
    assert is_forbidden(ipaddress.ip_address(address)) is forbidden


class DrippingStream(httpx.AsyncByteStream):
    """A server that sends one small chunk per interval: no single read ever times out."""

    def __init__(self, chunks: int, interval: float) -> None:
        self.chunks, self.interval, self.sent = chunks, interval, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for _ in range(self.chunks):
            await asyncio.sleep(self.interval)
            self.sent += 1
            yield b"z"


@pytest.mark.parametrize("redirects", [0, 2])
def test_the_configured_timeout_bounds_the_whole_fetch_and_is_the_one_reported(
    redirects: int,
) -> None:
    """Each chunk comes within the timeout, but the whole body would take 12 timeouts'
    worth of time: the fetch must end at the configured deadline, and say so."""
    stream = DrippingStream(chunks=40, interval=0.05)
    hops = iter(range(redirects))

    def handler(request: httpx.Request) -> httpx.Response:
        if next(hops, None) is not None:
            return httpx.Response(302, headers={"Location": "/next.png"})
        return httpx.Response(200, stream=stream)

    policy = FetchPolicy(max_bytes=1 << 20, timeout=0.2, max_redirects=3, allow_private=True)
    with pytest.raises(AssetError, match=r"timed out after 0.2 s \(images.remote_timeout\)"):
        fetch("https://img.example/a.png", policy, transport=httpx.MockTransport(handler))
    # asyncio.sleep never returns early, so by the 0.2 s deadline at most 4 chunks were sent.
    assert stream.sent <= 4


@pytest.mark.parametrize("url", ["http://xn--/x.png", "http://ⓛⓞⓒⓐⓛⓗⓞⓢⓣ:18231/x.png"])
def test_a_host_that_cannot_be_decoded_is_an_invalid_url(url: str) -> None:
    from mdwx.assets.fetch import normalise_url
    from mdwx.errors import AssetError

    with pytest.raises(AssetError):
        normalise_url(url)
