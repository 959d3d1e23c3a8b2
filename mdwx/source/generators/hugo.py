"""Hugo: ``content/`` posts and page bundles, ``static/`` images, shortcodes.

Source: gohugo.io/content-management/ (page bundles, front matter, shortcodes) and the
embedded shortcodes ``figure``, ``highlight``, ``ref``/``relref``, ``youtube``, ``vimeo``,
``gist``, ``x``/``tweet``, ``instagram``, ``param``.
"""

from __future__ import annotations

import re
import sys
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml

from mdwx.files.reader import consulted_text
from mdwx.source.front_keys import silent_keys
from mdwx.source.generators.base import (
    Generator,
    PostContext,
    admonition_head,
    html_or_markdown,
    indent_block,
    link_html_or_markdown,
    split_args,
)
from mdwx.source.generators.text import block_tags, fence_for, next_lines, outside_code, sub_prose
from mdwx.source.generators.withheld import hugo_reason
from mdwx.source.yaml_load import load as load_yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

#: Hugo's own page keys and those of its common themes (declared in
#: :mod:`mdwx.source.front_keys`): read silently.
SILENT = silent_keys("hugo")
_OPEN = r"\{\{(?P<d>[<%])\s*"
_CLOSE = r"\s*[>%]\}\}"
# {{< name args >}} / {{% name args %}} / {{< /name >}} / {{< name args />}} on one line.
_SHORTCODE = re.compile(
    r"\{\{(?P<c>[<%])/\*(?P<inner>[^\n]{0,256}?)\*/[>%]\}\}|"
    + _OPEN
    + r"(?P<end>/)?(?P<name>[\w./-]+)(?![\w./-])(?P<args>(?:[^{>%\n]|[>%](?!\}\})){0,256}?)/?"
    + _CLOSE
)
# [text]({{< ref "x" >}}): a link to another page of the site.
_REF_LINK = re.compile(
    r"\[(?P<text>(?:[^\[\]\\\n]|\\.){0,256})\]\(\s*\{\{[<%]\s*(?:rel)?ref\b[^}\n]*[>%]\}\}\s*\)"
)
_HIGHLIGHT_OPEN = re.compile(r"^\s*\{\{[<%]\s*highlight\s+(?P<args>[^}\n]*?)\s*[>%]\}\}\s*$")
_HIGHLIGHT_CLOSE = re.compile(r"^\s*\{\{[<%]\s*/highlight\s*[>%]\}\}\s*$")
_PAIRED_OPEN = re.compile(
    r"^\s*\{\{[<%]\s*(?P<name>notice|hint|alert|admonition|callout|note|tip|"
    r"warning|info|details|spoiler|expand|collapse)\b(?P<args>[^}\n]*?)\s*[>%]\}\}\s*$",
    re.I,
)
_LINKS = {
    "youtube": ("YouTube video", "https://www.youtube.com/watch?v={0}"),
    "vimeo": ("Vimeo video", "https://vimeo.com/{0}"),
    "gist": ("Gist", "https://gist.github.com/{0}/{1}"),
    "x": ("Post on X", "https://x.com/{0}/status/{1}"),
    "tweet": ("Post on X", "https://x.com/{0}/status/{1}"),
    "instagram": ("Instagram post", "https://www.instagram.com/p/{0}/"),
}


