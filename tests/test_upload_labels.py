"""A dry run names each planned upload on one line: a diagram as a diagram, a formula shortened.

Reported: ``would upload formula flowchart LR\\n  A[写作] --> …`` — a mermaid diagram called
a formula, its code spread across the report.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from mdwx.document import Asset, AssetKind
from mdwx.publish.upload_labels import LABEL_LIMIT, upload_label
from tests.cli_helpers import write_post
from tests.publish_helpers import publish, sandbox

SOURCE = st.text(
    st.characters(exclude_categories=("Cs",)) | st.sampled_from("\n\r\t \u2028"),
    max_size=300,
)
LINE = st.none() | st.integers(1, 100_000)


def test_the_reported_diagram_is_named_a_diagram_with_its_kind_and_line() -> None:
    asset = Asset("d1", AssetKind.DIAGRAM, "flowchart LR\n  A[写作] --> B[发布]\n", line=12)
    assert upload_label(asset, "formula") == "diagram (flowchart, line 12)"


def test_a_long_formula_is_shortened_on_one_line() -> None:
    tex = "\\begin{array}{ll}\n x, & x > 0 \\\\\n 0, & x \\le 0\n\\end{array}" * 3
    label = upload_label(Asset("f1", AssetKind.FORMULA, tex, line=7), "formula")
    assert label.startswith("formula `\\begin{array}{ll} x, & x > 0")
    assert label.endswith("…` (line 7)") and "\n" not in label


@given(
    source=SOURCE,
    line=LINE,
    kind=st.sampled_from(list(AssetKind)),
    loaded=st.sampled_from(["body", "cover", "gif", "card", "formula", "video"]),
)
def test_every_upload_label_is_one_short_line(
    source: str, line: int | None, kind: AssetKind, loaded: str
) -> None:
    asset = Asset("k", kind, source, line=line, language="mermaid")
    label = upload_label(asset, loaded)
    assert label.splitlines() == [label] and "\t" not in label
    assert len(label) <= LABEL_LIMIT + 20
    if asset.is_typeset:
        assert label.startswith("diagram (" if kind is AssetKind.DIAGRAM else "formula `")
        assert (f"line {line}" in label) == bool(line)
    else:
        assert label.startswith(f"{loaded} ")


def test_dry_run_steps_show_formulas_on_one_line(tmp_path: Path) -> None:
    body = "Text.\n\n$$\n\\begin{array}{ll}\n x, & x > 0 \\\\\n 0, & x \\le 0\n\\end{array}\n$$\n"
    post = write_post(tmp_path / "site" / "p.md", body=body)
    (tmp_path / "site" / "mdwx.toml").write_text("", encoding="utf-8")
    with sandbox() as sb:
        [result] = publish([post], sb, dry_run=True)
    uploads = [step for step in result.steps if step.startswith("upload formula")]
    assert len(uploads) == 1, result.steps
    [step] = uploads
    assert "\n" not in step and "x, & x > 0" in step and "(line " in step
