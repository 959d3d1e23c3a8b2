"""Posts from other site generators, read as they are: Hugo, Hexo, Jekyll, Obsidian, MkDocs, Pelican.

A post inside a generator's site (detected from the layout, see :mod:`.detect`, or named by
``generator = "hugo"`` in ``mdwx.toml``) is adapted before mdwx validates it:

- its front matter is mapped onto mdwx's keys (``description``/``summary``/``excerpt`` →
  ``digest``, ``cover.image``/``images[0]``/``featured_image``/… → ``cover``,
  ``published: false`` → ``draft``), the generator's own keys read silently;
- its body is rewritten into the Markdown mdwx renders — shortcodes, tags, embeds and links
  converted, the rest removed with a warning naming ``file:line`` — keeping every line where
  it was, so later errors still point at the line the writer sees;
- its image references are pointed at the files the generator would serve.

Nothing here renders or uploads; reading the site's files is confined to mdwx's site root.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any

from mdwx.diagnostics import Diagnostic
from mdwx.errors import ArticleError
from mdwx.source.attribute_lists import attribute_list_kinds
from mdwx.source.generators import withheld
from mdwx.source.generators.base import Generator, PostContext
from mdwx.source.generators.detect import GENERATOR_NAMES, find_generator_root
from mdwx.source.generators.obsidian import uses_vault_syntax
from mdwx.source.line_breaks import kept_line_breaks
from mdwx.source.math_setting import math_enabled

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

__all__ = [
    "GENERATOR_NAMES",
    "GENERATORS",
    "Adapted",
    "Site",
    "adapt",
    "site_for",
    "split_front_matter",
    "toml_front_matter",
]

#: Each generator's module and class, by name.
_CLASSES = {
    "hugo": ("hugo", "Hugo"),
    "hexo": ("hexo", "Hexo"),
    "jekyll": ("jekyll", "Jekyll"),
    "obsidian": ("obsidian", "Obsidian"),
    "mkdocs": ("mkdocs", "MkDocs"),
    "pelican": ("pelican", "Pelican"),
}


class _Generators(Mapping[str, Generator]):
    """The generators by name, each module imported when its generator is first asked for:
    a site of plain Markdown files never loads the generators' rewriting rules (a fifth of
    a one-post ``check``'s start-up)."""

    def __init__(self) -> None:
        self._made: dict[str, Generator] = {}

    def __getitem__(self, name: str) -> Generator:
        if name not in self._made:
            module, made = _CLASSES[name]
            generator = getattr(import_module(f"mdwx.source.generators.{module}"), made)
            self._made[name] = generator()
        return self._made[name]

    def __iter__(self) -> Iterator[str]:
        return iter(_CLASSES)

    def __len__(self) -> int:
        return len(_CLASSES)


GENERATORS: Mapping[str, Generator] = _Generators()
# The default exclude that would hide _posts/ folders; generators judge '_' names themselves.
_UNDERSCORE_GLOB = "**/_*.md"


