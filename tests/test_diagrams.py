"""```mermaid fences become pictures with their CJK labels drawn; a diagram is drawn once.

The six kinds render through mermaidx (the ``diagrams`` extra, in ``test``) and resvg. That a
label is drawn and not a box is checked without OCR: the SVG names a font that has every
glyph of the labels, and the raster has ink where the text is (the picture drawn without
its ``<text>`` differs from it there). What does not need mermaid (a failure kept as code,
the seam for another language) uses a renderer of the test's own.
"""

from __future__ import annotations

import functools
import io
import re
from dataclasses import replace
from html import escape
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.assets import diagram, diagram_worker
from mdwx.build import build_post
from mdwx.install_hint import install_hint
from mdwx.prepare import prepare
from mdwx.source.gate import collect_posts
from tests import diagram_fakes

pytest.importorskip("mermaidx", reason="the diagrams extra (mermaidx) is not installed")
Image = pytest.importorskip("PIL.Image")
ImageChops = pytest.importorskip("PIL.ImageChops")

KINDS = {
    "flowchart": ("flowchart LR\n  A[开始] --> B{判断}\n  B -->|是| C[结束]", "开始判断结束"),
    "sequence": (
        "sequenceDiagram\n  用户->>服务器: 请求\n  服务器-->>用户: 响应",
        "用户服务器请求响应",
    ),
    "class": ("classDiagram\n  class 动物 {\n    +名字\n  }\n  动物 <|-- 猫", "动物名字猫"),
    "state": (
        "stateDiagram-v2\n  [*] --> 待机\n  待机 --> 运行: 启动\n  运行 --> [*]",
        "待机运行启动",
    ),
    "gantt": (
        "gantt\n  title 项目计划\n  dateFormat YYYY-MM-DD\n  section 阶段\n"
        "  设计 :a1, 2024-01-01, 7d\n  开发 :after a1, 5d",
        "项目计划阶段设计开发",
    ),
    "pie": ('pie title 宠物\n  "狗" : 40\n  "猫" : 60', "宠物狗猫"),
}
_TEXT = re.compile(r"<text\b.*?</text>", re.DOTALL)
_SVGS: dict[str, str] = {}  # the SVG the renderer drew for each source, in this process


@pytest.fixture(scope="module")
def cjk_font() -> str:
    family = diagram.cjk_family()
    if not family:
        pytest.skip("no system CJK font (Debian: fonts-wqy-microhei)")
    return family


