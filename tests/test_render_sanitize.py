"""Raw HTML in Markdown passes an allow-list: nothing WeChat strips or a browser runs survives."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.config import SiteConfig
from mdwx.render import render_markdown
from mdwx.render.sanitize import ALLOWED, DROP_WITH_CONTENT, RENAMED, sanitize_html
from tests.render_helpers import render, tags, unsafe_markup

VIDEO = (
    '<iframe class="video_iframe rich_pages" data-vidtype="2" data-mpvid="wxv_1" allowfullscreen="" '
    'frameborder="0" data-src="https://mp.weixin.qq.com/mp/readtemplate?t=pages/video_player_tmpl'
    '&amp;action=mpvideo&amp;auto=0&amp;mpvid=wxv_1"></iframe>'
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<script>alert(1)</script>ok", "ok"),
        ("<STYLE>p{}</STYLE><p>x</p>", "<p>x</p>"),
        ('<p onclick="x()" class="c" id="i" style="color:red">t</p>', '<p style="color:red">t</p>'),
        ('<form action="/x"><input name="q"><button>Go</button></form>', "Go"),
        ('<iframe src="https://evil.example"></iframe>after', "after"),
        ('<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
        ('<a href="java\tscript:alert(1)">x</a>', "<a>x</a>"),
        ('<img src="data:text/html;base64,PHN">', ""),
        ('<div align="center">c</div>', '<section align="center">c</section>'),
        (
            '<span style="position:absolute;color:var(--x);font-size:12px">s</span>',
            '<span style="font-size:12px">s</span>',
        ),
        ("a < b & c", "a &lt; b &amp; c"),
        ("<!-- note -->x", "x"),
        (
            '<img src=" https://e.example/a.png ">',
            '<img src="https://e.example/a.png">',
        ),  # as browsers read it
        ('<a href="\n https://e.example/ ">x</a>', '<a href="https://e.example/">x</a>'),
    ],
)
def test_sanitizer_cases(raw: str, expected: str) -> None:
    assert sanitize_html(raw) == expected


def test_contract_video_iframe_survives_and_others_do_not() -> None:
    assert sanitize_html(VIDEO) == VIDEO
    assert sanitize_html(VIDEO.replace("mp.weixin.qq.com", "evil.example")) == ""


def test_raw_img_becomes_an_asset_with_size_in_style(tmp_path: Path) -> None:
    document = render('<p><img src="pics/a.png" width="120" alt="A"></p>\n', tmp_path)
    [asset] = document.assets
    assert asset.source == "pics/a.png" and asset.local_path == tmp_path / "pics" / "a.png"
    [img] = [a for n, a in tags(document.html) if n == "img"]
    assert img["src"] == asset.placeholder and "width:120px" in img["style"] and "width" not in img


def test_raw_links_follow_the_link_policy(tmp_path: Path) -> None:
    html = render('See <a href="https://example.com">this</a>.\n', tmp_path).html
    assert "<a" not in html and "this<sup" in html and "[1]" in html


def test_inline_fragments_split_by_markdown_keep_their_structure(tmp_path: Path) -> None:
    html = render(
        '<div align="center">\n\n**bold**\n\n</div>\n\nA <span style="color:red">red *x*</span>.\n',
        tmp_path,
    ).html
    assert '<section align="center">' in html and html.index("bold") < html.index("</section>")
    assert '<span style="color:red">red <em' in html


MARKDOWNISH = st.text(
    alphabet=st.sampled_from(list("<>/=\"' &;:#*_-[]()!`$\n\tabcdjsvponerlitfmx")), max_size=80
)
TAG_SOUP = st.lists(
    st.sampled_from(
        [
            "<script>",
            "</script>",
            "<style>",
            "<p ",
            "onload=",
            "class=",
            "id=",
            '"',
            "'",
            ">",
            "<",
            "javascript:",
            "data:text/html,",
            "<a href=",
            "<img src=",
            "<iframe",
            "<div",
            "</div>",
            "<!--",
            "-->",
            "<svg>",
            "<textarea>",
            "<input ",
            "style=",
            "position:fixed",
            "var(--x)",
            "&amp;",
            "&#106;avascript:",
            "x",
            " ",
            "\n",
            "![a](",
            ")",
            "[t](",
            "<b>",
            "</a>",
        ]
    ),
    max_size=25,
).map("".join)


@settings(max_examples=150)
@given(st.one_of(TAG_SOUP, MARKDOWNISH))
def test_sanitizing_is_safe_and_idempotent(raw: str) -> None:
    once = sanitize_html(raw)
    assert sanitize_html(once) == once
    assert unsafe_markup(once) == []


@settings(max_examples=100)
@given(st.one_of(TAG_SOUP, MARKDOWNISH))
def test_any_markdown_and_html_renders_wechat_safe(text: str) -> None:
    config = SiteConfig(root=Path("/site"))
    try:
        html = render_markdown(text, config).html
    except Exception as exc:  # only a validation error may stop a render
        assert type(exc).__name__ == "RenderError", exc
        return
    assert unsafe_markup(html) == []


# Never-shown elements split across fragments: inline, in blocks, across lines and blank
# lines, any letter case, with attributes, closed or not. Closed, the secret must vanish;
# never closed, the tag was a name written in prose and everything shows.
HIDDEN_NAMES = [
    "script",
    "style",
    "textarea",
    "title",
    "noscript",
    "template",
    "iframe",
    "object",
    "select",
    "xmp",
    "noembed",
    "noframes",
    "svg",
    "math",
    "plaintext",
]
SEPARATORS = st.sampled_from(["", " ", "\n", "\n\n", "\n\n- ", "\n\n> ", "\n\n1. ", "\n\n# "])
ATTRIBUTES = st.sampled_from(
    ["", ' class="c"', " id=x", "\ntype='text/css'", ' onload="f()"', " src=x.png"]
)
SECRET_PARTS = st.lists(
    st.sampled_from(
        [
            "zqxsecret",
            "**zqxbold**",
            "\n\nzqxpara",
            "\n- zqxitem",
            "<b>zqxtag</b>",
            "<img src=zqx.png>",
            "<a href='https://zqx.example'>zqxlink</a>",
            "p{color:red}",
            "\n\n    zqxcode\n\n",
            "`zqxcode`",
            "&zqx;",
            "\n",
            "![zqx](zqx.png)",
            "[zqxmd](https://zqx.example/md)",
            "https://zqx.example/bare",
        ]
    ),
    min_size=1,
    max_size=5,
).map(lambda parts: "zqx " + "".join(parts))


@st.composite
def hidden_markdown(draw: st.DrawFn) -> tuple[str, str, bool]:
    """(Markdown, the opening tag as written, whether it is closed)."""
    name = draw(st.sampled_from(HIDDEN_NAMES))
    cased = "".join(c.upper() if draw(st.booleans()) else c for c in name)
    before = draw(SEPARATORS)
    attributes = draw(ATTRIBUTES)
    if before not in ("", " "):  # a line break inside a tag that starts a block would end
        attributes = attributes.replace("\n", " ")  # the block: Markdown sees no tag then
    opening = f"<{cased}{attributes}>"
    closed = draw(st.booleans())
    closing = f"</{draw(st.sampled_from([name, name.upper(), cased]))}>" if closed else ""
    start = draw(st.sampled_from(["", "- ", "> ", "<div>"]))
    parts = [
        start,
        "BEFORE",
        before,
        opening,
        draw(SEPARATORS),
        draw(SECRET_PARTS),
        draw(SEPARATORS),
        closing,
        draw(st.sampled_from([" ", "\n", "\n\n"])),
        "AFTER\n",
    ]
    return "".join(parts), opening, closed


def visible_text(html: str) -> str:
    return unescape(re.sub(r"<[^>]*>", " ", html))


@settings(max_examples=200)
@given(hidden_markdown())
def test_never_shown_elements_vanish_when_complete_and_show_as_text_when_never_closed(
    case: tuple[str, str, bool],
) -> None:
    text, opening, closed = case
    document = render_markdown(text, SiteConfig(root=Path("/site")), path=Path("/site/post.md"))
    assert unsafe_markup(document.html) == []
    assert "mdwx-hidden" not in document.html and "mdwx-unclosed" not in document.html
    shown = visible_text(document.html)
    assert "BEFORE" in shown and "AFTER" in shown
    one_line = "\n" not in text[text.index(opening) + len(opening) :].split("AFTER")[0]
    unclosed = [w for w in document.warnings if w.code == "unclosed-hidden"]
    if closed and one_line:  # opening and closing in one paragraph or one HTML block
        assert "zqx" not in document.html.lower()
        assert document.assets == []
        assert unclosed == []
    elif closed and "zqx" not in document.html.lower():  # an HTML block held both
        assert unclosed == []
    else:  # a tag name in prose: it shows as written, with all that follows it
        assert opening.split()[0].rstrip(">") in shown
        assert "zqx" in shown
        [warning] = unclosed
        assert "is never closed" in warning.message and warning.path == "/site/post.md"
        assert 1 <= warning.line <= 1 + text[: text.index(opening)].count("\n")


@pytest.mark.parametrize(
    ("markdown", "visible"),
    [
        ("a <style>p{color:red}</style> b\n", "a b"),
        ("x <textarea>t</textarea> y\n", "x y"),
        ("x <TEXTAREA\nrows=2>t\nu</TextArea> y\n", "x y"),
        ("*a <script>alert(1)</script> b*\n", "a b"),
    ],
)
def test_split_never_shown_elements_examples(markdown: str, visible: str, tmp_path: Path) -> None:
    document = render(markdown, tmp_path)
    assert " ".join(visible_text(document.html).split()) == visible
    assert document.warnings == []


@pytest.mark.parametrize(
    ("markdown", "visible"),
    [
        (
            "<noscript>\n\nsecret\n\n- item\n\n</noscript>\n\nshown\n",
            "<noscript> secret • item shown",
        ),
        (
            "a <iframe src='https://evil.example'>\n\nsecret\n\n</iframe> b\n",
            "a <iframe src='https://evil.example'> secret b",
        ),
    ],
)
def test_an_element_never_swallows_markdown_outside_its_block(
    markdown: str, visible: str, tmp_path: Path
) -> None:
    document = render(markdown, tmp_path)
    assert " ".join(visible_text(document.html).split()) == visible
    assert [w.code for w in document.warnings] == ["unclosed-hidden"]


def test_unclosed_never_shown_element_shows_as_text_with_a_warning(tmp_path: Path) -> None:
    document = render("shown\n\nmore <title>secret\n\nstill secret\n", tmp_path)
    assert " ".join(visible_text(document.html).split()) == "shown more <title>secret still secret"
    [warning] = document.warnings
    assert warning.line == 3 and "<title> is never closed" in warning.message
    assert warning.path == str(tmp_path / "post.md") and warning.code == "unclosed-hidden"


@pytest.mark.parametrize(
    ("markdown", "visible"),
    [
        ("Put your code in a <script> tag.\n", "Put your code in a <script> tag."),
        ("<script>\nalert(1)\n\n# After\n\n**bold**\n", "<script> alert(1) After bold"),
        ("<STYLE>p{}\n\nnext\n", "<STYLE>p{} next"),
        ("A <Object> has a spec.\n\n![pic](p.png)\n\n## Later\n", "A <Object> has a spec. Later"),
        ("a <script>x</script> <textarea> b\n", "a <textarea> b"),
    ],
)
def test_tag_names_in_prose_show_as_text(markdown: str, visible: str, tmp_path: Path) -> None:
    document = render(markdown, tmp_path)
    assert " ".join(visible_text(document.html).split()) == visible
    assert "<img" in document.html or "![" not in markdown


# Where a tag name may be written: every block kind a post has. ``{}`` takes the tag.
PLACES = [
    "{} after",
    "- item {} after",
    "1. item {} after",
    "> quote {} after",
    "# heading {} after",
    "| a | b |\n|---|---|\n| cell {} | after |",
    "*em {}* after",
    "[link {}](https://x.example) after",
    "{}\n\nafter",
]
UNKNOWN_TAGS = st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,8}", fullmatch=True).filter(
    lambda name: (
        name.lower() not in DROP_WITH_CONTENT
        and name.lower() not in ALLOWED
        and name.lower() not in RENAMED
    )
)


def _cased(draw: st.DrawFn, name: str) -> str:
    return "".join(c.upper() if draw(st.booleans()) else c.lower() for c in name)


@st.composite
def placed_tags(draw: st.DrawFn) -> tuple[str, str, str]:
    """(Markdown, tag name, how it is written: "complete", "unclosed")."""
    name = draw(st.sampled_from(sorted(DROP_WITH_CONTENT)) | UNKNOWN_TAGS)
    form = draw(st.sampled_from(["complete", "unclosed"]))
    place, later = draw(st.sampled_from(PLACES)), draw(st.sampled_from(PLACES))
    opening = f"<{_cased(draw, name)}>"
    if form == "complete":  # open here, close here or in a later block
        closing = f"</{_cased(draw, name)}>"
        if draw(st.booleans()):
            tag = f"{opening} zqxsecret {closing}"
            text = "BEFORE " + place.format(tag) + "\n\n" + later.format("AFTER")
        else:  # (not inside a link's text: the reference list repeats a link's whole text)
            later = later if "link" not in later else "{}"
            text = (
                "BEFORE "
                + place.format(opening + " zqxsecret")
                + "\n\n"
                + later.format(f"zqxsecret {closing} AFTER")
            )
    else:
        text = "BEFORE " + place.format(opening + " zqxtail") + "\n\n" + later.format("AFTER")
    return text, name, form


@settings(max_examples=300)
@given(placed_tags())
def test_a_tag_name_anywhere_never_hides_what_follows_it(case: tuple[str, str, str]) -> None:
    text, name, form = case
    document = render_markdown(text, SiteConfig(root=Path("/site")), path=Path("/site/post.md"))
    shown = visible_text(document.html)
    assert "AFTER" in shown and unsafe_markup(document.html) == []
    assert "mdwx-hidden" not in document.html and "mdwx-unclosed" not in document.html
    never_shown = name.lower() in DROP_WITH_CONTENT
    if form == "unclosed":
        assert "zqxtail" in shown
        if never_shown:
            assert f"<{name.lower()}" in shown.lower()
            assert [w.code for w in document.warnings].count("unclosed-hidden") == 1
    elif never_shown and text.count("zqxsecret") == 1:  # opened and closed in one span
        assert "zqxsecret" not in shown
    elif never_shown:  # closed only in a later block: the opening was prose
        assert "zqxsecret" in shown
        assert [w.code for w in document.warnings].count("unclosed-hidden") == 1
    else:  # an unknown tag is dropped, its content kept
        assert "zqxsecret" in shown
