"""CSS colours as numbers: parsing the forms themes use, WCAG 2 luminance and contrast.

Shared by the contrast check (:mod:`mdwx.render.contrast`) and WeChat-rule dark mode
(:mod:`mdwx.render.darkmode`), which must read a colour the same way.
"""

from __future__ import annotations

import re

#: An RGB colour as three 0–255 channels.
RGB = tuple[int, int, int]

HEX_COLOUR = re.compile(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})\b")
RGB_COLOUR = re.compile(r"rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)")
_NAMED = {"white": "#ffffff", "black": "#000000"}


def parse_colour(value: str) -> tuple[int, int, int] | None:
    """``#rgb``, ``#rrggbb``, ``rgb()``/``rgba()`` or white/black as 0–255 channels; else None."""
    value = value.strip().lower()
    value = _NAMED.get(value, value)
    hexa = HEX_COLOUR.fullmatch(value)
    if hexa:
        digits = hexa.group(1)
        if len(digits) == 3:
            digits = "".join(c * 2 for c in digits)
        return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)
    rgb = RGB_COLOUR.match(value)
    return (int(rgb.group(1)), int(rgb.group(2)), int(rgb.group(3))) if rgb else None


def luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG 2 relative luminance, 0 (black) to 1 (white)."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: tuple[int, int, int], second: tuple[int, int, int]) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def hex_colour(rgb: RGB) -> str:
    """``#rrggbb`` of ``rgb``."""
    return "#{:02x}{:02x}{:02x}".format(*rgb)
