"""Chunked, streamed, resumable video upload (the contract's section 三) and review polling.

A video can be up to 2 GB, so it is never held in memory: its sha1 is computed in one
streaming pass and the file is then read and sent one 1 MB block at a time. After WeChat
accepts a block, the state database records it before the next block is read, so an upload
killed at block 180 of 300 continues at block 181 with the same vid on the next run. Blocks
go one after another: parallel blocks would save little (one connection is the bottleneck)
and would make "confirmed up to block n" harder to keep true.

WeChat may only embed a video that passed review, so :func:`wait_for_review` polls
``query_status`` with backoff until status 3 and turns a failed review into one line with
WeChat's own wording.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TypeVar

from mdwx.assets.local import check_video_file
from mdwx.config import VIDEO_TAGS
from mdwx.document import VIDEO_EXTENSIONS
from mdwx.errors import AssetError
from mdwx.publish.state.store import State, VideoRecord
from mdwx.publish.wechat_api import VideoAPI
from mdwx.wechat.errors import VideoError

log = logging.getLogger(__name__)
T = TypeVar("T")

BLOCK_SIZE = 1024 * 1024
MAX_VIDEO_BYTES = 2 * 1024 * 1024 * 1024
MAX_TAGS = VIDEO_TAGS  # checked offline too: front matter and mdwx.toml's [video]
STATUS_PASSED = 3
#: query_status codes (contract, section 四): English wording WeChat uses, and its meaning.
STATUS_TEXT: dict[int, tuple[str, str]] = {
    0: ("checking", "审核中"),
    2: ("check fail", "审核失败"),
    3: ("check pass", "审核通过"),
    4: ("transing", "转码中"),
    5: ("trans fail", "转码失败"),
    9: ("forbid", "被封禁"),
    10: ("delete", "已删除"),
}
_FAILURE_HINTS = {
    2: "WeChat's review refused the video; change it (a changed file is uploaded afresh)",
    5: "WeChat could not transcode it; re-encode it as H.264/AAC MP4 and publish again",
    9: "WeChat has banned this video; it cannot be used",
    10: "the video was deleted from the account; publish again to upload it anew",
}


VideoClient = VideoAPI  # the part of WeChatClient this module uses


@dataclass(frozen=True)
class VideoUpload:
    vid: str
    media_id: str
    status: int  # 0 (checking) until wait_for_review saw a final status
    wording: str
    file_sha1: str = ""  # what wait_for_review needs to find the state record


@dataclass(frozen=True)
class _SaveOptions:
    title: str
    description: str
    cover_url: str
    tags: tuple[str, ...]
    category: str
    subcategory: str
    declare_original: bool


class VideoReviewFailed(VideoError):
    """WeChat's review or transcoding ended in a final state other than "check pass"."""

    def __init__(self, name: str, media_id: str, status: int, wording: str) -> None:
        english, chinese = STATUS_TEXT.get(status, (f"status {status}", "未知状态"))
        self.status = status
        self.wording = wording or english
        self.media_id = media_id
        message = f"video {name} failed review: {self.wording} ({chinese})"
        super().__init__(
            None,
            self.wording,
            "material/upload_video:query_status",
            _FAILURE_HINTS.get(status),
            message=message,
        )


class VideoReviewPending(AssetError):
    """The review did not finish within the timeout; nothing failed, it just is not done."""

    code = "video_pending"


class _VidLost(Exception):
    """WeChat refused a vid recorded by an earlier run: it expired or was never kept."""


def file_sha1(path: Path) -> str:
    """The sha1 of a file, read in blocks so a 2 GB video costs one block of memory."""
    digest = hashlib.sha1()
    with path.open("rb") as handle:
        while chunk := handle.read(BLOCK_SIZE):
            digest.update(chunk)
    return digest.hexdigest()