@pytest.fixture()
def drawn(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """Every source the mermaid renderer is asked for, with a fresh cache and no memo."""
    calls: list[str] = []
    real = diagram_worker.draw_svg

    def counting(to_svg: diagram_worker.ToSvg, source: str, font: str, seconds: float) -> str:
        calls.append(source)
        _SVGS[source] = real(to_svg, source, font, seconds)
        return _SVGS[source]

    monkeypatch.setattr(diagram_worker, "draw_svg", counting)
    monkeypatch.setenv("MDWX_CACHE_DIR", str(tmp_path / "cache"))
    diagram.typeset_diagram.cache_clear()
    yield calls
    diagram.typeset_diagram.cache_clear()


def _ink(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("L")


def _text_pixels(svg: str, width: int) -> int:
    """How many pixels the diagram's text changes: drawn with and without its <text>."""
    from mdwx.assets.formula import rasterize_svg

    def draw(markup: str) -> Image.Image:
        return _ink(rasterize_svg(markup.encode(), source="t", width=width, background="#ffffff"))

    with_text, without = draw(svg), draw(_TEXT.sub("", svg))
    assert with_text.size == without.size
    # Pixels whose grey differs by more than 64, counted by Pillow (a Python loop over the
    # bytes was seconds of processor time per diagram).
    changed = ImageChops.difference(with_text, without).point(lambda v: 255 if v > 64 else 0)
    return changed.histogram()[255]


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_draws_its_cjk_labels(kind: str, cjk_font: str, drawn: list[str]) -> None:
    from mdwx.assets.cover import has_glyphs, system_fonts

    source, labels = KINDS[kind]
    typeset = diagram.typeset_diagram("mermaid", source)
    svg = _SVGS[source]  # what typeset_diagram drew
    shown = "".join(re.findall(r">([^<>]+)<", "".join(_TEXT.findall(svg))))
    assert set(labels) <= set(shown), "a label is missing from the diagram's text"
    assert "<foreignObject" not in svg  # HTML labels: no SVG rasteriser draws them
    assert cjk_font in svg  # the text asks for the CJK font…
    font = next(p for p in system_fonts() if has_glyphs(p, "是的一中文"))
    assert has_glyphs(font, labels)  # …which has every glyph of the labels: no boxes
    picture = _ink(typeset.png)
    assert picture.width == round(typeset.width * 2) and typeset.height > 0
    assert picture.getpixel((0, 0)) == 255  # on white, whatever the page behind it
    # The text is drawn: its pixels are ink (about 40 px² of ink a CJK glyph at the least).
    assert _text_pixels(svg, picture.width) > 40 * len(set(labels))


def _post(folder: Path, body: str) -> Path:
    (folder / "mdwx.toml").write_text("", encoding="utf-8")
    post = folder / "d.md"
    post.write_text(f"---\ntitle: 图表\n---\n\n{body}\n", encoding="utf-8")
    return post


def test_second_build_draws_nothing(tmp_path: Path, drawn: list[str], cjk_font: str) -> None:
    flow, pie = KINDS["flowchart"][0], KINDS["pie"][0]
    post = _post(
        tmp_path, f"```mermaid\n{flow}\n```\n\n```mermaid\n{pie}\n```\n\n```mermaid\n{flow}\n```"
    )
    first = build_post(collect_posts([post])[0], tmp_path / "out1")
    assert first.error is None, first.error
    assert sorted(drawn) == sorted([flow + "\n", pie + "\n"])  # the repeated one drawn once
    html = (tmp_path / "out1" / "d" / "content.html").read_text("utf-8")
    assert html.count("<img") == 3 and "mermaid" not in html.replace('alt="mermaid diagram"', "")
    drawn.clear()
    diagram.typeset_diagram.cache_clear()  # as a new process: only the disk cache is left
    build_post(collect_posts([post])[0], tmp_path / "out2")
    assert drawn == []
    assert (tmp_path / "out2" / "d" / "content.html").read_text("utf-8") == html


def test_bad_mermaid_is_kept_as_code_with_a_warning_at_its_line(
    tmp_path: Path, drawn: list[str]
) -> None:
    post = _post(tmp_path, "正文\n\n```mermaid\nflowchart LR\n  A -->\n```")
    prepared = prepare(collect_posts([post])[0])
    [warning] = [w for w in prepared.diagnostics if w.code == "diagram-not-drawn"]
    # at the faulty line (the fence is line 7, "  A -->" line 9), not the fence's
    assert warning.line == 9 and "mermaid diagram cannot be drawn" in warning.message
    assert "flowchart LR" in prepared.document.html and "<img" not in prepared.document.html


@pytest.mark.parametrize("exc", [ImportError, diagram.AssetError])
@settings(max_examples=25)  # each example is a whole prepare()
@given(
    code=st.text(
        st.characters(whitelist_categories=("L", "N", "P", "S")), min_size=1, max_size=40
    ).filter(lambda s: "```" not in s and "~~~" not in s),
    before=st.sampled_from(["", "段落\n\n", "- 列表\n\n", "> 引用\n\n", "| a |\n|---|\n| b |\n\n"]),
)
def test_any_diagram_not_drawn_stays_its_code(
    tmp_path_factory: pytest.TempPathFactory, exc: type, code: str, before: str
) -> None:
    """Whatever the code and wherever the fence, a diagram not drawn (renderer missing or
    refusing) is its code, escaped, with the warning at the fence's line; nothing else changes."""
    folder = tmp_path_factory.mktemp("d")
    post = _post(folder, f"{before}```mermaid\n{code}\n```\n\n尾")
    renderer = replace(
        diagram.RENDERERS["mermaid"], to_svg=functools.partial(diagram_fakes.raising, exc, "no")
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(diagram.RENDERERS, "mermaid", renderer)
        patch.setenv("MDWX_CACHE_DIR", "")
        diagram.typeset_diagram.cache_clear()
        prepared = prepare(collect_posts([post])[0])
    diagram.typeset_diagram.cache_clear()
    [warning] = [w for w in prepared.diagnostics if w.code == "diagram-not-drawn"]
    assert warning.line == 5 + before.count("\n")
    if exc is ImportError:
        assert warning.hint == install_hint("diagrams")
    html = prepared.document.html
    assert "<img" not in html and "mdwx-asset" not in html and not prepared.document.assets
    assert escape(code, quote=False) in html


def test_another_language_is_one_entry(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The seam: a renderer registered for a fence name draws that fence, cached the same way."""
    svg = functools.partial(diagram_fakes.fixed_svg, diagram_fakes.BOX)
    monkeypatch.setitem(
        diagram.RENDERERS, "dot", diagram.DiagramRenderer("dot", "graphviz-pure", "diagrams", svg)
    )
    monkeypatch.setenv("MDWX_CACHE_DIR", str(tmp_path / "cache"))
    post = _post(tmp_path, "```dot\ndigraph { a -> b }\n```")
    report = build_post(collect_posts([post])[0], tmp_path / "out")
    assert report.error is None and not [w for w in report.warnings if "diagram" in w]
    html = (tmp_path / "out" / "d" / "content.html").read_text("utf-8")
    assert "width:40px" in html and "digraph" not in html
    [png] = (tmp_path / "out" / "d").glob("d*.png")
    assert _ink(png.read_bytes()).size == (80, 40)
