"""Block transforms: paragraphs and figures, callouts, tables and Markdown footnotes.

GitHub alerts (``> [!NOTE]``), ``!!! note`` admonitions and ``::: tip`` containers all become
one ``<section class="callout callout-KIND">`` so a theme styles five kinds once. Footnotes
get their own notes section without back-links (in-page anchors are rejected by WeChat).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.container import container_plugin

from mdwx.markdown.callouts import CALLOUT_KINDS, callout_kind
from mdwx.render.context import context_of
from mdwx.render.render_rule import RenderRule, add_rules

__all__ = ["CALLOUT_KINDS", "CONTAINER_NAMES", "blocks_plugin", "callout_kind"]

CONTAINER_NAMES = ("tip", "note", "info", "warning", "danger", "important", "caution", "success")


def is_single_media(inline: Token | None) -> bool:
    """True for a paragraph holding one image (optionally inside one link) and nothing else."""
    if inline is None or inline.type != "inline" or not inline.children:
        return False
    kinds = [c.type for c in inline.children if not (c.type == "text" and not c.content.strip())]
    return kinds in (["image"], ["link_open", "image", "link_close"])


def _paragraph_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    ctx = context_of(env)
    prefix, ctx.pending_prefix = ctx.pending_prefix, ""
    if not prefix and is_single_media(tokens[idx + 1] if idx + 1 < len(tokens) else None):
        ctx.in_figure = True
        return '<section class="figure">'
    return prefix if tokens[idx].hidden else f"<p>{prefix}"


def _paragraph_close(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    ctx = context_of(env)
    if ctx.in_figure:
        ctx.in_figure = False
        return "</section>\n"
    return "" if tokens[idx].hidden else "</p>\n"


def _callout_open(kind: str, title: str | None = None) -> str:
    head = f'<p class="callout-title">{escape(title, quote=False)}</p>' if title else ""
    return f'<section class="callout callout-{kind}">{head}\n'


def _alert_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return _callout_open(callout_kind(str((tokens[idx].meta or {}).get("kind", "note"))))


def _admonition_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return _callout_open(callout_kind(str((tokens[idx].meta or {}).get("tag", "note"))))


def _callout_title_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return '<p class="callout-title">'


def _container(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    if token.nesting != 1:
        return "</section>\n"
    name, _, title = token.info.strip().partition(" ")
    return _callout_open(callout_kind(name), title.strip() or None)


def _is_callout(params: str, *args: Any) -> bool:
    """One container rule for every kind: each extra rule costs a call per line parsed."""
    return params.strip().split(" ", 1)[0].lower() in CONTAINER_NAMES


def _close_section(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return "</section>\n"


def _close_p(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return "</p>\n"


def _table_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return '<section class="table-wrap"><table>\n'


def _table_close(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return "</table></section>\n"


def _footnote_ref(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    number = int((tokens[idx].meta or {}).get("id", 0)) + 1
    return f'<sup class="fnref">({number})</sup>'


def _notes_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    title = "注释" if context_of(env).cjk else "Notes"
    return f'<section class="notes"><p class="notes-title">{title}</p>\n'


def _footnote_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    number = int((tokens[idx].meta or {}).get("id", 0)) + 1
    context_of(env).pending_prefix = f"({number}) "
    return "<section>"


def _nothing(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return ""


RULES: dict[str, RenderRule] = {
    "paragraph_open": _paragraph_open,
    "paragraph_close": _paragraph_close,
    "alert_open": _alert_open,
    "alert_close": _close_section,
    "alert_title_open": _callout_title_open,
    "alert_title_close": _close_p,
    "admonition_open": _admonition_open,
    "admonition_close": _close_section,
    "admonition_title_open": _callout_title_open,
    "admonition_title_close": _close_p,
    "table_open": _table_open,
    "table_close": _table_close,
    "footnote_ref": _footnote_ref,
    "footnote_block_open": _notes_open,
    "footnote_block_close": _close_section,
    "footnote_open": _footnote_open,
    "footnote_close": _close_section,
    "footnote_anchor": _nothing,
}


def blocks_plugin(md: MarkdownIt) -> None:
    """Register ``::: kind`` containers and the block render rules above."""
    md.use(container_plugin, "callout", validate=_is_callout, render=_container)
    add_rules(md, RULES)
