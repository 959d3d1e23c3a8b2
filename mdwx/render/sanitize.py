"""An allow-list sanitizer for raw HTML written inside Markdown.

It works tag by tag rather than on a tree because Markdown splits raw HTML into fragments
(``<span style="...">`` in one token, ``</span>`` in another; ``<div align="center">``, then
Markdown, then ``</div>``), and a tree sanitizer would close every fragment on its own. Each
tag that survives is rebuilt from its parsed name and allowed attributes, and all other text
has ``<`` and ``>`` escaped, so the output holds only markup this module wrote: scripts,
styles, forms, foreign iframes, event handlers, ``class``/``id`` and ``javascript:``-style
URLs cannot get through, and sanitizing twice changes nothing.

Elements whose content a reader must never see (``DROP_WITH_CONTENT``: script, style,
textarea, title, …) are dropped with their content when they are complete: an opening tag
and its closing tag in the same HTML block, or in the same inline span (one paragraph,
heading or table cell: ``a <style>p{}</style> b`` is three inline tokens). For the inline
case the renderer's :class:`Hooks` say whether a later fragment of the span closes the
element (``closes_later``); if so the sanitizer writes ``HIDDEN_OPEN`` and the opening tag
as text where it starts, renders the following fragments as usual, and writes
``HIDDEN_CLOSE`` at its closing tag; :func:`drop_hidden` then removes everything between
the two markers. An element never swallows Markdown text outside its own block or span
(GFM's rule): an opening with no closing tag there is a tag name written in prose (``Put
your code in a <script> tag``) and shows as text, with everything after it; its name is
recorded in ``Hooks.shown_unclosed`` for the renderer's warning. An element of any other
name mdwx does not keep loses its tags, never its text, and only when it is an element:
``List<String>`` or ``<T>`` in prose shows as text (:mod:`.prose_tags`). The markers cannot be
forged: every other ``<`` in the document was escaped by markdown-it or rebuilt by this
module.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape, unescape

from mdwx.css_resources import loads_resource
from mdwx.document import VIDEO_CLASS, VIDEO_PLAYER
from mdwx.html_scan import IN_TAG
from mdwx.render.prose_tags import alone_on_line, is_markup, paired_offsets
from mdwx.render.spans import find_close
from mdwx.urls import url_scheme

_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)|<![^>]*>?|<\?[^>]*>?"
    r"|<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s\"'>/=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)\s*/?>",
    re.S,
)
_ATTR = re.compile(r"([^\s\"'>/=]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?")
_BARE_AMP = re.compile(r"&(?!(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});)")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


DROP_WITH_CONTENT = _words(
    "script style textarea title noscript template xmp plaintext iframe noembed noframes "
    "object embed applet select svg math head frameset frame canvas audio video"
)
#: Never-shown elements that embed media or another page: removing one takes something the
#: writer meant readers to see, so the renderer says so (``media-removed``).
MEDIA = _words("video audio iframe object embed applet")
ALLOWED = _words(
    "a abbr b big blockquote br caption cite code col colgroup dd del dl dt em figcaption figure "
    "h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s samp section small span strong sub "
    "sup table tbody td tfoot th thead tr u ul mp-miniprogram"
)
RENAMED = {
    "div": "section",
    "center": "section",
    "article": "section",
    "aside": "section",
    "header": "section",
    "footer": "section",
    "main": "section",
    "nav": "section",
    "strike": "s",
    "tt": "code",
}
VOID = frozenset({"br", "hr", "img", "col"})
GLOBAL_ATTRS = frozenset({"style", "title", "align", "dir", "lang"})
TAG_ATTRS = {
    "a": {"href", "data-miniprogram-appid", "data-miniprogram-path"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start"},
    "mp-miniprogram": {
        "data-miniprogram-appid",
        "data-miniprogram-path",
        "data-miniprogram-title",
        "data-miniprogram-imageurl",
    },
}
VIDEO_ATTRS = ("class", "data-vidtype", "data-mpvid", "allowfullscreen", "frameborder", "data-src")
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "miniprogram", "mdwx-asset"})
_BAD_CSS = ("var(", "expression", "url(", "javascript:", "@import", "behavior", "binding", "\\")


HIDDEN_OPEN = "<mdwx-hidden>"
HIDDEN_CLOSE = "</mdwx-hidden>"
HIDDEN_UNCLOSED = "</mdwx-unclosed>"


@dataclass
class Hooks:
    """How the renderer takes part: images become assets, links follow the link policy.

    ``hidden`` names the never-shown element left open by an earlier fragment of the same
    inline span (its content runs on into later fragments); None when there is none.
    ``closes_later`` answers whether a later fragment of the span closes an element of that
    name (None: the fragment stands alone, as an HTML block does); ``shown_unclosed`` gathers
    the names of never-shown openings shown as text because nothing closes them, and
    ``removed_media`` those of complete :data:`MEDIA` elements removed.
    """

    image: Callable[[str, str], str] | None = None  # (src, alt) -> new src
    link: Callable[[str], tuple[str, str]] | None = None  # href -> (opening, closing) HTML
    open_links: list[str] = field(default_factory=list)
    hidden: str | None = None
    closes_later: Callable[[str], bool] | None = None
    shown_unclosed: list[str] = field(default_factory=list)
    removed_media: list[str] = field(default_factory=list)


MAX_DEPTH = 256  # elements open at once; css_inline's HTML5 parser crashes near 10,000
_TAG_NAME = re.compile(rf"<(/?)([a-zA-Z][a-zA-Z0-9-]*){IN_TAG}>")
_VOID_ELEMENTS = _words("area base br col embed hr img input link meta source track wbr")


def limit_depth(html: str, max_depth: int = MAX_DEPTH) -> tuple[str, bool]:
    """The document with tags nested deeper than ``max_depth`` removed (their text kept).

    Returns the HTML and whether anything was removed. ``**`` runs or unclosed raw ``<b>``
    can nest thousands of elements, and the native HTML parser of the theme inliner
    overflows its stack on them (the process dies with SIGSEGV). Linear in the length.
    """
    stack: list[str] = []
    drop: list[tuple[int, int]] = []
    for match in _TAG_NAME.finditer(html):
        closing, name = match.group(1), match.group(2).lower()
        if name in _VOID_ELEMENTS:
            continue
        if not closing:
            if len(stack) >= max_depth:
                drop.append(match.span())
                name = "/" + name  # its closing tag goes too
            stack.append(name)
            continue
        if stack and stack[-1] == name:  # the common case: it closes the innermost element
            stack.pop()
            continue
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth] in (name, "/" + name):
                if stack[depth][0] == "/":
                    drop.append(match.span())
                del stack[depth:]
                break
    if not drop:
        return html, False
    out, position = [], 0
    for start, end in drop:
        out.append(html[position:start])
        position = end
    out.append(html[position:])
    return "".join(out), True


def drop_hidden(html: str) -> str:
    """The document without what lies between ``HIDDEN_OPEN`` and ``HIDDEN_CLOSE`` markers.

    A ``HIDDEN_OPEN`` ended by ``HIDDEN_UNCLOSED`` (or by nothing) marks a never-shown tag
    left open: its text and all that follows stay, only the markers go. Linear in the
    document's length; markers never nest.
    """
    if HIDDEN_OPEN not in html:
        return html
    out: list[str] = []
    position = 0
    while (start := html.find(HIDDEN_OPEN, position)) != -1:
        out.append(html[position:start])
        end = html.find(HIDDEN_CLOSE, start)
        if (
            end == -1 or html.find(HIDDEN_UNCLOSED, start, end) != -1
        ):  # a tag name in prose: shown as written
            position = start + len(HIDDEN_OPEN)
            continue
        position = end + len(HIDDEN_CLOSE)
    out.append(html[position:])
    return "".join(out).replace(HIDDEN_CLOSE, "").replace(HIDDEN_UNCLOSED, "")


def clean_text(text: str) -> str:
    return _BARE_AMP.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")


def clean_style(style: str) -> str:
    """Literal declarations only: no ``position``, custom properties, ``var()`` or URLs
    (``url()``, ``image-set()`` and every function that loads something:
    :mod:`mdwx.css_resources`)."""
    kept = []
    for declaration in style.split(";"):
        name, colon, value = declaration.partition(":")
        name, value = name.strip().lower(), value.strip()
        if not colon or not value or not re.fullmatch(r"-?[a-z][a-z-]*", name):
            continue
        if name == "position" or any(bad in value.lower() for bad in _BAD_CSS):
            continue
        if loads_resource(value):  # image-set('https://…' 1x) loads like url()
            continue
        kept.append(f"{name}:{value}")
    return ";".join(kept)


def safe_url(url: str, *, image: bool = False) -> bool:
    compact = _CONTROL.sub("", url)
    scheme = url_scheme(compact)
    if scheme is None:
        return not compact.startswith("//") or image
    scheme = scheme.lower()
    if scheme == "data":
        return (
            image
            and compact.lower().startswith("data:image/")
            and "svg" not in compact[:20].lower()
        )
    return scheme in SAFE_SCHEMES


def _attributes(raw: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for name, value in _ATTR.findall(raw):
        value = unescape(value[1:-1] if value[:1] in ("'", '"') else value)
        # A URL attribute may be surrounded by spaces (HTML: "valid URL potentially surrounded
        # by spaces"); browsers strip them, so ``src=" https://…"`` is that URL, not a file.
        attrs.setdefault(name.lower(), value.strip() if name.lower() in ("src", "href") else value)
    return attrs


def _render_tag(name: str, attrs: dict[str, str]) -> str:
    text = "".join(f' {key}="{escape(value)}"' for key, value in attrs.items())
    return f"<{name}{text}>"


def _allowed_attrs(name: str, attrs: dict[str, str], hooks: Hooks) -> dict[str, str]:
    allowed = GLOBAL_ATTRS | TAG_ATTRS.get(name, set())
    kept = {k: v for k, v in attrs.items() if k in allowed}
    if "style" in kept:
        kept["style"] = clean_style(kept["style"])
    if name == "img":
        sizes = []
        for key in ("width", "height"):  # WeChat drops size attributes: move them to style
            value = kept.pop(key, "").strip()
            if re.fullmatch(r"\d+(?:px|%)?", value):
                sizes.append(f"{key}:{value}{'px' if value.isdigit() else ''}")
        kept["style"] = ";".join(filter(None, [*sizes, kept.get("style", "")]))
        src = kept.get("src", "")
        if not src or not safe_url(src, image=True):
            return {}
        if hooks.image and not src.startswith("mdwx-asset:"):
            kept["src"] = hooks.image(src, kept.get("alt", ""))
    if "href" in kept and not safe_url(kept["href"]):
        del kept["href"]
    return {k: v for k, v in kept.items() if v or k in ("href", "alt")}


def _video_iframe(attrs: dict[str, str]) -> str | None:
    """The contract's video iframe, rebuilt; None for any other iframe."""
    if attrs.get("class") != VIDEO_CLASS or not attrs.get("data-src", "").startswith(VIDEO_PLAYER):
        return None
    if not attrs.get("data-mpvid") or any(c in attrs["data-src"] for c in "\"'<> "):
        return None
    kept = {k: attrs[k] for k in VIDEO_ATTRS if k in attrs}
    return _render_tag("iframe", kept) + "</iframe>"


