"""The references list tells a link naming its own URL as before, normalising less.

:func:`mdwx.render.links._names_itself` normalises the link text with only the scheme the
URL itself has in front (issue 19: four URL parses per link were 7% of a build). Drawn here:
texts of URL characters, upper case, escapes, CJK, ideographic full stops (a host
separator), against URLs they normalise to and others, compared with all four tried.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it.common.normalize_url import normalizeLink

from mdwx.render.links import _names_itself

PREFIXES = ("", "http://", "https://", "mailto:")
PIECES = st.sampled_from(
    [
        *"aZ09.-_/:@#?%=&~ +",
        "。",
        "例",
        "Ü",
        "%41",
        "www.",
        "http://",
        "https:",
        "mailto:",
        "HTTP://",
        "xn--",
        "中文",
        "//",
    ]
)
texts = st.lists(PIECES, min_size=1, max_size=10).map("".join)


def _every_scheme(text: str, url: str) -> bool:
    text = text.strip()
    return not text or any(normalizeLink(p + text).rstrip("/") == url.rstrip("/") for p in PREFIXES)


@settings(max_examples=300)
@given(texts, st.sampled_from(PREFIXES), st.sampled_from(["", "/", "//", "x"]))
def test_a_text_and_the_url_it_normalises_to(text: str, prefix: str, tail: str) -> None:
    url = normalizeLink(prefix + text.strip()) + tail
    assert _names_itself(text, url) == _every_scheme(text, url)


@settings(max_examples=300)
@given(texts, texts)
def test_a_text_and_any_url(text: str, url: str) -> None:
    assert _names_itself(text, url) == _every_scheme(text, url)
