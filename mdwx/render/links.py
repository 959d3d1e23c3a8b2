"""Links the WeChat way: numbered references instead of ``<a href>``.

WeChat keeps ``<a href>`` only for accounts with WeChat Pay and for ``mp.weixin.qq.com``
articles; anything else is stripped or the save is rejected. So by default (policy
``footnotes``) a link becomes its text plus ``[n]`` and the URL goes to a references list at the
end; ``keep`` keeps the ``<a>`` (implied by ``wechat_pay``); ``strip`` keeps only the text.
In-page anchors (``#...``) are rejected by WeChat: their text stays and a warning says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

from mdwx.errors import RenderError
from mdwx.render.context import RenderContext, context_of
from mdwx.render.sanitize import hidden_after
from mdwx.urls import is_http_url, url_scheme

WECHAT_ARTICLE_HOST = "mp.weixin.qq.com"


def is_wechat_article(url: str) -> bool:
    """Links to WeChat articles survive for every account."""
    if not is_http_url(url):
        return False
    host = (urlsplit(url).hostname or "").lower()
    return host == WECHAT_ARTICLE_HOST or host.endswith("." + WECHAT_ARTICLE_HOST)


def link_text(tokens: Sequence[Token], idx: int) -> str:
    """The plain text between a ``link_open`` and its ``link_close``."""
    parts: list[str] = []
    depth = 0
    hidden: str | None = None  # a never-shown raw HTML element is open: its text is not shown
    for i in range(idx + 1, len(tokens)):  # no copy of the rest: linear in the link
        token = tokens[i]
        if token.type == "link_close" and depth == 0:
            break
        depth += {"link_open": 1, "link_close": -1}.get(token.type, 0)
        if token.type == "html_inline":
            hidden = hidden_after(token.content, hidden)
        elif token.type in ("text", "code_inline", "image") and hidden is None:
            parts.append(token.content)
    return "".join(parts).strip()


def open_link(ctx: RenderContext, href: str, text: str) -> tuple[str, str]:
    """The HTML that opens and closes a link to ``href`` under the context's policy.

    Bare URLs (``<https://…>`` and GFM autolinks) follow the same policy as ``[text](url)``:
    the URL shown is not a link in WeChat, so it gets its reference number too. The number
    sits inside the link's span and takes its colour from it.
    """
    if href.startswith("miniprogram:"):
        from mdwx.render.miniprogram import link_attributes

        try:
            return f"<a {link_attributes(href, ctx)} href=\"\">", "</a>"
        except RenderError as exc:  # said with the post's other problems; the render goes on
            ctx.errors.append(exc)
            return "", ""
    if href.startswith("#"):
        # markdown-it percent-encodes the href; show the anchor as the author wrote it.
        ctx.warn(f"in-page link {unquote(href)!r} dropped (WeChat rejects anchors); its text is kept",
                 code="in-page-link")
        return "", ""
    if url_scheme(href) is None and not href.startswith("//"):
        ctx.warn(f"relative link {href!r} dropped: it cannot work inside WeChat; its text is kept",
                 code="relative-link")
        return "", ""
    if is_wechat_article(href) or ctx.link_policy == "keep":
        return f'<a href="{escape(href)}">', "</a>"
    if ctx.link_policy == "strip":
        return "", ""
    number = ctx.link_number(href, text)
    return '<span class="link">', f'<sup class="ref">[{number}]</sup></span>'


def _link_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
    ctx = context_of(env)
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    opening, closing = open_link(ctx, href, link_text(tokens, idx))
    ctx.open_links.append(closing)
    return opening


def _link_close(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
    ctx = context_of(env)
    return ctx.open_links.pop() if ctx.open_links else ""


def references_html(ctx: RenderContext) -> str:
    """The numbered list of external links, empty when there are none."""
    if not ctx.link_numbers:
        return ""
    title = "参考链接" if ctx.cjk else "References"
    items = []
    for url, number in ctx.link_numbers.items():
        text = ctx.link_texts.get(url, "")
        label = f"{escape(text, quote=False)}: " if text and text != url else ""
        items.append(f"<p>[{number}] {label}<em>{escape(url, quote=False)}</em></p>\n")
    return f'<section class="notes"><p class="notes-title">{title}</p>\n{"".join(items)}</section>\n'


def links_plugin(md: MarkdownIt) -> None:
    """Render links per the site's link policy."""
    md.add_render_rule("link_open", _link_open)
    md.add_render_rule("link_close", _link_close)