def _skip_content(html: str, name: str, start: int) -> int:
    """The position after ``</name>`` (or the end): the element's content is dropped."""
    close = find_close(html, name, start)
    return close.end() if close else len(html)


def _hide(match: re.Match[str], html: str, name: str, hooks: Hooks) -> tuple[str, int]:
    """A never-shown element opens at ``match``: skip to its close, or wait for it.

    Closed in this fragment: the element goes with its content. Closed by a later fragment
    of the same inline span (and no such element already open): the opening is marked.
    Else the tag is a name written in prose and shows as text.
    """
    close = find_close(html, name, match.end())
    if close is not None:
        if name in MEDIA:
            hooks.removed_media.append(name)
        return "", close.end()
    shown = clean_text(match.group(0))
    if hooks.hidden is not None:  # inside an element already hidden: removed with it
        return shown, match.end()
    if hooks.closes_later is None or not hooks.closes_later(name):
        hooks.shown_unclosed.append(name)
        return shown, match.end()
    if name in MEDIA:
        hooks.removed_media.append(name)
    hooks.hidden = name
    return HIDDEN_OPEN + shown, match.end()


def _link_tag(closing: bool, attrs: dict[str, str], hooks: Hooks) -> str:
    if closing:
        return hooks.open_links.pop() if hooks.open_links else ""
    if "data-miniprogram-appid" in attrs and "data-miniprogram-path" in attrs:
        hooks.open_links.append("</a>")
        mini = {k: attrs[k] for k in ("data-miniprogram-appid", "data-miniprogram-path")}
        return _render_tag("a", {**mini, "href": ""})
    href = attrs.get("href")
    if hooks.link is not None and href:
        opening, closing_html = hooks.link(href)
        hooks.open_links.append(closing_html)
        return opening
    hooks.open_links.append("</a>")
    return _render_tag("a", {"href": href} if href else {})


