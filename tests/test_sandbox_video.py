"""Sandbox video upload: the four-step protocol, its violations, and the review cycle."""

from __future__ import annotations

import hashlib
import os

import pytest

from .sandbox_helpers import MB, Api, api_fixture, poll, sandbox_fixture  # noqa: F401

VIDEO = os.urandom(2 * MB + 1234)  # three blocks, the last one short


def _init(api: Api, data: bytes = VIDEO, **fields: object) -> dict:
    body = {"filename": "v.mp4", "filesha": hashlib.sha1(data).hexdigest(), "filesize": len(data)}
    body.update(fields)
    return api.post("material/upload_video", body, action="init_upload")


def _finish(api: Api, vid: str) -> dict:
    return api.post("material/upload_video", action="upload_finish", vid=vid)


def _status(api: Api, media_id: str) -> dict:
    return api.post("material/upload_video", action="query_status", media_id=media_id)


def test_happy_path_goes_transing_checking_pass(api: Api) -> None:
    # The review runs on the sandbox's clock, moved by the test: no wall-clock window.
    api.sb.configure(video_review_seconds=3600)
    vid = api.video(VIDEO)
    assert vid.startswith("wxv_") and vid[4:].isdigit()
    cover = api.body_image()
    saved = api.save_video(vid, cover_url=cover, declare_ori=1)
    assert saved["ret"] == 0
    first = _status(api, saved["media_id"])
    assert first["vid"] == vid
    assert first["ori_status"] == 1
    assert first["status"] == 4  # transing, the first half of the review
    api.sb.advance(1800)
    assert _status(api, saved["media_id"])["status"] == 0  # checking, the second half
    api.sb.advance(1800)
    final = _status(api, saved["media_id"])
    assert (final["status"], final["mp_video_fail_detail_wording"]) == (3, "check pass")
    (video,) = api.sb.store.videos()
    assert (video.finished, video.parts, video.filesize, video.status) == (True, 3, len(VIDEO), 3)
    assert api.sb.store.video_ids() == [vid]


@pytest.mark.parametrize(
    ("final", "wording"), [(2, "check fail"), (5, "trans fail"), (9, "forbid")]
)
def test_review_failure_is_configurable(api: Api, final: int, wording: str) -> None:
    api.sb.configure(video_final_status=final, video_review_seconds=0)
    media_id = api.save_video(api.video(b"tiny"))["media_id"]
    body = _status(api, media_id)
    assert (body["status"], body["mp_video_fail_detail_wording"]) == (final, wording)


@pytest.mark.parametrize(
    ("fields", "ret"),
    [
        ({"filesha": "abc"}, 10001),
        ({"filesize": 0}, 10001),
        ({"filesize": "12"}, 10001),
        ({"filename": ""}, 10001),
        ({"filesize": 2 * 1024**3 + 1}, 10002),
    ],
)
def test_init_upload_rejections(api: Api, fields: dict, ret: int) -> None:
    assert _init(api, **fields)["ret"] == ret


def test_block_rejections(api: Api) -> None:
    vid = _init(api)["vid"]
    assert api.block(vid, 1, VIDEO[:MB], sha="0" * 40)["ret"] == 10005
    assert api.block(vid, 1, VIDEO[: MB + 1])["ret"] == 10004
    assert api.block(vid, 0, VIDEO[:10])["ret"] == 10006
    assert api.block(vid, 4, VIDEO[:10])["ret"] == 10006
    assert api.block("wxv_1", 1, VIDEO[:10])["ret"] == 10003
    assert api.sb.store.video(vid).parts == 0


def test_blocks_are_idempotent_and_finish_needs_all_of_them(api: Api) -> None:
    vid = _init(api)["vid"]
    assert api.block(vid, 1, VIDEO[:MB])["ret"] == 0
    assert api.block(vid, 1, VIDEO[:MB])["ret"] == 0
    assert api.block(vid, 3, VIDEO[2 * MB :])["ret"] == 0
    missing = _finish(api, vid)
    assert missing["ret"] == 10007
    assert "2" in missing["errmsg"]
    assert api.block(vid, 2, VIDEO[MB : 2 * MB])["ret"] == 0
    assert _finish(api, vid)["ret"] == 0
    assert _finish(api, vid)["ret"] == 0  # finishing again is harmless
    assert api.block(vid, 2, VIDEO[MB : 2 * MB])["ret"] == 0  # resend after finish: same block
    assert api.block(vid, 2, VIDEO[:MB])["ret"] == 10013


def test_finish_checks_whole_file_sha1(api: Api) -> None:
    other = bytes(len(VIDEO))
    vid = _init(api, filesha=hashlib.sha1(other).hexdigest())["vid"]
    for num, start in enumerate(range(0, len(VIDEO), MB), 1):
        api.block(vid, num, VIDEO[start : start + MB])
    assert _finish(api, vid)["ret"] == 10008


def test_save_video_rejections(api: Api) -> None:
    vid = _init(api, data=b"abc")["vid"]
    assert api.save_video(vid)["ret"] == 10009  # not finished
    api.block(vid, 1, b"abc")
    _finish(api, vid)
    assert api.save_video("wxv_404")["ret"] == 10003
    assert api.save_video(vid, title="")["ret"] == 10001
    assert api.save_video(vid, tags=list("abcdef"))["ret"] == 10011
    assert api.save_video(vid, cover_url="https://example.com/a.png")["ret"] == 10010
    assert api.sb.store.video(vid).media_id is None
    first = api.save_video(vid)["media_id"]
    assert api.save_video(vid)["media_id"] == first


def test_query_unknown_media_and_unknown_action(api: Api) -> None:
    assert _status(api, "nope")["ret"] == 10012
    assert api.post("material/upload_video", action="rename")["ret"] == 10000


def test_video_endpoints_use_ret_for_token_errors(api: Api) -> None:
    body = api.post(
        "material/upload_video", {"filename": "v"}, action="init_upload", access_token="bogus"
    )
    assert body["ret"] == 40001


def test_log_names_video_actions(api: Api) -> None:
    api.video(b"xyz")
    names = [r.endpoint for r in api.sb.requests if r.endpoint.startswith("material/")]
    assert names == [
        "material/upload_video:init_upload",
        "material/upload_video:upload_block",
        "material/upload_video:upload_finish",
    ]
    assert all(r.errcode == 0 for r in api.sb.requests if r.endpoint in names)
