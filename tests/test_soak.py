"""The soak benchmark at reduced scale: every sandbox fault on, re-runs until done, and the
account ends with each post submitted exactly once."""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path
from types import ModuleType

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _load(name: str) -> ModuleType:
    """A module of ``benchmarks/`` imported by path (benchmarks/ is not a package)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


soak = _load("soak")
sitegen = _load("sitegen")


def test_quick_soak_publishes_every_post_once() -> None:
    config = soak.SoakConfig.quick(seed=3, rate=0.25)
    report = soak.soak(config)
    assert report.published == config.posts, report
    assert report.duplicate_articles == 0
    assert report.duplicate_submissions == 0
    assert report.runs <= config.max_runs
    assert sum(report.faults.values()) > 0  # the faults really were on
    # Every unsubmitted copy a lost uploadnews answer left behind was reported to the user.
    assert report.copies_warned >= report.unsubmitted_copies
    # An image is stored again only when an upload's answer never reached the client.
    assert report.extra_image_copies <= report.image_uploads_unanswered


def test_generated_site_is_seeded_and_shaped_as_asked(tmp_path: Path) -> None:
    a = sitegen.make_site(tmp_path / "a", posts=4, images=9, videos=2, seed=5)
    b = sitegen.make_site(tmp_path / "b", posts=4, images=9, videos=2, seed=5)
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files)
    assert len(list((a / "media").glob("p*.png"))) == 9
    assert len(list((a / "posts").glob("*.md"))) == 4
    texts = [p.read_text(encoding="utf-8") for p in sorted((a / "posts").glob("*.md"))]
    assert sum(t.count(".png)") for t in texts) == 9
    assert [t.count(".mp4)") for t in texts] == [1, 1, 0, 0]


def test_tiny_mp4_is_an_iso_bmff_file() -> None:
    data = sitegen.tiny_mp4(random.Random(0))
    assert data[4:12] == b"ftypisom"
    offset, kinds = 0, []
    while offset < len(data):  # the boxes tile the file exactly
        size = int.from_bytes(data[offset : offset + 4], "big")
        kinds.append(data[offset + 4 : offset + 8])
        assert size >= 8
        offset += size
    assert offset == len(data)
    assert kinds == [b"ftyp", b"moov", b"mdat"]
