"""Raw HTML inside Markdown goes through the sanitizer, with the renderer's hooks.

``<img src>`` in raw HTML becomes an IMAGE asset like a Markdown image, and ``<a href>``
follows the link policy like a Markdown link. The fragments of one part (body, header or
footer) share the hooks, and a never-shown element (``<style>``, ``<textarea>``, …) hides
everything up to its closing tag inside its own HTML block or inline span, never beyond
(:mod:`.spans`). One not closed there is a tag name written in prose (``Put your code in a
<script> tag.``): it shows as text, with everything after it, and a warning at its line. A line that starts
with ``<script``, ``<style`` or ``<textarea`` opens an HTML block running to the closing tag
(CommonMark's kind 1); with no closing tag anywhere after it, the line is read as a
paragraph instead, so the rest of the file stays Markdown.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_block import StateBlock, html_block
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from mdwx.document import AssetKind
from mdwx.render.context import RenderContext, context_of
from mdwx.render.links import open_link
from mdwx.render.render_rule import add_rules
from mdwx.render.sanitize import DROP_WITH_CONTENT, HIDDEN_UNCLOSED, Hooks, sanitize_html


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


def _raw(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    ctx = context_of(env)
    hooks = hooks_for(ctx)
    inline = tokens[idx].type == "html_inline"
    hooks.closes_later = ctx.span_closes.after(tokens, idx) if inline else None
    was_hidden = hooks.hidden
    html = sanitize_html(tokens[idx].content, hooks)
    if hooks.hidden is not None and was_hidden is None:
        ctx.hidden_line = ctx.line
    for name in hooks.shown_unclosed:
        ctx.warn(_unclosed_message(name, inline), code="unclosed-hidden")
    for name in hooks.removed_media:
        ctx.warn(media_removed_message(name), code="media-removed")
    hooks.shown_unclosed.clear()
    hooks.removed_media.clear()
    return html


def media_removed_message(name: str) -> str:
    """Why a complete ``<video>``, ``<audio>``, ``<iframe>``, … went, and what works instead."""
    if name == "video":
        instead = "write ![title](clip.mp4) for a video file: mdwx uploads it to WeChat"
    elif name == "audio":
        instead = "WeChat plays audio only from the account's own library: link to it instead"
    else:
        instead = (
            "WeChat shows only its own video player: upload a video file with "
            "![title](clip.mp4), or link to the page"
        )
    return f"<{name}> is removed with its content: WeChat does not show it ({instead})"


def _unclosed_message(name: str, inline: bool) -> str:
    where = "in its paragraph" if inline else "in its HTML block"
    if name.startswith("/"):
        return (
            f"<{name}> closes nothing {where}: shown as text, not as an element (write it "
            "in backticks, or remove it)"
        )
    return (
        f"<{name}> is never closed {where}: shown as text, not as an element (write it "
        "in backticks, or close it)"
    )


def close_hidden(ctx: RenderContext) -> str:
    """End of a part: a never-shown tag still open was prose; it shows, with a warning at its line."""
    hooks = ctx.raw_hooks
    if hooks is None or hooks.hidden is None:
        return ""
    ctx.warn(
        f"<{hooks.hidden}> is never closed: shown as text, not as an element (write it "
        "in backticks, or close it)",
        line=ctx.hidden_line,
        code="unclosed-hidden",
    )
    hooks.hidden = None
    return HIDDEN_UNCLOSED


# CommonMark's HTML block of kind 1 runs to its closing tag or the end of the document.
_KIND_ONE = re.compile(r"<(script|style|textarea)(?=[\s>]|$)", re.I)
_LAST_CLOSE = "mdwx_last_close"


def _html_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """markdown-it's HTML block, except a never-shown kind-1 opening that nothing closes."""
    position = state.bMarks[start] + state.tShift[start]
    opening = _KIND_ONE.match(state.src, position)
    if opening is not None and opening.group(1).lower() in DROP_WITH_CONTENT:
        name = opening.group(1).lower()
        last = state.env.setdefault(_LAST_CLOSE, {})
        if name not in last:  # once per document and name: linear however many openings
            closes = [m.start() for m in re.finditer(rf"</{name}", state.src, re.I)]
            last[name] = closes[-1] if closes else -1
        if last[name] < position:
            return False
    return html_block(state, start, end, silent)


def raw_html_plugin(md: MarkdownIt) -> None:
    """Sanitize ``html_block`` and ``html_inline`` tokens; unclosed kind-1 openings stay prose."""
    md.block.ruler.at("html_block", _html_block, {"alt": ["paragraph", "reference", "blockquote"]})
    add_rules(
        md,
        {
            "html_block": _raw,
            "html_inline": _raw,
        },
    )
