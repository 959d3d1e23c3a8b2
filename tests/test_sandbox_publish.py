"""Sandbox publish library: uploadnews validation, submit, update, delete, query, reader."""

from __future__ import annotations

import json

import httpx
import pytest

from .sandbox_helpers import Api, api_fixture, poll, sandbox_fixture  # noqa: F401


def _submit(api: Api, media_id: str) -> dict:
    return api.post("publish/submit", {"media_id": media_id, "msgtype": "mpnews"})


def _query(api: Api, media_id: str) -> dict:
    return api.post("publish/query", {"media_id": media_id})


def test_uploadnews_answers_like_the_contract(api: Api) -> None:
    img = api.body_image()
    body = api.uploadnews(title="你好", content=f'<section><img src="{img}"></section>')
    assert body["type"] == "news"
    assert body["item"] == [{"index": 0, "ad_count": 0}]
    assert isinstance(body["create_at"], int)
    (stored,) = api.sb.store.articles()
    assert stored.media_id == body["media_id"]
    assert stored.article["title"] == "你好"
    assert stored.status == "未提交"


def test_lengths_count_code_points_even_when_json_is_escaped(api: Api) -> None:
    thumb = api.cover()
    article = api.article(thumb, title="标" * 64, digest="摘" * 120)
    raw = json.dumps({"articles": [article]}, ensure_ascii=True).encode()
    assert b"\\u" in raw
    r = api.http.post(
        "/cgi-bin/publish/uploadnews", params={"access_token": api.token}, content=raw
    )
    assert "media_id" in r.json()


def test_body_that_is_not_utf8_is_47001(api: Api) -> None:
    thumb = api.cover()
    raw = json.dumps({"articles": [api.article(thumb)]}, ensure_ascii=False).encode("gbk")
    r = api.http.post(
        "/cgi-bin/publish/uploadnews", params={"access_token": api.token}, content=raw
    )
    assert r.json()["errcode"] == 47001


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"title": "标" * 65}, 45003),
        ({"title": ""}, 45003),
        ({"digest": "摘" * 121}, 45004),
        ({"content": ""}, 44003),
        (
            {"content": "汉" * 230_001},
            45002,
        ),  # 690,003 bytes of UTF-8: over WeChat's observed ceiling
        ({"thumb_media_id": "unknown"}, 40007),
        ({"need_open_comment": 2}, 40097),
        ({"show_cover_pic": True}, 40097),
        ({"content": "<p>a</p><script>alert(1)</script>"}, 45166),
        ({"content": '<img src="https://example.com/a.png">'}, 45166),
        ({"content": '<a href="https://example.com/">x</a>'}, 45166),
        ({"content": '<a href="#ref-1">x</a>'}, 45166),
        ({"content": '<iframe class="video_iframe" data-mpvid="wxv_1"></iframe>'}, 45166),
        ({"content": '<iframe src="https://example.com/"></iframe>'}, 45166),
    ],
)
def test_uploadnews_rejections(api: Api, fields: dict, code: int) -> None:
    assert api.uploadnews(**fields)["errcode"] == code
    assert api.sb.store.articles() == []


def test_empty_articles_is_44003(api: Api) -> None:
    assert api.post("publish/uploadnews", {"articles": []})["errcode"] == 44003


def test_content_limit_is_utf8_bytes_as_observed_on_wechat(api: Api) -> None:
    """Long articles pass (150,209 characters were accepted live); ~690 KB of UTF-8 does not."""
    assert "media_id" in api.uploadnews(content="<p>" + "x" * 183_914 + "</p>")
    assert "media_id" in api.uploadnews(
        content="<p>" + "x" * (690_000 - 7) + "</p>"
    )  # exactly at it
    answer = api.uploadnews(content="<p>" + "汉" * 230_000 + "</p>")  # 690,007 bytes
    assert answer["errcode"] == 45002 and "690007 bytes" in answer["errmsg"]


def test_content_character_limit_can_still_be_set(api: Api) -> None:
    api.sb.configure(content_max_chars=10)
    assert api.uploadnews(content="<p>中文字字</p>")["errcode"] == 45002  # 11 characters
    assert "media_id" in api.uploadnews(content="<p>中文字</p>")  # 10 characters


def test_external_link_message_and_wechat_pay(api: Api) -> None:
    body = api.uploadnews(content='<a href="https://example.com/">x</a>')
    assert "请勿插入非mp.weixin.qq.com域名的链接" in body["errmsg"]
    api.sb.configure(wechat_pay=True)
    assert "media_id" in api.uploadnews(content='<a href="https://example.com/">x</a>')


def test_allowed_links_and_miniprogram_markup(api: Api) -> None:
    card = api.body_image()
    content = (
        '<a href="https://mp.weixin.qq.com/s/abc">文章</a>'
        '<a data-miniprogram-appid="wx0123456789abcdef" data-miniprogram-path="pages/i" '
        'href="">小程序</a>'
        '<mp-miniprogram data-miniprogram-appid="wx0123456789abcdef" '
        f'data-miniprogram-path="pages/i" data-miniprogram-title="卡片" '
        f'data-miniprogram-imageurl="{card}"></mp-miniprogram>'
    )
    assert "media_id" in api.uploadnews(content=content)
    bad_card = content.replace(card, "https://example.com/c.png")
    assert api.uploadnews(content=bad_card)["errcode"] == 45166


