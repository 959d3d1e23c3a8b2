"""The sandbox's scheduled faults (token expiry every N calls, a one-off 45009 quota answer),
the ``timeout`` fault kind and latency jitter — the faults the soak benchmark turns on."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.sandbox import FAULT_KINDS, SandboxServer, SandboxSettings
from mdwx.sandbox.control import Control

from .sandbox_helpers import FAST, Api, poll

NOT_FOUND = 40007  # publish/query of an unknown media_id: the request itself went through


@pytest.fixture(name="shared", scope="module")
def shared_api() -> Iterator[Api]:
    with SandboxServer(SandboxSettings(**FAST)) as sb:
        api = Api(sb)
        yield api
        api.http.close()


def _expected(calls: int, every: int, quota_at: int) -> list[int]:
    """What a client that refreshes its token on 42001 sees, call by call."""
    answers, token_valid = [], True
    for number in range(1, calls + 1):
        if every and number % every == 0:
            token_valid = False
        if number == quota_at:
            answers.append(45009)
        elif not token_valid:
            answers.append(42001)
            token_valid = True  # the client fetches a new token (not counted) and goes on
        else:
            answers.append(NOT_FOUND)
    return answers


@settings(max_examples=40)
@given(calls=st.integers(1, 14), every=st.integers(0, 6), quota_at=st.integers(0, 16))
def test_token_expiry_and_quota_hit_follow_the_call_count(
    shared: Api, calls: int, every: int, quota_at: int
) -> None:
    shared.sb.configure(token_expire_every=every, quota_hit_at=quota_at, failure_rate=0.0, seed=0)
    shared.token = shared.fetch_token()
    seen = []
    for _ in range(calls):
        code = shared.post("publish/query", {"media_id": "m"})["errcode"]
        seen.append(code)
        if code == 42001:
            shared.token = shared.fetch_token()
    shared.sb.configure(token_expire_every=0, quota_hit_at=0)
    assert seen == _expected(calls, every, quota_at)


def test_quota_hit_does_nothing_and_happens_once(shared: Api) -> None:
    shared.token = shared.fetch_token()
    thumb = shared.cover()
    before = len(shared.sb.store.articles())
    shared.sb.configure(quota_hit_at=1, seed=3)
    body = shared.uploadnews(thumb_media_id=thumb)
    assert body["errcode"] == 45009
    assert len(shared.sb.store.articles()) == before
    assert shared.sb.requests[-1].fault == "quota"
    assert "media_id" in shared.uploadnews(thumb_media_id=thumb)
    shared.sb.configure(quota_hit_at=0)


def test_quota_hit_on_a_video_call_answers_in_ret_style(shared: Api) -> None:
    shared.token = shared.fetch_token()
    shared.sb.configure(quota_hit_at=1, seed=4)
    body = shared.post(
        "material/upload_video",
        {"filename": "v.mp4", "filesha": "0" * 40, "filesize": 10},
        action="init_upload",
    )
    shared.sb.configure(quota_hit_at=0)
    assert body["ret"] == 45009


def test_timeout_fault_does_the_work_then_never_answers(shared: Api) -> None:
    shared.token = shared.fetch_token()
    thumb = shared.cover()
    before = len(shared.sb.store.articles())
    shared.sb.configure(failure_rate=1.0, failure_kinds=("timeout",), hang_seconds=0.3)
    # Impatient only for the answer: a busy machine may take longer than that to connect,
    # which would be a ConnectTimeout, not the fault under test.
    impatience = httpx.Timeout(60, read=0.05)
    with (
        httpx.Client(base_url=shared.sb.base_url, timeout=impatience) as impatient,
        pytest.raises(httpx.ReadTimeout),
    ):
        impatient.post(
            "/cgi-bin/publish/uploadnews",
            params={"access_token": shared.token},
            json={"articles": [shared.article(thumb)]},
        )
    with pytest.raises(httpx.TransportError):  # a patient client gets a dropped connection
        shared.post("publish/query", {"media_id": "m"})
    shared.sb.configure(failure_rate=0.0, failure_kinds=("errcode", "http500", "drop"))
    # The work is done whatever the client saw; poll, as the server may still be on it.
    poll(lambda: len(shared.sb.store.articles()) == before + 1)
    assert len(shared.sb.store.articles()) == before + 1
    assert "timeout" in FAULT_KINDS


@settings(max_examples=60)
@given(seed=st.integers(0, 2**32), spread=st.floats(0.0, 2.0), rate=st.floats(0.0, 1.0))
def test_jitter_is_seeded_bounded_and_leaves_the_fault_sequence_alone(
    seed: int, spread: float, rate: float
) -> None:
    plain = Control(SandboxSettings(seed=seed, failure_rate=rate))
    jittered = Control(SandboxSettings(seed=seed, failure_rate=rate, latency_jitter=spread))
    again = Control(SandboxSettings(seed=seed, failure_rate=rate, latency_jitter=spread))
    delays = [jittered.jitter() for _ in range(20)]
    assert delays == [again.jitter() for _ in range(20)]
    assert all(0.0 <= d <= spread for d in delays)
    assert [plain.draw_fault() for _ in range(20)] == [jittered.draw_fault() for _ in range(20)]


@pytest.mark.parametrize(
    "bad",
    [
        {"token_expire_every": -1},
        {"quota_hit_at": -2},
        {"latency_jitter": -0.1},
        {"hang_seconds": -1.0},
    ],
)
def test_negative_schedule_settings_are_refused(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=next(iter(bad))):
        SandboxSettings(**bad)
