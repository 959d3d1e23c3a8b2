"""``data:`` URIs: their bytes, base64 (standard or URL-safe) or percent-encoded."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import unquote, unquote_to_bytes

from mdwx.errors import AssetError


def decode_data_uri(uri: str) -> bytes:
    """The bytes of a ``data:`` URI, base64 (standard or URL-safe) or percent-encoded."""
    if not uri.startswith("data:") or "," not in uri:
        raise AssetError(
            f"malformed data: URI {clip(uri)}", hint="expected data:[type][;base64],DATA"
        )
    header, payload = uri[5:].split(",", 1)
    if header.split(";")[-1].strip().lower() == "base64":
        text = "".join(unquote(payload).split()).replace("-", "+").replace("_", "/")
        text += "=" * (-len(text) % 4)
        try:
            data = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise AssetError(f"invalid base64 in data: URI {clip(uri)}") from exc
    else:
        data = unquote_to_bytes(payload)
    if not data:
        raise AssetError(f"empty data: URI {clip(uri)}")
    return data


def clip(text: str, limit: int = 48) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis, for quoting a long URI in a message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
