"""Fetch remote images safely: http(s) only, size-capped while streaming, no private hosts.

WeChat drops external images, so a post's remote pictures are downloaded and re-uploaded.
A post is untrusted input (it may come from a contributor or a CI job), and fetching what
it names must not become a way to read internal services (server-side request forgery):

- only ``http`` and ``https``; ``//host/x.png`` means https;
- every address the host name resolves to must be public (not private, loopback,
  link-local, multicast, reserved, unspecified or carrier-grade NAT), unless the site sets
  ``images.allow_private_hosts``;
- the connection then goes to the address that was checked (the URL's host is replaced by
  it, with the original ``Host`` header and TLS server name), so a DNS answer that changes
  between check and connect (DNS rebinding) cannot redirect the request;
- redirects are followed by hand, at most ``max_redirects``, each hop checked again;
- the body is read in a stream and abandoned as soon as it passes ``max_bytes``;
- ``timeout`` (``images.remote_timeout``) bounds the whole fetch, redirects included, so a
  server dripping one byte at a time cannot hold a publish longer than the site allows,
  and the message says the deadline that was applied.

Whether the bytes are an image is for :func:`mdwx.assets.imaging.prepare_image` to decide.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from mdwx.config_tables import ImageLimits
from mdwx.errors import AssetError
from mdwx.tls import ssl_context
from mdwx.urls import redact
from mdwx.version import __version__

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]
_REDIRECTS = {301, 302, 303, 307, 308}
_HEADERS = {
    "User-Agent": f"mdwx/{__version__}",
    "Accept": "image/*,*/*;q=0.5",
    "Accept-Encoding": "identity",
}


@dataclass(frozen=True)
class FetchPolicy:
    max_bytes: int
    timeout: float
    max_redirects: int
    allow_private: bool = False

    @classmethod
    def from_limits(cls, images: ImageLimits) -> FetchPolicy:
        return cls(
            max_bytes=images.remote_max_bytes,
            timeout=images.remote_timeout,
            max_redirects=images.remote_max_redirects,
            allow_private=images.allow_private_hosts,
        )


async def fetch_remote(
    url: str,
    policy: FetchPolicy,
    *,
    client: httpx.AsyncClient | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    resolver: Resolver | None = None,
) -> bytes:
    """The body of ``url`` under ``policy``; every refusal or failure is an AssetError.

    ``client`` or ``transport`` are for tests and proxies; ``resolver`` (host, port →
    addresses) replaces the system's DNS, also for tests.
    """
    shown = display_url(url)
    try:
        if client is not None:
            fetching = _follow(url, policy, client, resolver or _system_resolve)
            return await asyncio.wait_for(fetching, policy.timeout)
        timeout = httpx.Timeout(policy.timeout)
        async with httpx.AsyncClient(
            transport=transport, timeout=timeout, follow_redirects=False, verify=ssl_context()
        ) as own:
            fetching = _follow(url, policy, own, resolver or _system_resolve)
            return await asyncio.wait_for(fetching, policy.timeout)
    except (httpx.TimeoutException, asyncio.TimeoutError) as exc:
        raise AssetError(
            f"{shown}: timed out after {policy.timeout:g} s (images.remote_timeout)",
            hint="retry, raise images.remote_timeout, or download it next to the post",
        ) from exc
    except httpx.InvalidURL as exc:
        raise AssetError(f"{shown}: invalid URL ({exc})") from exc
    except httpx.HTTPError as exc:
        raise AssetError(
            f"{shown}: could not be fetched ({type(exc).__name__}: {exc})",
            hint="check the URL, or download the image next to the post",
        ) from exc


async def _follow(
    url: str, policy: FetchPolicy, client: httpx.AsyncClient, resolver: Resolver
) -> bytes:
    current = normalise_url(url)
    for _ in range(policy.max_redirects + 1):
        request_url, headers, extensions = await _pinned(current, policy, resolver)
        async with client.stream(
            "GET", request_url, headers=headers, extensions=extensions
        ) as response:
            location = response.headers.get("location")
            if response.status_code in _REDIRECTS and location:
                current = normalise_url(str(current.join(location)))
                continue
            if response.status_code != 200:
                raise AssetError(f"{display_url(str(current))}: HTTP {response.status_code}")
            return await _read_capped(response, policy.max_bytes, display_url(str(current)))
    raise AssetError(
        f"{display_url(url)}: more than {policy.max_redirects} redirects",
        hint="use the final URL of the image",
    )


def normalise_url(url: str) -> httpx.URL:
    """An http(s) URL with a host; ``//host/x`` becomes https. Anything else: AssetError."""
    if url.startswith("//"):
        url = "https:" + url
    try:
        parsed = httpx.URL(url)
        parsed.host  # noqa: B018 - decoding an internationalised host can fail only here
    except (httpx.InvalidURL, UnicodeError, ValueError) as exc:  # idna's errors are ValueErrors
        raise AssetError(f"{display_url(url)}: invalid URL ({exc})") from exc
    if parsed.scheme not in ("http", "https"):
        raise AssetError(
            f"{display_url(url)}: only http and https images can be fetched",
            hint="use a local file or an http(s) URL",
        )
    if not parsed.host:
        raise AssetError(f"{display_url(url)}: the URL has no host")
    return parsed


