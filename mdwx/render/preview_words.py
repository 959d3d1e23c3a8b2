"""The preview page's own words and times, in the article's language and the site's time zone.

The words around the article (the character count, the dark-mode toggle, the copy button and
what it reports, when the page was updated, when the post is scheduled) follow the article's
``lang`` (front matter, else the site's, else detected: Chinese when the body is mostly
Chinese). Times are shown in the site's ``timezone`` (``mdwx.toml``; default: the machine's).
"""

from __future__ import annotations

import datetime as dt

from mdwx.config_tables import site_zone
from mdwx.markdown.callouts import language_family

__all__ = ["WORDS", "clock_time", "date_time", "site_zone", "words_for"]

#: Every word the preview prints, by language family ("zh" or "en"). ``{…}`` are filled in.
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "chars": "{count:,} characters",
        "dark": "dark mode",
        "copy": "Copy for the WeChat editor",
        "preparing": "preparing the article…",
        "copied": "Copied: paste into the WeChat editor.",
        "hosted": " Pictures are on WeChat ({uploaded} uploaded, {reused} reused).",
        "upload_failed": "Copied with local pictures; uploading failed: {error}",
        "copy_failed": "copy failed: {error}",
        "reload_failed": "reload failed: {error}",
        "unreachable": "preview server unreachable: retrying…",
        "warning": "warning: {text}",
        "nothing": "nothing to copy",
        "updated": "updated {time}",
        "scheduled": "scheduled for {time}",
        "no_credentials": "No WeChat credentials: the copy carries local pictures inline, and the "
        "WeChat editor may drop them — upload them in the editor, or set WECHAT_APPID "
        "and WECHAT_APPSECRET (or run with --sandbox) to copy WeChat-hosted pictures.",
    },
    "zh": {
        "chars": "{count:,} 字",
        "dark": "深色模式",
        "copy": "复制到公众号编辑器",
        "preparing": "正在准备文章…",
        "copied": "已复制：粘贴到公众号编辑器即可。",
        "hosted": "图片已在微信（上传 {uploaded} 张，复用 {reused} 张）。",
        "upload_failed": "已复制（本地图片）；上传失败：{error}",
        "copy_failed": "复制失败：{error}",
        "reload_failed": "刷新失败：{error}",
        "unreachable": "预览服务无法连接，正在重试…",
        "warning": "警告：{text}",
        "nothing": "没有可复制的内容",
        "updated": "更新于 {time}",
        "scheduled": "定时发布：{time}",
        "no_credentials": "没有微信凭据：复制的内容带着内嵌的本地图片，公众号编辑器可能丢掉它们——"
        "请在编辑器里重新上传，或设置 WECHAT_APPID 和 WECHAT_APPSECRET"
        "（或加 --sandbox 运行），复制的图片就会是微信上的。",
    },
}


def words_for(lang: str) -> dict[str, str]:
    """The preview's words for an article in ``lang`` (BCP 47; Chinese or else English)."""
    return WORDS[language_family(lang)]


def clock_time(moment: dt.datetime, zone: dt.tzinfo) -> str:
    """``HH:MM:SS`` of an aware ``moment`` in ``zone`` (the same in every language)."""
    return moment.astimezone(zone).strftime("%H:%M:%S")


def date_time(moment: dt.datetime, zone: dt.tzinfo, lang: str) -> str:
    """An aware ``moment`` in ``zone`` as a reader of ``lang`` writes it, with the zone's offset."""
    local = moment.astimezone(zone)
    offset = local.strftime("%z")
    utc = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    if language_family(lang) == "zh":
        return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}（{utc}）"
    return f"{local:%Y-%m-%d %H:%M} ({utc})"
