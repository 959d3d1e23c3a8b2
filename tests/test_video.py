"""Chunked, resumable video upload and review polling, first against a fake client."""

from __future__ import annotations

import asyncio
import hashlib
import os
import tracemalloc
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.assets.local import _VIDEO_FAMILIES, check_video_file, video_container
from mdwx.errors import AssetError
from mdwx.publish.state.store import State
from mdwx.publish.video import (
    BLOCK_SIZE,
    VideoReviewFailed,
    VideoReviewPending,
    file_sha1,
    upload_video,
    wait_for_review,
)
from mdwx.wechat.errors import VideoError
from tests import factories

APPID = "wxfake0000000001"


@dataclass
class Status:
    status: int
    wording: str = ""
    vid: str = ""


@dataclass
class FakeClient:
    """Records every call; keeps a running sha1 of the bytes received, never the bytes."""

    fail_at_block: int | None = None
    refuse_block: int | None = None  # answer ret != 0 for this block
    known_vids: set[str] = field(default_factory=set)
    statuses: list[int] = field(default_factory=list)
    wordings: dict[int, str] = field(default_factory=dict)
    calls: list[tuple] = field(default_factory=list)
    received: hashlib._Hash = field(default_factory=hashlib.sha1)  # type: ignore[name-defined]
    largest_block: int = 0
    blocks_in_flight: int = 0
    next_vid: int = 0

    @property
    def appid(self) -> str:
        return APPID

    async def init_upload(self, filename: str, filesha: str, filesize: int) -> str:
        self.next_vid += 1
        vid = f"wxv_{self.next_vid}"
        self.known_vids.add(vid)
        self.calls.append(("init", filename, filesha, filesize))
        return vid

    async def upload_block(self, vid: str, part_num: int, data: bytes) -> None:
        self.blocks_in_flight += 1
        try:
            assert self.blocks_in_flight == 1, "two blocks sent at once"
            self.calls.append(("block", vid, part_num, len(data)))
            if vid not in self.known_vids:
                raise VideoError(-2, "invalid vid", "material/upload_video:upload_block")
            if part_num == self.refuse_block:
                raise VideoError(-3, "part sha1 mismatch", "material/upload_video:upload_block")
            if part_num == self.fail_at_block:
                self.fail_at_block = None
                raise ConnectionError("network dropped")
            self.largest_block = max(self.largest_block, len(data))
            self.received.update(data)
            await asyncio.sleep(0)
        finally:
            self.blocks_in_flight -= 1

    async def upload_finish(self, vid: str) -> None:
        self.calls.append(("finish", vid))

    async def save_video(self, *, vid: str, title: str, description: str, cover_url: str,
                         tags: Sequence[str] = (), category: str = "", subcategory: str = "",
                         declare_original: bool = False) -> str:  # fmt: skip
        self.calls.append(("save", vid, title, tuple(tags)))
        return f"MEDIA_{vid}"

    async def query_status(self, media_id: str) -> Status:
        self.calls.append(("query", media_id))
        status = self.statuses.pop(0)
        return Status(status, self.wordings.get(status, ""), "wxv_1")

    def kinds(self) -> list[str]:
        return [call[0] for call in self.calls]


class FakeSleep:
    def __init__(self) -> None:
        self.pauses: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.pauses.append(seconds)


MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"


def make_video(path: Path, size: int) -> Path:
    """An MP4 ``ftyp`` box, then pseudo-random content so a block sent twice or out of order
    changes the sha1."""
    with path.open("wb") as handle:
        head = MP4_HEAD[:size]
        handle.write(head)
        size -= len(head)
        seed = b"mdwx"
        while size > 0:
            seed = hashlib.sha512(seed).digest() * 1024
            handle.write(seed[:size])
            size -= len(seed[:size])
    return path


@pytest.fixture
def state(tmp_path: Path):
    with State.open(tmp_path / "state.db") as opened:
        yield opened


def upload(client: FakeClient, state: State, path: Path, **kwargs):
    kwargs.setdefault("title", "Clip")
    return asyncio.run(
        upload_video(client, state, path, description="d", cover_url="http://mmbiz/c", **kwargs)
    )


