"""Inline the theme into ``style`` attributes and leave nothing WeChat would strip.

The renderer emits semantic HTML with classes; css_inline (Rust, one pass over the whole
document, a few per cent of the render time) applies the theme's CSS, and then every
``class`` and ``id`` is removed, except the contract's video iframe class, which WeChat needs.
Styles are compacted (``color: #333333`` → ``color:#333``) because the content limit counts
every character of the HTML.
"""

from __future__ import annotations

import re
from functools import lru_cache

import css_inline

from mdwx.render.themes import Theme

# After css_inline's serializer every attribute is double-quoted with '"' escaped, so a tag
# is exactly this (text never holds a raw '<').
_TAG = re.compile(r'<([a-zA-Z][\w-]*)((?:\s+[^\s"=>/]+(?:="[^"]*")?)*)(\s*/?)>')
_ATTR = re.compile(r'\s+([^\s"=>/]+)(?:="([^"]*)")?')
_HEX6 = re.compile(r"#([0-9a-fA-F])\1([0-9a-fA-F])\2([0-9a-fA-F])\3\b")
_SPACES = re.compile(r"\s*([:;,])\s*")
_DIV = re.compile(r"<(/?)div\b")
VIDEO_CLASS = "video_iframe rich_pages"


def compact_style(style: str) -> str:
    style = _SPACES.sub(r"\1", style.strip()).rstrip(";")
    return _HEX6.sub(r"#\1\2\3", style)


def _clean_tag(match: re.Match[str]) -> str:
    return _clean_tag_text(match.group(0), match.group(1), match.group(2))


@lru_cache(maxsize=8192)
def _clean_tag_text(tag: str, name: str, attrs: str) -> str:
    """Cached: the same styled tag (``<p style=...>``) repeats hundreds of times."""
    if not attrs:
        return tag
    parts = []
    for attr in _ATTR.finditer(attrs):
        key, value = attr.group(1).lower(), attr.group(2)
        if key == "id" or (key == "class" and not (name == "iframe" and value == VIDEO_CLASS)):
            continue
        if key == "style" and value is not None:
            value = compact_style(value)
            if not value:
                continue
        parts.append(f' {key}="{value}"' if value is not None else f" {key}")
    return f"<{name}{''.join(parts)}>"


def inline_theme(html: str, theme: Theme) -> str:
    """Apply the theme's CSS inline, then drop classes and ids and compact the styles."""
    inlined = css_inline.inline_fragment(html, theme.css, load_remote_stylesheets=False)
    inlined = _DIV.sub(r"<\1section", inlined)
    return _TAG.sub(_clean_tag, inlined)
