"""Fuzz the reader and renderer: any post ends in success or an MdwxError (one line)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings

from tests.fuzz_posts import posts, read_and_render


@settings(max_examples=150)
@given(text=posts)
def test_any_post_is_read_and_rendered_or_refused_cleanly(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        assert read_and_render(text, Path(folder)) in ("ok", "error")
