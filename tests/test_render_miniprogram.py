"""Mini-program cards and links in WeChat's markup, with errors that point at the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from mdwx.document import AssetKind
from mdwx.errors import RenderError
from tests.render_helpers import render, tags

APPID = "wx0123456789abcdef"


def card(title: str = "Open the shop", appid: str = APPID, image: str = "card.png") -> str:
    return f"Intro\n\n```miniprogram\nappid: {appid}\npath: pages/index\ntitle: {title}\nimage: {image}\n```\n"


def test_card_fence_becomes_mp_miniprogram_with_card_image_asset(tmp_path: Path) -> None:
    document = render(card(), tmp_path)
    [asset] = document.assets
    assert asset.kind is AssetKind.CARD_IMAGE and asset.local_path == tmp_path / "card.png"
    [attrs] = [a for n, a in tags(document.html) if n == "mp-miniprogram"]
    assert attrs == {
        "data-miniprogram-appid": APPID,
        "data-miniprogram-path": "pages/index",
        "data-miniprogram-title": "Open the shop",
        "data-miniprogram-imageurl": f"mdwx-asset:{asset.key}",
    }


def test_text_and_image_links_open_the_mini_program(tmp_path: Path) -> None:
    source = (
        f"[Go](miniprogram:{APPID}/pages/x)\n\n[![Logo](logo.png)](miniprogram:{APPID}/pages/y)\n"
    )
    document = render(source, tmp_path)
    links = [a for n, a in tags(document.html) if n == "a"]
    assert [(a["data-miniprogram-path"], a["href"]) for a in links] == [
        ("pages/x", ""),
        ("pages/y", ""),
    ]
    assert 'data-miniprogram-path="pages/y" href=""' in document.html
    assert '><img src="mdwx-asset:' in document.html and document.assets[0].source == "logo.png"


@pytest.mark.parametrize(
    ("source", "line", "words"),
    [
        (card(appid="wx123"), 4, "appid 'wx123' is not valid"),
        (card(title="x" * 36), 6, "36 characters; the limit is 35"),
        (card(image=""), 3, "`image` is missing"),
        (f"a\n\nb [t](miniprogram:{APPID})\n", 3, "has no page path"),
        ("[t](miniprogram:wxZZ/pages/a)\n", 1, "is not valid"),
        ("```miniprogram\nappid: a: b\n```\n", 2, "invalid YAML"),
    ],
)
def test_mistakes_are_render_errors_with_file_lines(
    tmp_path: Path, source: str, line: int, words: str
) -> None:
    with pytest.raises(RenderError) as caught:
        render(source, tmp_path)
    assert caught.value.line == line and words in caught.value.message
    assert caught.value.path == str(tmp_path / "post.md")


def test_card_title_limit_follows_the_config(tmp_path: Path) -> None:
    from mdwx.config import Limits

    with pytest.raises(RenderError):
        render(card(title="twelve chars"), tmp_path, limits=Limits(card_title=10))
