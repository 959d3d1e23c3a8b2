"""The draft API's codes and publish_status explained; crops formatted; answers parsed
defensively. Unit level: error_for, PublishFailed, cover_crop, and a scripted WeChat."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.errors import ArticleError
from mdwx.source.draft_fields import cover_crop
from mdwx.wechat import (
    AlreadySubmitted,
    ContentRejected,
    OutcomeUnknown,
    PermissionDenied,
    PublishFailed,
    PublishRefused,
    WeChatError,
)
from mdwx.wechat.draft import news_item
from mdwx.wechat.errors import PUBLISH_STATUS_MEANINGS, error_for
from mdwx.wechat.models import Draft, DraftPage, PublishedArticle, PublishedPage, PublishJob
from tests.wechat_helpers import FakeWeChat, make_client, run

T = TypeVar("T")


@pytest.mark.parametrize(
    ("code", "endpoint", "cls", "words"),
    [
        (53503, "freepublish/submit", PublishRefused, "pre-publish check"),
        (53504, "freepublish/submit", PublishRefused, "web console"),
        (53505, "freepublish/submit", PublishRefused, "saved by hand"),
        (48001, "draft/add", PermissionDenied, "verified"),
        (48001, "freepublish/get", PermissionDenied, "personal"),
        (45110, "draft/add", ContentRejected, "author"),
        (45008, "draft/add", ContentRejected, "at most 8"),
        (45002, "draft/update", ContentRejected, "690 KB"),
        (45003, "draft/add", ContentRejected, "32 characters"),
        (45166, "draft/add", ContentRejected, "plain text"),
        (40007, "draft/add", ContentRejected, "permanent image"),
        (40007, "draft/get", WeChatError, "freepublish/submit takes it out"),
        (40007, "draft/update", WeChatError, "permanent image from add_material"),
        (40007, "freepublish/submit", WeChatError, "draft box"),
        (40007, "freepublish/get", WeChatError, "publish_id"),
        (40007, "freepublish/delete", WeChatError, "already deleted"),
    ],
)
def test_draft_codes_are_typed_with_their_own_meaning(
    code: int, endpoint: str, cls: type[WeChatError], words: str
) -> None:
    err = error_for(code, "msg", endpoint)
    assert type(err) is cls
    assert words in f"{err} {err.hint}"
    assert err.endpoint == endpoint and str(code) in str(err)


def test_media_api_meanings_are_unchanged() -> None:
    assert isinstance(error_for(53503, "abnormal status", "publish/submit"), AlreadySubmitted)
    assert isinstance(error_for(53504, "invalid status", "publish/update"), AlreadySubmitted)
    assert "690 KB" in str(error_for(45002, "m", "publish/uploadnews").hint)
    # the same words from the draft API do not mean "already submitted"
    assert not isinstance(
        error_for(53503, "abnormal status", "freepublish/submit"), AlreadySubmitted
    )


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (2, "originality check failed"),
        (3, "general reason"),
        (4, "review rejected"),
        (5, "deleted after it was published"),
        (6, "banned"),
    ],
)
def test_every_publish_failure_is_explained_in_words(status: int, words: str) -> None:
    err = PublishFailed("2247483", status, (1,) if status in (2, 4) else ())
    assert words in str(err) and words in PUBLISH_STATUS_MEANINGS[status][0]
    assert err.hint and err.code == "publish_failed" and err.publish_status == status
    assert str(err).startswith("publishing 2247483: publish_status")
    assert err.to_json()["publish_status"] == status


def test_an_undocumented_status_says_so() -> None:
    assert "not documented" in str(PublishFailed("1", 9))
    assert "not documented" in str(PublishFailed("1", -3))


_SENT = re.compile(r"^(?:0|1|0\.\d*[1-9]|1)$")


@settings(max_examples=200)
@given(
    st.lists(
        st.one_of(
            st.floats(-0.5, 1.5), st.sampled_from([0.0, 1.0, 0.5, math.nan]), st.floats(0, 1e-6)
        ),
        min_size=4,
        max_size=4,
    )
)
def test_pic_crop_sends_exactly_what_the_api_accepts(box: list[float]) -> None:
    """Any four numbers in front matter: either an ArticleError, or "X1_Y1_X2_Y2" of plain
    fractions that are still ordered after rounding and within 1e-6 of what was asked."""
    try:
        text = _crop(box)
    except ArticleError:
        x1, y1, x2, y2 = box
        ok = 0 <= x1 < x2 <= 1 and 0 <= y1 < y2 <= 1
        assert not ok or any(abs(a - b) < 1e-6 for a, b in ((x1, x2), (y1, y2)))
        return
    parts = text.split("_")
    assert len(parts) == 4 and all(_SENT.match(p) for p in parts), text
    values = [float(p) for p in parts]
    assert values[0] < values[2] and values[1] < values[3]
    assert all(abs(v - b) <= 5e-7 for v, b in zip(values, box, strict=True))


def test_pic_crop_examples() -> None:
    assert _crop([0.1945, 0, 1, 0.5236]) == "0.1945_0_1_0.5236"
    with pytest.raises(ArticleError):
        _crop([0.5, 0, 0.5, 1])


def _crop(box: list[float]) -> str:
    """The ``pic_crop_1_1`` sent for ``box`` given in a post's front matter."""
    return cover_crop({"pic_crop_1_1": box}, {"pic_crop_1_1": 3}, Path("p.md"), "pic_crop_1_1")


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)


