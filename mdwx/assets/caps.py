"""Size caps shared by the asset readers and decoders, so one bound holds everywhere."""

from __future__ import annotations

#: Decoded pixels above this (width × height) are refused before decoding: a decompression bomb.
MAX_PIXELS = 80_000_000
#: A local "image" bigger than this (bytes) is certainly not one worth publishing; refuse to read it.
MAX_LOCAL_BYTES = 200 * 1024 * 1024
