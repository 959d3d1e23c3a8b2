"""Figure captions come from the title, and from alt text only when it describes the picture."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.config import config_from_mapping
from mdwx.errors import ConfigError
from mdwx.render.captions import figure_caption, is_generic_alt
from tests.render_helpers import render

CAPTION = 'class="caption"'


def caption_of(html: str) -> str | None:
    """The caption text under the figure, or None (captions are ``<p>`` after the ``<img>``)."""
    after = html.split("<img", 1)[1].split(">", 1)[1]
    if not after.startswith("<p"):
        return None
    return after.split(">", 1)[1].split("</p>", 1)[0]


@pytest.mark.parametrize(
    "alt",
    [
        "image",
        "图片",
        "img",
        "screenshot",
        "pic",
        "IMG_1234",
        "截图",
        "image-20240101123456789",
        "Screenshot 2024-01-01 at 10.00.00",
        "微信图片_20240101123456",
        "cat-photo",
        "cat-photo.png",
        "",
        "スクリーンショット 2024-01-01",
        "이미지",
    ],
)
def test_generic_or_file_name_alt_text_is_no_caption(alt: str, tmp_path: Path) -> None:
    html = render(f"![{alt}](shots/cat-photo.png)\n", tmp_path).html
    assert caption_of(html) is None
    assert f'alt="{alt}"' in html  # the alt text itself is kept


@pytest.mark.parametrize(
    "alt", ["A cat asleep on the keyboard", "架构图", "Screenshot of the settings page"]
)
def test_descriptive_alt_text_is_the_caption(alt: str, tmp_path: Path) -> None:
    assert caption_of(render(f"![{alt}](shots/cat-photo.png)\n", tmp_path).html) == alt


def test_title_is_the_caption_by_default_and_modes_choose(tmp_path: Path) -> None:
    source = '![A sleeping cat](cat.png "Figure 2: Tom, asleep")\n'
    assert caption_of(render(source, tmp_path).html) == "Figure 2: Tom, asleep"
    assert caption_of(render(source, tmp_path, caption="alt").html) == "A sleeping cat"
    assert caption_of(render(source, tmp_path, caption="none").html) is None
    assert caption_of(render('![image](cat.png "Tom")\n', tmp_path, caption="alt").html) == "Tom"


def test_caption_setting_is_validated(tmp_path: Path) -> None:
    assert config_from_mapping({"caption": "none"}, root=tmp_path).caption == "none"
    with pytest.raises(ConfigError, match="caption must be one of title, alt, none"):
        config_from_mapping({"caption": "alt-text"}, root=tmp_path)


def test_video_with_a_generic_name_gets_no_caption(tmp_path: Path) -> None:
    assert CAPTION not in render("![clip](media/clip.mp4)\n", tmp_path).html
    assert "Launch day" in render("![Launch day](media/clip.mp4)\n", tmp_path).html


_PLACEHOLDER_WORDS = st.sampled_from(
    [
        "image",
        "Image",
        "IMG",
        "img",
        "screenshot",
        "Screenshot",
        "pic",
        "photo",
        "图片",
        "截图",
        "屏幕截图",
        "微信图片",
        "截屏",
        "Pasted image",
        "figure",
        "DSC",
        "untitled",
    ]
)
_NOISE = st.text(st.sampled_from("0123456789-_ .:#()"), max_size=20)
_STEMS = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789-_"), min_size=1, max_size=20)


@settings(max_examples=100)
@given(
    word=_PLACEHOLDER_WORDS,
    before=_NOISE,
    after=_NOISE,
    stem=_STEMS,
    ext=st.sampled_from([".png", ".jpg", ".webp", ".gif"]),
    mode=st.sampled_from(["title", "alt"]),
)
def test_placeholder_and_file_name_alt_never_caption(
    word: str, before: str, after: str, stem: str, ext: str, mode: str
) -> None:
    source = f"pics/{stem}{ext}"
    for alt in (f"{before.strip()}{word}{after}", stem, f"{stem}{ext}", f"{stem.upper()}{ext}"):
        assert is_generic_alt(alt, source), alt
        assert figure_caption(alt, "", source, mode) == ""


@settings(max_examples=100)
@given(alt=st.text(max_size=30), title=st.text(max_size=30), stem=_STEMS)
def test_none_means_no_caption_and_a_title_always_wins_by_default(
    alt: str, title: str, stem: str
) -> None:
    source = f"{stem}.png"
    assert figure_caption(alt, title, source, "none") == ""
    if title.strip():
        assert figure_caption(alt, title, source, "title") == title.strip()
    else:
        expected = "" if is_generic_alt(alt, source) else alt.strip()
        assert figure_caption(alt, title, source, "title") == expected
