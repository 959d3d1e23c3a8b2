"""What every generator shares: the post being read, front-matter mapping, image lookup.

A :class:`Generator` maps its front matter onto mdwx's keys (``digest``, ``cover``, ``draft``,
``slug``, ``author``), lists the keys it knows and mdwx ignores (no "unknown key" warning),
rewrites its Markdown dialect into the Markdown mdwx renders (see :mod:`.text`), and finds
the files its image references name, returning them as paths relative to the post.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from mdwx.diagnostics import Diagnostic
from mdwx.source.generators.text import Rewrite, each_prose, html_block_lines, sub_prose
from mdwx.source.yaml_load import Loader

# Keys every generator's themes use for the same ideas, in order of preference.
DIGEST_KEYS = ("description", "summary", "excerpt")
#: Cover keys as the most used themes declare them (front matter key, dotted for a nested one),
#: theme by theme: the first key of this table a post sets is its cover. To teach mdwx a theme,
#: add a row; its keys are then read as the cover and never reported as unknown.
THEME_COVER_KEYS: dict[str, tuple[str, ...]] = {
    "mdwx": ("cover",),
    "PaperMod": ("cover.image",),
    "Stack / Academic / Wowchemy": ("image", "image.filename", "image.path"),
    "Hugo (Open Graph)": ("images",),
    "FixIt / LoveIt / DoIt": ("featuredImagePreview", "featuredImage"),
    "Ananke / Jekyll themes": ("featured_image", "feature_image", "thumbnail"),
    "Fluid (Hexo)": ("index_img", "banner_img"),
    "Butterfly (Hexo)": ("top_img", "cover"),
    "NexT / Icarus (Hexo)": ("thumbnail", "banner", "cover_image"),
    "Hux (Jekyll)": ("header-img", "header_img"),
    "Minimal Mistakes (Jekyll)": ("header.teaser", "header.image", "header.overlay_image"),
    "Chirpy (Jekyll)": ("image.path",),
    "Beautiful Jekyll": ("cover-img", "thumbnail-img", "share-img"),
    "Obsidian Banners": ("banner",),
    "others": (
        "photos",
        "og_image",
        "featured",
        "hero",
        "heroImage",
        "headerImage",
        "header_image",
    ),
}
COVER_KEYS = tuple(dict.fromkeys(key for keys in THEME_COVER_KEYS.values() for key in keys))
#: Keys of the most used themes that mean nothing in WeChat (layout, comments, page chrome).
THEME_KEYS = frozenset(
    {
        "ShowToc",
        "TocOpen",
        "abstract",
        "admonition",
        "archives",
        "author-link",
        "authorLink",
        "author_link",
        "autoCollapseToc",
        "banner_img",
        "catalog",
        "code",
        "collections",
        "comment",
        "copyright",
        "cover-img",
        "cover_image",
        "description",
        "donate",
        "enableOutdatedInfo",
        "excerpt_separator",
        "featured",
        "featuredImage",
        "featuredImagePreview",
        "fontawesome",
        "fraction",
        "header-bg-css",
        "header-img",
        "header-mask",
        "header-style",
        "headerImage",
        "header_image",
        "header_img",
        "hero",
        "heroImage",
        "hidden",
        "hiddenFromHomePage",
        "hiddenFromRelated",
        "hiddenFromRss",
        "hiddenFromSearch",
        "iframe",
        "image",
        "image_caption",
        "img",
        "img_url",
        "index_img",
        "katex",
        "keywords",
        "library",
        "license",
        "lightgallery",
        "linkToMarkdown",
        "mapbox",
        "math",
        "mathjax",
        "mermaid",
        "message",
        "multilingual",
        "nav-short",
        "navcolor",
        "original",
        "outdatedInfoWarning",
        "password",
        "pic",
        "readingTime",
        "repost",
        "resources",
        "reward",
        "rssFullText",
        "ruby",
        "seo",
        "share",
        "share-img",
        "shortTitle",
        "showToc",
        "summary",
        "tags",
        "thumbnail-img",
        "toc",
        "top_img",
        "twemoji",
        "weight",
    }
)
# Known to the generators and their common themes, meaningless to WeChat: read silently.
COMMON_SILENT = (
    frozenset(
        {
            "date",
            "lastmod",
            "updated",
            "modified",
            "created",
            "publishDate",
            "expiryDate",
            "tags",
            "categories",
            "category",
            "layout",
            "weight",
            "aliases",
            "permalink",
            "url",
            "type",
            "toc",
            "math",
            "mathjax",
            "katex",
            "keywords",
            "lang",
            "language",
            "series",
            "subtitle",
            "sitemap",
            "published",
            "publish",
            "summary",
            "description",
            "excerpt",
            "header",
            "sticky",
            "top",
            "pin",
            "hidden",
            "author_profile",
            "share",
            "related",
            "canonical_url",
            "canonicalURL",
            "redirect_from",
            "redirect_to",
            "id",
            "uid",
        }
    )
    | THEME_KEYS
    | frozenset(key.partition(".")[0] for key in COVER_KEYS)
)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:|^//|^#")
URL_OR_ANCHOR = _SCHEME  # a reference that names no local file (scheme, //host, #anchor)
# ![alt](dest "title") — dest with no spaces, <dest with spaces>, or a picture's file name
# with spaces as note apps write it (Typora, Obsidian: ![](Pasted image 1.png)).
_IMAGE = re.compile(
    r"(?P<head>!\[(?:[^\[\]\\\n]|\\.){0,256}\]\(\s*)(?P<dest><[^>\n]{0,2000}>"
    r"|[^\s)\"'<][^)\n\"']{0,2000}?\.(?:png|jpe?g|gif|webp|bmp|svg|avif)(?=\s*(?:\)|\s[\"'(]))"
    r"|[^\s)]{1,2000})(?P<tail>[^)\n]{0,256}\))",
    re.I,
)
_IMG_SRC = re.compile(
    r"""(?P<head><img\b[^<>]{0,512}?\bsrc\s*=\s*)(?P<q>["'])(?P<dest>[^"'\n]*)(?P=q)""", re.I
)


#: The front matter's YAML loader (impossible dates stay text): one home, mdwx.source.yaml_load.
FrontMatterLoader = Loader


@dataclass
class PostContext:
    """One post being adapted: where it is, which site it belongs to, what went wrong."""

    path: Path  # the post, absolute
    site_root: Path  # the generator's site root (holds content/, _posts, .obsidian …)
    confine: Path  # mdwx's site root: no file outside it is ever named
    body_line: int  # file line where the body starts
    digest_limit: int = 120
    front: dict[str, object] = field(default_factory=dict)  # as written, for {{ page.title }}
    body: str = ""  # the body as written
    memo: dict[str, object] = field(default_factory=dict)  # per-post lookups (a vault's file index)
    html_lines: set[int] = field(default_factory=set)  # file lines inside raw HTML blocks
    math: bool = True  # whether the post's $ signs are math (mdwx.source.math_setting)
    warnings: list[Diagnostic] = field(default_factory=list)
    # A reference made relative to the post (unquoted, as the renderer reads it) → as written.
    written_as: dict[str, str] = field(default_factory=dict)

    def warn(self, line: int, message: str, code: str = "shortcode-removed") -> None:
        """Record a warning at file ``line`` under its stable ``code`` (see mdwx.diagnostics.CODES)."""
        self.warnings.append(Diagnostic(message, str(self.path), line, code=code))

    def file_line(self, body_line: int) -> int:
        return self.body_line + body_line - 1

    def relative(self, target: Path, written: str = "") -> str:
        """``target`` as a reference relative to the post, percent-encoded where Markdown needs it.

        ``written`` is the reference as the post wrote it: messages about the file name that
        (:attr:`written_as`), not the path mdwx derived."""
        relative = Path(os.path.relpath(target, self.path.parent)).as_posix()
        if written and written != relative:
            self.written_as[relative] = written
        return quote(relative, safe="/")

    def inside(self, target: Path) -> bool:
        try:
            real = Path(os.path.realpath(target))
        except (OSError, ValueError):
            return False
        return real.is_file() and real.is_relative_to(os.path.realpath(self.confine))


class Generator:
    """Defaults shared by the generators; each subclass overrides what its layout differs in."""

    name = ""
    silent_keys: frozenset[str] = frozenset()

    # --- posts --------------------------------------------------------------------------
    def is_post(self, path: Path, root: Path) -> bool:
        """Whether ``path`` (a Markdown file under ``root``) is a post of this site."""
        return not path.name.startswith("_")

    def slug(self, path: Path) -> str:
        return path.stem

    def withheld(self, front: dict[str, object], ctx: PostContext, now: datetime) -> str | None:
        """Why the generator would not publish this post at ``now`` (a future date, an
        exclusion in its config; see :mod:`.withheld`), or None."""
        return None

    def split(self, text: str) -> tuple[dict[str, object], dict[str, int], str, int] | None:
        """Front matter in this generator's own form, for a post mdwx's ``---``/``+++`` rules
        found none in: ``(front, key_lines, body, body_line)``, or None."""
        return None

    # --- front matter -------------------------------------------------------------------
    def front_matter(
        self, front: dict[str, object], lines: dict[str, int], ctx: PostContext
    ) -> tuple[dict[str, object], dict[str, int]]:
        """mdwx's front matter made from this generator's; silent keys dropped."""
        mapped = {k: v for k, v in front.items() if k not in COMMON_SILENT | self.silent_keys}
        out_lines = dict(lines)
        if "digest" not in front:
            self._digest(front, lines, mapped, out_lines, ctx)
        cover = self._cover(front, lines, ctx)
        if cover is not None:
            mapped["cover"], out_lines["cover"] = cover
        if front.get("published") is False or front.get("publish") is False:
            mapped["draft"] = True
        if isinstance(front.get("author"), (list, dict)):
            mapped["author"] = _author_name(front["author"])
        slug = self.slug(ctx.path)
        if "slug" not in front and slug != ctx.path.stem:
            mapped["slug"] = slug
        for key in ("date", "tags"):
            if key in front:
                mapped[key] = front[key]
        return mapped, out_lines

    def _digest(
        self,
        front: dict[str, object],
        lines: dict[str, int],
        mapped: dict[str, object],
        out_lines: dict[str, int],
        ctx: PostContext,
    ) -> None:
        for key in DIGEST_KEYS:
            value = front.get(key)
            if isinstance(value, str) and value.strip():
                text = " ".join(value.split())
                if len(text) > ctx.digest_limit:
                    ctx.warn(
                        lines.get(key, 1),
                        f"{key} is {len(text)} characters; the digest "
                        f"keeps the first {ctx.digest_limit - 1} and '…' (WeChat's limit)",
                        code="digest-length",
                    )
                    text = text[: ctx.digest_limit - 1].rstrip() + "…"
                mapped["digest"], out_lines["digest"] = text, lines.get(key, 1)
                return

    def _cover(
        self, front: dict[str, object], lines: dict[str, int], ctx: PostContext
    ) -> tuple[str, int] | None:
        for dotted in COVER_KEYS + self.cover_keys():
            top, _, sub = dotted.partition(".")
            value = front.get(top)
            if sub:
                value = value.get(sub) if isinstance(value, dict) else None
            if isinstance(value, list):
                value = value[0] if value else None
            if isinstance(value, str) and value.strip():
                return self.cover_reference(value.strip(), ctx), lines.get(top, 1)
        return None

    def cover_keys(self) -> tuple[str, ...]:
        """Cover keys of this generator's themes, tried after the common ones."""
        return ()

    def cover_reference(self, value: str, ctx: PostContext) -> str:
        """The cover as a reference relative to the post. Themes put a cover key's value
        after the site's base URL (Hux's ``{{ site.baseurl }}/{{ page.header-img }}``), so a
        relative value not found beside the post is looked for from the site's root too."""
        found = self.locate(value, ctx)
        if found is None and not value.startswith("/") and not _SCHEME.match(value):
            found = self.locate("/" + value, ctx)
        return ctx.relative(found, value) if found else value

    # --- body ---------------------------------------------------------------------------
    def body(self, text: str, ctx: PostContext) -> Rewrite:
        """The body rewritten into mdwx's Markdown, line for line; fenced code untouched."""
        text = self.fences(text, ctx)
        return Rewrite(
            each_prose(text, lambda chunk, first: self.prose(chunk, first, ctx)), ctx.warnings
        )

    def fences(self, text: str, ctx: PostContext) -> str:
        """Block tags that become fenced code (``{% highlight %}``), before fences are found."""
        return text

    def prose(self, chunk: str, first_line: int, ctx: PostContext) -> str:
        """One run of lines outside fenced code (starting at body line ``first_line``) rewritten."""
        return self.images(chunk, first_line, ctx)

    def note_html_blocks(self, chunk: str, first_line: int, ctx: PostContext) -> None:
        """Remember which file lines of ``chunk`` lie inside raw HTML blocks (see :func:`html_or_markdown`)."""
        ctx.html_lines = {ctx.file_line(first_line + index) for index in html_block_lines(chunk)}

    def images(self, text: str, first_line: int, ctx: PostContext) -> str:
        """Image references that name a file the generator would find, made relative to the post."""

        def markdown(match: re.Match[str], line: int) -> str:
            dest = match.group("dest")
            bare = dest[1:-1] if dest.startswith("<") else dest
            found = self.locate(bare, ctx)
            return (
                f"{match.group('head')}{ctx.relative(found, bare)}{match.group('tail')}"
                if found
                else match.group(0)
            )

        def html(match: re.Match[str], line: int) -> str:
            found = self.locate(match.group("dest"), ctx)
            quote_mark = match.group("q")
            return (
                f"{match.group('head')}{quote_mark}{ctx.relative(found, match.group('dest'))}{quote_mark}"
                if found
                else match.group(0)
            )

        text = sub_prose(_IMAGE, markdown, text, first_line)
        return sub_prose(_IMG_SRC, html, text, first_line)

    def locate(self, reference: str, ctx: PostContext) -> Path | None:
        """The file an image reference names, where this generator would find it, or None
        (then mdwx's own rules apply and report a missing file)."""
        if not reference or _SCHEME.match(reference):
            return None
        name = unquote(reference.split("#")[0].split("?")[0])
        if not name or "\0" in name:
            return None
        if not name.startswith("/") and ctx.inside(ctx.path.parent / name):
            return None  # already right: leave the writer's reference as written
        for base in self.image_roots(name, ctx):
            candidate = base / name.lstrip("/")
            if ctx.inside(candidate):
                return candidate
        return None

    def image_roots(self, name: str, ctx: PostContext) -> list[Path]:
        """Folders a reference ``name`` may be relative to, in the generator's order."""
        return [ctx.site_root] if name.startswith("/") else []


def _author_name(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("name") or value.get("display_name") or "")
    names = [_author_name(v) if isinstance(v, dict) else str(v) for v in value]
    return ", ".join(n for n in names if n)


_ARG = re.compile(
    r"""(?:(?P<key>[\w-]+)\s*(?:=|:(?!//))\s*)?(?P<value>"(?:[^"\\]|\\.)*"|'[^']*'|`[^`]*`|[^\s"'`]+)"""
)


def split_args(text: str) -> tuple[list[str], dict[str, str]]:
    """Shortcode / tag arguments: ``(positional, named)``, quotes removed."""
    positional: list[str] = []
    named: dict[str, str] = {}
    for match in _ARG.finditer(text):
        value = match.group("value")
        if value[:1] in "\"'`" and len(value) >= 2:
            value = value[1:-1].replace('\\"', '"')
        if match.group("key"):
            named[match.group("key").lower()] = value
        else:
            positional.append(value)
    return positional, named


def html_or_markdown(
    ctx: PostContext, line: int, src: str, alt: str = "", title: str = "", width: str = ""
) -> str:
    """An image for a shortcode or tag at file line ``line``: HTML ``<img>`` inside a raw HTML
    block (where Markdown is never parsed), else Markdown (:func:`image_markdown`)."""
    if line not in ctx.html_lines:
        return image_markdown(src, alt, title, width)
    attrs = [f'src="{escape(src)}"', f'alt="{escape(" ".join(alt.split()))}"']
    if title:
        attrs.append(f'title="{escape(" ".join(title.split()))}"')
    if re.fullmatch(r"\d{1,4}(?:px|%)?", width or ""):
        attrs.append(f'width="{escape(width)}"')
    return f"<img {' '.join(attrs)}>"


def link_html_or_markdown(ctx: PostContext, line: int, text: str, url: str) -> str:
    """A link for a shortcode or tag: ``<a>`` inside a raw HTML block, else ``[text](url)``."""
    if line in ctx.html_lines:
        return f'<a href="{escape(url)}">{escape(text)}</a>'
    label = re.sub(r"([\[\]\\])", r"\\\1", " ".join(text.split()))
    dest = f"<{url}>" if re.search(r"[\s()]", url) else url
    return f"[{label}]({dest})"


def image_markdown(src: str, alt: str = "", title: str = "", width: str = "") -> str:
    """``![alt](src "title"){width=…}`` with the parts escaped for Markdown."""
    alt = re.sub(r"([\[\]\\])", r"\\\1", " ".join(alt.split()))
    dest = f"<{src}>" if re.search(r"[\s()]", src) else src
    title = " ".join(title.split()).replace("\\", "\\\\").replace('"', '\\"')
    size = f"{{width={width}}}" if re.fullmatch(r"\d{1,4}(?:px|%)?", width or "") else ""
    return f"![{alt}]({dest}{f' {chr(34)}{title}{chr(34)}' if title else ''}){size}"


def indent_block(lines: list[str], start: int, end: int, head: str) -> None:
    """Lines ``start``..``end`` (the opener and closer lines of a paired tag) become an
    admonition: ``head`` on the opener, the lines between indented four spaces, the closer blank."""
    lines[start] = head
    for index in range(start + 1, end):
        lines[index] = "    " + lines[index] if lines[index].strip() else ""
    lines[end] = ""


def admonition_head(kind: str, title: str = "") -> str:
    title = " ".join(title.split()).replace('"', "'")
    kind = re.sub(r"[^\w-]", "", kind.lower()) or "note"
    return f'!!! {kind} "{title}"' if title else f"!!! {kind}"
