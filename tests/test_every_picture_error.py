"""Every missing picture of a post is reported in one run, each at its line, whatever its
kind: a local file, or a remote URL the site's ``[mirrors]`` keeps a copy of."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx import api
from tests.factories import png_bytes

CDN = "https://cdn.example.com/"


def _site(root: Path, pictures: list[tuple[str, bool]]) -> tuple[Path, set[int]]:
    """A post naming ``pictures`` (kind, present), one a line; the lines of the missing ones."""
    root.mkdir(parents=True)
    (root / "mirror").mkdir()
    (root / "mdwx.toml").write_text(f'[mirrors]\n"{CDN}" = "mirror"\n', encoding="utf-8")
    lines = ["---", "title: Pictures", "---", "", "Some text.", ""]
    missing = set()
    for index, (kind, present) in enumerate(pictures):
        name = f"pic{index}.png"
        where = root / name if kind == "local" else root / "mirror" / name
        if present:
            where.write_bytes(png_bytes())
        else:
            missing.add(len(lines) + 1)
        lines += [f"![p{index}]({name if kind == 'local' else CDN + name})", ""]
    post = root / "post.md"
    post.write_text("\n".join(lines), encoding="utf-8")
    return post, missing


def _error_lines(post: Path) -> set[int]:
    [report] = api.check([post]).posts
    return {d.line for d in report.diagnostics if d.is_error and d.line is not None}


def test_a_missing_local_picture_does_not_hide_missing_mirrored_ones(tmp_path: Path) -> None:
    post, missing = _site(tmp_path / "s", [("local", False), ("mirror", False), ("mirror", False)])
    assert _error_lines(post) == missing and len(missing) == 3
    [report] = api.check([post]).posts
    text = "\n".join(str(d) for d in report.diagnostics)
    assert "pic0.png" in text and "pic1.png" in text and "pic2.png" in text


@settings(max_examples=12)
@given(
    pictures=st.lists(
        st.tuples(st.sampled_from(["local", "mirror"]), st.booleans()), min_size=1, max_size=6
    )
)
def test_every_missing_picture_is_reported_at_its_line(
    tmp_path_factory: object, pictures: list[tuple[str, bool]]
) -> None:
    root = tmp_path_factory.mktemp("site")  # type: ignore[attr-defined]
    post, missing = _site(root / "s", pictures)
    assert _error_lines(post) == missing
