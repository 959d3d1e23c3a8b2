"""One reader of asset bytes for check, build and publish, and errors that keep their kind.

The publisher (:class:`mdwx.publish.resolve.AssetLoader`) reads local files and ``data:``
URIs through :func:`mdwx.assets.local.read_source`, the one reader: the same size cap and
the same refusal of other URL schemes hold in both, for every input, and the publisher
locates each error at the post and line of its reference.
"""

from __future__ import annotations

import asyncio
import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.assets import local
from mdwx.assets.local import check_video_file
from mdwx.config import SiteConfig
from mdwx.document import VIDEO_EXTENSIONS, Asset, AssetKind
from mdwx.errors import AssetError, MdwxError, RenderError
from mdwx.publish.resolve import AssetLoader, located
from mdwx.publish.video import VideoReviewPending
from mdwx.render.media import is_video
from mdwx.urls import is_data_uri, is_local, is_remote, url_scheme

FIXTURES = settings(max_examples=60)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "posts").mkdir(parents=True)
    (root / "posts" / "post.md").write_text("# hi\n")
    return root


def read_both(
    site: Path, source: str, line: int = 7
) -> tuple[bytes | AssetError, bytes | AssetError]:
    """What the one reader and the publisher's reader make of ``source``."""
    post = site / "posts" / "post.md"
    results: list[bytes | AssetError] = []
    try:
        results.append(local.read_source(source, post_path=post, site_root=site))
    except AssetError as exc:
        results.append(exc)
    loader = AssetLoader(SiteConfig(root=site), None, "wx")
    try:
        results.append(asyncio.run(loader.source_bytes(source, post, line)))
    except AssetError as exc:
        results.append(exc)
    return results[0], results[1]


SCHEMES = st.from_regex(r"[A-Za-z][A-Za-z0-9+.-]{1,10}", fullmatch=True).filter(
    lambda s: s.lower() not in ("http", "https", "data")
)


@FIXTURES
@given(scheme=SCHEMES, rest=st.text(string.ascii_letters + string.digits + "/._-", max_size=20))
def test_both_readers_refuse_every_other_url_scheme(site: Path, scheme: str, rest: str) -> None:
    """``file:``, ``ftp:``, ``javascript:``… are refused by check and publish alike, at the
    reference's line, before anything is read."""
    source = f"{scheme}:{rest}"
    offline, publish = read_both(site, source)
    for error in (offline, publish):
        assert isinstance(error, AssetError), source
        assert "unsupported URL scheme" in error.message
    assert isinstance(publish, AssetError)
    assert (publish.path, publish.line) == (str(site / "posts" / "post.md"), 7)


@FIXTURES
@given(size=st.integers(0, 64), cap=st.integers(0, 64))
def test_both_readers_hold_the_same_size_cap(
    site: Path, monkeypatch: pytest.MonkeyPatch, size: int, cap: int
) -> None:
    """A local file over the cap is refused by both readers; one within it reads the same."""
    monkeypatch.setattr(local, "MAX_LOCAL_BYTES", cap)
    (site / "posts" / "pic.png").write_bytes(b"x" * size)
    offline, publish = read_both(site, "pic.png")
    if size > cap:
        assert isinstance(offline, AssetError) and isinstance(publish, AssetError)
        assert "too large" in offline.message and "too large" in publish.message
    else:
        assert offline == publish == b"x" * size


def test_a_windows_drive_is_a_path_not_a_scheme(site: Path) -> None:
    offline, publish = read_both(site, "C:/pic.png")
    for error in (offline, publish):
        assert isinstance(error, AssetError) and "image not found" in error.message


class OddAssetError(AssetError):
    """A subclass a caller may catch by its class."""


@settings(max_examples=60)
@given(
    cls=st.sampled_from([AssetError, OddAssetError, VideoReviewPending]),
    message=st.text(min_size=1, max_size=30),
    line=st.none() | st.integers(1, 10_000),
)
def test_locating_an_asset_error_keeps_its_class_and_cause(
    cls: type[AssetError], message: str, line: int | None
) -> None:
    cause = OSError("disk")
    original = cls(message, hint="do this")

    def step() -> None:
        raise original from cause

    with pytest.raises(cls) as caught:
        located(step, Path("/site/post.md"), line)
    assert caught.value is original and caught.value.__cause__ is cause
    assert (caught.value.path, caught.value.line) == ("/site/post.md", line)
    assert "\n" not in str(caught.value) and str(caught.value).startswith("/site/post.md")


@settings(max_examples=40)
@given(message=st.text(min_size=1, max_size=30))
def test_another_error_becomes_an_asset_error_with_its_cause(message: str) -> None:
    original = RenderError(message)

    def step() -> None:
        raise original

    with pytest.raises(AssetError) as caught:
        located(step, Path("/site/post.md"), 3)
    assert caught.value.__cause__ is original and caught.value.message == original.message
    assert isinstance(caught.value, MdwxError) and caught.value.location == "/site/post.md:3"


@settings(max_examples=200)
@given(
    source=st.text(max_size=30)
    | st.sampled_from(["http://a", "https://b", "//c", "data:,x"]).flatmap(
        lambda prefix: st.text(max_size=10).map(lambda rest: prefix + rest)
    )
)
def test_every_reference_is_exactly_one_of_remote_data_or_local(source: str) -> None:
    kinds = [is_remote(source), is_data_uri(source), is_local(source)]
    assert kinds.count(True) == 1, source
    asset = Asset("k", AssetKind.IMAGE, source)
    assert (asset.is_remote, asset.is_data_uri) == (is_remote(source), is_data_uri(source))
    scheme = url_scheme(source)
    assert scheme is None or source.startswith(scheme + ":")


CONTAINERS = {  # the first bytes of each family check_video_file knows
    ".mp4": b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2",
    ".webm": b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81",
    ".avi": b"RIFF\x00\x00\x00\x00AVI LIST",
    ".wmv": b"\x30\x26\xb2\x75\x8e\x66\xcf\x11\xa6\xd9",
    ".mpg": b"\x00\x00\x01\xba\x44\x00",
    ".flv": b"FLV\x01\x05\x00\x00\x00\x09",
}


@settings(max_examples=80)
@given(held=st.sampled_from(sorted(CONTAINERS)), named=st.sampled_from(VIDEO_EXTENSIONS))
def test_a_misnamed_video_is_never_told_to_take_a_name_mdwx_refuses(
    tmp_path: Path, held: str, named: str
) -> None:
    """Render embeds, and publish uploads, exactly VIDEO_EXTENSIONS; a renaming hint names one."""
    assert is_video(f"clip{named}") and is_video(f"clip{named.upper()}?v=1")
    path = tmp_path / f"clip{named}"
    path.write_bytes(CONTAINERS[held] + b"\0" * 200)
    try:
        check_video_file(path, path.name)
    except AssetError as exc:
        hint = exc.hint or ""
        assert "export it as MP4" in hint
        if "rename it to " in hint:
            assert hint.split("rename it to ")[1].split(",")[0] in VIDEO_EXTENSIONS
