"""A relative picture not beside the post but present from the site's root or one of its top
folders (Hexo's ``source/``) is suggested in the error."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx import api
from tests.factories import png_bytes

_PART = st.text("abcdefghij-_0123456789", min_size=1, max_size=6)


def _hint(root: Path, reference: str) -> str:
    post = root / "source" / "_posts" / "java" / "ide" / "post.md"
    post.parent.mkdir(parents=True, exist_ok=True)
    post.write_text(f"---\ntitle: T\n---\n\nText.\n\n![]({reference})\n", encoding="utf-8")
    [report] = api.check([post]).posts
    [error] = [d for d in report.diagnostics if d.is_error]
    return f"{error.message} {error.hint}"


def test_the_hexo_example_suggests_the_file_under_source(tmp_path: Path) -> None:
    (tmp_path / "mdwx.toml").write_text("", encoding="utf-8")
    where = tmp_path / "source" / "img" / "java" / "idea-maven-webapp" / "1.png"
    where.parent.mkdir(parents=True)
    where.write_bytes(png_bytes())
    hint = _hint(tmp_path, "img/java/idea-maven-webapp/1.png")
    assert "did you mean source/img/java/idea-maven-webapp/1.png" in hint


@settings(max_examples=10)
@given(
    parts=st.lists(_PART, min_size=1, max_size=3),
    top=st.sampled_from(["", "source", "static"]),
    exists=st.booleans(),
)
def test_a_relative_picture_found_elsewhere_in_the_site_is_suggested(
    tmp_path_factory: object, parts: list[str], top: str, exists: bool
) -> None:
    root = tmp_path_factory.mktemp("site")  # type: ignore[attr-defined]
    (root / "mdwx.toml").write_text("", encoding="utf-8")
    relative = "/".join([*parts, "pic.png"])
    if exists:
        where = root / top / relative
        where.parent.mkdir(parents=True, exist_ok=True)
        where.write_bytes(png_bytes())
    hint = _hint(root, relative)
    shown = "/".join(p for p in (top, relative) if p)
    assert ("did you mean " + shown in hint) is exists
    assert "image not found" in hint
