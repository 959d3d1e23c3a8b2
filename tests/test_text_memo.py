"""A post's digest and title are made once per text, whichever read asks, and stay exact."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.markdown.text_memo import TextMemo
from mdwx.source.article import _make_digest, make_digest


@settings(max_examples=100)
@given(st.lists(st.text(max_size=20), max_size=30), st.integers(1, 5))
def test_a_memo_answers_what_the_function_does_and_keeps_at_most_its_size(
    texts: list[str], size: int
) -> None:
    memo: TextMemo[str] = TextMemo(size)
    calls: list[str] = []

    def upper(text: str) -> str:
        calls.append(text)
        return text.upper()

    for text in texts + texts[::-1]:
        assert memo.get(text, (1,), lambda t=text: upper(t)) == text.upper()
    assert len(memo._items) <= size
    if len(set(texts)) <= size:  # all fit: each text computed once
        assert sorted(calls) == sorted(set(texts))


def test_the_digest_is_computed_once_per_text_and_settings(monkeypatch) -> None:
    import mdwx.source.article as article

    made: list[str] = []
    monkeypatch.setattr(article, "_DIGESTS", TextMemo(8))
    monkeypatch.setattr(
        article,
        "_make_digest",
        lambda body, limit, math: made.append(body) or _make_digest(body, limit, math=math),
    )
    body = "First paragraph with $x$.\n\nSecond."
    assert make_digest(body, 120) == make_digest(body, 120) == _make_digest(body, 120)
    assert make_digest(body, 120, math=False) == _make_digest(body, 120, math=False)
    assert make_digest(body, 10) == _make_digest(body, 10)
    assert made == [body, body, body]  # once per (text, limit, math)
