"""Hexo: ``source/_posts``, ``source/`` images and post asset folders, Nunjucks tag plugins.

Source: hexo.io/docs/writing (``source/_posts``, ``_drafts``), /docs/asset-folders
(``post_asset_folder``: images in a folder named like the post; ``asset_img``), /docs/tag-plugins
(``codeblock``, ``blockquote``, ``img``, ``link``, ``post_link``, ``youtube``, ``vimeo``, ``iframe``),
and the folding tags of the common plugins and themes (``spoiler``, ``folding``, ``hideToggle``).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote, unquote

import yaml

from mdwx.source.front_keys import silent_keys
from mdwx.source.generators.base import (
    URL_OR_ANCHOR,
    FrontMatterLoader,
    PostContext,
    admonition_head,
    html_or_markdown,
    indent_block,
    link_html_or_markdown,
    split_args,
)
from mdwx.source.generators.hexo_url import locate_by_url
from mdwx.source.generators.liquid import Liquid
from mdwx.source.generators.text import next_lines, outside_code, sub_prose

#: Hexo's own page keys and those of its common themes (declared in
#: :mod:`mdwx.source.front_keys`): read silently.
SILENT = silent_keys("hexo")
_SEPARATOR = re.compile(r"^-{3,}[ \t]*$")
_YAML_KEY = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)[ \t]*:(?:[ \t]|$)")
_NUMBER = re.compile(r"^\d+(?:px|%)?$")
_BLOCKQUOTE_OPEN = re.compile(
    r"^\s*\{%-?\s*(?:blockquote|quote|pullquote)\b(?P<args>[^%\n]*?)\s*-?%\}\s*$"
)
_BLOCKQUOTE_CLOSE = re.compile(r"^\s*\{%-?\s*end(?:blockquote|quote|pullquote)\s*-?%\}\s*$")
_NOTE_OPEN = re.compile(r"^\s*\{%-?\s*(?:note|alert|callout|tip)\b(?P<args>[^%\n]*?)\s*-?%\}\s*$")
_NOTE_CLOSE = re.compile(r"^\s*\{%-?\s*end(?:note|alert|callout|tip)\s*-?%\}\s*$")
_FOLD_OPEN = re.compile(
    r"^\s*\{%-?\s*(?P<name>spoiler|details|fold|folding|hideToggle|collapse)\b"
    r"(?P<args>[^%\n]*?)\s*-?%\}\s*$"
)
_FOLD_CLOSE = re.compile(
    r"^\s*\{%-?\s*end(?:spoiler|details|fold|folding|hideToggle|collapse)\s*-?%\}\s*$"
)
_MATH_OPEN = re.compile(r"^\s*\{%-?\s*(?:math|katex|mathjax)\b(?P<args>[^%\n]*?)\s*-?%\}\s*$")
_MATH_CLOSE = re.compile(r"^\s*\{%-?\s*end(?:math|katex|mathjax)\s*-?%\}\s*$")
_INLINE_MATH = re.compile(
    r"\{%-?\s*(?P<kind>math|katex|mathjax)\s*-?%\}(?P<tex>[^\n]{1,2000}?)"
    r"\{%-?\s*end(?P=kind)\s*-?%\}"
)
_NOTE_KINDS = {
    "default",
    "primary",
    "info",
    "success",
    "warning",
    "danger",
    "note",
    "tip",
    "important",
}


class Hexo(Liquid):
    name = "hexo"
    tag_name = "Hexo"
    silent_keys = SILENT

    def is_post(self, path: Path, root: Path) -> bool:
        try:
            path.relative_to(root / "source" / "_posts")
        except ValueError:
            return False
        return not path.name.startswith("_")

    def split(self, text: str) -> tuple[dict[str, object], dict[str, int], str, int] | None:
        """Hexo's front matter without the opening separator: the lines before the first
        ``---`` line, when they read as a YAML mapping (hexo-front-matter's ``split``)."""
        lines = text.split("\n")
        end = next((i for i, line in enumerate(lines) if _SEPARATOR.match(line)), None)
        if not end or not _YAML_KEY.match(lines[0]):
            return None
        try:
            front = yaml.load("\n".join(lines[:end]), Loader=FrontMatterLoader)  # noqa: S506 (a safe loader)
        except (yaml.YAMLError, RecursionError, ValueError, TypeError, OverflowError):
            return None  # not front matter after all (a date YAML cannot hold is a ValueError)
        if not isinstance(front, dict) or not front:
            return None
        key_lines: dict[str, int] = {}
        for number, line in enumerate(lines[:end], start=1):
            key = _YAML_KEY.match(line)
            if key:
                key_lines.setdefault(key.group("key"), number)
        return (
            {str(k): v for k, v in front.items()},
            key_lines,
            "\n".join(lines[end + 1 :]),
            end + 2,
        )

    def image_roots(self, name: str, ctx: PostContext) -> list[Path]:
        if name.startswith("/"):
            return [ctx.site_root / "source", *sorted(ctx.site_root.glob("themes/*/source"))]
        return [ctx.path.parent / ctx.path.stem]  # post_asset_folder (marked.postAsset)

    def locate(self, reference: str, ctx: PostContext) -> Path | None:
        """As every generator's, then as a reader's browser finds it: relative to the post's
        URL, inside the post's asset folder or ``source/`` (:mod:`.hexo_url`)."""
        found = super().locate(reference, ctx)
        name = unquote(reference.split("#")[0].split("?")[0])
        if found is not None or not name or "\0" in name or URL_OR_ANCHOR.match(reference):
            return found
        if not name.startswith("/") and ctx.inside(ctx.path.parent / name):
            return None  # already right: left as written
        placed = locate_by_url(name, ctx.path, ctx.site_root, ctx.front)
        if placed is None:
            return None
        folder, rest = placed
        source = ctx.site_root / "source"
        roots = (
            [source, *sorted(ctx.site_root.glob("themes/*/source"))]
            if folder == source
            else [folder]
        )
        return next((base / rest for base in roots if rest and ctx.inside(base / rest)), None)

    def cover_keys(self) -> tuple[str, ...]:
        return ("index_img", "banner_img", "top_img")

    def front_matter(
        self, front: dict[str, object], lines: dict[str, int], ctx: PostContext
    ) -> tuple[dict[str, object], dict[str, int]]:
        """As every generator's, and a post that writes NexT's math tags renders math: the
        tag itself says the writer's theme draws formulas, whatever the site's setting."""
        mapped, out_lines = super().front_matter(front, lines, ctx)
        if not any(key in front for key in ("math", "mathjax", "katex")) and _uses_math_tags(
            ctx.body
        ):
            mapped["math"] = True
        return mapped, out_lines

    def fences(self, text: str, ctx: PostContext) -> str:
        # Paired tags over the whole body: a note or quote may hold fenced code.
        return outside_code(super().fences(text, ctx), _pairs)

    def prose(self, chunk: str, first_line: int, ctx: PostContext) -> str:
        self.note_html_blocks(chunk, first_line, ctx)
        chunk = sub_prose(
            _INLINE_MATH, lambda m, line: f"${m.group('tex').strip()}$", chunk, first_line
        )
        return super().prose(chunk, first_line, ctx)

    def tag(self, name: str, args: str, line: int, ctx: PostContext) -> str | None:
        positional, named = split_args(args)
        if name in ("asset_img", "img", "image"):
            return _image(name, positional, '"' in args, ctx, line)
        if name == "asset_path" and positional:
            return _asset(positional[0], ctx)
        if name == "spoiler" and args.strip():  # hexo-spoiler's inline {% spoiler text %}: the text
            return " ".join(positional)
        if name == "asset_link" and positional:
            return " ".join(positional[1:]) or positional[0]  # a file download: its title as text
        if name in ("post_link", "post_path"):
            return " ".join(positional[1:2] or positional[:1])
        if name == "link" and len(positional) >= 2:
            url = next((p for p in positional if re.match(r"https?://", p)), "")
            text = " ".join(p for p in positional if p != url and p not in ("true", "false"))
            return link_html_or_markdown(ctx, line, text or url, url) if url else None
        for tag, label, pattern in (
            ("youtube", "YouTube video", "https://www.youtube.com/watch?v={}"),
            ("vimeo", "Vimeo video", "https://vimeo.com/{}"),
            ("iframe", "", "{}"),
        ):
            if name == tag and positional:
                url = pattern.format(positional[0])
                return link_html_or_markdown(ctx, line, label or url, url)
        return None


def _asset(name: str, ctx: PostContext) -> str:
    """A post-asset-folder file as a reference relative to the post."""
    return quote(f"{ctx.path.stem}/{name}", safe="/")


def _image(
    name: str, positional: list[str], quoted: bool, ctx: PostContext, line: int
) -> str | None:
    """``{% asset_img [class] slug [w] [h] [title [alt]] %}`` / ``{% img [class] src … %}``."""
    words = list(positional)
    pick = next((i for i, w in enumerate(words) if "." in w or "/" in w), None)
    if pick is None:
        return None
    source = words[pick]
    rest = words[pick + 1 :]
    width = rest.pop(0) if rest and _NUMBER.match(rest[0]) else ""
    if rest and _NUMBER.match(rest[0]):
        rest.pop(0)
    title, alt = (
        (rest[0], rest[1]) if quoted and len(rest) == 2 else (" ".join(rest), " ".join(rest))
    )
    if name == "asset_img":
        source = _asset(source, ctx)
    return html_or_markdown(ctx, line, source, alt, title, width)


def _pairs(lines: list[str]) -> None:
    index, end = 0, len(lines)
    kinds = [
        (opener, next_lines(lines, closer.match), convert)
        for opener, closer, convert in (
            (_BLOCKQUOTE_OPEN, _BLOCKQUOTE_CLOSE, _quote),
            (_NOTE_OPEN, _NOTE_CLOSE, _note),
            (_MATH_OPEN, _MATH_CLOSE, _math),
            (_FOLD_OPEN, _FOLD_CLOSE, _fold),
        )
    ]
    while index < end:
        for opener, closers, convert in kinds:
            match = opener.match(lines[index])
            stop = closers[index] if match else None
            if match and stop is not None:
                convert(lines, index, stop, match.group("args").strip())
                index = stop
                break
        index += 1


def _uses_math_tags(body: str) -> bool:
    """Whether ``body`` uses a ``{% math %}`` (``katex``, ``mathjax``) tag, code included: a post
    showing the tag in code is about math anyway, and math on only changes how dollars read."""
    if "{%" not in body:
        return False
    lines = body.split("\n")
    return any(_MATH_OPEN.match(line) for line in lines) or _INLINE_MATH.search(body) is not None


def _math(lines: list[str], start: int, stop: int, args: str) -> None:
    """NexT's ``{% math %}`` … ``{% endmath %}`` (also ``katex``/``mathjax``) → a ``$$`` display formula."""
    lines[start], lines[stop] = "$$", "$$"


def _quote(lines: list[str], start: int, stop: int, args: str) -> None:
    """``{% blockquote author, source link %}`` … ``{% endblockquote %}`` → a Markdown quote."""
    for index in range(start + 1, stop):
        lines[index] = "> " + lines[index]
    author = re.sub(r"\s*https?://\S+.*$", "", args).strip()
    credit = f"> — {author}" if author else ">"
    # The credit goes last, as Hexo shows it, unless the line after would then run on into
    # the quote (a lazy continuation line): then it goes first and the closer stays blank.
    follows = stop + 1 < len(lines) and lines[stop + 1].strip()
    lines[start], lines[stop] = (credit, "") if follows else (">", credit if author else "")


def _fold(lines: list[str], start: int, stop: int, args: str) -> None:
    """A folded block → a callout showing its title and what it holds (WeChat cannot fold):
    ``{% spoiler Title %}`` (hexo-sliding-spoiler), ``{% details Title %}``, ``{% fold Title %}``,
    ``{% folding [options,] Title %}`` (Volantis, Stellar: the title follows the last comma)
    and ``{% hideToggle Title[,bg,color] %}`` (Butterfly: the title precedes the first comma)."""
    name = _FOLD_OPEN.match(lines[start]).group("name")  # type: ignore[union-attr]
    if name == "hideToggle":
        args = args.split(",")[0]
    elif name == "folding" and "," in args:
        args = args.rsplit(",", 1)[1]
    positional, _ = split_args(args)
    indent_block(lines, start, stop, admonition_head("note", " ".join(positional)))


def _note(lines: list[str], start: int, stop: int, args: str) -> None:
    """NexT / Butterfly ``{% note info Title %}`` … ``{% endnote %}`` → a callout."""
    words = args.split()
    kind = next((w for w in words if w.lower() in _NOTE_KINDS), "note")
    title = " ".join(
        w
        for w in words
        if w != kind
        and w not in ("flat", "simple", "modern", "disabled", "no-icon")
        and not w.startswith("fa")
    )
    kind = {"default": "note", "primary": "note", "danger": "caution"}.get(
        kind.lower(), kind.lower()
    )
    indent_block(lines, start, stop, admonition_head(kind, title))