def _not_kept(match: re.Match[str], html: str, hooks: Hooks, pairs: set[int]) -> str:
    """A tag of an element WeChat cannot show: gone when it is markup, else shown as text
    (a name written in prose, :mod:`.prose_tags`) and named in ``shown_unclosed``."""
    closing, raw_name = bool(match.group(1)), match.group(2)
    name = raw_name.lower()
    if hooks.hidden is not None:  # inside a never-shown element: removed with it
        return ""
    closes_later = hooks.closes_later
    in_block = closes_later is None
    if closes_later is None:
        paired = match.start() in pairs
    else:
        paired = closes_later(f"/{name}" if closing else name)
    alone = in_block and not paired and alone_on_line(html, match.start(), match.end())
    if is_markup(name, match.group(0), paired=paired, in_block=in_block, alone=alone):
        return ""
    hooks.shown_unclosed.append(f"/{raw_name}" if closing else raw_name)
    return clean_text(match.group(0))


def _unpaired_inline(match: re.Match[str], hooks: Hooks) -> bool:
    """Whether the tag is in an inline span that holds no tag it pairs with (``<p>`` in
    ``在 <p> 标签里``): a name written in prose, not an element."""
    name = match.group(2).lower()
    return (
        hooks.closes_later is not None
        and hooks.hidden is None
        and not match.group(0).endswith("/>")
        and not hooks.closes_later(f"/{name}" if match.group(1) else name)
    )