def block_count(size: int) -> int:
    return -(-size // BLOCK_SIZE)


async def upload_video(
    client: VideoClient,
    state: State,
    path: Path,
    *,
    title: str,
    description: str,
    cover_url: str,
    tags: Sequence[str] = (),
    category: str = "",
    subcategory: str = "",
    declare_original: bool = False,
    progress: Callable[[int, int], None] | None = None,
    appid: str | None = None,
) -> VideoUpload:
    """Upload (or resume uploading) ``path`` and save it; returns before review finishes.

    A video already saved by an earlier run (same appid, same sha1) costs no request.
    ``appid`` keys the state (default ``client.appid``; pass it when the client only has an
    access token and so no appid of its own).
    """
    path = Path(path)
    size = _validate(path, title, tags)
    appid = appid or client.appid
    if not appid:
        raise ValueError("upload_video needs an appid to key the state database")
    sha1 = await asyncio.to_thread(file_sha1, path)
    options = _SaveOptions(
        title, description, cover_url, tuple(tags), category, subcategory, declare_original
    )
    transfer = _Transfer(client, state, appid, path, sha1, size, options, progress)
    record = state.video(appid, sha1)
    if record is not None and record.media_id:
        log.info("video %s already saved as %s", path.name, record.media_id)
        return _result(record, sha1)
    if record is not None:
        try:
            return await transfer.resume(record)
        except _VidLost as lost:
            log.warning("WeChat no longer knows vid %s (%s); starting over", record.vid, lost)
            state.reset_video(appid, sha1)
    return await transfer.start()


class _FirstCall:
    """Turn a refusal of the first request made with a resumed vid into :class:`_VidLost`.

    Only the first request counts: once WeChat accepted the vid in this run, a later
    refusal is a real failure, not an expired vid, and progress must not be thrown away.
    """

    def __init__(self) -> None:
        self.armed = True

    async def __call__(self, request: Awaitable[T], *, only_if_vid_named: bool = False) -> T:
        """Await ``request``; ``only_if_vid_named`` for save_video, whose refusal may be
        about the title or cover instead (then re-uploading would not help)."""
        if not self.armed:
            return await request
        try:
            return await request
        except VideoError as exc:
            if only_if_vid_named and "vid" not in exc.errmsg.lower():
                raise
            raise _VidLost(exc.errmsg) from exc
        finally:
            self.armed = False


@dataclass
class _Transfer:
    """One file's way to a saved video: init, blocks, finish, save, each step recorded."""

    client: VideoClient
    state: State
    appid: str
    path: Path
    sha1: str
    size: int
    options: _SaveOptions
    progress: Callable[[int, int], None] | None
    first: _FirstCall | None = None  # set while resuming an earlier run's vid

    async def start(self) -> VideoUpload:
        self.first = None
        vid = await self.client.init_upload(self.path.name, self.sha1, self.size)
        self.state.start_video(
            self.appid, self.sha1, vid=vid, filename=self.path.name, filesize=self.size
        )
        await self._send_blocks(vid, 0)
        return await self._finish_and_save(vid, finished=False)

    async def resume(self, record: VideoRecord) -> VideoUpload:
        """Continue an earlier run's upload; :class:`_VidLost` if its first request fails."""
        self.first = _FirstCall()
        if not record.finished:
            log.info("resuming %s after block %d", self.path.name, record.blocks_confirmed)
            await self._send_blocks(record.vid, record.blocks_confirmed)
        elif self.progress is not None:
            self.progress(self.size, self.size)
        return await self._finish_and_save(record.vid, finished=record.finished)

    async def _send(self, request: Awaitable[T], *, only_if_vid_named: bool = False) -> T:
        if self.first is None:
            return await request
        return await self.first(request, only_if_vid_named=only_if_vid_named)

    async def _send_blocks(self, vid: str, confirmed: int) -> None:
        """Send blocks ``confirmed + 1 ..`` one at a time, each recorded before the next read."""
        with self.path.open("rb") as handle:
            handle.seek(confirmed * BLOCK_SIZE)
            self._report(confirmed * BLOCK_SIZE)
            for part in range(confirmed + 1, block_count(self.size) + 1):
                data = await _read_block(handle, self.path, part, self.size)
                request = self.client.upload_block(vid, part, data)
                del data  # the request holds the only reference: one block in memory
                await self._send(request)
                self.state.confirm_block(self.appid, self.sha1, part)
                self._report(part * BLOCK_SIZE)

    def _report(self, done: int) -> None:
        if self.progress is not None:
            self.progress(min(done, self.size), self.size)

    async def _finish_and_save(self, vid: str, *, finished: bool) -> VideoUpload:
        if not finished:
            await self._send(self.client.upload_finish(vid))
            self.state.finish_video(self.appid, self.sha1)
        options = self.options
        request = self.client.save_video(
            vid=vid,
            title=options.title,
            description=options.description,
            cover_url=options.cover_url,
            tags=options.tags,
            category=options.category,
            subcategory=options.subcategory,
            declare_original=options.declare_original,
        )
        media_id = await self._send(request, only_if_vid_named=True)
        self.state.set_video_media_id(self.appid, self.sha1, media_id)
        return VideoUpload(vid=vid, media_id=media_id, status=0, wording="", file_sha1=self.sha1)


async def _read_block(handle: BinaryIO, path: Path, part: int, size: int) -> bytes:
    data = await asyncio.to_thread(handle.read, BLOCK_SIZE)
    expected = min(BLOCK_SIZE, size - (part - 1) * BLOCK_SIZE)
    if len(data) != expected:
        raise AssetError(
            f"the video changed while it was being uploaded (block {part} is"
            f" {len(data)} bytes, expected {expected})",
            path=path,
            hint="wait until the file is fully written, then run again",
        )
    return data


def _validate(path: Path, title: str, tags: Sequence[str]) -> int:
    """Refuse, before any request, what WeChat would refuse anyway; returns the size."""
    if path.suffix.lower() not in VIDEO_EXTENSIONS:
        raise AssetError(
            f"{path.suffix or 'a file without extension'} is not a video format WeChat takes",
            path=path,
            hint="use mp4 (H.264/AAC); mov, m4v and webm also work",
        )
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise AssetError(
            f"cannot read the video: {exc.strerror}", path=path, hint="check the path"
        ) from exc
    if not path.is_file():
        raise AssetError("the video path is not a file", path=path)
    if size == 0:
        raise AssetError("the video file is empty", path=path)
    if size > MAX_VIDEO_BYTES:
        raise AssetError(
            f"the video is {size / 1024**3:.2f} GB; WeChat takes at most 2 GB",
            path=path,
            hint="compress it or cut it shorter",
        )
    if not title.strip():
        raise AssetError("the video needs a title", path=path, hint="set video.title")
    if len(tags) > MAX_TAGS:
        raise AssetError(
            f"the video has {len(tags)} tags; WeChat takes at most {MAX_TAGS}",
            path=path,
            hint="keep the five that matter most in video.tags",
        )
    try:
        check_video_file(path, path.name)
    except AssetError as exc:
        exc.at(path)
        raise
    return size


def _result(record: VideoRecord, sha1: str) -> VideoUpload:
    assert record.media_id is not None
    status = record.status if record.status is not None else 0
    return VideoUpload(record.vid, record.media_id, status, record.wording, sha1)


async def wait_for_review(
    client: VideoClient,
    state: State,
    appid: str,
    file_sha1: str,
    media_id: str,
    *,
    timeout: float,
    poll_interval: float = 2.0,
    max_interval: float = 30.0,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> VideoUpload:
    """Poll ``query_status`` until the video passes review (status 3).

    Intervals grow by half each time up to ``max_interval``. A recorded pass costs no
    request. Final failures (2, 5, 9, 10) raise :class:`VideoReviewFailed`; running out of
    ``timeout`` raises :class:`VideoReviewPending` (a re-run continues waiting, the upload is
    not repeated). Time counts both the sleeps asked for and the clock, so an injected
    ``sleep`` gives deterministic tests.
    """
    record = state.video(appid, file_sha1)
    name = record.filename if record is not None else media_id
    if record is not None and record.status == STATUS_PASSED and record.media_id == media_id:
        return _result(record, file_sha1)
    started, slept, interval = time.monotonic(), 0.0, poll_interval
    while True:
        answer = await client.query_status(media_id)
        english = STATUS_TEXT.get(answer.status, ("", ""))[0]
        wording = answer.wording or english
        if record is not None:
            state.set_video_status(appid, file_sha1, answer.status, wording)
        if answer.status == STATUS_PASSED:
            return VideoUpload(
                answer.vid or _vid(record), media_id, answer.status, wording, file_sha1
            )
        if answer.status in _FAILURE_HINTS:
            if answer.status == 10 and record is not None:
                state.reset_video(appid, file_sha1)
            raise VideoReviewFailed(name, media_id, answer.status, wording)
        remaining = timeout - max(slept, time.monotonic() - started)
        if remaining <= 0:
            raise VideoReviewPending(
                f"video {name} is still under review after {timeout:g} s"
                f" (status {answer.status}: {wording or 'unknown'})",
                hint="re-running mdwx continues waiting; the video is not uploaded again",
            )
        pause = min(interval, remaining)
        await sleep(pause)
        slept += pause
        interval = min(interval * 1.5, max_interval)


def _vid(record: VideoRecord | None) -> str:
    return record.vid if record is not None else ""
