"""Obsidian vaults: ``![[embeds]]`` found by name, ``[[wikilinks]]``, ``==highlights==``,
``%%comments%%``, callouts with titles, block ids.

Source: help.obsidian.md — Internal links, Embed files, Basic formatting syntax (highlight,
comments), Callouts; ``.obsidian/app.json`` ``attachmentFolderPath`` and the core Templates
plugin's ``.obsidian/templates.json`` ``folder``.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote

from mdwx.errors import MdwxError
from mdwx.files.reader import read_config_text
from mdwx.source.front_keys import silent_keys
from mdwx.source.generators.base import Generator, PostContext, admonition_head, image_markdown
from mdwx.source.generators.text import each_prose, on_lines, sub_prose

#: Obsidian's own page keys and those of its common themes (declared in
#: :mod:`mdwx.source.front_keys`): read silently.
SILENT = silent_keys("obsidian")
IMAGE_EXTENSIONS = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".svg", ".avif"}
VIDEO_EXTENSIONS = {".mp4", ".webm", ".mov", ".mkv", ".ogv"}
ALERT_KINDS = {"note", "tip", "important", "warning", "caution"}
_MAX_FILES = 200_000
_COMMENT = re.compile(r"%%[\s\S]*?%%")
_EMBED = re.compile(r"!\[\[(?P<target>[^\[\]|\n\\]{0,256})(?:\\?\|(?P<rest>[^\[\]\n]{0,256}))?\]\]")
_WIKILINK = re.compile(
    r"\[\[(?P<target>[^\[\]|\n\\]{0,256})(?:\\?\|(?P<alias>[^\[\]\n]{0,256}))?\]\]"
)
_HIGHLIGHT = re.compile(r"(?<![=\\])==(?=[^\s=])(?P<text>[^\n]{0,256}?[^\s=\\])==(?!=)")
_BLOCK_ID = re.compile(r"(?<=\S)[ \t]+\^[A-Za-z0-9-]+(?=[ \t]*$)", re.M)
_CALLOUT = re.compile(r"^> ?\[!(?P<kind>[\w-]+)\](?P<fold>[+-]?)[ \t]*(?P<title>.*)$")
_H1 = re.compile(r"^ {0,3}#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")
_SIZE = re.compile(r"^\s*(?P<w>\d{1,4})(?:x\d{1,4})?\s*$")


def uses_vault_syntax(body: str) -> bool:
    """Whether a note uses Obsidian's own links (``![[embed]]`` / ``[[wikilink]]``) outside code."""
    if "[[" not in body:
        return False
    found = False

    def seen(chunk: str, first: int) -> str:
        nonlocal found

        def note(match: re.Match[str], line: int) -> str:
            nonlocal found
            # A note's name, not a POSIX class ([[:space:]]) or a TOML table ([[servers]] has no space
            # either, but sits in code): Obsidian's names start with a letter or digit.
            found = found or bool(re.match(r"[^\W_]", match.group("target")))
            return match.group(0)

        if not found:
            sub_prose(_WIKILINK, note, chunk, first)
        return chunk

    each_prose(body, seen)
    return found


class Obsidian(Generator):
    name = "obsidian"
    silent_keys = SILENT

    def is_post(self, path: Path, root: Path) -> bool:
        try:
            parts = path.relative_to(root).parts
        except ValueError:
            return False
        if any(part.startswith(".") for part in parts) or path.name.endswith(".excalidraw.md"):
            return False
        return not any(path.is_relative_to(root / folder) for folder in _templates(root))

    def front_matter(
        self, front: dict[str, Any], lines: dict[str, int], ctx: PostContext
    ) -> tuple[dict[str, Any], dict[str, int]]:
        """A note's title: its front matter's, else a ``# heading`` opening the note, else its
        file name (Obsidian's inline title) — never a heading further down the note."""
        mapped, out_lines = super().front_matter(front, lines, ctx)
        if not isinstance(front.get("title"), str) or not front["title"].strip():
            first = next((line for line in ctx.body.split("\n") if line.strip()), "")
            if not _H1.match(first):
                mapped["title"] = ctx.path.stem
        return mapped, out_lines

    def cover_reference(self, value: str, ctx: PostContext) -> str:
        inner = re.fullmatch(r"!?\[\[([^\]|]+)(?:\|[^\]]*)?\]\]", value)
        return super().cover_reference(inner.group(1) if inner else value, ctx)

    def prose(self, chunk: str, first_line: int, ctx: PostContext) -> str:
        chunk = sub_prose(_COMMENT, lambda m, line: "", chunk, first_line)
        chunk = on_lines(chunk, _callouts)
        chunk = sub_prose(
            _EMBED, lambda m, line: self._embed(m, ctx.file_line(line), ctx), chunk, first_line
        )
        chunk = sub_prose(_WIKILINK, lambda m, line: _link_text(m), chunk, first_line)
        chunk = sub_prose(
            _HIGHLIGHT, lambda m, line: f"<mark>{m.group('text')}</mark>", chunk, first_line
        )
        chunk = sub_prose(_BLOCK_ID, lambda m, line: "", chunk, first_line)
        return self.images(chunk, first_line, ctx)

    def _embed(self, match: re.Match[str], line: int, ctx: PostContext) -> str:
        target = match.group("target").strip()
        parts = (
            [p.strip() for p in (match.group("rest") or "").split("|")]
            if match.group("rest")
            else []
        )
        name = target.split("#")[0]
        suffix = Path(name).suffix.lower()
        if suffix in IMAGE_EXTENSIONS or suffix in VIDEO_EXTENSIONS:
            found = self.locate(name, ctx)
            width = next((size.group("w") for p in parts if (size := _SIZE.match(p))), "")
            alt = next((p for p in parts if p and not _SIZE.match(p)), "")
            return image_markdown(ctx.relative(found, name) if found else name, alt, "", width)
        what = "note" if suffix in ("", ".md") else f"{suffix[1:]} file"
        ctx.warn(
            line,
            f"Obsidian embed ![[{target}]] of a {what} shown as its name: WeChat cannot embed it",
            code="embed-as-name",
        )
        return parts[0] if parts and not _SIZE.match(parts[0]) else _display(target)

    def locate(self, reference: str, ctx: PostContext) -> Path | None:
        found = super().locate(reference, ctx)
        if found is not None or not reference or re.match(r"^[A-Za-z][\w+.-]*:|^//", reference):
            return found
        name = unquote(reference).lstrip("/")
        if ctx.inside(ctx.path.parent / name):
            return None  # already right as written
        for base in (ctx.site_root, *_attachment_folders(ctx)):
            if ctx.inside(base / name):
                return base / name
        return _by_name(Path(name).name, ctx)


