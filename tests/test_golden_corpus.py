"""Every corpus post renders to exactly the bytes it rendered to before the one-pass rework.

``tests/golden/corpus-hashes.json`` holds, per post, the SHA-256 of what the build keeps
of it — the ``content`` HTML, the digest, the asset placeholders and the warnings — over
the real-world corpus (``../shared/bench/corpus``, skipped when absent), a seeded slice of
the generated corpus (``benchmarks/corpus_gen.py``) and the sample site. The hashes were
written by the renderer *before* its passes were folded together (issue 19), so a speed
change that alters one byte of any post fails here. A deliberate renderer change
regenerates them with ``MDWX_UPDATE_GOLDEN=1 pytest tests/test_golden_corpus.py``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from mdwx.config import SiteConfig
from mdwx.errors import MdwxError
from mdwx.render import render_article
from mdwx.source.article import read_article, read_article_text
from mdwx.source.site import load_config

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "bench" / "corpus"
SAMPLE = ROOT / "sample-site"
HASHES = Path(__file__).resolve().parent / "golden" / "corpus-hashes.json"
UPDATE = os.environ.get("MDWX_UPDATE_GOLDEN") == "1"
GENERATED = 20  # posts of the generated corpus: 2–60 KB each, every construct it writes


def _generated() -> Iterator[tuple[str, str]]:
    spec = importlib.util.spec_from_file_location(
        "corpus_gen", ROOT / "benchmarks" / "corpus_gen.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield from module.generate(GENERATED)


def _fingerprint(html: str, digest: str, placeholders: list[str], warnings: list[str]) -> str:
    record = json.dumps([html, digest, placeholders, warnings], ensure_ascii=False)
    return hashlib.sha256(record.encode("utf-8")).hexdigest()


def _render(article_of: object, config: SiteConfig) -> str:
    try:
        article = article_of()  # type: ignore[operator]
        document = render_article(article, config, errors=[])
    except MdwxError as exc:  # a refusal is an outcome too: it must stay the same
        return "refused: " + _placeless(str(exc), config)
    return _fingerprint(
        document.html,
        article.digest,
        [a.placeholder for a in document.assets],
        [_placeless(str(w), config) for w in document.warnings],
    )


def _placeless(text: str, config: SiteConfig) -> str:
    """``text`` with the site's folder named ``<site>``: a message names its file by its
    absolute path, which differs between checkouts (and the shared test material with them)."""
    return text.replace(str(config.root), "<site>")


def current_hashes(tmp: Path) -> dict[str, str]:
    """Every post's fingerprint, keyed ``set/name``."""
    hashes: dict[str, str] = {}
    if CORPUS.is_dir():
        config = SiteConfig(root=CORPUS)
        for path in sorted(CORPUS.glob("*.md")):
            hashes[f"corpus/{path.name}"] = _render(lambda p=path: read_article(p, config), config)
    config = SiteConfig(root=tmp)
    for name, text in _generated():
        path = tmp / name
        hashes[f"generated/{name}"] = _render(
            lambda t=text, p=path: read_article_text(t, p, config), config
        )
    for path in sorted((SAMPLE / "posts").glob("*.md")):
        site = load_config(path)
        hashes[f"sample/{path.name}"] = _render(
            lambda p=path, s=site: read_article(p.resolve(), s), site
        )
    return hashes


def test_corpus_renders_byte_identical(tmp_path: Path) -> None:
    hashes = current_hashes(tmp_path)
    if UPDATE:
        HASHES.write_text(json.dumps(hashes, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    expected = json.loads(HASHES.read_text(encoding="utf-8"))
    if not CORPUS.is_dir():
        expected = {k: v for k, v in expected.items() if not k.startswith("corpus/")}
    changed = sorted(k for k in expected.keys() | hashes.keys() if expected.get(k) != hashes.get(k))
    assert not changed, f"{len(changed)} posts render differently: {changed[:10]}"


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"benchmark corpus not found at {CORPUS}")
def test_corpus_hashes_cover_the_corpus() -> None:
    names = {f"corpus/{p.name}" for p in CORPUS.glob("*.md")}
    assert names <= json.loads(HASHES.read_text(encoding="utf-8")).keys()
