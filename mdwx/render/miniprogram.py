"""Mini-program cards and links, validated while rendering.

Three forms, all in WeChat's own markup: a ```` ```miniprogram ```` fence holding YAML
(``appid``, ``path``, ``title``, ``image``) becomes an ``<mp-miniprogram>`` card whose image is
a CARD_IMAGE asset; ``[text](miniprogram:wxAPPID/pages/x)`` and the same around an image
become ``<a data-miniprogram-appid data-miniprogram-path href="">``. Mistakes are
:class:`~mdwx.errors.RenderError` with the file line, because WeChat's answer would not say.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

import yaml

from mdwx.document import AssetKind
from mdwx.render.context import RenderContext
from mdwx.source.yaml_load import load as load_yaml

APPID = re.compile(r"wx[0-9a-f]{16}")
FIELDS = ("appid", "path", "title", "image")


def _key_line(content: str, key: str, ctx: RenderContext) -> int | None:
    """The file line of ``key:`` inside the fence (the fence line itself when absent)."""
    base = ctx.line or 0
    for number, text in enumerate(content.splitlines(), start=1):
        if re.match(rf"\s*{key}\s*:", text):
            return base + number
    return ctx.line


def parse_card(content: str, ctx: RenderContext) -> dict[str, str]:
    """The card's fields, checked: appid format, path, title length, image."""
    try:
        data: Any = load_yaml(content) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = (ctx.line or 0) + 1 + mark.line if mark is not None else ctx.line
        problem = getattr(exc, "problem", None)
        raise ctx.error(
            "mini-program card: invalid YAML" + (f" ({problem})" if problem else ""), line=line
        ) from exc
    except RecursionError:  # PyYAML composes nested collections recursively
        raise ctx.error(
            "mini-program card: invalid YAML (nested too deeply)", line=ctx.line
        ) from None
    if not isinstance(data, dict):
        raise ctx.error("mini-program card: expected `appid`, `path`, `title`, `image` keys")
    card = {key: str(data.get(key) or "").strip() for key in FIELDS}
    _check_appid(card["appid"], ctx, _key_line(content, "appid", ctx))
    for key in ("path", "title", "image"):
        if not card[key]:
            raise ctx.error(f"mini-program card: `{key}` is missing", line=ctx.line)
    limit = ctx.config.limits.card_title
    if len(card["title"]) > limit:
        raise ctx.error(
            f"mini-program card title is {len(card['title'])} characters; the limit is {limit}",
            line=_key_line(content, "title", ctx),
        )
    return card


def _check_appid(appid: str, ctx: RenderContext, line: int | None) -> None:
    if not APPID.fullmatch(appid):
        raise ctx.error(
            f"mini-program appid {appid!r} is not valid",
            line=line,
            hint="an appid is 'wx' followed by 16 hexadecimal digits",
        )


def card_html(content: str, ctx: RenderContext) -> str:
    """The ``<mp-miniprogram>`` card; its image is recorded as a CARD_IMAGE asset."""
    card = parse_card(content, ctx)
    asset = ctx.add_asset(AssetKind.CARD_IMAGE, card["image"], alt=card["title"])
    return (
        f'<section class="mp-card"><mp-miniprogram data-miniprogram-appid="{escape(card["appid"])}" '
        f'data-miniprogram-path="{escape(card["path"])}" '
        f'data-miniprogram-title="{escape(card["title"])}" '
        f'data-miniprogram-imageurl="{asset.placeholder}"></mp-miniprogram></section>\n'
    )


def link_attributes(href: str, ctx: RenderContext) -> str:
    """``data-miniprogram-*`` attributes for ``miniprogram:wxAPPID/path`` (checked)."""
    target = href.removeprefix("miniprogram:").lstrip("/")
    appid, _, path = target.partition("/")
    _check_appid(appid, ctx, ctx.line)
    if not path:
        raise ctx.error(
            f"mini-program link {href!r} has no page path",
            hint="write miniprogram:wxAPPID/pages/index/index",
        )
    return f'data-miniprogram-appid="{escape(appid)}" data-miniprogram-path="{escape(path)}"'