async def _pinned(
    url: httpx.URL, policy: FetchPolicy, resolver: Resolver
) -> tuple[httpx.URL, dict[str, str], dict[str, str]]:
    """Where to connect for ``url``: the checked address itself unless private hosts are allowed."""
    headers = dict(_HEADERS)
    if policy.allow_private:
        return url, headers, {}
    if refuse_known_private(url):  # a literal public address: connect to it as written
        return url, headers, {}
    address = await _resolve_public(url, resolver)
    headers["Host"] = url.netloc.decode("ascii")
    extensions = {"sni_hostname": url.raw_host.decode("ascii")} if url.scheme == "https" else {}
    return url.copy_with(host=str(address)), headers, extensions


async def _resolve_public(url: httpx.URL, resolver: Resolver) -> IPAddress:
    """Every address of the host, each checked; IPv4 first, as more networks route it."""
    try:
        found = await resolver(
            url.raw_host.decode("ascii"), url.port or (443 if url.scheme == "https" else 80)
        )
    except (OSError, UnicodeError) as exc:
        raise AssetError(
            f"{display_url(str(url))}: cannot resolve host {url.host!r} ({exc})"
        ) from exc
    addresses = sorted(
        {ipaddress.ip_address(a.split("%", 1)[0]) for a in found}, key=lambda a: (a.version, int(a))
    )
    if not addresses:
        raise AssetError(f"{display_url(str(url))}: host {url.host!r} has no address")
    for address in addresses:
        _check_address(address, url)
    return addresses[0]


def refuse_known_private(url: httpx.URL) -> bool:
    """Refuse, without asking DNS, a host known to be non-public: a literal address that
    :func:`is_forbidden` (numeric IPv4 forms such as ``0x7f000001`` included), or
    ``localhost`` and names under it (RFC 6761 keeps them on the machine). True when the host is a literal (public) address; raises :class:`AssetError`.

    ``check`` applies this offline (:func:`check_remote_offline`); what a name resolves to
    is checked when it is fetched.
    """
    try:
        literal: IPAddress | None = ipaddress.ip_address(url.host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None:
        _check_address(literal, url)
        return True
    name = url.host.rstrip(".").lower()
    legacy = _numeric_ipv4(name)
    if legacy is not None:  # 2130706433, 0x7f000001, 127.1: what the resolver reads as an address
        _check_address(legacy, url)
    if name == "localhost" or name.endswith(".localhost"):
        raise AssetError(
            f"{display_url(str(url))}: refusing to fetch from non-public address {name} (this machine)",
            hint="set images.allow_private_hosts = true to allow it",
        )
    return False


def _numeric_ipv4(name: str) -> ipaddress.IPv4Address | None:
    """An IPv4 address in the numeric forms ``inet_aton`` reads (no DNS is asked), or None."""
    if not name or not all(c in "0123456789abcdefx." for c in name) or not name[0].isdigit():
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(name))
    except (OSError, ValueError):
        return None


def check_remote_offline(url: str, policy: FetchPolicy) -> None:
    """What :func:`fetch_remote` would refuse before connecting, known without the network:
    a URL that is not http(s) with a host, or a host known to be non-public (unless
    ``policy.allow_private``). Raises :class:`AssetError`."""
    parsed = normalise_url(url)
    if not policy.allow_private:
        refuse_known_private(parsed)


def _check_address(address: IPAddress, url: httpx.URL) -> None:
    if is_forbidden(address):
        raise AssetError(
            f"{display_url(str(url))}: refusing to fetch from non-public address {address}",
            hint="set images.allow_private_hosts = true to allow it",
        )


def is_forbidden(address: IPAddress) -> bool:
    """True for any address that is not plainly public (including IPv4 hidden in IPv6)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo or (None, None))[1]
        if embedded is not None and is_forbidden(embedded):
            return True
        if address.is_site_local:  # fec0::/10: deprecated, but still routed inside some networks
            return True
    return (
        not address.is_global
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


async def _read_capped(response: httpx.Response, max_bytes: int, shown: str) -> bytes:
    too_big = AssetError(
        f"{shown}: larger than the {max_bytes / 1048576:.1f} MB limit for remote images",
        hint="raise images.remote_max_bytes, or download and shrink it",
    )
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_big
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > max_bytes:
            raise too_big
    return bytes(body)


async def _system_resolve(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def display_url(url: str, limit: int = 80) -> str:
    """The URL for a message: no user name or password, no query string (signed URLs carry
    credentials there), shortened."""
    text = redact(url.split("?", 1)[0].split("#", 1)[0])
    return text if len(text) <= limit else text[: limit - 1] + "…"
