"""WeChat's dark mode, per element: backgrounds dimmed by brightness, text kept readable,
dark blocks kept, pictures untouched; the preview marks what changes and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.render.contrast import contrast_warnings, parse_colour
from mdwx.render.darkmode import (
    DARK_PAGE,
    DARK_TEXT,
    MAX_BACKGROUND,
    MIN_DIFFERENCE,
    MIN_LIGHTNESS,
    brightness,
    dark_background,
    dark_html,
    dark_mode,
    dark_text,
    hex_colour,
)
from mdwx.render.themes import Theme

channels = st.tuples(*[st.integers(0, 255)] * 3)


@given(channels)
def test_no_background_stays_brighter_than_wechats_limit(rgb: tuple[int, int, int]) -> None:
    assert brightness(dark_background(rgb)) <= MAX_BACKGROUND + 0.5


@given(channels)
def test_a_dark_background_is_kept(rgb: tuple[int, int, int]) -> None:
    """Already dark (not a light grey, within the limit, not nearly black): left as it is."""
    import colorsys

    _, lightness, saturation = colorsys.rgb_to_hls(*(c / 255 for c in rgb))
    grey_light = saturation == 0 and lightness > 0.40
    if brightness(rgb) <= MAX_BACKGROUND and lightness >= MIN_LIGHTNESS and not grey_light:
        assert dark_background(rgb) == rgb


@given(channels, channels)
def test_text_stands_out_from_its_dark_background(
    text: tuple[int, int, int], light_bg: tuple[int, int, int]
) -> None:
    """Whatever the colours, text over a converted background differs from it by WeChat's
    minimum perceived brightness (65), or is near-white, or as bright as its rule lets a
    lightened text be (the dark text's distance from the dark page, 138)."""
    background = dark_background(light_bg)
    shown = dark_text(text, background)
    cap = brightness(DARK_TEXT) - brightness(DARK_PAGE)
    assert (
        brightness(shown) >= 250
        or abs(brightness(shown) - brightness(background)) >= MIN_DIFFERENCE - 1.5
        or abs(brightness(shown) - cap) < 1
    )


def test_white_page_and_dark_text_become_wechats_dark_page_and_light_text() -> None:
    assert dark_background((255, 255, 255)) == DARK_PAGE
    assert hex_colour(dark_text((51, 51, 51), DARK_PAGE)) == "#a3a3a3"  # white at 60 %
    assert dark_background((39, 40, 34)) != (
        255 - 39,
        255 - 40,
        255 - 34,
    )  # a dark code block: not inverted
    assert brightness(dark_background((39, 40, 34))) < 70


def _element(depth: int) -> st.SearchStrategy[str]:
    colour = st.sampled_from(
        [
            "#fff",
            "#ffffff",
            "#333",
            "#07c160",
            "#272822",
            "rgb(250, 240, 230)",
            "rgba(0,0,0,0)",
            "white",
            "black",
            "#eef4fd",
        ]
    )
    style = st.lists(
        st.tuples(
            st.sampled_from(["color", "background", "background-color", "border-left", "margin"]),
            colour,
        ),
        max_size=3,
    )
    text = st.text(st.characters(whitelist_categories=("L", "N")), max_size=5)
    children = st.lists(_element(depth - 1), max_size=3) if depth else st.just([])
    return st.builds(
        lambda tag, pairs, words, inner: (
            f'<{tag} style="{";".join(f"{n}:{v}" if n != "border-left" else f"{n}:4px solid {v}" for n, v in pairs)}">'
            f"{words}{''.join(inner)}</{tag}>"
        ),
        st.sampled_from(["section", "p", "span", "td"]),
        style,
        text,
        children,
    )


@settings(max_examples=60)
@given(st.lists(_element(2), min_size=1, max_size=3).map("\n".join))
def test_the_preview_marks_only_what_dark_mode_changes(html: str) -> None:
    """The preview's article is the content exactly, plus a mark on each element whose colours
    change; each mark has one rule, holding the colours :func:`dark_html` gives that element."""
    marked, css = dark_mode(html)
    assert re.sub(r' data-dm="\d+"', "", marked) == html
    marks = re.findall(r'data-dm="(\d+)"', marked)
    assert sorted(marks, key=int) == [str(n) for n in range(len(marks))]
    assert len(css.splitlines()) == len(marks) and all(
        "!important" in rule for rule in css.splitlines()
    )
    dark = dark_html(html)
    assert all(colour in dark for colour in re.findall(r"#[0-9a-f]{6}", css))


def test_pictures_are_shown_as_they_are() -> None:
    html = '<section style="background:#fff"><img src="x.png" style="background:#fff;border:1px solid #eee"></section>'
    assert '<img src="x.png" style="background:#fff;border:1px solid #eee"/>' in dark_html(html)
    assert 'data-dm="1"' not in dark_mode(html)[0]


def test_contrast_is_checked_in_dark_mode_too(tmp_path: Path) -> None:
    """Grey #707070 on white reads (4.95:1), and WeChat keeps it in dark mode (it already
    differs from the dark page): 3.4:1 there, which is said."""
    css = ".mdwx { color: #707070; }"
    theme = Theme(name="mine", css=css, pygments_style="friendly", path=tmp_path / "mine.css")
    warnings = contrast_warnings(theme)
    assert warnings and all("dark mode" in w.message for w in warnings)
    assert any("body text #707070 on #191919" in w.message for w in warnings)
    assert parse_colour("#707070") == dark_text((112, 112, 112), DARK_PAGE)
