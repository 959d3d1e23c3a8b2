"""Label text of a mermaid diagram is drawn as written: the characters the engine would lose
(``>`` in a flowchart label, ``#`` and ``;`` in a sequence message…) are given to it in its own
entity codes, only inside labels (mdwx/assets/mermaid_labels.py)."""

from __future__ import annotations

import html
import re
import string

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mdwx.assets.mermaid_labels import LOST, diagram_kind, escape_labels, escape_text

#: What mermaid draws each code as (the inverse of :data:`LOST`).
DECODED = {code: char for table in LOST.values() for char, code in table.items()}
_CODE = re.compile(r"#(?:[A-Za-z]+|\d+);")
# Printable text a writer may put in a label: ASCII punctuation, letters, CJK, accents.
_CHARS = string.ascii_letters + string.digits + string.punctuation + " 中文图表é—"


def _label(exclude: str) -> st.SearchStrategy[str]:
    """Label text: not blank, none of the syntax characters ``exclude`` of its place, and no
    entity code or ``<br>`` of its own (those are mermaid's syntax, kept as written)."""
    return (
        st.text(st.sampled_from([c for c in _CHARS if c not in exclude]), min_size=1, max_size=16)
        .map(lambda text: "A" + " ".join(text.split()))
        .filter(lambda text: not _CODE.search(text) and "<br" not in text.lower())
    )


def _decoded(text: str) -> str:
    return _CODE.sub(lambda code: DECODED.get(code.group(0), code.group(0)), text)


def _flowchart(node: str, edge: str) -> str:
    return f'flowchart TD\n  A["{node}"] -->|{edge}| B\n  B --> C[plain]\n'


@settings(max_examples=150)
@given(node=_label('"'), edge=_label('"|'))
def test_flowchart_labels_are_escaped_inside_and_the_syntax_is_kept(node: str, edge: str) -> None:
    escaped = escape_labels(_flowchart(node, edge))
    found = re.fullmatch(
        r'flowchart TD\n  A\["(.*)"\] -->\|(.*)\| B\n  B --> C\[plain\]\n', escaped
    )
    assert found is not None, escaped
    for written, sent in zip((node, edge), found.groups(), strict=True):
        assert _decoded(sent) == written
        assert not set(_CODE.sub("", sent)) & set(LOST["flowchart"])


@settings(max_examples=150)
@given(text=_label(""))
def test_sequence_texts_are_escaped_after_the_colon_only(text: str) -> None:
    source = f"sequenceDiagram\n  A->>B: {text}\n  Note over A: {text}\n  loop {text}\n  end"
    lines = escape_labels(source).split("\n")
    assert lines[0] == "sequenceDiagram" and lines[-1] == "  end"
    sent = [lines[1].removeprefix("  A->>B: "), lines[2].removeprefix("  Note over A: ")]
    sent.append(lines[3].removeprefix("  loop "))
    for label in sent:
        assert _decoded(label) == text and not set(_CODE.sub("", label)) & set(LOST["sequence"])


@settings(max_examples=100)
@given(text=_label("()[]{}"), shape=st.sampled_from(["((|))", "[|]", "(|)", "{{|}}", "|"]))
def test_mindmap_node_text_is_escaped_inside_its_shape(text: str, shape: str) -> None:
    opening, closing = shape.split("|")
    lines = escape_labels(f"mindmap\n  root\n    n{opening}{text}{closing}\n").split("\n")
    assert lines[:2] == ["mindmap", "  root"] and lines[2].startswith(f"    n{opening}")
    sent = lines[2][len(f"    n{opening}") : len(lines[2]) - len(closing)]
    assert lines[2].endswith(closing) and _decoded(sent) == text
    assert not set(_CODE.sub("", sent)) & set(LOST["mindmap"])


