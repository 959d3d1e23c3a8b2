"""Hypothesis strategies for whole posts (front matter + Markdown) and the property every
post must meet: reading and rendering it ends in success or an MdwxError, nothing else.

Shared by ``tests/test_fuzz.py`` (a modest run in the suite) and ``benchmarks/fuzz.py``
(a longer run printing its figure).
"""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import strategies as st

from mdwx.config import SiteConfig
from mdwx.errors import MdwxError
from mdwx.render import render_article
from mdwx.source.article import read_article

KEYS = [
    "title",
    "author",
    "digest",
    "cover",
    "slug",
    "theme",
    "draft",
    "tags",
    "source_url",
    "comments",
    "show_cover_pic",
    "date",
    "video",
    "declare_original",
    "unknown_key",
]
FRAGMENTS = [
    "# ",
    "## ",
    "- ",
    "1. ",
    "> ",
    "```",
    "```python\n",
    "```miniprogram\n",
    "~~~",
    "    ",
    "*",
    "**",
    "_",
    "~~",
    "`",
    "[",
    "](",
    ")",
    "![",
    "<",
    ">",
    "</",
    "<div>",
    "<script>",
    "<img src=x onerror=y>",
    "<a href='javascript:x'>",
    "&amp;",
    "&#0;",
    "$",
    "$$",
    "\\",
    "|",
    "| --- |",
    "---",
    "***",
    "[^1]",
    "[^1]: ",
    "{width=300}",
    "{#id .c}",
    ":::",
    "!!! note",
    "> [!NOTE]",
    "- [ ] ",
    "http://example.com/x.png",
    "data:image/png;base64,AAAA",
    "miniprogram:wx0123456789abcdef/p",
    "../x.png",
    "/etc/passwd",
    "%0A",
    "\n",
    "\n\n",
    "\t",
    " ",
    "中文",
    "😀",
    "\u200b",
    "\u2028",
    "\x00",
    "\r",
    "\x1b[2J",
    "appid: wx0123456789abcdef",
    "title: t",
    "image: x.png",
    "path: p",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True),
    st.text(max_size=80),
    st.sampled_from(["default", "github", "https://x.y/", "open", "x.png"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=8,
)
front_matter = st.one_of(
    st.dictionaries(st.sampled_from(KEYS), values, max_size=8).map(
        lambda d: "---\n" + yaml.safe_dump(d, allow_unicode=True) + "---\n"
    ),
    st.text(max_size=200).map(lambda t: f"---\n{t}\n---\n"),
    st.just(""),
)
bodies = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=30)), max_size=60).map(
    "".join
)
posts = st.tuples(front_matter, bodies).map("".join)


def read_and_render(text: str, folder: Path) -> str:
    """Write ``text`` as a post in ``folder``, read and render it: "ok" or "error".

    Any exception other than :class:`MdwxError` propagates: that is the bug being hunted.
    """
    path = folder / "post.md"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    config = SiteConfig(root=folder)
    try:
        render_article(read_article(path, config), config)
    except MdwxError as exc:
        assert "\n" not in str(exc)
        return "error"
    return "ok"
