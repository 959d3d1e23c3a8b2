"""Per-render state shared by the render rules through markdown-it's ``env``.

markdown-it render rules are plain functions of ``(tokens, idx, options, env)``; everything a
WeChat transform must remember across tokens (assets found so far, link reference numbers,
open lists, the current file line for messages) lives in one :class:`RenderContext` stored at
``env["mdwx"]``, so a render is reentrant and the cached parser holds no state.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from markdown_it.utils import EnvType

from mdwx.config import SiteConfig
from mdwx.diagnostics import Diagnostic
from mdwx.document import Asset, AssetKind, asset_key
from mdwx.errors import RenderError
from mdwx.markdown.env import ENV_KEY
from mdwx.render.sanitize import Hooks
from mdwx.render.spans import SpanCloses
from mdwx.urls import is_local


@dataclass
class ListState:
    """One open list: ordered lists count their items from ``start``."""

    ordered: bool
    next_number: int = 1
    width: str = ""  # class suffix of a list whose numbers need a wider hanging indent


@dataclass
class RenderContext:
    config: SiteConfig
    path: Path | None
    base_dir: Path
    line_offset: int = 1
    link_policy: str = "footnotes"
    pygments_style: str = "friendly"
    code_colour: str | None = None  # the theme's code block colour: lets a block pick its own
    code_background: str | None = None  # the site's code_style's background (None: the theme's)
    line: int | None = None
    assets: dict[str, Asset] = field(default_factory=dict)
    warnings: list[Diagnostic] = field(default_factory=list)
    errors: list[RenderError] = field(
        default_factory=list
    )  # collected: the render goes on past them
    link_numbers: dict[str, int] = field(default_factory=dict)
    link_texts: dict[str, str] = field(default_factory=dict)
    lists: list[ListState] = field(default_factory=list)
    open_links: list[str] = field(default_factory=list)  # closing HTML per open link
    in_figure: bool = False  # inside a paragraph rendered as a figure section
    cjk: bool = False  # the text is Chinese/Japanese/Korean: section titles follow it
    lang: str = "en"  # the article's language (BCP 47): callout titles follow it
    raw_hooks: Hooks | None = None  # sanitizer hooks shared by every raw-HTML fragment
    math: bool = True  # whether $…$ is math in what is rendered (the post's setting)
    line_breaks: bool = False  # a single newline is a <br> (the post's generator keeps them)
    attribute_lists: frozenset[str] = frozenset()  # Goldmark list kinds dropped (Hugo's)
    fallbacks: dict[str, str] = field(
        default_factory=dict
    )  # asset key → HTML if it cannot be drawn
    hidden_line: int | None = None  # where the never-shown element left open started
    span_closes: SpanCloses = field(default_factory=SpanCloses)  # closing tags of one span
    pending_prefix: str = ""  # marker written into the next paragraph (list items, notes)
    # A reference the generator's rules rewrote → as written (Article.written_as).
    written_as: dict[str, str] = field(default_factory=dict)

    def warn(self, message: str, line: int | None = None, *, code: str = "warning") -> None:
        """Record a warning at ``line`` (default: the block being rendered) under ``code``."""
        where = str(self.path) if self.path is not None else None
        self.warnings.append(
            Diagnostic(message, where, line if line is not None else self.line, code=code)
        )

    def error(self, message: str, line: int | None = None, hint: str | None = None) -> RenderError:
        return RenderError(
            message, path=self.path, line=line if line is not None else self.line, hint=hint
        )

    def local_path(self, source: str) -> Path | None:
        """Where a local reference points, resolved against the post's folder (no I/O).

        Remote and ``data:`` sources have none; a leading ``/`` means the site root, as in
        static site generators.
        """
        if not is_local(source):
            return None
        if source.startswith("/"):
            return Path(os.path.normpath(self.config.root / source.lstrip("/")))
        return Path(os.path.normpath(self.base_dir / source))

    def _site_relative(self, path: Path) -> str:
        """A path keyed from the site root, so placeholders do not depend on the checkout."""
        try:
            return path.relative_to(self.config.root).as_posix()
        except ValueError:
            return path.as_posix()

    def add_asset(
        self,
        kind: AssetKind,
        source: str,
        *,
        alt: str = "",
        display: bool = False,
        language: str = "",
    ) -> Asset:
        """Record an asset once (first appearance wins) and return it."""
        local = None if kind in (AssetKind.FORMULA, AssetKind.DIAGRAM) else self.local_path(source)
        # Key on the resolved file: "qr.png" beside a footer template and beside the post are
        # different pictures.
        keyed = (
            self._site_relative(local) if local else f"{language}\0{source}" if language else source
        )
        key = asset_key(kind, keyed, display)
        asset = self.assets.get(key)
        if asset is None:
            written = self.written_as.get(source, "") if local else ""
            asset = Asset(key, kind, source, self.line, alt, display, local, language, written)
            self.assets[key] = asset
        return asset

    def link_number(self, url: str, text: str) -> int:
        """The reference number of ``url``: the same URL twice keeps its first number."""
        number = self.link_numbers.get(url)
        if number is None:
            number = self.link_numbers[url] = len(self.link_numbers) + 1
            self.link_texts[url] = text
        return number


def context_of(env: EnvType) -> RenderContext:
    """The render context the pipeline put in markdown-it's ``env`` (a ``RenderContext``)."""
    context: RenderContext = env[ENV_KEY]
    return context


def source_reference(url: str) -> str:
    """The reference as the author wrote it: markdown-it percent-encodes local paths."""
    if not is_local(url):
        return url
    return unquote(url)
