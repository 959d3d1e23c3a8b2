"""Digest lines join like a reader reads them; a post without images still gets a cover."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops

from mdwx.assets.cover import (
    SIZE,
    SQUARE,
    Colours,
    choose_font,
    has_glyphs,
    make_cover,
    theme_colours,
)
from mdwx.config import config_from_mapping
from mdwx.errors import ConfigError
from mdwx.render.themes import load_theme
from mdwx.source.article import join_lines, make_digest

LATIN_WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
CJK_WORDS = st.text(alphabet="中文字词句段落。，", min_size=1, max_size=6)
LINES = st.lists(
    st.lists(st.one_of(LATIN_WORDS, CJK_WORDS), min_size=1, max_size=4).map(" ".join),
    min_size=1,
    max_size=6,
)


def _is_cjk(char: str) -> bool:
    return "\u3000" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef"


def test_issue_example_keeps_the_words_apart() -> None:
    assert make_digest("alpha bravo\ncharlie\n", 120) == "alpha bravo charlie"
    assert make_digest("第一行\n第二行\n", 120) == "第一行第二行"
    assert make_digest("中文\nEnglish\n", 120) == "中文 English"


@settings(max_examples=150)
@given(LINES)
def test_wrapped_lines_join_with_a_space_except_between_cjk(lines: list[str]) -> None:
    digest = make_digest("\n".join(lines) + "\n", 10_000)
    expected = lines[0]
    for line in lines[1:]:
        glue = "" if _is_cjk(expected[-1]) and _is_cjk(line[0]) else " "
        expected += glue + line
    assert digest == expected
    assert digest == join_lines(lines)


# A font every install has (ziamath's): Latin glyphs, no CJK ones.
STIX = Path(importlib.util.find_spec("ziamath").origin).parent / "fonts" / "STIXTwoMath-Regular.ttf"


def test_digest_holds_the_text_a_reader_sees_not_markdown_markers() -> None:
    body = (
        "**重点：**asyncio 的事件循环。公式：$E=mc^2$。\n\n$$\nx^2\n$$\n\n"
        '!!! note "小贴士"\n    事件循环不是线程。\n\n中文*强调。*后文，~~删除。~~后文\n'
    )
    digest = make_digest(body, 120)
    assert digest.startswith("重点：asyncio 的事件循环。")
    assert "中文强调。后文，删除。后文" in digest
    for marker in ("*", "$", "~", "!!!", "note", "x^2"):
        assert marker not in digest


CJK_PUNCTUATED = st.text(
    alphabet=st.sampled_from(list("重点注意事项风险已经存在“”：。！？（）、")),
    min_size=1,
    max_size=12,
).filter(lambda t: t.strip("“”（）") != "")


@settings(max_examples=80)
@given(CJK_PUNCTUATED, st.sampled_from(["**", "*", "~~"]))
def test_emphasis_beside_full_width_punctuation_leaves_no_marker_in_the_digest(
    text: str, mark: str
) -> None:
    digest = make_digest(f"前文{mark}{text}{mark}后文。\n", 120)
    assert digest == f"前文{text}后文。"


def test_cover_is_deterministic_900x383_and_differs_by_title() -> None:
    colours = theme_colours(load_theme("default").css)
    first = make_cover("Hello world", colours, STIX)
    assert first.png == make_cover("Hello world", colours, STIX).png
    assert first.png != make_cover("Another post", colours, STIX).png
    assert Image.open(io.BytesIO(first.png)).size == SIZE == (900, 383)


def test_title_stays_inside_the_centre_square_wechat_crops_to() -> None:
    colours = Colours()
    title = "A rather long title that must wrap onto several lines to fit the square"
    with_text = Image.open(io.BytesIO(make_cover(title, colours, STIX).png)).convert("RGB")
    without = Image.open(io.BytesIO(make_cover(title, colours, None).png)).convert("RGB")
    left, top, right, bottom = ImageChops.difference(with_text, without).getbbox()
    assert (SIZE[0] - SQUARE) // 2 <= left and right <= (SIZE[0] + SQUARE) // 2


@settings(max_examples=30)
@given(st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=200))
def test_any_title_makes_the_same_cover_with_text_only_in_the_centre_square(title: str) -> None:
    colours = Colours()
    made = make_cover(title, colours, STIX)
    assert made.png == make_cover(title, colours, STIX).png
    plain = Image.open(io.BytesIO(make_cover(title, colours, None).png)).convert("RGB")
    box = ImageChops.difference(Image.open(io.BytesIO(made.png)).convert("RGB"), plain).getbbox()
    assert box is None or ((SIZE[0] - SQUARE) // 2 <= box[0] and box[2] <= (SIZE[0] + SQUARE) // 2)


def test_title_is_drawn_only_in_a_font_with_its_glyphs() -> None:
    assert has_glyphs(STIX, "Plain ASCII title")
    assert not has_glyphs(STIX, "没有图片的文章")
    assert choose_font("没有图片的文章", STIX, candidates=[]) is None
    assert choose_font("Plain", STIX, candidates=[]) == STIX
    assert choose_font("Plain", None, candidates=[STIX]) == STIX
    made = make_cover("没有图片", Colours(), None)
    assert made.font is None and "without text" in made.note and "cover_font" in made.note
    assert "with the title in" in make_cover("Plain", Colours(), STIX).note


def test_theme_colours_come_from_the_theme_css() -> None:
    assert theme_colours(load_theme("default").css) == Colours("#1f2d3d", "#07a35a", "#f2f7f4")
    assert theme_colours("") == Colours()


def test_cover_font_setting_must_name_a_font(tmp_path: Path) -> None:
    from mdwx.assets.cover import configured_font

    config = config_from_mapping({"cover_font": "fonts/none.ttf"}, root=tmp_path)
    with pytest.raises(ConfigError, match="cover_font"):
        configured_font(config.cover_font, tmp_path, tmp_path / "mdwx.toml")
    assert configured_font(str(STIX), tmp_path, tmp_path / "mdwx.toml") == STIX


def test_check_of_a_post_without_cover_names_a_bad_cover_font(tmp_path: Path) -> None:
    from tests.cli_helpers import mdwx

    (tmp_path / "mdwx.toml").write_text('cover_font = "missing.ttf"\n', encoding="utf-8")
    (tmp_path / "p.md").write_text("---\ntitle: T\n---\n\nText.\n", encoding="utf-8")
    result = mdwx("check", str(tmp_path / "p.md"))
    assert result.returncode == 2 and "cover_font: missing.ttf" in result.stderr


def test_text_only_post_publishes_with_a_made_cover_uploaded_once(tmp_path: Path) -> None:
    from tests.publish_helpers import endpoints, publish, sandbox

    (tmp_path / "mdwx.toml").write_text(f'cover_font = "{STIX}"\n', encoding="utf-8")
    for name in ("a", "b"):  # same title: the made cover is the same picture
        (tmp_path / f"{name}.md").write_text(
            f"---\ntitle: Plain words\n---\n\nText of {name}.\n", encoding="utf-8"
        )
    with sandbox() as sb:
        first, second = publish([tmp_path / "a.md", tmp_path / "b.md"], sb, draft=True)
        assert first.error is None and second.error is None, (first.error, second.error)
        assert any(
            "made a 900×383 cover with the title in STIXTwoMath" in a
            for a in first.actions + second.actions
        )
        assert not any("no cover image" in w for w in first.warnings + second.warnings)
        assert endpoints(sb).count("material/add_material") == 1
        # Posts are in flight side by side: whichever asks first uploads, the other reuses it.
        both = [first.uploads, second.uploads]
        assert sorted((u["images"], u["cached"]) for u in both) == [(0, 1), (1, 0)], both
        # The second post reuses the first's upload (posts are in flight side by side, so it
        # may have drawn the same picture too; it is never uploaded twice).
        assert all("uploaded" not in a or "cover" not in a for a in second.actions)
        again = publish([tmp_path / "a.md"], sb, draft=True)[0]
        assert "unchanged: nothing sent" in again.actions and not any(
            "cover" in a for a in again.actions
        )


def _em_measure(text: str) -> float:
    """A stand-in font: wide characters 1 em (46 px), the rest half of one."""
    import unicodedata

    return sum(46 if unicodedata.east_asian_width(c) in "WF" else 23 for c in text)


TITLE_PARTS = st.one_of(
    st.text(alphabet="技术周刊第期如何用写一个微信公众号发布工具从零开始", min_size=1, max_size=6),
    st.from_regex(r"[A-Za-z]{1,9}|[0-9]{1,4}|v[0-9]\.[0-9]", fullmatch=True),
    st.sampled_from(list("，。、：！？（）《》「」ー") + ["ぁ", "ッ", " / ", " - "]),
)
TITLES = (
    st.lists(TITLE_PARTS, min_size=1, max_size=12)
    .map(lambda parts: " ".join(parts) if len(parts) % 2 else "".join(parts))
    .filter(str.strip)
)


@settings(max_examples=300)
@given(title=TITLES, width=st.sampled_from([323, 250, 180]))
def test_cover_titles_break_only_where_line_breaking_rules_allow(title: str, width: int) -> None:
    """UAX #14 with kinsoku: no line starts with closing punctuation or small kana, none ends
    with an opening mark, no number or Latin word is split, nothing is lost."""
    from uniseg.linebreak import line_break_boundaries

    from mdwx.assets.cover import NO_LINE_END, NO_LINE_START, wrap_title

    title = " ".join(title.split())
    lines = wrap_title(title, _em_measure, width, 4)
    if lines is None:
        return
    assert all(_em_measure(line) <= width for line in lines) and len(lines) <= 4
    assert "".join(lines).replace(" ", "") == title.replace(" ", "")
    allowed = set(line_break_boundaries(title))
    position = 0
    for line in lines[:-1]:
        position = title.index(line, position) + len(line)
        end = position + len(title[position:]) - len(title[position:].lstrip())
        assert end in allowed, (title, lines)
        assert not line.endswith(tuple(NO_LINE_END))
        following = title[end]
        assert following not in NO_LINE_START, (title, lines)
        assert end > position or not (
            line[-1].isascii()
            and line[-1].isalnum()
            and following.isascii()
            and following.isalnum()
        )


def test_cover_title_breaks_at_the_space_that_balances_the_lines() -> None:
    from mdwx.assets.cover import wrap_title

    assert wrap_title("技术周刊 第 42 期", _em_measure, 323, 4) == ["技术周刊", "第 42 期"]
    assert wrap_title("「深度」为什么说 Rust 是未来？", _em_measure, 400, 4) == [
        "「深度」为什么说",
        "Rust 是未来？",
    ]
