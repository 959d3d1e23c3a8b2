"""Every corpus article renders through render_markdown and stays WeChat-safe."""

from __future__ import annotations

from pathlib import Path

import pytest

from mdwx.config import SiteConfig
from mdwx.render import render_markdown
from mdwx.render.sanitize import sanitize_html
from tests.render_helpers import unsafe_markup

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "bench" / "corpus"
FILES = sorted(CORPUS.glob("*.md")) if CORPUS.is_dir() else []


@pytest.mark.skipif(not FILES, reason="the shared benchmark corpus is absent")
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_corpus_file_renders_wechat_safe(path: Path) -> None:
    text = path.read_text("utf-8")
    document = render_markdown(text, SiteConfig(root=path.parent), path=path)
    assert unsafe_markup(document.html) == []
    assert all(a.key in document.html for a in document.assets)
    assert sanitize_html(sanitize_html(text)) == sanitize_html(text)