class Hugo(Generator):
    name = "hugo"
    silent_keys = SILENT

    def is_post(self, path: Path, root: Path) -> bool:
        try:
            parts = path.relative_to(root / "content").parts
        except ValueError:
            return False
        if not parts or path.name.startswith("_"):
            return False
        # Markdown beside a leaf bundle's index.md is one of its resources, not a page.
        return _is_bundle(path) or not any(path.parent.glob("index.*md"))

    def slug(self, path: Path) -> str:
        return path.parent.name if _is_bundle(path) else path.stem

    def withheld(self, front: dict[str, Any], ctx: PostContext, now: datetime) -> str | None:
        settings = build_settings(ctx.site_root)
        return hugo_reason(
            front,
            now,
            build_future=settings.get("buildfuture") is True,
            build_expired=settings.get("buildexpired") is True,
        )

    def image_roots(self, name: str, ctx: PostContext) -> list[Path]:
        """Relative: the page's own folder on the site (a page ``a/b.md`` is served at ``/a/b/``,
        so ``x.png`` is ``content/a/b/x.png``; a bundle's files are beside its ``index.md``).
        Absolute: ``static/``, ``assets/``, the themes' ``static/``, and ``content/``, whose
        non-page files Hugo publishes at their own path."""
        if not name.startswith("/"):
            return [] if _is_bundle(ctx.path) else [ctx.path.parent / ctx.path.stem]
        roots = [*static_roots(ctx.site_root), ctx.site_root / "assets"]
        roots += sorted(ctx.site_root.glob("themes/*/static"))
        return [*roots, ctx.site_root / "content"]

    def locate(self, reference: str, ctx: PostContext) -> Path | None:
        found = super().locate(reference, ctx)
        if found is not None or not reference.startswith("/") or reference.startswith("//"):
            return found
        # A page resource named by the page's URL (/posts/<slug>/images/a.png, however the
        # site's permalinks place the page): what follows the page's slug is in its folder.
        parts = unquote(reference.split("#")[0].split("?")[0]).strip("/").split("/")
        names = {self.slug(ctx.path), ctx.path.stem, str(ctx.front.get("slug") or "")} - {""}
        folder = ctx.path.parent if _is_bundle(ctx.path) else ctx.path.parent / ctx.path.stem
        for index in range(len(parts) - 2, -1, -1):
            if parts[index] in names:
                candidate = folder.joinpath(*parts[index + 1 :])
                if ctx.inside(candidate):
                    return candidate
        return None

    def fences(self, text: str, ctx: PostContext) -> str:
        text = block_tags(text, _HIGHLIGHT_OPEN, _HIGHLIGHT_CLOSE, _highlight)
        # Paired shortcodes first, over the whole body: a details/admonition holding fenced
        # code has its opener and closer on either side of the fence.
        return outside_code(text, _paired)

    def prose(self, chunk: str, first_line: int, ctx: PostContext) -> str:
        self.note_html_blocks(chunk, first_line, ctx)
        chunk = sub_prose(_REF_LINK, lambda m, line: m.group("text"), chunk, first_line)
        chunk = sub_prose(
            _SHORTCODE, lambda m, line: _shortcode(m, ctx.file_line(line), ctx), chunk, first_line
        )
        return self.images(chunk, first_line, ctx)


_CONFIGS = ("hugo.toml", "hugo.yaml", "hugo.yml", "config.toml", "config.yaml", "config.yml")


@lru_cache(maxsize=32)
def static_roots(root: Path) -> tuple[Path, ...]:
    """The folders Hugo serves at the site's root: ``staticDir`` (a name or a list) and the
    ``[[module.mounts]]`` whose target is ``static``, from the site's config files (and
    ``config/_default/``); ``static/`` when none is set (gohugo.io/configuration/all/#staticdir,
    /hugo-modules/configuration/#module-configuration-mounts)."""
    found: list[Path] = []
    for config in [
        *(root / name for name in _CONFIGS),
        *sorted((root / "config" / "_default").glob("*.*")),
    ]:
        data = _read_config(config, root)
        dirs = data.get("staticDir") or data.get("staticdir") or []
        found += [
            root / d for d in ([dirs] if isinstance(dirs, str) else dirs) if isinstance(d, str)
        ]
        module = data if config.stem == "module" else data.get("module")
        mounts = module.get("mounts", []) if isinstance(module, dict) else []
        for mount in mounts if isinstance(mounts, list) else []:
            target = str(mount.get("target", "")) if isinstance(mount, dict) else ""
            if target.strip("/") == "static" and isinstance(mount.get("source"), str):
                found.append(root / mount["source"])
    return tuple(dict.fromkeys(found or [root / "static"]))


@lru_cache(maxsize=32)
def build_settings(root: Path) -> dict[str, Any]:
    """The site config's top-level keys, lower-cased (Hugo's keys are case-insensitive),
    later files over earlier ones: ``buildFuture``, ``buildExpired`` …"""
    merged: dict[str, Any] = {}
    for config in [
        *(root / name for name in _CONFIGS),
        *sorted((root / "config" / "_default").glob("*.*")),
    ]:
        merged.update({str(k).lower(): v for k, v in _read_config(config, root).items()})
    return merged


