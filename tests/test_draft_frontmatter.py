"""The draft API's front matter and text, over the whole input space: cover crops, post
types, an image post's plain text, and a made digest cut to the draft API's limit."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.config import DraftLimits, SiteConfig
from mdwx.errors import ArticleError
from mdwx.render.imagepost import TAG, image_post_text
from mdwx.source.article import read_article
from mdwx.source.draft_fields import cover_crop, post_type
from mdwx.source.model import Article

PATH = Path("/site/posts/p.md")
LINES = {"pic_crop_235_1": 7, "pic_crop_1_1": 8, "type": 4}

NUMBER = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=32),
    st.integers(-3, 3),
    st.sampled_from([0, 1, 0.5, 0.25, 1.0, 0.0]),
)
CROP = st.one_of(
    st.lists(NUMBER, min_size=0, max_size=6),
    st.lists(NUMBER, min_size=4, max_size=4),
    st.lists(NUMBER, min_size=4, max_size=4).map(lambda xs: "_".join(str(x) for x in xs)),
    st.text(max_size=30),
    st.booleans(),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.none(),
)


def _valid(value: Any) -> bool:
    """The rule, written independently: four finite numbers (text or numbers) from 0 to 1,
    top-left before bottom-right once rounded to 6 decimals."""
    if value is None:
        return True
    parts = value.split("_") if isinstance(value, str) else value
    if not isinstance(parts, list) or len(parts) != 4:
        return False
    numbers = []
    for part in parts:
        if isinstance(part, bool):
            return False
        try:
            number = float(part)
        except (TypeError, ValueError):
            return False
        if not math.isfinite(number) or not 0 <= number <= 1:
            return False
        numbers.append(round(number, 6))
    return numbers[0] < numbers[2] and numbers[1] < numbers[3]


@settings(max_examples=200)
@given(CROP)
def test_a_crop_is_accepted_exactly_when_it_is_four_fractions_in_order(value: Any) -> None:
    front = {} if value is None else {"pic_crop_235_1": value}
    try:
        text = cover_crop(front, LINES, PATH, "pic_crop_235_1")
    except ArticleError as exc:
        assert not _valid(value), value
        assert exc.line == 7 and exc.path == str(PATH)
        assert "pic_crop_235_1" in exc.message
        return
    assert _valid(value), value
    if value is None:
        assert text == ""
        return
    x1, y1, x2, y2 = (float(t) for t in text.split("_"))  # WeChat's "X1_Y1_X2_Y2"
    assert 0 <= x1 < x2 <= 1 and 0 <= y1 < y2 <= 1
    assert all(len(t.partition(".")[2]) <= 6 for t in text.split("_"))


@given(
    st.one_of(
        st.text(max_size=10), st.integers(), st.none(), st.sampled_from(["article", "images"])
    )
)
@settings(max_examples=100)
def test_post_type_is_article_or_images_else_an_error_at_its_line(value: Any) -> None:
    front = {} if value is None else {"type": value}
    if value in (None, "article", "images"):
        assert post_type(front, LINES, PATH) == (value or "article")
    else:
        with pytest.raises(ArticleError) as caught:
            post_type(front, LINES, PATH)
        assert caught.value.line == 4


def test_crops_and_type_are_read_from_the_front_matter(tmp_path: Path) -> None:
    post = tmp_path / "p.md"
    post.write_text(
        "---\ntitle: T\ntype: images\npic_crop_235_1: [0.1, 0, 0.9, 0.34]\n"
        "pic_crop_1_1: '0_0_0.5_1'\n---\n\nText.\n",
        encoding="utf-8",
    )
    article = read_article(post, SiteConfig(root=tmp_path))
    assert (article.post_type, article.pic_crop_235_1, article.pic_crop_1_1) == (
        "images",
        "0.1_0_0.9_0.34",
        "0_0_0.5_1",
    )
    assert article.warnings == ()
    post.write_text(
        "---\ntitle: T\npic_crop_1_1: [0.5, 0, 0.2, 1]\n---\n\nText.\n", encoding="utf-8"
    )
    with pytest.raises(ArticleError) as caught:
        read_article(post, SiteConfig(root=tmp_path))
    assert str(caught.value).startswith(
        f"{post}:3: pic_crop_1_1 must go from top-left to bottom-right"
    )


# -- an image post's text ------------------------------------------------------------------

MARKDOWN = st.lists(
    st.sampled_from(
        list("ab 字\n<>/*_`[]()!#-&;:\\|~=\"'") + ["<b>", "</p>", "<!--", "![x](p.png)", "\n\n"]
    ),
    max_size=60,
).map("".join)


def _article(body: str) -> Article:
    return Article(path=PATH, title="T", body=body, body_line=5, slug="p", post_type="images")


@settings(max_examples=200)
@given(MARKDOWN, st.integers(5, 200))
def test_image_post_text_is_plain_and_within_its_limit_or_refused_at_a_line(
    body: str, limit: int
) -> None:
    """For any body: either plain text WeChat takes (no tag, the sandbox's 45166 rule; not over
    ``limit``), or an error naming a line of the body."""
    from mdwx.sandbox.draftcheck import _TAG as SANDBOX_TAG

    try:
        text = image_post_text(_article(body), limit)
    except ArticleError as exc:
        assert exc.path == str(PATH)
        assert exc.line is not None and 5 <= exc.line <= 5 + body.count("\n")
        return
    assert not TAG.search(text) and not SANDBOX_TAG.search(text)
    assert len(text) <= limit


@settings(max_examples=200)
@given(st.text(max_size=200), st.sampled_from(["chars", "bytes"]), st.integers(1, 130))
def test_a_made_digest_is_cut_to_the_draft_limit_in_its_unit(
    digest: str, unit: str, limit: int
) -> None:
    from mdwx.publish.backends.draft import DraftBackend

    config = SiteConfig(root=Path("/site"), draft=DraftLimits(digest=limit, digest_unit=unit))
    backend = DraftBackend(None, config)
    made = backend._digest(digest, given=False)
    size = len(made.encode("utf-8")) if unit == "bytes" else len(made)
    assert size <= limit
    if (len(digest.encode("utf-8")) if unit == "bytes" else len(digest)) <= limit:
        assert made == digest
    else:
        assert made.endswith("…") or made == ""
        assert digest.startswith(made[:-1].rstrip()) if made else True
