"""Raw HTML inside Markdown goes through the sanitizer, with the renderer's hooks.

``<img src>`` in raw HTML becomes an IMAGE asset like a Markdown image, and ``<a href>``
follows the link policy like a Markdown link. The fragments of one part (body, header or
footer) form one chain, so a never-shown element (``<style>``, ``<textarea>``, …) hides
everything up to its closing tag, whichever fragments and Markdown blocks lie between; one
left open is closed at the end of its part with a warning.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from mdwx.document import AssetKind
from mdwx.render.context import RenderContext, context_of
from mdwx.render.links import open_link
from mdwx.render.sanitize import HIDDEN_CLOSE, Hooks, sanitize_html


def hooks_for(ctx: RenderContext) -> Hooks:
    """Sanitizer hooks bound to one render (kept on the context across fragments)."""
    hooks = ctx.raw_hooks
    if hooks is None:
        hooks = Hooks(
            image=lambda src, alt: ctx.add_asset(AssetKind.IMAGE, src, alt=alt).placeholder,
            link=lambda href: open_link(ctx, href, ""),
        )
        ctx.raw_hooks = hooks
    return hooks


def _raw(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
    ctx = context_of(env)
    hooks = hooks_for(ctx)
    was_hidden = hooks.hidden
    html = sanitize_html(tokens[idx].content, hooks)
    if hooks.hidden is not None and was_hidden is None:
        ctx.hidden_line = ctx.line
    return html


def close_hidden(ctx: RenderContext) -> str:
    """End of a part: close a never-shown element still open, with a warning at its line."""
    hooks = ctx.raw_hooks
    if hooks is None or hooks.hidden is None:
        return ""
    ctx.warn(f"<{hooks.hidden}> is never closed: everything after it in this file is hidden",
             line=ctx.hidden_line, code="unclosed-hidden")
    hooks.hidden = None
    return HIDDEN_CLOSE


def raw_html_plugin(md: MarkdownIt) -> None:
    """Sanitize ``html_block`` and ``html_inline`` tokens."""
    md.add_render_rule("html_block", _raw)
    md.add_render_rule("html_inline", _raw)
