"""Tables, callouts and footnotes in shapes WeChat keeps."""

from __future__ import annotations

from pathlib import Path

from tests.render_helpers import render, tags


def test_table_scrolls_inside_a_section_and_keeps_alignment(tmp_path: Path) -> None:
    html = render("| a | b | c |\n|:-|:-:|-:|\n| 1 | 2 | 3 |\n", tmp_path).html
    assert '<section style="margin:0 0 16px;overflow:auto"><table' in html
    aligns = [a["style"].rsplit("text-align:", 1)[1] for n, a in tags(html) if n == "td"]
    assert aligns == ["left", "center", "right"]


def test_github_alerts_admonitions_and_containers_are_styled_callouts(tmp_path: Path) -> None:
    source = (
        "> [!WARNING]\n> Mind the gap\n\n!!! tip\n    Try it\n\n::: danger Careful now\nHot\n:::\n"
    )
    html = render(source, tmp_path).html
    assert "<blockquote" not in html and "<div" not in html
    for title, colour in (("Warning", "#a14a08"), ("Tip", "#137337"), ("Careful now", "#b91c1c")):
        assert f'color:{colour}">{title}</p>' in html


def test_footnotes_render_as_their_own_notes_without_anchors(tmp_path: Path) -> None:
    html = render("Claim[^a] and more[^b].\n\n[^a]: First source.\n[^b]: Second.\n", tmp_path).html
    assert ">(1)</sup>" in html and ">(2)</sup>" in html
    notes = html[html.index("Notes") :]
    assert "(1) First source." in notes and "(2) Second." in notes
    assert "href" not in html and "↩" not in html


def test_root_is_one_section_with_explicit_font_and_colour(tmp_path: Path) -> None:
    html = render("Hello\n", tmp_path).html
    first_name, first = tags(html)[0]
    assert (
        first_name == "section"
        and "color:#333" in first["style"]
        and "font-size:16px" in first["style"]
    )
    assert html.startswith("<section") and html.endswith("</section>")
