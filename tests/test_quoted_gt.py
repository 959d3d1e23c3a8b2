"""A ``>`` (or ``<``, quotes, ``&``, ``/>``) in alt or title text never breaks a tag.

The theme inliner writes ``alt="x > 0"`` with a literal ``>``; every pass that scans tags
(filling a formula's or diagram's size, merging styles, counting text) must read it as part
of the value. Checked as a property over the text, against ``html.parser``.
"""

from __future__ import annotations

import string
from html.parser import HTMLParser
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from mdwx.document import FORMULA_SIZE_ATTR, Asset, AssetKind, Document
from mdwx.html_scan import ANY_TAG
from mdwx.render.limits import visible_text
from tests.render_helpers import render

SPECIALS = ["<", ">", '"', "'", "&", "/>", "&gt;", " "]
TEXT = st.lists(
    st.sampled_from(SPECIALS) | st.text(string.ascii_letters + string.digits, min_size=1),
    min_size=1,
    max_size=8,
).map("".join)
SIZE = "width:40.9px;height:12px"


class _StartTags(HTMLParser):
    """Every tag as ``html.parser`` reads it, attributes as a list (duplicates kept)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.names: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self.names.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.names.append(f"/{tag}")


def _parsed(html: str) -> _StartTags:
    parser = _StartTags()
    parser.feed(html)
    parser.close()
    return parser


def _scanned_names(html: str) -> list[str]:
    """The tag names mdwx's own scan finds, to compare with html.parser's."""
    names = []
    for match in ANY_TAG.finditer(html):
        inside = match.group(0)[1:-1]
        name = inside.split(None, 1)[0].rstrip("/").lower() if inside.split() else ""
        names.append(name)
    return names


def _check_pictures(html: str, sized: set[str]) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Each ``<img>`` has one ``style`` (with the size for a typeset picture) and no mark."""
    parsed = _parsed(html)
    assert _scanned_names(html) == parsed.names
    images = [attrs for tag, attrs in parsed.tags if tag == "img"]
    for attrs in images:
        names = [name for name, _ in attrs]
        assert names.count("style") == 1, attrs
        assert FORMULA_SIZE_ATTR not in names
        src = dict(attrs)["src"] or ""
        if src in sized:
            assert (dict(attrs)["style"] or "").endswith(SIZE)
    return [("img", attrs) for attrs in images]


@given(alt=TEXT, styled=st.booleans(), quote=st.sampled_from(['"', "'"]))
def test_a_marked_picture_gets_its_size_whatever_its_alt_text(
    alt: str, styled: bool, quote: str
) -> None:
    # As an HTML serializer may write it: only the value's own quote and & escaped.
    value = alt.replace("&", "&amp;").replace(quote, "&quot;" if quote == '"' else "&#39;")
    style = ' style="max-width:100%"' if styled else ""
    html = (
        f'<p>a <img src="mdwx-asset:k1" alt={quote}{value}{quote} {FORMULA_SIZE_ATTR}="k1"'
        f"{style}> b</p>"
    )
    document = Document(html, [Asset("k1", AssetKind.FORMULA, "x")])
    out = document.substitute({"k1": "u.png"}, {"k1": SIZE})
    [(_, attrs)] = _check_pictures(out, {"u.png"})
    assert dict(attrs)["alt"] == alt
    assert "u.png" in dict(attrs)["src"] or ""
    assert "b" in visible_text(out) and "max-width" not in visible_text(out)


def _post_text(formula: str, alt: str, title: str) -> str:
    # Markdown's own syntax characters are not the point here; the HTML-special ones are.
    safe_title = title.replace('"', "'")
    return (
        f"Inline ${formula}$ here.\n\n$$ {formula} $$\n\n"
        f'![{alt}](p.png "{safe_title}")\n\n'
        f"```mermaid\nflowchart LR\n  A[{alt}] --> B\n```\n"
    )


@given(formula=TEXT, alt=TEXT, title=TEXT)
def test_rendered_pictures_keep_one_style_and_their_size(
    tmp_path_factory, formula: str, alt: str, title: str
) -> None:
    root: Path = tmp_path_factory.getbasetemp()
    document = render(_post_text(formula, alt, title), root)
    typeset = [a for a in document.assets if a.is_typeset]
    values = {a.key: f"{a.key}.png" for a in document.assets}
    out = document.substitute(values, {a.key: SIZE for a in typeset})
    images = _check_pictures(out, {f"{a.key}.png" for a in typeset})
    assert len(images) == len(document.assets)
    formulas = [a for a in document.assets if a.kind is AssetKind.FORMULA]
    alts = {dict(attrs)["alt"] for _, attrs in images}
    assert {a.source for a in formulas} <= alts


def test_the_reported_case_fills_both_sizes(tmp_path: Path) -> None:
    document = render("A $x > 0$ b.\n\n$$ x > 0 $$\n", tmp_path)
    out = document.substitute(
        {a.key: f"{a.key}.png" for a in document.assets},
        {a.key: SIZE for a in document.assets},
    )
    assert FORMULA_SIZE_ATTR not in out
    images = _check_pictures(out, {f"{a.key}.png" for a in document.assets})
    assert len(images) == 2
