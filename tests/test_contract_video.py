"""Chunked video upload against the sandbox: happy path and each documented failure."""

from __future__ import annotations

import hashlib

import pytest

from mdwx.sandbox import SandboxServer
from mdwx.wechat import VideoError, VideoStatus, WeChatClient
from tests.contract_helpers import (
    CorruptingTransport,
    client_for,
    image_bytes,
    sandbox,
    wait_for,
)
from tests.wechat_helpers import run

__all__ = ["sandbox"]
BLOCK = 1024 * 1024
VIDEO = bytes(range(256)) * (BLOCK * 5 // 2 // 256)  # 2.5 MB: three blocks


async def start(wx: WeChatClient, data: bytes = VIDEO) -> str:
    return await wx.init_upload("clip.mp4", hashlib.sha1(data).hexdigest(), len(data))


async def send_blocks(wx: WeChatClient, vid: str, data: bytes, skip: int | None = None) -> None:
    for number, offset in enumerate(range(0, len(data), BLOCK), start=1):
        if number != skip:
            await wx.upload_block(vid, number, data[offset : offset + BLOCK])


async def upload_and_review(wx: WeChatClient) -> VideoStatus:
    vid = await start(wx)
    await send_blocks(wx, vid, VIDEO)
    await wx.upload_finish(vid)
    cover_url = await wx.uploadimg(image_bytes("JPEG"), "poster.jpg")
    media_id = await wx.save_video(
        vid=vid, title="演示视频", description="简介", cover_url=cover_url, tags=["演示"]
    )

    async def settled() -> VideoStatus | None:
        status = await wx.query_status(media_id)
        return None if status.pending else status

    return await wait_for(settled, "the video review")


def test_video_happy_path_reaches_check_pass(sandbox: SandboxServer) -> None:
    async def go() -> VideoStatus:
        async with client_for(sandbox) as wx:
            return await upload_and_review(wx)

    status = run(go())
    assert status.passed and status.wording == "check pass"
    (video,) = sandbox.store.videos()
    assert video.finished and video.parts == 3 and video.vid == status.vid


def test_video_review_failure_is_reported_as_failed(sandbox: SandboxServer) -> None:
    sandbox.configure(video_final_status=2)

    async def go() -> VideoStatus:
        async with client_for(sandbox) as wx:
            return await upload_and_review(wx)

    status = run(go())
    assert status.failed and not status.passed and status.status == 2


def test_block_corrupted_in_transit_is_a_video_error(sandbox: SandboxServer) -> None:
    async def go() -> None:
        async with client_for(sandbox, transport=CorruptingTransport()) as wx:
            await wx.upload_block(await start(wx), 1, VIDEO[:BLOCK])

    with pytest.raises(VideoError) as caught:
        run(go())
    assert "sha1 mismatch" in str(caught.value) and "upload_block" in caught.value.endpoint


def test_finish_with_missing_blocks_is_a_video_error(sandbox: SandboxServer) -> None:
    async def go() -> None:
        async with client_for(sandbox) as wx:
            vid = await start(wx)
            await send_blocks(wx, vid, VIDEO, skip=2)
            await wx.upload_finish(vid)

    with pytest.raises(VideoError) as caught:
        run(go())
    assert "blocks missing" in str(caught.value)
    assert caught.value.endpoint == "material/upload_video?action=upload_finish"


def test_save_before_finish_is_a_video_error_not_a_retry(sandbox: SandboxServer) -> None:
    async def go() -> None:
        async with client_for(sandbox) as wx:
            vid = await start(wx)
            await wx.save_video(vid=vid, title="t", description="d", cover_url="")

    with pytest.raises(VideoError):
        run(go())
    assert [v.media_id for v in sandbox.store.videos()] == [None]
