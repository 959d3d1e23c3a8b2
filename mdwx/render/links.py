"""Links the WeChat way: numbered references instead of ``<a href>``.

WeChat keeps ``<a href>`` only for accounts with WeChat Pay and for ``mp.weixin.qq.com``
articles; anything else is stripped or the save is rejected. So by default (policy
``footnotes``) a link becomes its text plus ``[n]`` and the URL goes to a references list at the
end; ``keep`` keeps the ``<a>`` (implied by ``wechat_pay``); ``strip`` keeps only the text.
In-page anchors (``#...``) are rejected by WeChat: their text stays and a warning says so.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from html import escape
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.common.normalize_url import normalizeLink, validateLink
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from mdwx.errors import RenderError
from mdwx.render.context import RenderContext, context_of
from mdwx.render.render_rule import add_rules
from mdwx.render.sanitize import hidden_after
from mdwx.render.spans import SpanCloses
from mdwx.urls import is_http_url, url_scheme

WECHAT_ARTICLE_HOST = "mp.weixin.qq.com"
_AUTHORITY = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*://)([^/?#]*)(.*)$", re.S)
_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def unsafe_target(url: str) -> bool:
    """A target no reader should be sent to (``javascript:``, ``vbscript:``, ``file:``, ``data:``
    other than a picture): markdown-it's own rule, applied when rendering instead of parsing."""
    return not validateLink(url)


def _shown_char(char: str) -> bool:
    """A non-ASCII character a reader can read and type back: not a control, format (bidi)
    or separator character, which stay percent-encoded."""
    return unicodedata.category(char)[0] not in "CZ"


def _decode_escapes(match: re.Match[str]) -> str:
    """One run of ``%XX`` escapes with each valid UTF-8 non-ASCII character decoded."""
    text = match.group()
    data = bytes.fromhex(text.replace("%", ""))
    out: list[str] = []
    i = 0
    while i < len(data):
        lead = data[i]
        size = (
            2
            if 0xC0 <= lead < 0xE0
            else 3
            if 0xE0 <= lead < 0xF0
            else 4
            if 0xF0 <= lead < 0xF8
            else 1
        )
        try:
            char = data[i : i + size].decode("utf-8") if size > 1 else ""
        except UnicodeDecodeError:
            char = ""
        if char and len(char) == 1 and _shown_char(char):
            out.append(char)
            i += size
        else:
            out.append(text[3 * i : 3 * i + 3])
            i += 1
    return "".join(out)


def _unicode_host(host: str) -> str:
    """``xn--`` labels of ``host`` as the characters they stand for (a bad label stays)."""
    labels = []
    for label in host.split("."):
        if label.lower().startswith("xn--"):
            try:
                decoded = label.encode("ascii").decode("idna")
            except UnicodeError:
                decoded = label
            if decoded != label and all(
                unicodedata.category(c)[0] in "LMN" or c == "-" for c in decoded
            ):
                label = decoded
        labels.append(label)
    return ".".join(labels)


def display_url(url: str) -> str:
    """``url`` as a reader would type it (an IRI): punycode host labels and percent-encoded
    non-ASCII characters decoded; ASCII escapes (``%20``, ``%2F``) and unreadable characters
    stay encoded, so the text shown still names exactly the same resource."""
    match = _AUTHORITY.match(url)
    if match is None:
        return _ESCAPES.sub(_decode_escapes, url)
    scheme, authority, rest = match.groups()
    if "[" not in authority:  # IPv6 literals have no labels
        user, at, hostport = authority.rpartition("@")
        host, colon, port = hostport.partition(":")
        authority = f"{user}{at}{_unicode_host(host)}{colon}{port}"
    return scheme + authority + _ESCAPES.sub(_decode_escapes, rest)


def _names_itself(text: str, url: str) -> bool:
    """The link's text is its URL however written (a bare URL, ``www.…``, an e-mail address,
    the URL decoded or not): the references list then shows the URL once."""
    text = text.strip()
    if not text:
        return True
    # A scheme put in front stays at the front of the normalised text (``http:`` then its
    # slashes): only the URL's own scheme can match, so the others are not normalised.
    return any(
        normalizeLink(prefix + text).rstrip("/") == url.rstrip("/")
        for prefix in ("", "http://", "https://", "mailto:")
        if url.startswith(prefix.rstrip("/"))
    )


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
    closes = SpanCloses()
    for i in range(idx + 1, len(tokens)):  # no copy of the rest: linear in the link
        token = tokens[i]
        if token.type == "link_close" and depth == 0:
            break
        depth += {"link_open": 1, "link_close": -1}.get(token.type, 0)
        if token.type == "html_inline":
            hidden = hidden_after(token.content, hidden, closes.after(tokens, i))
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
            return f'<a {link_attributes(href, ctx)} href="">', "</a>"
        except RenderError as exc:  # said with the post's other problems; the render goes on
            ctx.errors.append(exc)
            return "", ""
    if unsafe_target(href):
        ctx.warn(
            f"link to {href[:60]!r} dropped: it would run code or open a local file, "
            "not a page; its text is kept",
            code="unsafe-link",
        )
        return "", ""
    if href.startswith("#"):
        # markdown-it percent-encodes the href; show the anchor as the author wrote it.
        ctx.warn(
            f"in-page link {unquote(href)!r} dropped (WeChat rejects anchors); its text is kept",
            code="in-page-link",
        )
        return "", ""
    if url_scheme(href) is None and not href.startswith("//"):
        ctx.warn(
            f"relative link {href!r} dropped: it cannot work inside WeChat; its text is kept",
            code="relative-link",
        )
        return "", ""
    if is_wechat_article(href) or ctx.link_policy == "keep":
        return f'<a href="{escape(href)}">', "</a>"
    if ctx.link_policy == "strip":
        return "", ""
    number = ctx.link_number(href, text)
    return '<span class="link">', f'<sup class="ref">[{number}]</sup></span>'


def _link_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    ctx = context_of(env)
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    opening, closing = open_link(ctx, href, link_text(tokens, idx))
    ctx.open_links.append(closing)
    return opening


def _link_close(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    ctx = context_of(env)
    return ctx.open_links.pop() if ctx.open_links else ""


def references_html(ctx: RenderContext) -> str:
    """The numbered list of external links, empty when there are none."""
    if not ctx.link_numbers:
        return ""
    title = "参考链接" if ctx.cjk else "References"
    items = []
    for url, number in ctx.link_numbers.items():
        text, shown = ctx.link_texts.get(url, ""), display_url(url)
        label = "" if _names_itself(text, url) else f"{escape(text, quote=False)}: "
        items.append(f"<p>[{number}] {label}<em>{escape(shown, quote=False)}</em></p>\n")
    return (
        f'<section class="notes"><p class="notes-title">{title}</p>\n{"".join(items)}</section>\n'
    )


def links_plugin(md: MarkdownIt) -> None:
    """Render links per the site's link policy."""
    add_rules(
        md,
        {
            "link_open": _link_open,
            "link_close": _link_close,
        },
    )
