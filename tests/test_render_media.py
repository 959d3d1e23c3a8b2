"""Images, videos and formulas become assets with placeholders; render reads no file."""

from __future__ import annotations

from pathlib import Path

from mdwx.document import AssetKind, asset_key
from tests.render_helpers import render, tags


def test_image_is_a_figure_with_caption_and_asset(tmp_path: Path) -> None:
    document = render('Intro\n\n![A cat](img/cat.png "The cat"){width=300}\n', tmp_path)
    [asset] = document.assets
    assert asset.kind is AssetKind.IMAGE and asset.source == "img/cat.png" and asset.line == 3
    assert asset.key == asset_key(AssetKind.IMAGE, "img/cat.png")  # keyed from the site root
    assert asset.local_path == tmp_path / "img" / "cat.png"
    img = next(a for n, a in tags(document.html) if n == "img")
    assert img["src"] == f"mdwx-asset:{asset.key}" and img["alt"] == "A cat"
    assert "width:300px" in img["style"] and "width" not in {k for k in img if k != "style"}
    # The caption is centred by its figure (a repeated text-align:center is pruned).
    figure = document.html[document.html.rindex("<section", 0, document.html.index("<img")) :]
    assert figure.startswith('<section style="margin:0 0 16px;text-align:center">')
    assert '">The cat</p>' in figure


def test_caption_falls_back_to_alt_and_inline_images_get_none(tmp_path: Path) -> None:
    figure = render("![Only alt](a.png)\n", tmp_path).html
    inline = render("Text ![badge](b.png) more\n", tmp_path).html
    assert ">Only alt</p>" in figure and ">badge</p>" not in inline


def test_same_image_twice_is_one_asset_in_first_appearance_order(tmp_path: Path) -> None:
    document = render("![](b.png)\n\n![](a.png)\n\n![](b.png)\n", tmp_path)
    assert [a.source for a in document.assets] == ["b.png", "a.png"]


def test_remote_and_data_images_have_no_local_path(tmp_path: Path) -> None:
    document = render("![](https://x.org/a.png) ![](data:image/png;base64,iVBO)\n", tmp_path)
    assert [a.local_path for a in document.assets] == [None, None]
    assert document.assets[0].is_remote and document.assets[1].is_data_uri


def test_non_ascii_and_site_root_paths_resolve_without_io(tmp_path: Path) -> None:
    document = render("![](图片/猫.png) ![](/static/x.png)\n", tmp_path)
    assert document.assets[0].source == "图片/猫.png"
    assert document.assets[0].local_path == tmp_path / "图片" / "猫.png"
    assert document.assets[1].local_path == tmp_path / "static" / "x.png"


def test_video_becomes_the_contract_iframe(tmp_path: Path) -> None:
    document = render("![Demo](media/clip.MP4)\n", tmp_path)
    [video] = document.assets
    assert video.kind is AssetKind.VIDEO and video.alt == "Demo"
    mark = f"mdwx-asset:{video.key}"
    [(name, attrs)] = [t for t in tags(document.html) if t[0] == "iframe"]
    assert attrs == {
        "class": "video_iframe rich_pages",
        "data-vidtype": "2",
        "data-mpvid": mark,
        "allowfullscreen": "",
        "frameborder": "0",
        "data-src": "https://mp.weixin.qq.com/mp/readtemplate?t=pages/video_player_tmpl"
        f"&action=mpvideo&auto=0&mpvid={mark}",
    }


def test_formulas_are_assets_inline_and_display(tmp_path: Path) -> None:
    document = render("Energy $E=mc^2$ costs $5 and $6.\n\n$$\n\\int_0^1 x\\,dx\n$$\n", tmp_path)
    inline, display = document.assets
    assert (inline.kind, inline.source, inline.display) == (AssetKind.FORMULA, "E=mc^2", False)
    assert (display.source, display.display, display.alt) == (
        "\\int_0^1 x\\,dx",
        True,
        "\\int_0^1 x\\,dx",
    )
    assert "$5 and $6" in document.html  # prices are not math
    assert 'alt="E=mc^2"' in document.html


def test_math_fence_is_a_display_formula(tmp_path: Path) -> None:
    document = render("```math\na^2+b^2\n```\n", tmp_path)
    assert [(a.kind, a.source, a.display) for a in document.assets] == [
        (AssetKind.FORMULA, "a^2+b^2", True)
    ]
