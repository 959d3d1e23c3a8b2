"""Every diagram is drawn within ``limits.diagram_seconds`` and a memory cap, in a child
process that is killed, not left running, when it is over; the diagram then stays its code
with a ``diagram-not-drawn`` warning at its fence. The renderers are the tests' own
(tests/diagram_fakes.py): no mermaid needed."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.assets import diagram, diagram_worker
from mdwx.prepare import prepare
from mdwx.source.gate import collect_posts
from tests import diagram_fakes

# Seconds: the fakes never answer, so any limit is exceeded; the least limits.diagram_seconds
# may be (a mermaid diagram takes about 1 s of processor time).
LIMIT = 1.0


@pytest.fixture(autouse=True)
def no_cache(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("MDWX_CACHE_DIR", "")
    diagram.typeset_diagram.cache_clear()
    yield
    diagram.typeset_diagram.cache_clear()


def _post(folder: Path, body: str, seconds: float = LIMIT) -> Path:
    (folder / "mdwx.toml").write_text(f"[limits]\ndiagram_seconds = {seconds}\n", encoding="utf-8")
    post = folder / "d.md"
    post.write_text(f"---\ntitle: 图表\n---\n\n{body}\n", encoding="utf-8")
    return post


def _use(patch: pytest.MonkeyPatch, to_svg: diagram_worker.ToSvg) -> None:
    patch.setitem(diagram.RENDERERS, "dot", diagram.DiagramRenderer("dot", "x", "diagrams", to_svg))


def _gone(pid: int) -> bool:
    """Killed and reaped: no such process, not even a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@settings(max_examples=4)  # each example waits out the limit and starts a new child
@given(
    stuck=st.sampled_from([diagram_fakes.sleeping, diagram_fakes.spinning]),
    before=st.sampled_from(["", "段落\n\n", "- 列表\n\n", "> 引用\n\n"]),
)
def test_a_diagram_over_the_time_limit_is_its_code_and_its_child_is_killed(
    tmp_path_factory: pytest.TempPathFactory, stuck: diagram_worker.ToSvg, before: str
) -> None:
    folder = tmp_path_factory.mktemp("d")
    post = _post(folder, f"{before}```dot\ndigraph {{ a -> b }}\n```\n\n尾")
    with pytest.MonkeyPatch.context() as patch:
        _use(patch, stuck)
        # A sleeping fake uses no processor time: the wall-clock bound of a blocked child (10
        # limits) stops it; two limits keep the test short at the least limit (1 s).
        patch.setattr(diagram_worker, "WALL_FACTOR", 2.0)
        diagram.typeset_diagram.cache_clear()
        diagram_worker.draw_svg(functools.partial(diagram_fakes.fixed_svg, "<svg/>"), "", "", 30)
        pid = diagram_worker.worker_pid()  # the child that will be stuck
        prepared = prepare(collect_posts([post])[0])
    [warning] = [w for w in prepared.diagnostics if w.code == "diagram-not-drawn"]
    assert warning.line == 5 + before.count("\n")
    assert f"took longer than {LIMIT:g} s" in warning.message and "diagram_seconds" in (
        warning.hint or ""
    )
    assert "digraph" in prepared.document.html and "<img" not in prepared.document.html
    assert pid is not None and _gone(pid) and diagram_worker.worker_pid() is None


def test_after_a_kill_the_next_diagram_is_drawn_by_a_new_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    box = functools.partial(diagram_fakes.fixed_svg, diagram_fakes.BOX)
    with pytest.raises(diagram.AssetError, match="took longer than 0.2 s"):
        diagram_worker.draw_svg(diagram_fakes.sleeping, "a", "", 0.2)
    assert diagram_worker.draw_svg(box, "b", "", 30) == diagram_fakes.BOX
    first = diagram_worker.worker_pid()
    assert diagram_worker.draw_svg(box, "c", "", 30) == diagram_fakes.BOX
    assert diagram_worker.worker_pid() == first  # one child serves the diagrams of a run


@pytest.mark.skipif(
    diagram_worker.cpu_seconds(os.getpid()) is None, reason="no /proc: the limit is wall-clock"
)
def test_the_limit_counts_the_childs_processor_time_not_the_wait() -> None:
    """A renderer kept waiting (a busy machine) past the limit in wall-clock time but well
    inside it in processor time is drawn; a spinning one is still stopped at the limit."""
    dozing = functools.partial(diagram_fakes.dozing, 0.8)
    diagram_worker.draw_svg(functools.partial(diagram_fakes.fixed_svg, "<svg/>"), "", "", 30)
    assert diagram_worker.draw_svg(dozing, "a", "", 0.3) == diagram_fakes.BOX
    with pytest.raises(diagram.AssetError, match="took longer than 0.3 s"):
        diagram_worker.draw_svg(diagram_fakes.spinning, "b", "", 0.3)


def test_a_timeout_is_not_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A diagram that timed out is tried again (with more time it may be drawn), never
    remembered as a picture."""
    monkeypatch.setenv("MDWX_CACHE_DIR", str(tmp_path / "cache"))
    _use(monkeypatch, diagram_fakes.sleeping)
    with pytest.raises(diagram.AssetError, match="took longer"):
        diagram.typeset_diagram("dot", "x", 0.2)
    _use(monkeypatch, functools.partial(diagram_fakes.fixed_svg, diagram_fakes.BOX))
    assert diagram.typeset_diagram("dot", "x", 0.2).width == 40


def test_a_diagram_over_the_memory_cap_is_refused(tmp_path: Path) -> None:
    with pytest.raises(diagram.AssetError, match="more than 1024 MB"):
        diagram_worker.draw_svg(diagram_fakes.hoarding, "x", "", 30)


def test_a_renderer_that_cannot_be_sent_is_refused_not_run_unbounded(tmp_path: Path) -> None:
    with pytest.raises(diagram.AssetError, match="cannot run in a child process"):
        diagram_worker.draw_svg(lambda source, font: "<svg/>", "x", "", 30)


def test_a_post_of_many_slow_diagrams_is_bounded_as_a_whole(tmp_path: Path) -> None:
    """Each diagram stops at the limit, and the post's diagrams stop at four times it in all:
    six that never finish cost at most four limits (each overshoots a little, so perhaps
    fewer), not six, and every one stays its code."""
    fences = "\n\n".join(f"```dot\ndigraph {{ a{n} -> b }}\n```" for n in range(6))
    post = _post(tmp_path, fences)
    with pytest.MonkeyPatch.context() as patch:
        _use(patch, diagram_fakes.spinning)
        diagram.typeset_diagram.cache_clear()
        prepared = prepare(collect_posts([post])[0])
    messages = [w.message for w in prepared.diagnostics if w.code == "diagram-not-drawn"]
    assert len(messages) == 6 and "<img" not in prepared.document.html
    timed_out = [m for m in messages if "in all" not in m]
    assert 1 <= len(timed_out) <= 4, messages
    assert all(f"took longer than {LIMIT:g} s" in m for m in timed_out)
