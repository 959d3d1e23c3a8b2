"""Every error and warning mdwx prints is one line, whatever text went into it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.document import Diagnostic
from mdwx.errors import ArticleError, AssetError, ConfigError, MdwxError, StateError

# Every way a line can end or a terminal can be steered: C0/C1 controls, NEL, LS, PS, ESC.
BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029\x1b\x00\x7f\x9b"
text = st.text(st.one_of(st.characters(), st.sampled_from(BREAKS)), max_size=60)
kinds = st.sampled_from([MdwxError, ConfigError, ArticleError, AssetError, StateError])


@settings(max_examples=300)
@given(
    kind=kinds,
    message=text,
    path=st.one_of(st.none(), text),
    hint=st.one_of(st.none(), text),
    line=st.one_of(st.none(), st.integers(1, 10**6)),
)
def test_any_error_renders_as_one_line(kind, message, path, hint, line) -> None:
    error = kind(message, path=path, line=line, hint=hint)
    rendered = str(error)
    assert len(rendered.splitlines()) <= 1
    assert not any(ch in rendered for ch in BREAKS + "\t")
    assert error.to_json()["message"] == rendered


@settings(max_examples=100)
@given(message=text, path=st.one_of(st.none(), text), line=st.one_of(st.none(), st.integers(1, 99)))
def test_any_warning_renders_as_one_line(message, path, line) -> None:
    rendered = str(Diagnostic(message, path, line))
    assert not any(ch in rendered for ch in BREAKS + "\t")


def test_the_reported_decoded_newline_is_escaped_visibly() -> None:
    error = AssetError("image not found: a\nb.png", path="post.md", line=3)
    assert str(error) == "post.md:3: image not found: a\\nb.png"
