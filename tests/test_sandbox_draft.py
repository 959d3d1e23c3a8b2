"""Sandbox draft box (draft/add, update, get, delete, count, batchget): every ARTICLE field
validated like WeChat, index from 0, the answer shapes, token and permission checks."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.sandbox import SandboxServer, SandboxSettings
from mdwx.sandbox.settings import OBSERVED_CONTENT_MAX_BYTES

from .draft_helpers import add, draft, news, newspic, permanent_image, submit
from .sandbox_helpers import FAST, Api, api_fixture, sandbox_fixture  # noqa: F401

PROPERTY = settings(max_examples=60)


@pytest.fixture(scope="module")
def shared() -> Iterator[Api]:
    """One sandbox for the property tests (hypothesis runs many examples per test)."""
    with SandboxServer(SandboxSettings(**FAST)) as sb:
        api = Api(sb)
        yield api
        api.http.close()


def test_add_answers_a_media_id_and_keeps_the_article(api: Api) -> None:
    thumb = permanent_image(api)
    body = add(api, news(thumb, author="作者", content_source_url="https://example.com/"))
    assert set(body) == {"media_id"}
    (stored,) = api.sb.store.drafts()
    assert stored.media_id == body["media_id"] and stored.state == "draft"
    art = stored.items[0]
    assert (art["title"], art["author"], art["article_type"]) == ("草稿标题", "作者", "news")
    assert art["digest"] == "正文"  # empty digest of a single article: taken from the body


def test_up_to_eight_articles_and_45008_above(api: Api) -> None:
    thumb = permanent_image(api)
    eight = [news(thumb, title=f"第{n}篇") for n in range(8)]
    media_id = draft(api, *eight)
    assert len(api.sb.store.draft(media_id).items) == 8
    assert add(api, *eight, news(thumb))["errcode"] == 45008
    assert api.post("draft/add", {"articles": []})["errcode"] == 44003
    assert api.post("draft/add", {})["errcode"] == 44003


def test_multi_article_drafts_carry_no_digest(api: Api) -> None:
    thumb = permanent_image(api)
    media_id = draft(api, news(thumb, digest="只有单篇才有摘要"), news(thumb))
    assert [a["digest"] for a in api.sb.store.draft(media_id).items] == ["", ""]


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"title": "标" * 65}, 45003),
        ({"title": " "}, 45003),
        ({"title": 7}, 40097),
        ({"author": "作" * 17}, 45110),
        ({"digest": "摘" * 121}, 45004),
        ({"content": ""}, 44003),
        ({"content": "<p>a</p><script>alert(1)</script>"}, 45166),
        ({"content": '<img src="https://example.com/a.png">'}, 45166),
        ({"content": '<a href="https://example.com/">x</a>'}, 45166),
        ({"thumb_media_id": "unknown"}, 40007),
        ({"thumb_media_id": None}, 40007),
        ({"need_open_comment": 2}, 40097),
        ({"only_fans_can_comment": True}, 40097),
        ({"content_source_url": 5}, 40097),
        ({"article_type": "video"}, 40097),
    ],
)
def test_article_rejections(shared: Api, fields: dict, code: int) -> None:
    before = len(shared.sb.store.drafts(any_state=True))
    assert add(shared, news(_cover(shared, (470, 200)), **fields))["errcode"] == code
    assert len(shared.sb.store.drafts(any_state=True)) == before


def test_limits_are_per_backend_settings(api: Api) -> None:
    thumb = permanent_image(api)
    assert "media_id" in add(api, news(thumb, title="标" * 64, author="作" * 16))
    api.sb.configure(draft_title_max_chars=32, draft_author_max_chars=8)
    assert add(api, news(thumb, title="标" * 33))["errcode"] == 45003
    assert add(api, news(thumb, author="作" * 9))["errcode"] == 45110
    assert "media_id" in add(api, news(thumb, title="标" * 32, author="作" * 8))


def test_digest_counted_in_bytes_when_told(api: Api) -> None:
    thumb = permanent_image(api)
    assert "media_id" in add(api, news(thumb, digest="摘" * 120))
    api.sb.configure(draft_digest_unit="bytes")
    assert add(api, news(thumb, digest="摘" * 41))["errcode"] == 45004  # 123 bytes
    assert "media_id" in add(api, news(thumb, digest="摘" * 40))  # 120 bytes


def test_content_ceiling_is_the_observed_bytes_not_20000_characters(api: Api) -> None:
    thumb = permanent_image(api)
    assert api.sb.settings.content_max_bytes == OBSERVED_CONTENT_MAX_BYTES
    long_text = "<p>" + "字" * 60_000 + "</p>"  # 60,007 characters, 180,007 bytes
    assert "media_id" in add(api, news(thumb, content=long_text))
    body = "<p>" + "x" * (OBSERVED_CONTENT_MAX_BYTES - 7) + "</p>"
    assert len(body.encode()) == OBSERVED_CONTENT_MAX_BYTES
    assert "media_id" in add(api, news(thumb, content=body))
    over = add(api, news(thumb, content=body.replace("<p>", "<p>é", 1)))
    assert over["errcode"] == 45002


def test_thumb_must_be_a_permanent_image(api: Api) -> None:
    body_url = api.body_image()
    assert add(api, news(body_url))["errcode"] == 40007  # a body image URL is no media_id
    vid = api.video(b"v")
    video_id = api.save_video(vid)["media_id"]
    assert add(api, news(video_id))["errcode"] == 40007  # a video material is no image


def test_cover_crops_are_validated_against_the_cover(api: Api) -> None:
    thumb = permanent_image(api, size=(470, 200))  # 2.35:1 exactly
    ok = news(thumb, pic_crop_235_1="0_0_1_1", pic_crop_1_1="0.2872_0_0.7128_1")
    assert "media_id" in add(api, ok)
    for crop in (
        "0_0_1",
        "0_0_1_1_1",
        "a_0_1_1",
        "-0.1_0_1_1",
        "0_0_1.2_1",
        "0.5_0_0.5_1",
        "0.6_0_0.4_1",
        "0_0_0.5_1",
        "1e-1_0_1_1",
        "",
    ):
        body = add(api, news(thumb, pic_crop_235_1=crop))
        assert body["errcode"] == 40097, crop
        assert "pic_crop_235_1" in body["errmsg"]
    assert add(api, news(thumb, pic_crop_1_1="0_0_1_1"))["errcode"] == 40097  # 2.35:1, not 1:1
    assert add(api, news(thumb, pic_crop_1_1=0.5))["errcode"] == 40097


def test_newspic_takes_plain_text_and_up_to_twenty_permanent_images(api: Api) -> None:
    images = [permanent_image(api, size=(300, 300)) for _ in range(20)]
    media_id = draft(api, newspic(images))
    art = api.sb.store.draft(media_id).items[0]
    assert art["article_type"] == "newspic" and "thumb_media_id" not in art
    assert add(api, newspic(images + images[:1]))["errcode"] == 40097
    assert add(api, newspic([]))["errcode"] == 40097
    assert add(api, newspic(images[:1], content="<p>HTML</p>"))["errcode"] == 45166
    assert add(api, newspic(images[:1], content="a<br/>b"))["errcode"] == 45166
    assert "media_id" in add(api, newspic(images[:1], content="1 < 2 > 0, 3<4"))
    assert add(api, newspic(images[:1], content="字" * 1001))["errcode"] == 45002
    assert add(api, newspic(images[:1], content=" "))["errcode"] == 44003
    assert add(api, newspic([api.body_image()]))["errcode"] == 40007
    crop = {"ratio": "1_1", "x1": "0", "y1": "0", "x2": "1", "y2": "1"}
    assert "media_id" in add(api, newspic(images[:1], cover_info={"crop_percent_list": [crop]}))
    wrong = {**crop, "ratio": "16_9"}
    assert (
        add(api, newspic(images[:1], cover_info={"crop_percent_list": [wrong]}))["errcode"] == 40097
    )


def test_update_counts_index_from_0(api: Api) -> None:
    thumb = permanent_image(api)
    media_id = draft(api, news(thumb, title="一"), news(thumb, title="二"))
    for index, title in ((0, "新一"), (1, "新二")):
        body = {"media_id": media_id, "index": index, "articles": news(thumb, title=title)}
        assert api.post("draft/update", body) == {"errcode": 0, "errmsg": "ok"}
    assert [a["title"] for a in api.sb.store.draft(media_id).items] == ["新一", "新二"]
    for index in (2, -1, None, True, "0"):
        body = {"media_id": media_id, "index": index, "articles": news(thumb)}
        assert api.post("draft/update", body)["errcode"] == 40097, index
    bad = {"media_id": media_id, "index": 0, "articles": news(thumb, title="x" * 65)}
    assert api.post("draft/update", bad)["errcode"] == 45003
    gone = {"media_id": "nope", "index": 0, "articles": news(thumb)}
    assert api.post("draft/update", gone)["errcode"] == 40007


def test_get_answers_news_item_with_urls_the_reader_serves(api: Api) -> None:
    thumb = permanent_image(api)
    media_id = draft(api, news(thumb, title="预览", content="<p>看得见</p>"))
    body = api.post("draft/get", {"media_id": media_id})
    (item,) = body["news_item"]
    assert item["title"] == "预览" and item["thumb_media_id"] == thumb
    assert item["url"] == f"{api.sb.base_url}/s/{media_id}?idx=1"
    assert httpx.get(item["thumb_url"]).status_code == 200
    page = httpx.get(item["url"])
    assert page.status_code == 200 and "看得见" in page.text and "not published" in page.text
    assert isinstance(body["create_time"], int) and isinstance(body["update_time"], int)
    assert api.post("draft/get", {"media_id": "nope"})["errcode"] == 40007


def test_delete_and_count(api: Api) -> None:
    first, second = draft(api), draft(api)
    assert api.post("draft/count", {}) == {"total_count": 2}
    assert api.http.get("/cgi-bin/draft/count", params={"access_token": api.token}).json() == {
        "total_count": 2
    }
    assert api.post("draft/delete", {"media_id": first}) == {"errcode": 0, "errmsg": "ok"}
    assert api.post("draft/delete", {"media_id": first})["errcode"] == 40007
    assert api.post("draft/get", {"media_id": first})["errcode"] == 40007
    assert api.post("draft/count") == {"total_count": 1}
    assert [d.media_id for d in api.sb.store.drafts()] == [second]


def test_batchget_pages_newest_first_with_or_without_content(api: Api) -> None:
    ids = [draft(api) for _ in range(3)]
    page = api.post("draft/batchget", {"offset": 0, "count": 2, "no_content": 0})
    assert (page["total_count"], page["item_count"]) == (3, 2)
    listed = [i["media_id"] for i in page["item"]]
    rest = api.post("draft/batchget", {"offset": 2, "count": 20, "no_content": 1})
    assert sorted(listed + [i["media_id"] for i in rest["item"]]) == sorted(ids)
    assert "content" in page["item"][0]["content"]["news_item"][0]
    assert "content" not in rest["item"][0]["content"]["news_item"][0]
    for bad in (
        {"offset": 0, "count": 0},
        {"offset": 0, "count": 21},
        {"offset": -1, "count": 1},
        {"count": 1},
        {"offset": 0, "count": 1, "no_content": 2},
    ):
        assert api.post("draft/batchget", bad)["errcode"] == 40097, bad


def test_a_submitted_draft_leaves_the_box(api: Api) -> None:
    media_id = draft(api)
    assert submit(api, media_id)["errcode"] == 0
    assert api.post("draft/count") == {"total_count": 0}
    for path in ("draft/get", "draft/delete", "freepublish/submit"):
        assert api.post(path, {"media_id": media_id})["errcode"] == 40007, path
    assert api.sb.store.draft(media_id, any_state=True).state == "submitted"


def test_token_checks(api: Api) -> None:
    paths = (
        "draft/add",
        "draft/get",
        "draft/count",
        "draft/batchget",
        "draft/update",
        "draft/delete",
    )
    for path in paths:
        assert api.post(path, {}, access_token="")["errcode"] == 41001, path
        assert api.post(path, {}, access_token="forged")["errcode"] == 40001, path
    api.sb.expire_tokens()
    assert [api.post(path, {})["errcode"] for path in paths] == [42001] * len(paths)


def test_unauthorised_account_gets_48001_on_every_call(api: Api) -> None:
    media_id = draft(api)
    api.sb.configure(draft_api_authorised=False)
    for path in (
        "draft/add",
        "draft/get",
        "draft/count",
        "draft/batchget",
        "draft/update",
        "draft/delete",
        "freepublish/submit",
        "freepublish/get",
        "freepublish/getarticle",
        "freepublish/delete",
        "freepublish/batchget",
    ):
        assert api.post(path, {"media_id": media_id})["errcode"] == 48001, path
    assert api.sb.store.draft(media_id) is not None
    assert api.post("draft/get", {}, access_token="forged")["errcode"] == 40001  # token first


def test_body_must_be_utf8_json(api: Api) -> None:
    r = api.http.post(
        "/cgi-bin/draft/add",
        params={"access_token": api.token},
        content='{"articles": "标"}'.encode("gbk"),
    )
    assert r.json()["errcode"] == 47001


def _cover(api: Api, size: tuple[int, int]) -> str:
    """A permanent image of ``size``, uploaded once per sandbox."""
    for image in api.sb.store.images("image"):
        if (image.width, image.height) == size and image.media_id:
            return image.media_id
    return permanent_image(api, size=size)


@PROPERTY
@given(title=st.integers(0, 80), author=st.integers(0, 24), digest=st.integers(0, 140))
def test_text_limits_hold_over_every_length(
    shared: Api, title: int, author: int, digest: int
) -> None:
    """Accepted exactly when every field is within its limit; else the first field's code."""
    thumb = _cover(shared, (470, 200))
    body = add(shared, news(thumb, title="标" * title, author="作" * author, digest="摘" * digest))
    expected = (
        45003 if not 1 <= title <= 64 else 45110 if author > 16 else 45004 if digest > 120 else 0
    )
    assert body.get("errcode", 0) == expected, body


