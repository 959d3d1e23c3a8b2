"""A standalone preview page: the article as a phone shows it, with a dark-mode toggle.

The page is for a person at a desktop browser (``mdwx build`` / ``mdwx preview --static``),
not for WeChat, so it may use a ``<style>`` and a few lines of script; the article inside is
exactly the content HTML (with local file URLs in place of placeholders). The live preview
(:mod:`mdwx.preview`) draws the same frame with :data:`PAGE_CSS`.

The frame is 390 px wide (a phone's CSS width: 375–414 px) on a desktop and the whole
viewport on a phone-sized window, and grows with the article, so the page itself never
scrolls sideways: wide code blocks and tables scroll inside the article, as in WeChat.
"""

from __future__ import annotations

import base64
import hashlib
from html import escape

from mdwx.config import SiteConfig
from mdwx.render.darkmode import dark_mode
from mdwx.render.language import detect_language
from mdwx.render.limits import text_chars
from mdwx.render.preview_words import date_time, site_zone, words_for
from mdwx.source.model import Article

#: The phone frame, shared by the static page and the live preview. ``body.dark`` is WeChat's
#: dark mode: its #191919 page, and the article's colours converted per element by WeChat's
#: rules (:mod:`mdwx.render.darkmode`, whose CSS each page adds), pictures as they are.
PAGE_CSS = """
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; padding: 24px 0; background: #e9ebee; font-family: -apple-system, "PingFang SC", sans-serif; }
.bar { width: 390px; max-width: 100%; box-sizing: border-box; margin: 0 auto 12px; padding: 0 4px;
  display: flex; flex-wrap: wrap; gap: 6px 12px; align-items: center; justify-content: space-between;
  font-size: 13px; color: #555; }
.phone { width: 390px; max-width: 100%; box-sizing: border-box; margin: 0 auto; background: #fff;
  border-radius: 28px; box-shadow: 0 8px 30px rgba(0,0,0,.18); overflow: hidden; border: 10px solid #1d1d1f; }
.screen { padding: 20px 16px 40px; box-sizing: border-box; min-height: 640px; }
.screen > .content { overflow-wrap: break-word; }
.screen > .content img { max-width: 100%; }
.meta .cover { display: block; width: 100%; border-radius: 6px; margin: 0 0 14px; }
.meta h1 { font-size: 22px; line-height: 1.4; margin: 0 0 10px; color: #222; overflow-wrap: break-word; }
.meta .by { font-size: 14px; color: #576b95; margin-bottom: 8px; }
.meta .digest { font-size: 13px; color: #888; border-left: 3px solid #ddd; padding-left: 8px; margin-bottom: 20px; }
body.dark { background: #000; }
body.dark .bar { color: #aaa; }
body.dark .phone { background: #191919; border-color: #333; }
body.dark .meta h1 { color: #d6d6d6; }
body.dark .meta .by { color: #7d90a9; }
body.dark .meta .digest { color: #8c8c8c; border-left-color: #3a3a3a; }
.meta .when { font-size: 12px; color: #888; margin: -4px 0 10px; }
@media (max-width: 480px) {
  body { padding: 0; }
  .bar { padding: 8px 12px; margin: 0; }
  .phone { width: 100%; border: 0; border-radius: 0; box-shadow: none; }
  .screen { min-height: 0; }
}
"""

PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<title>{title}</title>
<style>{css}</style>
<style>{dark_css}</style>
</head>
<body>
<div class="bar"><span>{chars}</span><label><input type="checkbox" id="dark"> {dark}</label></div>
<div class="phone"><div class="screen">
<div class="meta">{meta}</div>
<div class="content">{content}</div>
</div></div>
<script>{script}</script>
</body>
</html>
"""

#: The page's one script; the Content-Security-Policy allows it by its hash and nothing else.
SCRIPT = """
document.getElementById("dark").addEventListener("change", function (e) {
  document.body.classList.toggle("dark", e.target.checked);
});
"""


def content_security_policy(script: str, *, served: bool = False) -> str:
    """A policy that runs ``script`` (by its SHA-256) and no other script.

    Inline styles stay allowed (WeChat's HTML is all ``style`` attributes); pictures and
    videos may come from anywhere, as in the article. ``served`` adds what only an HTTP header
    can carry (``frame-ancestors``) and the page's own requests (``connect-src 'self'``).
    """
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    policy = [
        "default-src 'none'",
        f"script-src 'sha256-{digest}'",
        "style-src 'unsafe-inline'",
        "img-src * data: blob: file:",
        "media-src * data: blob: file:",
        "font-src * data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ]
    if served:
        policy += ["connect-src 'self'", "frame-ancestors 'none'"]
    return "; ".join(policy)


#: The scope of the dark-mode CSS: only the article, only when the toggle is on.
DARK_SCOPE = "body.dark .screen .content"


def article_language(article: Article, config: SiteConfig) -> str:
    """The post's ``lang``, else the site's, else detected from its body (as the render does)."""
    lang = article.front_matter.get("lang")
    return lang if isinstance(lang, str) and lang else config.lang or detect_language(article.body)


def meta_html(
    title: str, author: str, digest: str, cover: str | None = None, when: str = ""
) -> str:
    """The (made) cover, title, author, when it is scheduled and digest above the article, escaped."""
    digest_html = f'<div class="digest">{escape(digest)}</div>' if digest else ""
    cover_html = (
        f'<img class="cover" src="{escape(cover)}" alt="cover made from the title">'
        if cover
        else ""
    )
    when_html = f'<div class="when">{escape(when)}</div>' if when else ""
    return (
        f'{cover_html}<h1>{escape(title)}</h1><div class="by">{escape(author)}</div>'
        f"{when_html}{digest_html}"
    )


def scheduled_words(article: Article, config: SiteConfig, lang: str) -> str:
    """ "scheduled for …" in the site's time zone when the post has ``publish_at``, else ""."""
    if article.publish_at is None:
        return ""
    zone = site_zone(config.timezone)
    return words_for(lang)["scheduled"].format(time=date_time(article.publish_at, zone, lang))


def preview_page(
    article: Article,
    content_html: str,
    config: SiteConfig,
    *,
    chars: int | None = None,
    cover: str | None = None,
) -> str:
    """The article (title, author, digest, content) in a 390 px phone frame.

    ``chars`` is the count of visible text the page shows (default: that of ``content_html``:
    text, not markup, so it is the same in every theme); ``cover`` the URL of the cover
    mdwx will make when the post gives none.
    """
    lang = article_language(article, config)
    words = words_for(lang)
    count = text_chars(content_html) if chars is None else chars
    content_html, dark_css = dark_mode(content_html, scope=DARK_SCOPE)
    return PAGE.format(
        lang=escape(lang),
        dark=words["dark"],
        css=PAGE_CSS,
        dark_css=dark_css,
        csp=content_security_policy(SCRIPT),
        script=SCRIPT,
        title=escape(article.title),
        meta=meta_html(
            article.title,
            article.author or config.author,
            article.digest,
            cover,
            scheduled_words(article, config, lang),
        ),
        content=content_html,
        chars=words["chars"].format(count=count),
    )