def _display(target: str) -> str:
    page, _, heading = target.partition("#")
    heading = "" if heading.startswith("^") else heading  # a block reference names no text
    page = Path(page).stem if page.endswith(".md") else page
    return " > ".join(part for part in (page.strip(), heading.strip()) if part)


def _link_text(match: re.Match[str]) -> str:
    alias = match.group("alias")
    return alias.strip() if alias and alias.strip() else _display(match.group("target"))


def _callouts(lines: list[str]) -> None:
    """``> [!type]± Title`` callouts the GitHub alert syntax cannot hold (a title, a fold
    marker, an Obsidian-only type) become admonitions, line for line."""
    index, end = 0, len(lines)
    while index < end:
        match = _CALLOUT.match(lines[index])
        if match and (
            match.group("title").strip()
            or match.group("fold")
            or match.group("kind").lower() not in ALERT_KINDS
        ):
            stop = index + 1
            while stop < end and lines[stop].startswith(">"):
                body = lines[stop][1:]
                body = body[1:] if body.startswith(" ") else body
                lines[stop] = "    " + body if body.strip() else ""
                stop += 1
            lines[index] = admonition_head(match.group("kind"), match.group("title").strip())
            index = stop
            continue
        index += 1


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(read_config_text(path))
    except (MdwxError, ValueError, RecursionError):  # unreadable, not JSON, too deep, a huge number
        return {}
    return data if isinstance(data, dict) else {}


def _templates(root: Path) -> list[str]:
    """The vault's template folders (core Templates and Templater), never published."""
    folders = [
        _read_json(root / ".obsidian" / "templates.json").get("folder"),
        _read_json(root / ".obsidian" / "plugins" / "templater-obsidian" / "data.json").get(
            "templates_folder"
        ),
    ]
    return [f.strip("/") for f in folders if isinstance(f, str) and f.strip("/")]


def _attachment_folders(ctx: PostContext) -> list[Path]:
    """Where Obsidian puts new attachments (app.json ``attachmentFolderPath``)."""
    setting = _read_json(ctx.site_root / ".obsidian" / "app.json").get("attachmentFolderPath")
    if not isinstance(setting, str) or setting in ("", "/"):
        return []
    if setting == "./" or setting.startswith("./"):
        return [ctx.path.parent / setting[2:]]
    return [ctx.site_root / setting]


def _vault_index(root: Path) -> dict[str, list[Path]]:
    """Every file of the vault by name and by lower-cased name; one walk per post, at most
    ``_MAX_FILES`` files, hidden folders (``.obsidian``, ``.trash``, ``.git``) skipped."""
    index: dict[str, list[Path]] = {}
    seen = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "node_modules")
        seen += len(files)
        if seen > _MAX_FILES:
            break
        for file in files:
            path = Path(folder) / file
            index.setdefault(file, []).append(path)
            if file.lower() != file:
                index.setdefault(file.lower(), []).append(path)
    return index


def _by_name(name: str, ctx: PostContext) -> Path | None:
    """A file named ``name`` anywhere in the vault, as Obsidian finds it: the shortest path
    wins, then alphabetical order; exact case before any case. Vaults nest (a folder of a
    vault opened as a vault of its own): the innermost is searched first, then each vault
    around it, so a picture pasted while the outer vault was open is still found."""
    if not name:
        return None
    for root in _vaults(ctx):
        memo = ctx.memo.get(f"vault:{root}")
        # The memo holds only what this function put there under a "vault:" key.
        index = cast("dict[str, list[Path]] | None", memo)
        if index is None:
            index = ctx.memo[f"vault:{root}"] = _vault_index(root)
        exact = [p for p in index.get(name, []) if p.name == name]
        folded = [p for p in index.get(name.lower(), []) if p.name != name]
        for group in (exact, folded):
            inside = [p for p in group if ctx.inside(p)]
            if inside:
                return min(inside, key=lambda p: (len(p.relative_to(root).parts), p.as_posix()))
    return None


def _vaults(ctx: PostContext) -> list[Path]:
    """The post's vault and the vaults around it, innermost first, inside mdwx's site root."""
    roots = [ctx.site_root]
    for folder in ctx.site_root.parents:
        if not folder.is_relative_to(ctx.confine):
            break
        if (folder / ".obsidian").is_dir():
            roots.append(folder)
    return roots
