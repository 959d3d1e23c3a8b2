"""Repeated advice is said once per post (a count, the lines, the first in full), in every
output; fence names writers use but Pygments lacks are aliases or plain text, silently."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.cli.main import main
from mdwx.prepare import prepare
from mdwx.render import render_article
from mdwx.render.code_aliases import MORE_ALIASES, PLAIN_FILES
from mdwx.repeated_warnings import LINES_SHOWN
from mdwx.source.article import read_article_text
from mdwx.source.gate import collect_posts
from mdwx.source.site import load_config

KINDS = {
    "relative-link": "[see]({n}.md)",
    "in-page-link": "[jump](#part-{n})",
    "embed-as-name": "![[Note {n}]]",
    "unclosed-hidden": "a <script> tag",
}


@st.composite
def repeated_posts(draw: st.DrawFn) -> tuple[str, dict[str, list[int]]]:
    """(a vault note's text, for each kind the 1-based lines it occurs at)."""
    lines: list[str] = []
    at: dict[str, list[int]] = {kind: [] for kind in KINDS}
    for n in range(draw(st.integers(1, 25))):
        kind = draw(st.sampled_from(sorted(KINDS)))
        lines.append(f"Para {n} " + KINDS[kind].format(n=n) + " end.")
        at[kind].append(len(lines))
        lines.extend([""] * draw(st.integers(1, 2)))
    return "\n".join(lines) + "\n", {kind: found for kind, found in at.items() if found}


@settings(max_examples=40)
@given(repeated_posts())
def test_each_repeated_kind_is_one_warning_with_its_count_and_lines(
    case: tuple[str, dict[str, list[int]]],
) -> None:
    text, at = case
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / ".obsidian").mkdir()
        note = root / "Note.md"
        note.write_text(text, encoding="utf-8")
        diagnostics = prepare(collect_posts([note])[0]).diagnostics
    for kind, lines in at.items():
        [said] = [d for d in diagnostics if d.code == kind]
        assert said.line == lines[0] and said.path == str(note)
        if len(lines) > 1:
            assert said.message.startswith(f"{len(lines)} ")
            listed = re.findall(r"\d+", said.message.split(" at lines ")[1].split(" (")[0])
            shown = lines[:LINES_SHOWN]
            assert [int(x) for x in listed[: len(shown)]] == shown
            assert "(the first: " in said.message


def test_json_and_human_output_say_a_repeated_kind_once(tmp_path: Path) -> None:
    links = "\n\n".join(f"Step {n}: [next](step-{n}.md)." for n in range(17))
    post = tmp_path / "post.md"
    post.write_text(f"---\ntitle: Steps\ncover: c.png\n---\n\n{links}\n", encoding="utf-8")
    (tmp_path / "mdwx.toml").write_text("", encoding="utf-8")
    runner = CliRunner()
    data = json.loads(runner.invoke(main, ["check", str(post), "--json"]).output)
    found = [d for p in data["posts"] for d in p["diagnostics"] if d["code"] == "relative-link"]
    assert len(found) == 1 and found[0]["line"] == 6
    assert found[0]["message"].startswith("17 relative links dropped")
    human = runner.invoke(main, ["check", str(post)]).output
    assert human.count("relative link") == 2  # the summary, and the first one in full


@settings(max_examples=30)
@given(
    name=st.sampled_from(sorted({*MORE_ALIASES, *PLAIN_FILES})),
    upper=st.booleans(),
    tail=st.sampled_from(["", " {1,3}", ",ignore", " title=x"]),
)
def test_common_fence_names_render_without_a_warning(name: str, upper: bool, tail: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        post = Path(folder) / "p.md"
        post.write_text("", encoding="utf-8")
        config = load_config(post)
        fence = (name.upper() if upper else name) + tail
        article = read_article_text(f"Text.\n\n```{fence}\nkeep_me = 1\n```\n", post, config)
        document = render_article(article, config)
    assert "keep_me" in re.sub(r"<[^>]+>", "", document.html)
    assert [w for w in document.warnings if w.code == "unknown-language"] == []
