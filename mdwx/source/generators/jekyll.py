"""Jekyll: ``_posts/YYYY-MM-DD-slug.md``, images under the site folder, Liquid tags.

Source: jekyllrb.com/docs/posts/ (file names, ``published: false``), /docs/liquid/tags/
(``highlight``, ``link``, ``post_url``, ``raw``), /docs/liquid/filters/ (``relative_url``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from mdwx.source.generators.base import PostContext, image_markdown, split_args
from mdwx.source.generators.liquid import Liquid
from mdwx.source.yaml_load import load as load_yaml

SILENT = frozenset({
    "last_modified_at", "excerpt_separator", "render_with_liquid", "classes", "sidebar",
    "toc_label", "toc_icon", "toc_sticky", "read_time", "words_per_minute", "feature_row",
    "comments", "mermaid", "seo", "locale", "ref", "navigation", "nav_order", "parent",
    "has_children", "permalink_title", "image_alt",
})
_DATED = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}-(?P<slug>.+)$")
_SKIP = {"_site", "_drafts", "vendor", "node_modules", ".jekyll-cache", ".bundle"}


class Jekyll(Liquid):
    name = "jekyll"
    tag_name = "Liquid"
    silent_keys = SILENT

    def is_post(self, path: Path, root: Path) -> bool:
        try:
            parts = path.relative_to(root).parts
        except ValueError:
            return False
        return "_posts" in parts[:-1] and not _SKIP & set(parts) and not path.name.startswith("_")

    def slug(self, path: Path) -> str:
        dated = _DATED.match(path.stem)
        return dated.group("slug") if dated else path.stem

    def image_roots(self, name: str, ctx: PostContext) -> list[Path]:
        return [ctx.site_root] if name.startswith("/") else []

    def tag(self, name: str, args: str, line: int, ctx: PostContext) -> str | None:
        return _include_image(args) if name == "include" else None

    def locate(self, reference: str, ctx: PostContext) -> Path | None:
        baseurl = _baseurl(ctx.site_root / "_config.yml")
        if baseurl and reference.startswith(baseurl + "/"):
            reference = reference[len(baseurl):]
        return super().locate(reference, ctx)


@lru_cache(maxsize=16)
def _baseurl(config: Path) -> str:
    """``baseurl`` from ``_config.yml`` ("/blog"), or "" when unset or unreadable."""
    try:
        data = load_yaml(config.read_text("utf-8")[:1_000_000])
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return ""
    value = data.get("baseurl") if isinstance(data, dict) else None
    return "/" + value.strip("/") if isinstance(value, str) and value.strip("/") else ""


_IMAGE_EXT = re.compile(r"\.(?:png|jpe?g|gif|webp|bmp|svg|avif)(?:[?#].*)?$", re.I)


def _include_image(args: str) -> str | None:
    """``{% include figure.html image_path="/a.png" caption="…" %}`` (Minimal Mistakes and
    the common ``image.html`` includes) as a Markdown image, or None for other includes."""
    _, named = split_args(args)
    src = next((named[k] for k in ("image_path", "src", "image", "url", "file", "path")
                if k in named and _IMAGE_EXT.search(named[k])), None)
    if src is None:
        return None
    caption = named.get("caption") or named.get("description") or named.get("title") or ""
    return image_markdown(src, named.get("alt") or caption, caption)
