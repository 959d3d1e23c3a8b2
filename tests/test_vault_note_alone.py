"""A note named alone is read as the run over its vault's folder reads it: in a vault without
``.obsidian/``, one note using Obsidian's syntax makes every note a vault note, whether the
folder is named or the note alone (the testers saw a lone note read as plain Markdown)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.source.gate import collect_posts

#: Note bodies: with Obsidian's own syntax (a wikilink, an embed) or without.
OBSIDIAN = ("See [[n0]].", "![[n1]]")
PLAIN = ("Some ==marked== text.", "Plain prose.", "A `[[code]]` span.")


def _vault(base: Path, bodies: list[str], nested: list[bool]) -> Path:
    vault = base / "vault"
    (vault / "notes" / "deep").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(vault)], check=True)  # a marker, not .obsidian/
    for number, (body, deep) in enumerate(zip(bodies, nested, strict=True)):
        folder = vault / "notes" / ("deep" if deep else "")
        (folder / f"n{number}.md").write_text(f"# Note {number}\n\n{body}\n", "utf-8")
    return vault


@settings(max_examples=25)
@given(data=st.data(), size=st.integers(1, 4))
def test_every_note_alone_is_read_as_the_folder_run_reads_it(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject, size: int
) -> None:
    bodies = data.draw(st.lists(st.sampled_from(OBSIDIAN + PLAIN), min_size=size, max_size=size))
    nested = data.draw(st.lists(st.booleans(), min_size=size, max_size=size))
    vault = _vault(tmp_path_factory.mktemp("v"), bodies, nested)
    together = {post.path: post.config.generator for post in collect_posts([vault])}
    assert len(together) == size
    expected = "obsidian" if any(body in OBSIDIAN for body in bodies) else "auto"
    for path, generator in together.items():
        assert generator == expected
        [alone] = collect_posts([path])
        assert alone.config.generator == generator, path


def test_the_testers_example_a_plain_note_of_a_linked_vault(tmp_path: Path) -> None:
    vault = _vault(tmp_path, ["Some ==marked== text.", "See [[n0]]."], [False, False])
    [alone] = collect_posts([vault / "notes" / "n0.md"])
    assert alone.config.generator == "obsidian"
