"""Validation of an article's ``content`` HTML, as strict as WeChat's save check.

WeChat refuses (errcode 45166 "invalid content") content with ``<script>``, images not
uploaded to the account, videos that did not pass review, and links outside
``mp.weixin.qq.com`` for accounts without WeChat Pay. The sandbox refuses the same, so a
pipeline that works here does not fail on the real account for these reasons.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from starlette.requests import Request

from .records import ImageRecord

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
_IMAGE_PATH = re.compile(r"^/mmbiz/([0-9a-f]{32})\.([a-z]+)$")
_MP_HOST = "mp.weixin.qq.com"
LINK_REFUSAL = "请勿插入非mp.weixin.qq.com域名的链接"
MINIPROGRAM_TITLE_MAX = 35


def sandbox_image(request: Request, url: str) -> ImageRecord | None:
    """The image record behind ``url`` if this sandbox issued it, else None."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https"):
        return None
    if parts.hostname not in _LOOPBACK | {request.url.hostname}:
        return None
    match = _IMAGE_PATH.match(parts.path)
    if not match:
        return None
    record = request.app.state.store.image(match.group(1))
    return record if record is not None and record.ext == match.group(2) else None


class _ContentChecker(HTMLParser):
    """Collects the first reason the content would be refused."""

    def __init__(self, request: Request) -> None:
        super().__init__(convert_charrefs=True)
        self.request = request
        self.problem: str | None = None

    def _refuse(self, reason: str) -> None:
        if self.problem is None:
            self.problem = reason

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        check = getattr(self, f"_check_{tag.replace('-', '_')}", None)
        if check is not None:
            check(a)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def _check_script(self, a: dict[str, str]) -> None:
        self._refuse("<script> is not allowed")

    def _check_img(self, a: dict[str, str]) -> None:
        for attr in ("src", "data-src"):
            if attr in a and sandbox_image(self.request, a[attr]) is None:
                self._refuse(f"image {a[attr][:80]!r} was not uploaded to this account")
        if "src" not in a and "data-src" not in a:
            self._refuse("<img> without src")

    def _check_iframe(self, a: dict[str, str]) -> None:
        vid = a.get("data-mpvid")
        if not vid:
            self._refuse("<iframe> is only allowed for account videos (data-mpvid)")
            return
        video = self.request.app.state.store.video(vid)
        if video is None or video.status != 3:
            state = "unknown" if video is None else f"status {video.status}"
            self._refuse(f"video {vid} has not passed review ({state})")

    def _check_a(self, a: dict[str, str]) -> None:
        if "href" not in a:
            return
        href = a["href"].strip()
        if "data-miniprogram-appid" in a:
            if href:
                self._refuse('mini-program links must have href=""')
            return
        if href.startswith("#"):
            self._refuse("in-page anchors are not allowed")
        elif href and not self._link_allowed(href):
            self._refuse(f"{LINK_REFUSAL}: {href[:80]}")

    def _link_allowed(self, href: str) -> bool:
        parts = urlsplit(href)
        if parts.scheme not in ("http", "https"):
            return False
        return bool(self.request.app.state.control.settings.wechat_pay) or (
            parts.hostname == _MP_HOST
        )

    def _check_mp_miniprogram(self, a: dict[str, str]) -> None:
        if not a.get("data-miniprogram-appid") or not a.get("data-miniprogram-path"):
            self._refuse("mini-program card needs data-miniprogram-appid and -path")
        title = a.get("data-miniprogram-title", "")
        if not title or len(title) > MINIPROGRAM_TITLE_MAX:
            self._refuse(f"mini-program card title must be 1..{MINIPROGRAM_TITLE_MAX} characters")
        image = a.get("data-miniprogram-imageurl") or a.get("data-progarm-imageurl") or ""
        if sandbox_image(self.request, image) is None:
            self._refuse("mini-program card image was not uploaded to this account")


def content_problem(request: Request, html: str) -> str | None:
    """Why WeChat would refuse ``html`` (45166), or None if it is acceptable."""
    checker = _ContentChecker(request)
    checker.feed(html)
    checker.close()
    return checker.problem