def _fragment_pairs(html: str, hooks: Hooks) -> set[int]:
    """For a fragment standing alone (an HTML block): the offsets of its paired tags."""
    if hooks.closes_later is not None or "<" not in html:
        return set()
    return paired_offsets(
        (match.start(), bool(match.group(1)), match.group(2).lower())
        for match in _TOKEN.finditer(html)
        if match.group(2) is not None and not match.group(0).endswith("/>")
    )


def _tag(match: re.Match[str], html: str, hooks: Hooks, pairs: set[int]) -> tuple[str, int]:
    """Rebuild one tag; returns the output and where to continue reading."""
    closing, raw_name, raw_attrs = match.group(1), match.group(2), match.group(3) or ""
    if raw_name is None:  # comment, doctype, processing instruction
        return "", match.end()
    name = raw_name.lower()
    if name == "iframe" and not closing:
        iframe = _video_iframe(_attributes(raw_attrs))
        if iframe is not None:
            return iframe, _skip_content(html, name, match.end())
    if name in DROP_WITH_CONTENT:
        return ("", match.end()) if closing else _hide(match, html, name, hooks)
    kept_as = RENAMED.get(name, name)
    if kept_as not in ALLOWED or (kept_as not in VOID and _unpaired_inline(match, hooks)):
        return _not_kept(match, html, hooks, pairs), match.end()
    name = kept_as
    attrs = {} if closing else _allowed_attrs(name, _attributes(raw_attrs), hooks)
    if name == "a":
        return _link_tag(bool(closing), attrs, hooks), match.end()
    if closing:
        return ("" if name in VOID else f"</{name}>"), match.end()
    if name == "img" and "src" not in attrs:
        return "", match.end()
    return _render_tag(name, attrs), match.end()


def hidden_after(
    fragment: str, hidden: str | None, closes_later: Callable[[str], bool] | None
) -> str | None:
    """The never-shown element open after ``fragment``, given the one open before it (or None)
    and whether a later fragment of the span closes an element of a name.

    For text gathered outside the sanitizer (a link's text for the references list), so the
    content of a complete never-shown element is left out there too.
    """
    hooks = Hooks(hidden=hidden, closes_later=closes_later)
    sanitize_html(fragment, hooks)
    return hooks.hidden


def sanitize_html(html: str, hooks: Hooks | None = None) -> str:
    """The allow-listed form of a raw HTML fragment.

    With ``hooks`` whose ``closes_later`` is set, the fragment is one of an inline span: a
    never-shown element may close in a following fragment (see the module docstring), and
    the caller removes the hidden parts with :func:`drop_hidden`. Otherwise the fragment
    stands alone.
    """
    hooks = hooks or Hooks()
    pairs = _fragment_pairs(html, hooks)
    out: list[str] = []
    position = 0
    if hooks.hidden is not None:  # inside a never-shown element opened earlier
        close = find_close(html, hooks.hidden, 0)
        if close is not None:
            hooks.hidden = None
            out.append(HIDDEN_CLOSE)
            position = close.end()
    while True:
        match = _TOKEN.search(html, position)
        if match is None:
            out.append(clean_text(html[position:]))
            return "".join(out)
        out.append(clean_text(html[position : match.start()]))
        tag, position = _tag(match, html, hooks, pairs)
        out.append(tag)
