"""``check`` decodes every local picture, so ``publish`` is never the first to find a bad one."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from mdwx.build import check_post
from mdwx.errors import MdwxError
from mdwx.source.gate import collect_posts
from tests.cli_helpers import mdwx
from tests.factories import png_bytes


def _png() -> bytes:
    return png_bytes((8, 8), (1, 2, 3))


def _site(tmp_path: Path, body: str, front: str = "title: T\n") -> Path:
    (tmp_path / "mdwx.toml").write_text("", encoding="utf-8")
    (tmp_path / "good.png").write_bytes(_png())
    post = tmp_path / "post.md"
    post.write_text(f"---\n{front}---\n\n{body}", encoding="utf-8")
    return post


def test_text_file_named_png_fails_check_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "broken.png").write_text("x\n")
    post = _site(
        tmp_path, "Intro [link](https://e.com)\nand ![ok](good.png)\nthen ![bad](broken.png)\n"
    )
    result = mdwx("check", str(post))
    assert result.returncode == 1
    assert (
        f"{post}:7: broken.png: not an image" in result.stderr and "Traceback" not in result.stderr
    )


@pytest.mark.parametrize(
    "damage", [lambda b: b[: len(b) // 2], lambda b: b[:40] + b"\0" * 20 + b[60:]]
)
def test_damaged_png_fails_check(tmp_path: Path, damage) -> None:
    (tmp_path / "bad.png").write_bytes(damage(_png()))
    report = check_post(collect_posts([_site(tmp_path, "![bad](bad.png)\n")])[0])
    assert report.error is not None and report.error.line == 5 and "bad.png" in str(report.error)


def test_broken_cover_and_data_uri_fail_check(tmp_path: Path) -> None:
    (tmp_path / "c.jpg").write_bytes(b"not a jpeg")
    report = check_post(
        collect_posts([_site(tmp_path, "Text.\n", front="title: T\ncover: c.jpg\n")])[0]
    )
    assert report.error is not None and str(report.error).startswith(
        f"{tmp_path / 'post.md'}:3: cover: c.jpg"
    )
    junk = base64.b64encode(b"junk junk").decode()
    report = check_post(
        collect_posts([_site(tmp_path, f"![d](data:image/png;base64,{junk})\n")])[0]
    )
    assert report.error is not None and report.error.line == 5


@settings(max_examples=60)
@given(st.binary(max_size=300), st.sampled_from(["png", "jpg", "gif", "svg", "webp"]))
def test_any_bytes_as_an_image_pass_only_when_they_decode(
    tmp_path: Path, data: bytes, ext: str
) -> None:
    (tmp_path / f"x.{ext}").write_bytes(data)
    report = check_post(collect_posts([_site(tmp_path, f"![x](x.{ext})\n")])[0])
    if report.error is None:
        Image.open(io.BytesIO(data)).verify()  # only a real picture may pass
    else:
        assert isinstance(report.error, MdwxError) and report.error.line == 5
