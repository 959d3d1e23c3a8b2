"""Hugo: ``content/`` posts and page bundles, ``static/`` images, shortcodes.

Source: gohugo.io/content-management/ (page bundles, front matter, shortcodes) and the
embedded shortcodes ``figure``, ``highlight``, ``ref``/``relref``, ``youtube``, ``vimeo``,
``gist``, ``x``/``tweet``, ``instagram``, ``param``.
"""

from __future__ import annotations

import re
from pathlib import Path

from mdwx.source.generators.base import (
    Generator,
    PostContext,
    admonition_head,
    image_markdown,
    indent_block,
    split_args,
)
from mdwx.source.generators.text import block_tags, fence_for, next_lines, on_lines, sub_prose

SILENT = frozenset({
    "linkTitle", "outputs", "resources", "build", "cascade", "headless", "markup", "menu", "menus",
    "params", "translationKey", "showToc", "ShowToc", "TocOpen", "hidemeta", "disableShare",
    "hideSummary", "searchHidden", "ShowReadingTime", "ShowBreadCrumbs", "ShowPostNavLinks",
    "ShowWordCount", "ShowRssButtonInSectionTermList", "UseHugoToc", "disableHLJS", "editPost",
    "authors", "featured", "readingTime", "isCJKLanguage", "expirydate", "publishdate",
})
_OPEN = r"\{\{(?P<d>[<%])\s*"
_CLOSE = r"\s*[>%]\}\}"
# {{< name args >}} / {{% name args %}} / {{< /name >}} / {{< name args />}} on one line.
_SHORTCODE = re.compile(r"\{\{(?P<c>[<%])/\*(?P<inner>[^\n]{0,256}?)\*/[>%]\}\}|" + _OPEN + r"(?P<end>/)?(?P<name>[\w./-]+)(?![\w./-])(?P<args>(?:[^{>%\n]|[>%](?!\}\})){0,256}?)/?" + _CLOSE)
# [text]({{< ref "x" >}}): a link to another page of the site.
_REF_LINK = re.compile(r"\[(?P<text>(?:[^\[\]\\\n]|\\.){0,256})\]\(\s*\{\{[<%]\s*(?:rel)?ref\b[^}\n]*[>%]\}\}\s*\)")
_HIGHLIGHT_OPEN = re.compile(r"^\s*\{\{[<%]\s*highlight\s+(?P<args>[^}\n]*?)\s*[>%]\}\}\s*$")
_HIGHLIGHT_CLOSE = re.compile(r"^\s*\{\{[<%]\s*/highlight\s*[>%]\}\}\s*$")
_PAIRED_OPEN = re.compile(r"^\s*\{\{[<%]\s*(?P<name>notice|hint|alert|admonition|callout|note|tip|"
                          r"warning|info|details)\b(?P<args>[^}\n]*?)\s*[>%]\}\}\s*$", re.I)
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
        return path.stem.split(".")[0] == "index" or not any(path.parent.glob("index.*md"))

    def slug(self, path: Path) -> str:
        return path.parent.name if path.stem.split(".")[0] == "index" else path.stem

    def image_roots(self, name: str, ctx: PostContext) -> list[Path]:
        if not name.startswith("/"):
            return []
        roots = [ctx.site_root / "static", ctx.site_root / "assets"]
        roots += sorted(ctx.site_root.glob("themes/*/static"))
        return roots

    def fences(self, text: str, ctx: PostContext) -> str:
        return block_tags(text, _HIGHLIGHT_OPEN, _HIGHLIGHT_CLOSE, _highlight)

    def prose(self, chunk: str, first_line: int, ctx: PostContext) -> str:
        chunk = on_lines(chunk, _paired)
        chunk = sub_prose(_REF_LINK, lambda m, line: m.group("text"), chunk, first_line)
        chunk = sub_prose(_SHORTCODE, lambda m, line: _shortcode(m, ctx.file_line(line), ctx), chunk, first_line)
        return self.images(chunk, first_line, ctx)


def _highlight(match: re.Match[str], inner: list[str]) -> tuple[str, str]:
    positional, _ = split_args(match.group("args"))
    fence = fence_for(inner)
    return fence + (positional[0] if positional else ""), fence


def _paired(lines: list[str]) -> None:
    """Callout-like paired shortcodes (``notice``, ``hint``, ``details`` …) → admonitions."""
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
            title = named.get("title") or named.get("summary") or (positional[0] if positional else "")
            indent_block(lines, index, stop, admonition_head("note" if name == "details" else kind, title))
            index = stop
        index += 1


def _shortcode(match: re.Match[str], line: int, ctx: PostContext) -> str:
    if match.group("c"):  # {{</* x */>}}: Hugo's way to show a shortcode as text
        return "{{" + match.group("c") + match.group("inner") + (">" if match.group("c") == "<" else "%") + "}}"
    name = match.group("name").lower()
    positional, named = split_args(match.group("args"))
    if match.group("end"):
        return ""  # the opener was converted or warned about
    if name == "figure" and named.get("src"):
        caption = named.get("caption") or named.get("title") or ""
        return image_markdown(named["src"], named.get("alt") or caption, caption, named.get("width", ""))
    if name in _LINKS:
        label, url = _LINKS[name]
        ids = [named.get("id") or named.get("user") or "", *positional] if named else positional
        ids = [i for i in ids if i]
        if ids and url.count("{") <= len(ids):
            return f"[{label}]({url.format(*ids)})"
    opener, closer = ("{{<", ">}}") if match.group("d") == "<" else ("{{%", "%}}")
    ctx.warn(line, f"Hugo shortcode {opener} {name} {closer} removed: WeChat cannot show it", code="shortcode-removed")
    return ""
