"""The reader view: what a published article looks like, served by the sandbox.

``publish/query`` points at ``/s/<media_id>`` once an article is published; the draft API's
``article_url`` at ``/s/<article_id>?idx=n`` (n from 1), its drafts' preview ``url`` at
``/s/<draft media_id>?idx=n``. A deleted or banned published article answers the notice
WeChat shows in its place (HTTP 200, as WeChat does). Images are the
sandbox's own ``/mmbiz`` URLs, so the page renders offline; video iframes (which would load
WeChat's player) become boxes naming the vid. ``/`` lists the library for people running
``mdwx sandbox`` by hand.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from mdwx.html_scan import IN_TAG

from .mass import inbox_html
from .records import ArticleRecord, PublicationRecord

_IFRAME = re.compile(rf"<iframe\b({IN_TAG})>.*?</iframe>", re.IGNORECASE | re.DOTALL)
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


#: The reader pages run no script at all: an article's HTML is the client's, and WeChat strips
#: script from it; the sandbox's pages must not run it in the sandbox's origin either.
CSP = (
    "default-src 'none'; img-src * data:; media-src * data:; style-src 'unsafe-inline'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def _html(page: str, status_code: int = 200) -> HTMLResponse:
    return HTMLResponse(
        page,
        status_code,
        headers={"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff"},
    )


def _video_box(match: re.Match[str]) -> str:
    vid = _MPVID.search(match.group(1))
    name = html.escape(vid.group(1)) if vid else "unknown"
    return (
        '<section class="mdwx-sandbox-video" data-mpvid="' + name + '" style="display:flex;'
        "align-items:center;justify-content:center;height:200px;background:#222;color:#eee;"
        f'font:14px sans-serif;margin:12px 0">▶ video {name}</section>'
    )


_DELETED = "该内容已被发布者删除"
_BANNED = "此内容因违规无法查看"
_PREVIEW = '<p style="color:#c00;font:13px sans-serif">sandbox preview — not published</p>'


def render_article(article: ArticleRecord) -> str:
    """The reader page of an article (its first item, as WeChat shows single items)."""
    return render_item(article.article, preview=article.state != "submitted")


def _image_post(art: dict[str, Any], image_urls: Sequence[str]) -> str:
    """An image post (newspic): its images, then its plain text."""
    images = "".join(
        f'<img src="{html.escape(url)}" style="width:100%;display:block;margin:8px 0">'
        for url in image_urls
    )
    text = html.escape(str(art.get("content", ""))).replace("\n", "<br>")
    return f'<section class="mdwx-sandbox-images">{images}</section><p>{text}</p>'


def render_item(art: dict[str, Any], *, preview: bool, image_urls: Sequence[str] = ()) -> str:
    """The reader page of one ARTICLE; ``preview`` marks what is not published,
    ``image_urls`` are an image post's images."""
    title = html.escape(str(art.get("title", "")))
    meta = html.escape(str(art.get("author", "")))
    digest = html.escape(str(art.get("digest", "")))
    if art.get("article_type") == "newspic":
        content = _image_post(art, image_urls)
    else:
        content = _IFRAME.sub(_video_box, str(art.get("content", "")))
    banner = _PREVIEW if preview else ""
    body = (
        f'{banner}<h1 style="font-size:22px;line-height:1.4">{title}</h1>'
        f'<p class="author" style="color:#576b95;font-size:15px">{meta}</p>'
        f'<p class="digest" style="color:#888;font-size:14px">{digest}</p>'
        f'<div id="js_content">{content}</div>'
    )
    return _PAGE.format(title=title, body=body)


def _not_found() -> Response:
    return _html(_PAGE.format(title="404", body="<p>No such article.</p>"), 404)


def _image_urls(store: Any, art: dict[str, Any]) -> list[str]:
    """The paths of an image post's images (none for a news article)."""
    entries = (art.get("image_info") or {}).get("image_list") or []
    records = [store.image_by_media_id(e.get("image_media_id", "")) for e in entries]
    return [r.path for r in records if r is not None]


def _item_page(request: Request, items: list[dict[str, Any]], *, preview: bool) -> Response:
    number = request.query_params.get("idx", "1")
    if not number.isdigit() or not 1 <= int(number) <= len(items):
        return _not_found()
    art = items[int(number) - 1]
    urls = _image_urls(request.app.state.store, art)
    return _html(render_item(art, preview=preview, image_urls=urls))


def _published_page(request: Request, record: PublicationRecord) -> Response:
    number = request.query_params.get("idx", "1")
    notice = _BANNED if record.publish_status == 6 else None
    if number.isdigit() and int(number) in record.deleted:
        notice = _DELETED
    if notice is not None:
        return _html(_PAGE.format(title=notice, body=f"<p>{notice}</p>"))
    return _item_page(request, record.items, preview=False)


async def article_page(request: Request) -> Response:
    key = request.path_params["media_id"]
    store = request.app.state.store
    article = store.article(key)
    if article is not None:
        return _html(render_article(article))
    published = store.publication_by_article_id(key)
    if published is not None:
        return _published_page(request, published)
    draft = store.draft(key)
    if draft is not None:
        return _item_page(request, draft.items, preview=True)
    return _not_found()


async def index_page(request: Request) -> Response:
    rows = []
    for art in request.app.state.store.articles():
        title = html.escape(str(art.article.get("title", "")))
        rows.append(f'<li><a href="/s/{art.media_id}">{title}</a> — {html.escape(art.status)}</li>')
    for pub in request.app.state.store.publications():
        if pub.succeeded:
            title = html.escape(str(pub.items[0].get("title", "")))
            rows.append(
                f'<li><a href="/s/{pub.article_id}?idx=1">{title}</a> — '
                f"publish_status {pub.publish_status}</li>"
            )
    listing = "<ul>" + "".join(rows) + "</ul>" if rows else "<p>No articles yet.</p>"
    listing += inbox_html(request.app.state.store)
    return _html(_PAGE.format(title="mdwx sandbox", body="<h1>mdwx sandbox</h1>" + listing))


READER_ROUTES = [
    Route("/s/{media_id}", article_page, methods=["GET"]),
    Route("/", index_page, methods=["GET"]),
]