def _read_config(path: Path, root: Path) -> dict[str, Any]:
    text = consulted_text(path, root=root)  # capped, never a FIFO or device
    if text is None:
        return {}
    try:
        data = (
            tomllib.loads(text) if path.suffix == ".toml" else load_yaml(text)
        )  # bounded aliases, numbers
    except (ValueError, RecursionError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def _is_bundle(path: Path) -> bool:
    return path.stem.split(".")[0] == "index"


def _highlight(match: re.Match[str], inner: list[str]) -> tuple[str, str]:
    positional, _ = split_args(match.group("args"))
    fence = fence_for(inner)
    return fence + (positional[0] if positional else ""), fence


def _paired(lines: list[str]) -> None:
    """Callout-like paired shortcodes (``notice``, ``hint``, ``details`` …) → admonitions; a
    folded block (Hugo's ``details``, themes' ``spoiler``, Relearn's ``expand``) keeps its title."""
    index, end = 0, len(lines)
    closers: dict[str, list[int | None]] = {}
    while index < end:
        match = _PAIRED_OPEN.match(lines[index])
        name = match.group("name").lower() if match else ""
        if match and name not in closers:
            close = re.compile(r"^\s*\{\{[<%]\s*/" + name + r"\s*[>%]\}\}\s*$", re.I)
            closers[name] = next_lines(lines, close.match)
        stop = closers[name][index] if match else None
        if match and stop is not None:
            positional, named = split_args(match.group("args"))
            generic = name in ("notice", "hint", "alert", "admonition", "callout")
            kind = named.get("type") or (positional.pop(0) if generic and positional else name)
            title = (
                named.get("title")
                or named.get("summary")
                or named.get("text")
                or (positional[0] if positional else "")
            )
            folded = name in (
                "details",
                "spoiler",
                "expand",
                "collapse",
            )  # WeChat cannot fold: shown open
            indent_block(lines, index, stop, admonition_head("note" if folded else kind, title))
            index = stop
        index += 1


def _shortcode(match: re.Match[str], line: int, ctx: PostContext) -> str:
    if match.group("c"):  # {{</* x */>}}: Hugo's way to show a shortcode as text
        return (
            "{{"
            + match.group("c")
            + match.group("inner")
            + (">" if match.group("c") == "<" else "%")
            + "}}"
        )
    name = match.group("name").lower()
    positional, named = split_args(match.group("args"))
    if match.group("end"):
        return ""  # the opener was converted or warned about
    if name in ("figure", "image", "img") and (named.get("src") or positional):
        caption = named.get("caption") or named.get("title") or ""
        src = named.get("src") or positional[0]
        if named.get("library") and not re.match(r"^(?:[a-z][\w+.-]*:|/)", src, re.I):
            src = "/img/" + src  # Academic / Wowchemy: library="1" names a file of static/img/
        return html_or_markdown(
            ctx, line, src, named.get("alt") or caption, caption, named.get("width", "")
        )
    if name == "link" and (named.get("href") or positional):
        # FixIt / LoveIt / DoIt: {{< link href="url" content="text" >}} or {{< link "url" "text" >}}
        url = named.get("href") or positional[0]
        text = named.get("content") or (positional[1] if len(positional) > 1 else "") or url
        return link_html_or_markdown(ctx, line, text, url)
    if name in _LINKS:
        label, url = _LINKS[name]
        ids = [named.get("id") or named.get("user") or "", *positional] if named else positional
        ids = [i for i in ids if i]
        if ids and url.count("{") <= len(ids):
            return link_html_or_markdown(ctx, line, label, url.format(*ids))
    opener, closer = ("{{<", ">}}") if match.group("d") == "<" else ("{{%", "%}}")
    ctx.warn(
        line,
        f"Hugo shortcode {opener} {name} {closer} removed: WeChat cannot show it",
        code="shortcode-removed",
    )
    return ""
