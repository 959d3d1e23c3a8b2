"""What goes over the wire for each endpoint, and what comes back as Python values."""

from __future__ import annotations

import hashlib
import json

import httpx
import pytest

from mdwx.wechat import Material, content_type_for
from tests.wechat_helpers import FakeWeChat, make_client, run

ARTICLE = {
    "title": "微信标题：发布测试",
    "content": "<p>正文</p>",
    "thumb_media_id": "MEDIA-1",
    "digest": "摘要",
}


def multipart_part(request: httpx.Request) -> str:
    """The multipart headers of the single `media` part (binary payload stripped)."""
    return request.content.split(b"\r\n\r\n", 1)[0].decode("utf-8")


def test_add_material_sends_media_field_with_filename_and_content_type() -> None:
    fake = FakeWeChat()

    async def go() -> Material:
        async with make_client(fake) as wx:
            return await wx.add_material(b"\x89PNG fake", "cover.png", kind="thumb")

    material = run(go())
    (request,) = fake.calls("material/add_material")
    assert request.url.params["type"] == "thumb"
    head = multipart_part(request)
    assert 'name="media"' in head and 'filename="cover.png"' in head
    assert "Content-Type: image/png" in head
    assert b"\x89PNG fake" in request.content
    assert material == Material("MEDIA-1", "http://mmbiz.qpic.cn/a/0")


def test_add_material_refuses_kinds_outside_the_contract() -> None:
    fake = FakeWeChat()
    with pytest.raises(ValueError, match="kind"):
        run(make_client(fake).add_material(b"x", "a.mp4", kind="video"))
    assert fake.requests == []


def test_uploadimg_reads_json_labelled_text_plain() -> None:
    fake = FakeWeChat()
    body = b'{"url": "http://mmbiz.qpic.cn/plain/0"}'
    fake.on(
        "media/uploadimg",
        lambda request: httpx.Response(200, content=body, headers={"Content-Type": "text/plain"}),
    )
    url = run(make_client(fake).uploadimg(b"\xff\xd8jpeg", "photo.JPG"))
    assert url == "http://mmbiz.qpic.cn/plain/0"
    assert "Content-Type: image/jpeg" in multipart_part(fake.calls("media/uploadimg")[0])


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("a.jpg", "image/jpeg"),
        ("a.jpeg", "image/jpeg"),
        ("b.gif", "image/gif"),
        ("c.bmp", "image/bmp"),
        ("noext", "application/octet-stream"),
    ],
)
def test_content_type_follows_the_extension(filename: str, expected: str) -> None:
    assert content_type_for(filename) == expected


def test_uploadnews_body_is_raw_utf8_json_not_escaped() -> None:
    fake = FakeWeChat()
    media_id = run(make_client(fake).uploadnews(ARTICLE))
    (request,) = fake.calls("publish/uploadnews")
    assert media_id == "NEWS-1"
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"
    assert "微信标题：发布测试".encode() in request.content
    assert b"\\u" not in request.content
    assert json.loads(request.content) == {"articles": [ARTICLE]}


def test_submit_update_delete_query_payloads() -> None:
    fake = FakeWeChat()

    async def go() -> object:
        async with make_client(fake) as wx:
            await wx.submit("NEWS-1")
            await wx.update("NEWS-1", ARTICLE)
            await wx.delete("NEWS-1")
            return await wx.query("NEWS-1")

    status = run(go())
    bodies = {
        key: json.loads(fake.calls(f"publish/{key}")[0].content)
        for key in ("submit", "update", "delete", "query")
    }
    assert bodies["submit"] == {"media_id": "NEWS-1", "msgtype": "mpnews"}
    assert bodies["update"] == {"media_id": "NEWS-1", "index": 1, "articles": ARTICLE}
    assert bodies["delete"] == {"media_id": "NEWS-1", "index": 0}
    assert bodies["query"] == {"media_id": "NEWS-1"}
    assert status.published and status.final and not status.rejected
    assert status.url == "http://mp/s"


def test_query_reports_pending_and_rejected_states() -> None:
    fake = FakeWeChat()
    fake.on("publish/query", {"errcode": 0, "errmsg": "ok", "status": "审核中"})
    fake.on("publish/query", {"errcode": 0, "errmsg": "ok", "status": "审核未通过"})

    async def go() -> list[object]:
        async with make_client(fake) as wx:
            return [await wx.query("N"), await wx.query("N")]

    reviewing, rejected = run(go())
    assert not reviewing.final and reviewing.url is None
    assert rejected.rejected and rejected.final and not rejected.published


def test_video_endpoints_send_action_params_and_block_sha() -> None:
    fake = FakeWeChat()
    block = b"\x00\x01" * 1000

    async def go() -> tuple[str, str, object]:
        async with make_client(fake) as wx:
            vid = await wx.init_upload("clip.mp4", "ab" * 20, 2000)
            await wx.upload_block(vid, 1, block)
            await wx.upload_finish(vid)
            media_id = await wx.save_video(
                vid=vid,
                title="视频",
                description="简介",
                cover_url="http://c",
                tags=["a", "b"],
                declare_original=True,
            )
            return vid, media_id, await wx.query_status(media_id)

    vid, media_id, status = run(go())
    assert (vid, media_id) == ("wxv_1", "VIDEO-1")
    init = fake.calls("material/upload_video?action=init_upload")[0]
    assert json.loads(init.content) == {
        "filename": "clip.mp4",
        "filesha": "ab" * 20,
        "filesize": 2000,
    }
    upload = fake.calls("material/upload_video?action=upload_block")[0]
    assert upload.url.params["part_sha"] == hashlib.sha1(block).hexdigest()
    assert upload.url.params["part_num"] == "1" and upload.url.params["vid"] == "wxv_1"
    assert upload.content == block
    assert upload.headers["Content-Type"] == "application/octet-stream"
    assert fake.calls("material/upload_video?action=upload_finish")[0].url.params["vid"] == "wxv_1"
    save = json.loads(fake.calls("material/upload_video?action=save_video")[0].content)
    assert save == {
        "title": "视频",
        "video_desc": "简介",
        "content": "wxv_1",
        "declare_ori": 1,
        "newcat": "",
        "newsbcat": "",
        "tags": ["a", "b"],
        "cover_url": "http://c",
    }
    assert status.passed and not status.pending and status.vid == "wxv_1"


def test_video_status_helpers_classify_review_states() -> None:
    fake = FakeWeChat()
    for code in (0, 4, 2):
        fake.on(
            "material/upload_video?action=query_status",
            {"status": code, "ori_status": 0, "vid": "v"},
        )

    async def go() -> list[object]:
        async with make_client(fake) as wx:
            return [await wx.query_status("M") for _ in range(3)]

    checking, transcoding, failed = run(go())
    assert checking.pending and transcoding.pending and not checking.failed
    assert failed.failed and not failed.pending and not failed.passed


def test_api_base_with_a_path_prefix_is_kept_for_relays() -> None:
    fake = FakeWeChat()
    run(make_client(fake, api_base="https://relay.example.test/wx/").uploadimg(b"x", "a.png"))
    assert [str(r.url).split("?")[0] for r in fake.requests] == [
        "https://relay.example.test/wx/cgi-bin/stable_token",
        "https://relay.example.test/wx/cgi-bin/media/uploadimg",
    ]


def test_requests_sent_counts_every_http_request() -> None:
    fake = FakeWeChat()

    async def go() -> int:
        async with make_client(fake) as wx:
            await wx.query("A")
            await wx.query("B")
            return wx.requests_sent

    assert run(go()) == 3  # one token fetch, two queries