CROP_VALUE = st.one_of(
    st.sampled_from(["0", "1", "0.5", ".25", "1.0", "0.", "-0", "2", "nan", "", "0.3333"]),
    st.floats(-0.5, 1.5, allow_nan=False).map(lambda f: f"{f:.4f}"),
)


@PROPERTY
@given(box=st.lists(CROP_VALUE, min_size=3, max_size=5))
def test_crop_format_is_validated_over_any_box(shared: Api, box: list[str]) -> None:
    """A 1:1 crop of a square cover is accepted iff it is four fractions 0..1, ordered,
    forming a square within a pixel per edge."""
    thumb = _cover(shared, (100, 100))
    value = "_".join(box)
    body = add(shared, news(thumb, pic_crop_1_1=value))
    valid = False
    if len(box) == 4 and all(v and v.replace(".", "", 1).isdigit() for v in box):
        x1, y1, x2, y2 = map(float, box)
        w, h = (x2 - x1) * 100, (y2 - y1) * 100
        valid = max(x1, y1, x2, y2) <= 1 and x1 < x2 and y1 < y2 and abs(w - h) <= 4
    assert ("media_id" in body) is valid, (value, body)


@PROPERTY
@given(
    text=st.text(
        st.characters(blacklist_characters="<", blacklist_categories=("Cs",)), max_size=1100
    ),
    tag=st.sampled_from(
        ["", "<p>", "</section>", "<br/>", "<img src=x>", "<!-- c -->", "< b>", "<A HREF='x'>"]
    ),
    at=st.integers(0, 1100),
)
def test_image_post_text_is_refused_exactly_when_it_holds_a_tag(
    shared: Api, text: str, tag: str, at: int
) -> None:
    images = [_cover(shared, (100, 100))]
    content = text[:at] + tag + text[at:]
    body = add(shared, newspic(images, content=content))
    if not content.strip():
        expected = 44003
    elif tag:
        expected = 45166
    elif len(content) > 1000:
        expected = 45002
    else:
        expected = 0
    assert body.get("errcode", 0) == expected, (content[:60], body)
