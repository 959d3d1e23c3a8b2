"""Shared helpers for the render tests: a site config, a render call, a tag walker."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from mdwx.config import SiteConfig
from mdwx.document import Document
from mdwx.render import render_markdown

FORBIDDEN_TAGS = {"style", "script", "div", "input", "form", "textarea", "button", "select"}
VIDEO_CLASS = "video_iframe rich_pages"


def render(text: str, root: Path, **config: object) -> Document:
    site = SiteConfig(root=root, **config)  # type: ignore[arg-type]
    return render_markdown(text, site, path=root / "post.md", base_dir=root)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    handle_startendtag = handle_starttag


def tags(html: str) -> list[tuple[str, dict[str, str]]]:
    """Every start tag with its attributes, as a browser-like parser sees them."""
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser.tags


def unsafe_markup(html: str) -> list[str]:
    """What WeChat would strip or reject, found in the tags (text may mention anything)."""
    problems = []
    for name, attrs in tags(html):
        if name in FORBIDDEN_TAGS:
            problems.append(f"<{name}>")
        if name == "iframe" and attrs.get("class") != VIDEO_CLASS:
            problems.append("foreign iframe")
        for key, value in attrs.items():
            if key == "id" or re.match(r"on\w+", key):
                problems.append(f"{name} {key}=")
            if key == "class" and not (name == "iframe" and value == VIDEO_CLASS):
                problems.append(f"{name} class=")
            lowered = re.sub(r"[\x00-\x20]", "", value.lower())
            if "javascript:" in lowered or "vbscript:" in lowered:
                problems.append(f"{name} {key}={value[:40]}")
            if key == "style" and "var(--" in lowered:  # CSS variables: only CSS has them
                problems.append(f"{name} style={value[:40]}")
            if key == "style" and re.search(r"(^|;)\s*position\s*:", lowered):
                problems.append(f"{name} position")
            if (
                key in ("href", "src")
                and lowered.startswith("data:")
                and not lowered.startswith("data:image/")
            ):
                problems.append(f"{name} {key}=data:")
    return problems