def test_video_in_content_must_have_passed_review(api: Api) -> None:
    api.sb.configure(video_review_seconds=3600)  # in review until the test ends it
    vid = api.video(b"video bytes")
    media_id = api.save_video(vid)["media_id"]
    iframe = (
        f'<iframe class="video_iframe rich_pages" data-vidtype="2" data-mpvid="{vid}" '
        'allowfullscreen="" frameborder="0"></iframe>'
    )
    assert api.uploadnews(content=iframe)["errcode"] == 45166  # still transing
    api.sb.advance(3600)
    poll(
        lambda: (
            api.post("material/upload_video", action="query_status", media_id=media_id)["status"]
            == 3
        )
    )
    assert "media_id" in api.uploadnews(content=iframe)


def test_submit_review_publish_and_reader_view(api: Api) -> None:
    img = api.body_image()
    vid = api.video(b"v")
    api.sb.configure(video_review_seconds=0)
    api.save_video(vid)
    content = (
        f'<p>正文</p><img src="{img}">'
        f'<iframe class="video_iframe rich_pages" data-mpvid="{vid}"></iframe>'
    )
    media_id = api.uploadnews(title="发布", author="作者", digest="摘要", content=content)[
        "media_id"
    ]
    assert "url" not in _query(api, media_id)
    assert _submit(api, media_id) == {"errcode": 0, "errmsg": "submit success"}
    assert _query(api, media_id)["status"] in ("审核中", "发布成功")
    done = poll(lambda: (q := _query(api, media_id))["status"] == "发布成功" and q)
    assert done["url"] == f"{api.sb.base_url}/s/{media_id}"
    page = httpx.get(done["url"])
    assert page.status_code == 200
    for text in ("发布", "作者", "摘要", "正文", img, f"video {vid}"):
        assert text in page.text
    assert "<iframe" not in page.text
    assert api.sb.store.submission_count() == 1


def test_review_rejection(api: Api) -> None:
    api.sb.configure(review_reject=True, review_seconds=0)
    media_id = api.uploadnews()["media_id"]
    _submit(api, media_id)
    body = _query(api, media_id)
    assert body["status"] == "审核未通过"
    assert "url" not in body


def test_second_submit_is_abnormal_status(api: Api) -> None:
    media_id = api.uploadnews()["media_id"]
    assert _submit(api, media_id)["errcode"] == 0
    again = _submit(api, media_id)
    assert again["errcode"] != 0
    assert "abnormal status" in again["errmsg"]
    assert api.sb.store.submission_count() == 1


def test_submit_rejections(api: Api) -> None:
    assert _submit(api, "unknown")["errcode"] == 40007
    media_id = api.uploadnews()["media_id"]
    assert api.post("publish/submit", {"media_id": media_id, "msgtype": "news"})["errcode"] == 40097


def test_daily_quota_and_deleting_does_not_refund(api: Api) -> None:
    api.sb.configure(daily_submit_limit=1)
    first = api.uploadnews()["media_id"]
    assert _submit(api, first)["errcode"] == 0
    assert api.post("publish/delete", {"media_id": first, "index": 0})["errcode"] == 0
    second = api.uploadnews()["media_id"]
    assert _submit(api, second)["errcode"] == 45009
    api.sb.configure(daily_submit_limit=0)
    assert _submit(api, second)["errcode"] == 45009


def test_update_before_and_after_submit(api: Api) -> None:
    thumb = api.cover()
    media_id = api.uploadnews(thumb_media_id=thumb)["media_id"]
    new = api.article(thumb, title="新标题")
    ok = api.post("publish/update", {"media_id": media_id, "index": 1, "articles": new})
    assert ok == {"errcode": 0, "errmsg": "update success"}
    assert api.sb.store.article(media_id).article["title"] == "新标题"
    bad = api.article(thumb, title="x" * 65)
    assert (
        api.post("publish/update", {"media_id": media_id, "index": 1, "articles": bad})["errcode"]
        == 45003
    )
    assert (
        api.post("publish/update", {"media_id": media_id, "index": 2, "articles": new})["errcode"]
        == 40097
    )
    _submit(api, media_id)
    late = api.post("publish/update", {"media_id": media_id, "index": 1, "articles": new})
    assert "invalid status" in late["errmsg"]
    assert late["errcode"] != 0


@pytest.mark.parametrize("index", [0, 1])
def test_delete_removes_the_item(api: Api, index: int) -> None:
    media_id = api.uploadnews()["media_id"]
    body = api.post("publish/delete", {"media_id": media_id, "index": index})
    assert body == {"errcode": 0, "errmsg": "delete success"}
    assert api.sb.store.articles() == []
    assert _query(api, media_id)["errcode"] == 40007
    assert api.post("publish/delete", {"media_id": media_id, "index": 0})["errcode"] == 40007


def test_delete_index_out_of_range(api: Api) -> None:
    media_id = api.uploadnews()["media_id"]
    assert api.post("publish/delete", {"media_id": media_id, "index": 2})["errcode"] == 40097
    assert len(api.sb.store.articles()) == 1


def test_reader_view_of_unknown_article_is_404(api: Api) -> None:
    assert httpx.get(f"{api.sb.base_url}/s/nothing").status_code == 404