def test_what_is_not_a_label_is_as_written() -> None:
    """Arrows, ``&`` joining nodes, clicks and styles, ``<br>`` and codes the writer wrote."""
    source = (
        "graph LR\n  A & B --> C>a > b]\n  C -- x > y --> D[k<br/>l #gt; m]\n"
        '  click A "https://e.example/?a=1&b=2"\n  style A fill:#f9f,stroke:#333\n'
    )
    assert escape_labels(source) == (
        "graph LR\n  A & B --> C>a #gt; b]\n  C -- x #gt; y --> D[k<br/>l #gt; m]\n"
        '  click A "https://e.example/?a=1&b=2"\n  style A fill:#f9f,stroke:#333\n'
    )
    front = '---\ntitle: "a > b"\n---\ngraph TD\n  subgraph S [x > y]\n  end\n'
    assert escape_labels(front) == front.replace("x > y", "x #gt; y")
    pie = 'pie\n  "a > b" : 1\n'
    assert diagram_kind(pie) is None and escape_labels(pie) == pie
    assert escape_text("a > b", "flowchart") == "a #gt; b"


def _drawn_text(svg: str) -> str:
    """Every character of the SVG's text, entities decoded, whitespace removed (the engine
    wraps long labels into lines)."""
    texts = re.findall(r"<text\b[^>]*>(.*?)</text>", svg, flags=re.DOTALL)
    return "".join("".join(html.unescape(re.sub(r"<[^>]+>", "", t)).split()) for t in texts)


@settings(max_examples=1)  # each diagram is a second or more of the engine's layout
@given(node=_label('"'), edge=_label('"|'), message=_label(""), leaf=_label('"()[]{}'))
@example(node="a > b", edge="x -> y & <z>", message="a # b ; c &amp; d", leaf="a <x> & b")
def test_the_engine_draws_every_label_as_written(
    node: str, edge: str, message: str, leaf: str
) -> None:
    pytest.importorskip("mermaidx")
    from mdwx.assets.diagram import _mermaid_svg

    flow = _drawn_text(_mermaid_svg(_flowchart(node, edge), "sans-serif"))
    sequence = _drawn_text(_mermaid_svg(f"sequenceDiagram\n  A->>B: {message}\n", "sans-serif"))
    mind = _drawn_text(_mermaid_svg(f"mindmap\n  root\n    n[{leaf}]\n", "sans-serif"))
    for label, drawn in ((node, flow), (edge, flow), (message, sequence), (leaf, mind)):
        assert "".join(label.split()) in drawn, (label, drawn)


@settings(max_examples=60)
@given(texts=st.lists(_label(""), min_size=1, max_size=4), before=st.integers(0, 3))
def test_a_state_description_with_a_semicolon_is_a_warning_at_its_line(
    tmp_path_factory: pytest.TempPathFactory, texts: list[str], before: int
) -> None:
    """mermaid draws no code for ``;`` in a state (it splits the description): the writer is
    told at the line, and nothing else is."""
    from mdwx.render import render_article
    from mdwx.render.header_footer import load_templates
    from mdwx.render.themes import load_theme
    from mdwx.source.gate import collect_posts
    from mdwx.source.reading import read_post_found

    states = "\n".join(f"  S{n} : {text}" for n, text in enumerate(texts))
    folder = tmp_path_factory.mktemp("s")
    post = folder / "p.md"
    post.write_text(
        "---\ntitle: T\n---\n\n"
        + "段落\n\n" * before
        + f"```mermaid\nstateDiagram-v2\n{states}\n```\n",
        "utf-8",
    )
    site_post = collect_posts([post])[0]
    article = read_post_found(site_post)[0]
    config = site_post.config
    document = render_article(  # rendered only: the diagram is not drawn
        article,
        config,
        theme=load_theme("default", config.root),
        templates=load_templates(config),
        errors=[],
    )
    lost = [w for w in document.warnings if w.code == "diagram-label-lost"]
    fence = 5 + 2 * before
    assert [w.line for w in lost] == [fence + 2 + n for n, t in enumerate(texts) if ";" in t]