def test_file_sha1_matches_hashlib(tmp_path: Path) -> None:
    path = make_video(tmp_path / "clip.mp4", 2 * BLOCK_SIZE + 17)
    assert file_sha1(path) == hashlib.sha1(path.read_bytes()).hexdigest()


def test_blocks_are_numbered_from_one_and_carry_the_exact_bytes(tmp_path: Path, state) -> None:
    path = make_video(tmp_path / "clip.mp4", 3 * BLOCK_SIZE + 512 * 1024)
    client = FakeClient()
    seen: list[tuple[int, int]] = []
    result = upload(client, state, path, progress=lambda done, total: seen.append((done, total)))
    blocks = [call for call in client.calls if call[0] == "block"]
    assert [call[2] for call in blocks] == [1, 2, 3, 4]
    assert [call[3] for call in blocks] == [BLOCK_SIZE] * 3 + [512 * 1024]
    assert client.received.hexdigest() == file_sha1(path)
    assert client.calls[0] == ("init", "clip.mp4", file_sha1(path), path.stat().st_size)
    assert client.kinds()[-2:] == ["finish", "save"]
    assert (result.vid, result.media_id, result.status) == ("wxv_1", "MEDIA_wxv_1", 0)
    assert seen[-1] == (path.stat().st_size, path.stat().st_size)
    record = state.video(APPID, file_sha1(path))
    assert record.blocks_confirmed == 4 and record.finished and record.media_id == "MEDIA_wxv_1"


def test_interrupted_upload_resumes_after_the_last_confirmed_block(tmp_path: Path, state) -> None:
    path = make_video(tmp_path / "clip.mp4", 5 * BLOCK_SIZE)
    client = FakeClient(fail_at_block=3)
    with pytest.raises(ConnectionError):
        upload(client, state, path)
    assert state.video(APPID, file_sha1(path)).blocks_confirmed == 2
    client.calls.clear()
    upload(client, state, path)
    assert client.kinds() == ["block", "block", "block", "finish", "save"]
    assert [call[1:3] for call in client.calls[:3]] == [("wxv_1", 3), ("wxv_1", 4), ("wxv_1", 5)]
    assert client.received.hexdigest() == file_sha1(path)


def test_an_expired_vid_restarts_the_upload(tmp_path: Path, state) -> None:
    path = make_video(tmp_path / "clip.mov", 3 * BLOCK_SIZE)
    client = FakeClient(fail_at_block=2)
    with pytest.raises(ConnectionError):
        upload(client, state, path)
    client.known_vids.clear()  # WeChat forgot the vid between the runs
    client.calls.clear()
    client.received = hashlib.sha1()
    result = upload(client, state, path)
    assert result.vid == "wxv_2"
    assert client.kinds() == ["block", "init", "block", "block", "block", "finish", "save"]
    assert client.received.hexdigest() == file_sha1(path)


def test_a_refusal_after_the_resumed_vid_was_accepted_keeps_progress(tmp_path, state) -> None:
    path = make_video(tmp_path / "clip.mp4", 5 * BLOCK_SIZE)
    client = FakeClient(fail_at_block=2)
    with pytest.raises(ConnectionError):
        upload(client, state, path)
    client.refuse_block = 3  # block 2 goes through with the old vid, block 3 is refused
    with pytest.raises(VideoError, match="mismatch"):
        upload(client, state, path)
    record = state.video(APPID, file_sha1(path))
    assert (record.vid, record.blocks_confirmed) == ("wxv_1", 2)
    assert [call[0] for call in client.calls].count("init") == 1


def test_state_is_keyed_by_the_appid_given(tmp_path: Path, state) -> None:
    path = make_video(tmp_path / "clip.mp4", 100)
    result = upload(FakeClient(), state, path, appid="wxgiven")
    assert state.video("wxgiven", result.file_sha1) is not None
    assert state.video(APPID, result.file_sha1) is None


def test_saved_video_makes_no_request(tmp_path: Path, state) -> None:
    path = make_video(tmp_path / "clip.mp4", 1000)
    client = FakeClient()
    first = upload(client, state, path)
    client.calls.clear()
    again = upload(client, state, path)
    assert client.calls == []
    assert again.media_id == first.media_id


