"""A paragraph's single newlines are line breaks where the post's generator keeps them
(Obsidian without strict line breaks, Hexo's renderers with ``breaks``), joined elsewhere."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.prepare import prepare
from mdwx.source.gate import collect_posts
from mdwx.source.line_breaks import kept_line_breaks


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _obsidian(root: Path, strict: bool | None) -> tuple[Path, bool]:
    (root / ".obsidian").mkdir()
    if strict is not None:
        _write(root / ".obsidian" / "app.json", json.dumps({"strictLineBreaks": strict}))
    return root / "notes" / "Note.md", strict is not True


def _hexo(root: Path, renderer: str, breaks: bool | None) -> tuple[Path, bool]:
    key = {"marked": "marked", "markdown-it": "markdown", "kramed": "kramed", "pandoc": "pandoc"}
    setting = f"{key[renderer]}:\n  breaks: {str(breaks).lower()}\n" if breaks is not None else ""
    if renderer == "markdown-it" and breaks is not None:
        setting = f"markdown:\n  render:\n    breaks: {str(breaks).lower()}\n"
    _write(root / "_config.yml", "title: blog\n" + setting)
    package = {"dependencies": {"hexo": "^7.0.0", f"hexo-renderer-{renderer}": "^1.0.0"}}
    _write(root / "package.json", json.dumps(package))
    kept = renderer != "pandoc" and breaks is not False
    return root / "source" / "_posts" / "p.md", kept


SITES = st.one_of(
    st.tuples(st.just("obsidian"), st.sampled_from([None, True, False])),
    st.tuples(
        st.just("hexo"),
        st.tuples(
            st.sampled_from(["marked", "markdown-it", "kramed", "pandoc"]),
            st.sampled_from([None, True, False]),
        ),
    ),
    st.tuples(st.sampled_from(["hugo", "jekyll", "none"]), st.none()),
)


def _site(root: Path, kind: str, setting: object) -> tuple[Path, bool]:
    if kind == "obsidian":
        return _obsidian(root, setting)  # type: ignore[arg-type]
    if kind == "hexo":
        return _hexo(root, *setting)  # type: ignore[misc]
    if kind == "hugo":
        _write(root / "hugo.toml", 'title = "site"\n')
        return root / "content" / "posts" / "p.md", False
    if kind == "jekyll":
        _write(root / "_config.yml", "title: blog\n")
        return root / "_posts" / "2020-01-02-p.md", False
    _write(root / "mdwx.toml", "")
    return root / "p.md", False


@settings(max_examples=40)
@given(
    site=SITES,
    paragraphs=st.lists(st.integers(1, 4), min_size=1, max_size=4),
    cjk=st.booleans(),
)
def test_single_newlines_follow_the_generator(
    site: tuple[str, object], paragraphs: list[int], cjk: bool
) -> None:
    kept_line_breaks.cache_clear()
    word = "第{}行{}" if cjk else "line {} word {}"
    body = "\n\n".join(
        "\n".join(word.format(p, n) for n in range(lines)) for p, lines in enumerate(paragraphs)
    )
    with tempfile.TemporaryDirectory() as folder:
        path, kept = _site(Path(folder), *site)
        _write(path, f"---\ntitle: T\ndate: 2020-01-02\n---\n\n{body}\n")
        html = prepare(collect_posts([path])[0]).document.html
    breaks = len(re.findall(r"<br\s*/?>", html))
    assert breaks == (sum(lines - 1 for lines in paragraphs) if kept else 0)
    for p, lines in enumerate(paragraphs):
        for n in range(lines):
            assert word.format(p, n) in html
