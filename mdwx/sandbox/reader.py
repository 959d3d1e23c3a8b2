"""The reader view: what a published article looks like, served by the sandbox.

``publish/query`` points at ``/s/<media_id>`` once an article is published. Images are the
sandbox's own ``/mmbiz`` URLs, so the page renders offline; video iframes (which would load
WeChat's player) become boxes naming the vid. ``/`` lists the library for people running
``mdwx sandbox`` by hand.
"""

from __future__ import annotations

import html
import re

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from .records import ArticleRecord

_IFRAME = re.compile(r"<iframe\b([^>]*)>.*?</iframe>", re.IGNORECASE | re.DOTALL)
_MPVID = re.compile(r"""data-mpvid\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>{title}</title></head>
<body style="margin:0;background:#f5f5f5">
<div style="max-width:677px;margin:0 auto;padding:20px 16px;background:#fff">
{body}
</div></body></html>
"""


def _video_box(match: re.Match[str]) -> str:
    vid = _MPVID.search(match.group(1))
    name = html.escape(vid.group(1)) if vid else "unknown"
    return (
        '<section class="mdwx-sandbox-video" data-mpvid="' + name + '" style="display:flex;'
        "align-items:center;justify-content:center;height:200px;background:#222;color:#eee;"
        f'font:14px sans-serif;margin:12px 0">▶ video {name}</section>'
    )


def render_article(article: ArticleRecord) -> str:
    """The reader page of an article (its first item, as WeChat shows single items)."""
    art = article.article
    title = html.escape(str(art.get("title", "")))
    meta = html.escape(str(art.get("author", "")))
    digest = html.escape(str(art.get("digest", "")))
    content = _IFRAME.sub(_video_box, str(art.get("content", "")))
    banner = ""
    if article.state != "submitted":
        banner = '<p style="color:#c00;font:13px sans-serif">sandbox preview — not published</p>'
    body = (
        f'{banner}<h1 style="font-size:22px;line-height:1.4">{title}</h1>'
        f'<p class="author" style="color:#576b95;font-size:15px">{meta}</p>'
        f'<p class="digest" style="color:#888;font-size:14px">{digest}</p>'
        f'<div id="js_content">{content}</div>'
    )
    return _PAGE.format(title=title, body=body)


async def article_page(request: Request) -> Response:
    article = request.app.state.store.article(request.path_params["media_id"])
    if article is None:
        return HTMLResponse(_PAGE.format(title="404", body="<p>No such article.</p>"), 404)
    return HTMLResponse(render_article(article))


async def index_page(request: Request) -> Response:
    rows = []
    for art in request.app.state.store.articles():
        title = html.escape(str(art.article.get("title", "")))
        rows.append(f'<li><a href="/s/{art.media_id}">{title}</a> — {html.escape(art.status)}</li>')
    listing = "<ul>" + "".join(rows) + "</ul>" if rows else "<p>No articles yet.</p>"
    return HTMLResponse(_PAGE.format(title="mdwx sandbox", body="<h1>mdwx sandbox</h1>" + listing))


READER_ROUTES = [
    Route("/s/{media_id}", article_page, methods=["GET"]),
    Route("/", index_page, methods=["GET"]),
]
