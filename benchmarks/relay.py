"""Relay overhead: the same WeChat calls straight to a sandbox and through ``mdwx relay``.

Both runs use mdwx's own client against one sandbox on loopback, in the same process and
the same run, so the ratio **relay / direct** is what the relay adds (its key check, the
permission table, the log line, a second HTTP hop), not the machine's speed. Calls are
``draft/count`` (a read) and ``media/uploadimg`` (a small picture, every fourth call),
``--calls`` of them at once (default 200), best of ``--repeat`` passes. Run from the
repository root::

    python benchmarks/relay.py [--calls N] [--repeat R] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mdwx.accounts import Account  # noqa: E402
from mdwx.relay import KeyStore, RelayServer, RelaySettings, build_core  # noqa: E402
from mdwx.sandbox import SandboxServer, SandboxSettings  # noqa: E402
from mdwx.wechat import MemoryTokenCache, WeChatClient  # noqa: E402


def _picture() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 40, 40)).save(out, "PNG")
    return out.getvalue()


async def _burst(client: WeChatClient, calls: int, picture: bytes) -> float:
    async def one(number: int) -> object:
        if number % 4 == 0:
            return await client.uploadimg(picture, f"p{number}.png")
        return await client.draft_count()

    started = time.perf_counter()
    await asyncio.gather(*(one(n) for n in range(calls)))
    return time.perf_counter() - started


def _best(make: Any, calls: int, repeat: int, picture: bytes) -> float:
    async def run() -> float:
        async with make() as client:
            await client.draft_count()  # the token is fetched before timing
            return min([await _burst(client, calls, picture) for _ in range(repeat)])

    return asyncio.run(run())


def measure(calls: int, repeat: int) -> dict[str, float]:
    picture = _picture()
    with tempfile.TemporaryDirectory() as folder, SandboxServer(SandboxSettings()) as sb:
        settings = RelaySettings(
            accounts={"news": Account("news", sb.appid, secret_env="WECHAT_APPSECRET_NEWS")},
            upstream=sb.base_url,
            keys_file=Path(folder) / "keys.json",
            rate_per_minute=1e9,
            burst=1_000_000,
        )
        core, http = build_core(
            settings,
            environ={"WECHAT_APPSECRET_NEWS": sb.secret},
            token_cache=MemoryTokenCache(),
            log=lambda entry: None,
        )
        key = KeyStore(settings.keys_file).add("bench", "news", "read,draft")
        with RelayServer(core, http) as relay:
            direct = _best(
                lambda: WeChatClient(
                    sb.appid, sb.secret, api_base=sb.base_url, token_cache=MemoryTokenCache()
                ),
                calls,
                repeat,
                picture,
            )
            relayed = _best(
                lambda: WeChatClient(sb.appid, api_base=relay.base_url, relay_key=key),
                calls,
                repeat,
                picture,
            )
    return {
        "calls": calls,
        "direct_s": direct,
        "relay_s": relayed,
        "ratio": relayed / direct,
        "relay_calls_per_s": calls / relayed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(args.calls, args.repeat)
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"{result['calls']} calls at once: direct {result['direct_s']:.2f} s, "
        f"through the relay {result['relay_s']:.2f} s — relay / direct = {result['ratio']:.2f} "
        f"({result['relay_calls_per_s']:.0f} calls/s through the relay)"
    )


if __name__ == "__main__":
    main()
