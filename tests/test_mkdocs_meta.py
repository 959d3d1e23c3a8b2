"""MkDocs' MultiMarkdown-style page meta (``Title: …`` lines, no ``---``): the command line reads
it exactly as MkDocs does (``mkdocs.utils.meta.get_data``), so ``mdwx check`` on a MkDocs site
and the MkDocs plugin see one page alike (title, keys, body)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx import api
from mdwx.source.generators.mkdocs import MkDocs

meta = pytest.importorskip("mkdocs.utils.meta")

keys = st.from_regex(r"[A-Za-z0-9_-]{1,8}", fullmatch=True)
values = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=12)
lines = st.one_of(
    st.builds(lambda i, k, v: f"{' ' * i}{k}:{v}", st.integers(0, 3), keys, values),  # a key
    st.builds(
        lambda lead, v: f"{lead}{v}", st.sampled_from(["    ", "\t", "      "]), values
    ),  # continued
    values,  # anything else: ends the meta
)


@settings(max_examples=200)
@given(st.lists(lines, max_size=6), st.sampled_from(["", "\n", "\n\n"]), values)
def test_the_meta_is_what_mkdocs_reads(header: list[str], gap: str, body: str) -> None:
    text = "\n".join(header) + gap + body
    if text.startswith("---"):
        return  # YAML front matter: read before, as MkDocs reads it first
    doc, data = meta.get_data(text)
    found = MkDocs().split(text)
    if not data:
        assert found is None or not found[0]
        return
    assert found is not None
    front, key_lines, rest, body_line = found
    assert front == data
    assert rest.lstrip("\n") == doc
    assert "\n".join(text.split("\n")[body_line - 1 :]) == rest  # body_line: where the body starts
    assert all(text.split("\n")[key_lines[k] - 1].lstrip().lower().startswith(k) for k in key_lines)


def test_check_titles_a_mkdocs_page_from_its_meta(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: S\n", "utf-8")
    page = tmp_path / "docs" / "p.md"
    page.write_text("Title: From the meta\nWechat: true\n\nBody.\n", "utf-8")
    assert api.check(page).posts[0].title == "From the meta"
    page.write_text("Title: From the meta\nWechat: true\n\nBody.\n\n![x](missing.png)\n", "utf-8")
    error = api.check(page).posts[0].error
    assert error is not None and str(error).startswith(
        f"{page}:6: image not found"
    )  # the file's lines