@settings(max_examples=150)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "title",
                "content",
                "image_info",
                "is_deleted",
                "need_open_comment",
                "url",
                "article_type",
                "thumb_media_id",
            ]
        ),
        JSONISH | st.fixed_dictionaries({"image_list": JSONISH}),
        max_size=6,
    )
)
def test_news_item_parses_any_answer_without_crashing(data: dict) -> None:
    item = news_item(data)
    assert isinstance(item.title, str) and isinstance(item.image_media_ids, tuple)


def test_submit_answer_without_publish_id_is_outcome_unknown() -> None:
    fake = FakeWeChat()
    fake.on("freepublish/submit", {"errcode": 0, "errmsg": "ok"})
    with pytest.raises(OutcomeUnknown):
        run(make_client(fake).freepublish_submit("M"))
    assert len(fake.calls("freepublish/submit")) == 1


def test_get_answer_without_publish_status_is_an_error_not_publishing() -> None:
    fake = FakeWeChat()
    fake.on("freepublish/get", {"publish_id": "1"}, {"publish_id": "1", "publish_status": "x"})
    client = make_client(fake)
    with pytest.raises(WeChatError, match="publish_status"):
        run(client.freepublish_get("1"))
    with pytest.raises(WeChatError, match="not a number"):
        run(client.freepublish_get("1"))


def test_requests_are_raw_utf8_json_and_count_is_a_get() -> None:
    fake = FakeWeChat()
    fake.on("draft/add", {"media_id": "D1"})
    fake.on("draft/count", {"total_count": 3})
    client = make_client(fake)
    assert run(client.draft_add([{"title": "标题", "content": "<p>x</p>"}])) == "D1"
    assert run(client.draft_count()) == 3
    (add,) = fake.calls("draft/add")
    assert "标题".encode() in add.content and b"\\u" not in add.content
    assert json.loads(add.content) == {"articles": [{"title": "标题", "content": "<p>x</p>"}]}
    (count,) = fake.calls("draft/count")
    assert count.method == "GET"


@settings(max_examples=100)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "item",
                "news_item",
                "total_count",
                "article_detail",
                "fail_idx",
                "publish_status",
                "content",
            ]
        ),
        JSONISH,
        max_size=5,
    )
)
def test_any_answer_shape_parses_or_raises_a_wechat_error(body: dict) -> None:
    """Whatever a relay answers, the reads give typed results or a WeChatError."""
    fake = FakeWeChat()
    client = make_client(fake)
    for key in (
        "draft/get",
        "draft/batchget",
        "freepublish/get",
        "freepublish/getarticle",
        "freepublish/batchget",
    ):
        fake.on(key, {**body, "publish_status": body.get("publish_status", 0)})
    assert isinstance(_outcome(client.draft_get("M")), Draft | WeChatError)
    assert isinstance(_outcome(client.draft_batchget()), DraftPage | WeChatError)
    assert isinstance(_outcome(client.freepublish_get("P")), PublishJob | WeChatError)
    assert isinstance(_outcome(client.freepublish_getarticle("A")), PublishedArticle | WeChatError)
    assert isinstance(_outcome(client.freepublish_batchget()), PublishedPage | WeChatError)


def _outcome(read: Coroutine[Any, Any, T]) -> T | WeChatError:
    """What one read gives: its typed result, or the WeChatError it raised (any other
    exception fails the test)."""
    try:
        return run(read)
    except WeChatError as error:
        return error


def test_publish_job_parses_urls_in_idx_order() -> None:
    fake = FakeWeChat()
    fake.on(
        "freepublish/get",
        {
            "publish_id": "7",
            "publish_status": 0,
            "article_id": "A",
            "article_detail": {
                "count": 2,
                "item": [{"idx": 2, "article_url": "u2"}, {"idx": 1, "article_url": "u1"}],
            },
            "fail_idx": [],
        },
    )
    job = run(make_client(fake).freepublish_get("7"))
    assert job.article_urls == ((1, "u1"), (2, "u2")) and job.url == "u1" and job.succeeded


def test_transport_failure_of_a_read_is_retried() -> None:
    fake = FakeWeChat()
    fake.on("draft/get", httpx.ReadError("reset"), 500, {"news_item": [{"title": "t"}]})
    draft = run(make_client(fake).draft_get("M"))
    assert draft.news_item[0].title == "t" and len(fake.calls("draft/get")) == 3