def test_finished_but_unsaved_video_is_only_saved(tmp_path: Path, state) -> None:
    path = make_video(tmp_path / "clip.mp4", 1000)
    sha1 = file_sha1(path)
    state.start_video(APPID, sha1, vid="wxv_7", filename="clip.mp4", filesize=1000)
    state.confirm_block(APPID, sha1, 1)
    state.finish_video(APPID, sha1)
    client = FakeClient()
    result = upload(client, state, path)
    assert client.calls == [("save", "wxv_7", "Clip", ())]
    assert result.media_id == "MEDIA_wxv_7"


@pytest.mark.parametrize(
    ("name", "size", "kwargs", "message"),
    [
        ("clip.gif", 10, {}, "not a video format"),
        ("clip.mp4", 0, {}, "empty"),
        ("missing.mp4", None, {}, "cannot read"),
        ("clip.mp4", 10, {"title": "  "}, "needs a title"),
        ("clip.mp4", 10, {"tags": ("a", "b", "c", "d", "e", "f")}, "6 tags"),
    ],
)
def test_invalid_videos_are_refused_before_any_request(
    tmp_path: Path, state, name, size, kwargs, message
) -> None:
    path = tmp_path / name
    if size is not None:
        make_video(path, size)
    client = FakeClient()
    with pytest.raises(AssetError, match=message):
        upload(client, state, path, **kwargs)
    assert client.calls == []


def test_video_over_two_gigabytes_is_refused(tmp_path: Path, state) -> None:
    path = tmp_path / "huge.mp4"
    with path.open("wb") as handle:  # sparse: no disk space used
        handle.truncate(2 * 1024**3 + 1)
    client = FakeClient()
    with pytest.raises(AssetError, match="at most 2 GB"):
        upload(client, state, path)
    assert client.calls == []


