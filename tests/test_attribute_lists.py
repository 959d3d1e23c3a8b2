"""Hugo's Goldmark attribute lists are attributes, not text: after a heading by default
(``title = true``), below any block when the site sets ``block = true``; shown as written
where Hugo would show them, and prose in braces always stays."""

from __future__ import annotations

import re
import tempfile
from html import unescape
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.prepare import prepare
from mdwx.source.attribute_lists import attribute_list_kinds
from mdwx.source.gate import collect_posts

ITEMS = st.sampled_from(
    ["#anchor", ".text-secondary", ".c2", 'style="color:red"', "width=300", "data-x='y z'"]
)
ATTRIBUTE_LISTS = st.lists(ITEMS, min_size=1, max_size=3).map(lambda i: "{" + " ".join(i) + "}")
BLOCKS = ["para{n} words here", "- item{n}", "> quote{n}", "```\ncode{n}\n```", "1. step{n}"]


@st.composite
def hugo_posts(draw: st.DrawFn) -> tuple[str, list[str], list[str], list[str]]:
    """(body, words, heading lists, block lists)."""
    parts: list[str] = []
    words: list[str] = []
    heading_lists: list[str] = []
    block_lists: list[str] = []
    for n in range(draw(st.integers(1, 5))):
        words.append(f"head{n}")
        heading = f"## head{n}"
        if draw(st.booleans()):
            attributes = draw(ATTRIBUTE_LISTS)[:-1] + f" .h{n}}}"
            heading += " " + attributes
            heading_lists.append(attributes)
        block = draw(st.sampled_from(BLOCKS)).format(n=n)
        words.append(re.findall(r"[a-z]+\d+", block)[0])
        if draw(st.booleans()):
            attributes = draw(ATTRIBUTE_LISTS)[:-1] + f" .b{n}}}"
            block += "\n" + attributes
            block_lists.append(attributes)
        prose = f"brace{n} {{word{n}}} stays"
        words += [f"brace{n}", f"{{word{n}}}"]
        parts += [heading, block, prose]
    return "\n\n".join(parts) + "\n", words, heading_lists, block_lists


@settings(max_examples=30)
@given(
    post=hugo_posts(),
    title=st.sampled_from([None, True, False]),
    block=st.sampled_from([None, True, False]),
)
def test_attribute_lists_follow_the_site_setting(
    post: tuple[str, list[str], list[str], list[str]], title: bool | None, block: bool | None
) -> None:
    body, words, heading_lists, block_lists = post
    attribute_list_kinds.cache_clear()
    pairs = (("title", title), ("block", block))
    setting = [f"{key} = {str(value).lower()}" for key, value in pairs if value is not None]
    config = 'title = "s"\n'
    if setting:
        config += "[markup.goldmark.parser.attribute]\n" + "\n".join(setting) + "\n"
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "hugo.toml").write_text(config, encoding="utf-8")
        path = root / "content" / "p.md"
        path.parent.mkdir()
        path.write_text(f"---\ntitle: T\n---\n\n{body}", encoding="utf-8")
        html = prepare(collect_posts([path])[0]).document.html
    shown = unescape(re.sub(r"<[^>]+>", "", html))
    for word in words:
        assert word in shown
    for attributes in heading_lists:
        assert (attributes in shown) == (title is False)
    for attributes in block_lists:
        assert (attributes in shown) == (block is not True)
