"""The regex element tree dark mode reads is the tree BeautifulSoup's html.parser builds,
whenever it accepts the markup; what it refuses goes to BeautifulSoup, so the preview's marks
and dark colours are the same either way."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.render import darkmode
from mdwx.render.tag_tree import Element, element_tree, soup_tree

GOLDEN = Path(__file__).parent / "golden"

_NAMES = ["section", "p", "span", "SPAN", "td", "br", "img", "hr", "svg", "iframe", "style", "a"]
_STYLES = [
    "background:#fff",
    "color:#333",
    "background-color:rgb(240,240,240);color:#555",
    "border-left:4px solid #eee",
    "font-family:&quot;PingFang SC&quot;;color:#111",
    "color:#000;color:&#35;888",
    "",
]
_ATTRIBUTES = st.one_of(
    st.builds(lambda v: f' style="{v}"', st.sampled_from(_STYLES)),
    st.builds(lambda v: f" STYLE='{v}'", st.sampled_from(_STYLES)),
    st.sampled_from([' class="x"', " hidden", ' data-x = "a>b"', " title='<p>'", " href=bare"]),
)
_TEXT = st.sampled_from(["", "word ", "中文", "a &lt; b", "x\ny", "<", "&amp;", " > "])
_ODD = st.sampled_from(["<!-- c -->", "<!doctype html>", "<?pi?>", "</p>", "</br>", "<a/b>"])


def _start(name: str, attributes: list[str], closed: bool) -> str:
    return f"<{name}{''.join(attributes)}{'/' if closed else ''}>"


def _fragment(depth: int) -> st.SearchStrategy[str]:
    inner = st.lists(_fragment(depth - 1), max_size=3).map("".join) if depth else _TEXT
    element = st.builds(
        lambda name, attributes, closed, body, space: (
            _start(name, attributes, closed) + ("" if closed else f"{body}</{name}{space}>")
        ),
        st.sampled_from(_NAMES),
        st.lists(_ATTRIBUTES, max_size=3),
        st.booleans(),
        inner,
        st.sampled_from(["", " ", "\n"]),
    )
    return st.one_of(element, element, _TEXT, _ODD)


_MARKUP = st.lists(_fragment(2), max_size=4).map("\n".join)


def _shape(element: Element) -> tuple[object, ...]:
    return (element.name, element.style, element.at, [_shape(c) for c in element.children])


@settings(max_examples=300)
@given(_MARKUP)
def test_an_accepted_tree_is_the_one_html_parser_builds(html: str) -> None:
    fast = element_tree(html)
    if fast is not None:
        assert _shape(fast) == _shape(soup_tree(html)[0])


@settings(max_examples=150)
@given(_MARKUP)
def test_dark_mode_is_the_same_whichever_tree_it_read(html: str) -> None:
    """The marks and rules of the fast tree are those of BeautifulSoup's tree."""
    shown = darkmode.dark_mode(html)
    root = soup_tree(html)[0]
    original = darkmode.element_tree
    try:
        darkmode.element_tree = lambda _html: root  # type: ignore[assignment]
        assert darkmode.dark_mode(html) == shown
    finally:
        darkmode.element_tree = original  # type: ignore[assignment]


def test_markup_outside_the_regular_shape_is_refused() -> None:
    for html in [
        "<p>a<!-- c --></p>",
        "<p><span>a</p></span>",
        "<br></br>",
        "<p>a</p></p>",
        '<p class=bare style="color:#000">a</p>',
        "<style><p></p></style>",
        "<iframe/>",
    ]:
        assert element_tree(html) is None, html
    assert element_tree("<style>p{color:red}</style>") is not None


def test_mdwx_output_takes_the_fast_path() -> None:
    """Every rendered page of the sample site is read without BeautifulSoup."""
    pages = sorted(GOLDEN.glob("*.html"))
    assert pages
    for page in pages:
        assert element_tree(page.read_text("utf-8")) is not None, page.name


class _Styles(HTMLParser):
    """Each start tag's name and the style a browser takes (the last ``style``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.seen: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append((tag, dict(attrs).get("style") or ""))


def _styles(html: str) -> list[tuple[str, str]]:
    parser = _Styles()
    parser.feed(html)
    parser.close()
    return parser.seen


@settings(max_examples=150)
@given(_MARKUP)
def test_the_markup_the_contrast_check_reads_has_dark_htmls_colours(html: str) -> None:
    """:func:`dark_markup` (no re-serialising) gives every element the style :func:`dark_html`
    gives it."""
    assert _styles(darkmode.dark_markup(html)) == _styles(darkmode.dark_html(html))