def test_memory_stays_flat_while_uploading_twenty_megabytes(tmp_path: Path, state) -> None:
    path = make_video(tmp_path / "big.mp4", 20 * BLOCK_SIZE + 3)
    client = FakeClient()
    tracemalloc.start()
    try:
        upload(client, state, path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert client.largest_block == BLOCK_SIZE
    assert client.received.hexdigest() == file_sha1(path)
    assert peak < 4 * BLOCK_SIZE, f"peak {peak / BLOCK_SIZE:.1f} MB"


def saved(tmp_path: Path, state: State) -> tuple[str, str]:
    path = make_video(tmp_path / "clip.mp4", 100)
    result = upload(FakeClient(), state, path)
    return result.file_sha1, result.media_id


def review(client, state, sha1, media_id, timeout=60.0, sleep=None):
    return asyncio.run(
        wait_for_review(
            client, state, APPID, sha1, media_id, timeout=timeout, sleep=sleep or FakeSleep()
        )  # fmt: skip
    )


def test_review_polls_with_backoff_until_passed(tmp_path: Path, state) -> None:
    sha1, media_id = saved(tmp_path, state)
    client = FakeClient(statuses=[4, 0, 3], wordings={3: "check pass"})
    sleep = FakeSleep()
    result = review(client, state, sha1, media_id, sleep=sleep)
    assert (result.status, result.wording, result.media_id) == (3, "check pass", media_id)
    assert sleep.pauses == [2.0, 3.0]
    assert state.video(APPID, sha1).status == 3
    client.calls.clear()
    review(client, state, sha1, media_id)  # a recorded pass needs no request
    assert client.calls == []


def test_failed_review_reports_wechat_wording(tmp_path: Path, state) -> None:
    sha1, media_id = saved(tmp_path, state)
    client = FakeClient(statuses=[0, 2], wordings={2: "check fail"})
    with pytest.raises(VideoReviewFailed) as info:
        review(client, state, sha1, media_id)
    assert "video clip.mp4 failed review: check fail (审核失败)" in str(info.value)
    assert isinstance(info.value, VideoError)
    assert state.video(APPID, sha1).status == 2


def test_deleted_video_is_forgotten_so_the_next_run_uploads_it_again(tmp_path, state) -> None:
    sha1, media_id = saved(tmp_path, state)
    with pytest.raises(VideoReviewFailed, match="已删除"):
        review(FakeClient(statuses=[10]), state, sha1, media_id)
    assert state.video(APPID, sha1) is None


def test_review_timeout_says_rerunning_continues(tmp_path: Path, state) -> None:
    sha1, media_id = saved(tmp_path, state)
    client = FakeClient(statuses=[0] * 20)
    sleep = FakeSleep()
    with pytest.raises(VideoReviewPending) as info:
        review(client, state, sha1, media_id, timeout=10.0, sleep=sleep)
    assert "still under review" in str(info.value)
    assert "re-running mdwx continues waiting" in str(info.value)
    assert sum(sleep.pauses) == pytest.approx(10.0)
    assert max(sleep.pauses) <= 30.0


def test_backoff_is_capped(tmp_path: Path, state) -> None:
    sha1, media_id = saved(tmp_path, state)
    sleep = FakeSleep()
    with pytest.raises(VideoReviewPending):
        review(FakeClient(statuses=[4] * 50), state, sha1, media_id, timeout=600, sleep=sleep)
    assert max(sleep.pauses) == 30.0
    assert sleep.pauses[:3] == [2.0, 3.0, 4.5]


def test_a_file_shrinking_during_upload_is_refused(tmp_path: Path, state) -> None:
    # the file grows shorter between hashing and reading: refuse instead of sending garbage
    path = make_video(tmp_path / "clip.mp4", 2 * BLOCK_SIZE)
    client = FakeClient()
    original = client.upload_block

    async def truncate_after_first(vid: str, part_num: int, data: bytes) -> None:
        await original(vid, part_num, data)
        os.truncate(path, BLOCK_SIZE + 10)

    client.upload_block = truncate_after_first  # type: ignore[method-assign]
    with pytest.raises(AssetError, match="changed while it was being uploaded"):
        upload(client, state, path)


# -- against the local sandbox over loopback ---------------------------------------------


@pytest.fixture(scope="module")
def sandbox():
    with factories.sandbox(video_review_seconds=0.3, video_final_status=3) as sb:
        yield sb


class Interrupting:
    """Wraps the real client and drops the connection before block ``at`` is sent."""

    def __init__(self, client, at: int) -> None:
        self._client, self._at = client, at

    def __getattr__(self, name: str):
        return getattr(self._client, name)

    async def upload_block(self, vid: str, part_num: int, data: bytes) -> None:
        if part_num == self._at:
            raise ConnectionError("killed")
        await self._client.upload_block(vid, part_num, data)


def run_on_sandbox(sandbox, body):
    """Run ``body(client, cover_url)`` with a real WeChatClient talking to the sandbox."""
    from mdwx.wechat import MemoryTokenCache, WeChatClient

    async def main():
        async with WeChatClient(
            sandbox.appid, sandbox.secret, api_base=sandbox.base_url,
            token_cache=MemoryTokenCache(),
        ) as client:  # fmt: skip
            cover = await client.add_material(
                factories.png_bytes(colour=factories.RED), "cover.png"
            )
            sandbox.clear_log()
            return await body(client, cover.url)

    return asyncio.run(main())


def video_calls(sandbox) -> list[str]:
    prefix = "material/upload_video:"
    return [r.endpoint[len(prefix) :] for r in sandbox.requests if r.endpoint.startswith(prefix)]


def test_sandbox_upload_in_four_blocks_passes_review(tmp_path: Path, state, sandbox) -> None:
    path = make_video(tmp_path / "clip.mp4", 3 * BLOCK_SIZE + BLOCK_SIZE // 2)

    async def body(client, cover_url):
        upload = await upload_video(
            client, state, path, title="Clip", description="d", cover_url=cover_url, tags=("a",)
        )
        return await wait_for_review(
            client, state, client.appid, upload.file_sha1, upload.media_id,
            timeout=30, poll_interval=0.05, max_interval=0.2,
        )  # fmt: skip

    result = run_on_sandbox(sandbox, body)
    calls = video_calls(sandbox)
    assert calls[:6] == ["init_upload"] + ["upload_block"] * 4 + ["upload_finish"]
    assert calls[6] == "save_video" and set(calls[7:]) == {"query_status"}
    assert result.status == 3 and result.vid.startswith("wxv_")
    assert state.video(sandbox.appid, result.file_sha1).status == 3


def test_sandbox_interrupted_upload_resumes_with_the_same_vid(
    tmp_path: Path, state, sandbox
) -> None:
    path = make_video(tmp_path / "clip.mp4", 3 * BLOCK_SIZE + 100)

    async def interrupted(client, cover_url):
        with pytest.raises(ConnectionError):
            await upload_video(
                Interrupting(client, 3), state, path, title="T", description="", cover_url=cover_url
            )
        return await upload_video(
            client, state, path, title="T", description="", cover_url=cover_url
        )

    result = run_on_sandbox(sandbox, interrupted)
    assert video_calls(sandbox) == ["init_upload"] + ["upload_block"] * 4 + [
        "upload_finish",
        "save_video",
    ]
    # the sandbox checked the whole file's sha1 at upload_finish: the resumed bytes are right
    assert state.video(sandbox.appid, result.file_sha1).vid == result.vid


def test_sandbox_unknown_vid_restarts_the_upload(tmp_path: Path, state, sandbox) -> None:
    path = make_video(tmp_path / "clip.mp4", BLOCK_SIZE + 100)
    sha1 = file_sha1(path)
    state.start_video(sandbox.appid, sha1, vid="wxv_100000000000000001", filename="clip.mp4",
                      filesize=path.stat().st_size)  # fmt: skip
    state.confirm_block(sandbox.appid, sha1, 1)

    async def body(client, cover_url):
        return await upload_video(
            client, state, path, title="T", description="", cover_url=cover_url
        )

    result = run_on_sandbox(sandbox, body)
    assert video_calls(sandbox) == [
        "upload_block",  # refused: the sandbox never issued that vid
        "init_upload",
        "upload_block",
        "upload_block",
        "upload_finish",
        "save_video",
    ]
    assert result.vid != "wxv_100000000000000001"


CONTAINERS = {
    ".mp4": MP4_HEAD,
    ".mov": b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  ",
    ".m4v": b"\x00\x00\x00\x08wide\x00\x00\x00\x10mdat",
    ".webm": b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81",
    ".avi": b"RIFF\x00\x00\x00\x00AVI LIST",
    ".wmv": b"\x30\x26\xb2\x75\x8e\x66\xcf\x11\xa6\xd9",
    ".mpg": b"\x00\x00\x01\xba\x44\x00",
    ".flv": b"FLV\x01\x05\x00\x00\x00\x09",
}


@settings(max_examples=80)
@given(suffix=st.sampled_from(sorted(CONTAINERS)), head=st.binary(min_size=0, max_size=64))
def test_only_real_video_containers_pass(tmp_path: Path, suffix: str, head: bytes) -> None:
    """Any bytes: accepted only when they start like the container the extension names."""
    path = tmp_path / f"v{suffix}"
    path.write_bytes(head + b"\0" * 200)
    expected = video_container(head + b"\0" * 200)
    try:
        check_video_file(path, path.name)
    except AssetError as exc:
        assert expected is None or suffix not in _VIDEO_FAMILIES[expected]
        assert "\n" not in str(exc)
    else:
        assert expected is not None and suffix in _VIDEO_FAMILIES[expected]
    good = tmp_path / f"good{suffix}"
    good.write_bytes(CONTAINERS[suffix] + head)
    check_video_file(good, good.name)


@pytest.mark.parametrize(
    "disguise",
    [
        b"\x89PNG\r\n\x1a\n" + b"\0" * 40,
        b"hello, not a video\n" * 9,
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",
    ],
)
def test_a_file_that_is_not_a_video_is_refused_before_any_request(
    tmp_path: Path, state, disguise
) -> None:
    path = tmp_path / "clip.mp4"
    path.write_bytes(disguise)
    client = FakeClient()
    with pytest.raises(AssetError, match="not a video"):
        upload(client, state, path)
    assert client.calls == []


def test_check_reports_a_disguised_video_at_its_line(tmp_path: Path) -> None:
    from mdwx.build import check_post
    from mdwx.source.gate import collect_posts

    (tmp_path / "mdwx.toml").write_text("", "utf-8")
    factories.save_picture(tmp_path / "cover.png", (20, 20), "black")
    (tmp_path / "clip.mp4").write_bytes(b"#!/bin/sh\necho not a video\n")
    post = tmp_path / "p.md"
    post.write_text("---\ntitle: T\ncover: cover.png\n---\n\nText.\n\n![clip](clip.mp4)\n", "utf-8")
    report = check_post(collect_posts([post])[0])
    assert report.error is not None and report.error.line == 8
    assert "not a video" in str(report.error)