@dataclass(frozen=True)
class Site:
    """A generator's site: which generator, and the folder holding its layout."""

    generator: Generator
    root: Path

    def is_post(self, path: Path) -> bool:
        return self.generator.is_post(path, self.root)

    def exclude(self, patterns: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(p for p in patterns if p != _UNDERSCORE_GLOB)

    def include(self, patterns: tuple[str, ...]) -> tuple[str, ...]:
        """``patterns`` with each ``*.md`` glob also taking ``*.markdown``: every generator
        here reads both (Jekyll's and Hexo's default ``markdown_ext``, Hugo's content formats)."""
        more = tuple(p[:-3] + ".markdown" for p in patterns if p.endswith("*.md"))
        return tuple(dict.fromkeys(patterns + more))


@dataclass
class Adapted:
    """A post's front matter and body as mdwx reads them; the body has the same line count."""

    front: dict[str, object]
    key_lines: dict[str, int]
    body: str
    warnings: list[Diagnostic] = field(default_factory=list)
    #: Why the generator would not publish the post (a future date, an exclusion), or None.
    withheld: str | None = None
    written_as: dict[str, str] = field(default_factory=dict)  # see PostContext.written_as
    line_breaks: bool = False  # a single newline is a line break here (source/line_breaks.py)
    attribute_lists: frozenset[str] = frozenset()  # Hugo's kinds (source/attribute_lists.py)


def site_for(path: Path, config: Any) -> Site | None:
    """The generator site ``path`` belongs to, per ``config.generator`` ("auto", "none" or a name)."""
    setting = getattr(config, "generator", "auto") or "auto"
    if setting == "none":
        return None
    found = find_generator_root(path)
    if setting == "auto":
        return Site(GENERATORS[found[0]], found[1]) if found else None
    root = found[1] if found and found[0] == setting else config.root
    return Site(GENERATORS[setting], root)


def adapt(
    path: Path,
    config: Any,
    front: dict[str, object],
    key_lines: dict[str, int],
    body: str,
    body_line: int,
) -> Adapted | None:
    """The post at ``path`` read as its generator writes it, or None outside a generator's site."""
    marked = site_for(path, config)
    site = marked or _unmarked_vault(path, config, body)
    if site is None:
        return None
    math = math_enabled(
        front, getattr(config, "math", None), site.generator.name, site.root, path, config.root
    )
    ctx = PostContext(
        path=path,
        site_root=site.root,
        confine=config.root,
        body_line=body_line,
        digest_limit=config.limits.digest,
        front=front,
        body=body,
        math=math,
    )
    reason = site.generator.withheld(front, ctx, withheld.clock())
    mapped, lines = site.generator.front_matter(front, key_lines, ctx)
    rewrite = site.generator.body(body, ctx)
    if marked is None or (
        site.generator.name == "obsidian"
        and config.config_path is None
        and not (site.root / ".obsidian").is_dir()
    ):
        rewrite.warnings.append(
            Diagnostic(
                f"read as a note of an Obsidian vault at {site.root} (no .obsidian/ there): "
                "a note of the folder uses Obsidian's syntax",
                str(path),
                code="obsidian-vault",
            )
        )
    return Adapted(
        mapped,
        lines,
        rewrite.text,
        rewrite.warnings,
        withheld=reason,
        written_as=ctx.written_as,
        line_breaks=kept_line_breaks(site.generator.name, site.root),
        attribute_lists=attribute_list_kinds(site.generator.name, site.root),
    )


def _unmarked_vault(path: Path, config: Any, body: str) -> Site | None:
    """An Obsidian vault without ``.obsidian/`` (a vault kept in git without its settings, as
    Obsidian's own help is): a note outside any generator's site that uses Obsidian's own
    syntax — ``![[embeds]]`` or ``[[wikilinks]]`` outside code — is read as a note of a vault
    whose root is mdwx's site root, so its links and attachments are found as Obsidian finds
    them (a folder's notes are all read so when one of them is: :mod:`.vault_tree`). Only
    with ``generator = "auto"``."""
    if (getattr(config, "generator", "auto") or "auto") != "auto":
        return None
    if not uses_vault_syntax(body):
        return None
    return Site(GENERATORS["obsidian"], config.root)


def split_front_matter(
    text: str, path: Path, config: Any
) -> tuple[dict[str, object], dict[str, int], str, int] | None:
    """Front matter in the form only the post's generator reads (Hexo without the opening
    ``---``, Pelican's ``Key: value`` header): ``(front, key_lines, body, body_line)``, or None.
    Asked only when the ``---``/``+++`` rules every generator shares found none."""
    site = site_for(path, config)
    return site.generator.split(text) if site else None


_TOML_KEY = re.compile(r"""^\s*(?P<key>[A-Za-z0-9_-]+|"[^"]*"|'[^']*')\s*[=.]""")
_TOML_TABLE = re.compile(r"""^\s*\[\[?\s*(?P<key>[A-Za-z0-9_-]+|"[^"]*"|'[^']*')""")


# A bare decimal number written with leading zeros (``dateday = 07``), alone on its line.
_LEADING_ZEROS = re.compile(
    r"""^(?P<head>\s*(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')\s*=\s*[+-]?)0+"""
    r"(?P<number>\d[\d_]*(?:\.\d+)?[ \t]*(?:#.*)?)$"
)


def _read_toml(block: list[str]) -> dict[str, object]:
    """The TOML of ``block``; a decimal value with leading zeros (``dateday = 07``) is read
    as its number. TOML 1.0 refuses it, but the TOML reader Hugo used until 2021
    (BurntSushi/toml before v0.4) read it in base 10, and sites built then still hold such
    values (themes' ``dateday``/``datemonth`` keys). Any other error is raised as TOML's
    (``tomllib.TOMLDecodeError``)."""
    try:
        document: dict[str, object] = tomllib.loads("\n".join(block))
    except tomllib.TOMLDecodeError:
        lenient = [_LEADING_ZEROS.sub(r"\g<head>\g<number>", line) for line in block]
        if lenient == block:
            raise
        document = tomllib.loads("\n".join(lenient))  # what is still wrong is reported
    return document


def toml_front_matter(
    lines: list[str], path: Path
) -> tuple[dict[str, object], dict[str, int], str, int] | None:
    """Hugo's TOML front matter between ``+++`` lines: ``(front, key_lines, body, body_line)``,
    or None when the first line is not ``+++``, no closing ``+++`` follows, or what lies
    between does not start like TOML (a key, a ``[table]`` or a comment).

    Raises :class:`ArticleError` naming the file line of a TOML syntax error.
    """
    if not lines or lines[0].strip() != "+++":
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "+++"), None)
    if end is None:
        return None
    block = lines[1:end]
    first = next((line for line in block if line.strip()), "")
    if first and not (
        _TOML_KEY.match(first) or _TOML_TABLE.match(first) or first.lstrip().startswith("#")
    ):
        return None  # text between two +++ lines, not front matter
    try:
        front = _read_toml(block)
    except RecursionError:  # tomllib parses nested arrays and tables recursively
        raise ArticleError(
            "front matter is nested too deeply",
            path=path,
            line=1,
            hint="front matter holds plain keys and short lists",
        ) from None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = re.search(r"\(at line (\d+), column \d+\)", message)
        line = int(where.group(1)) + 1 if where else len(block) + 1  # "at end of document"
        problem = re.sub(r"\s*\(at (?:line \d+, column \d+|end of document)\)", "", message)
        raise ArticleError(
            f"invalid TOML front matter: {problem}",
            path=path,
            line=line,
            hint="check quotes and '=' signs; TOML strings need quotes",
        ) from None
    key_lines: dict[str, int] = {}
    in_table = False
    for index, text in enumerate(block):
        table = _TOML_TABLE.match(text)
        key = table or (None if in_table else _TOML_KEY.match(text))
        if table:
            in_table = True
        if key:
            key_lines.setdefault(key.group("key").strip("\"'"), index + 2)
    return front, key_lines, "\n".join(lines[end + 1 :]), end + 2
