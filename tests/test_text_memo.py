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


@settings(max_examples=40)
@given(
    st.sampled_from(["title: T", "title: T\nauthor: A", "title: [unclosed", "comments: maybe"]),
    st.text(alphabet="ab \n#*", max_size=40),
)
def test_a_post_read_again_is_the_same_article_and_errors_are_found_every_time(
    front: str, body: str
) -> None:
    """``build`` reads a post for its route, then to render it: the second read of the same
    text with the same settings is the first's article; a post with errors is read again
    (its errors are raised and gathered anew each time), and other settings read afresh."""
    from pathlib import Path

    from mdwx.config import SiteConfig
    from mdwx.errors import MdwxError
    from mdwx.source.article import _read_article_found, read_article_found

    root = Path("/nonexistent-site")
    config, other = SiteConfig(root=root), SiteConfig(root=root)
    text = f"---\n{front}\n---\n\n{body}x\n"
    try:
        fresh = _read_article_found(text, root / "post.md", config)
    except MdwxError:
        return  # stops reading altogether: raised, never remembered
    first = read_article_found(text, root / "post.md", config)
    second = read_article_found(text, root / "post.md", config)
    for read in (first, second):
        assert read[0] == fresh[0] and list(map(str, read[1])) == list(map(str, fresh[1]))
    assert (second[0] is first[0]) == (not fresh[1])
    assert read_article_found(text, root / "post.md", other)[0] is not first[0]
