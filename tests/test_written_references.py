"""Every message about a picture names it as the post wrote it (issue 17): a reference that
mdwx resolved against the post's folder (``/images/a.png`` becomes ``../../images/a.png``
from a nested post) or normalised as a path (``leanote://file`` loses a slash) was shown
re-derived, so the writer could not find it in the post."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx import api
from tests.factories import png_bytes, write_tree

segments = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_-", min_size=1, max_size=8)
folders = st.lists(segments, min_size=0, max_size=3).map(
    lambda parts: "".join(p + "/" for p in parts)
)
schemes = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=8).filter(
    lambda s: s not in ("http", "https", "data")
)


@st.composite
def missing_references(draw: st.DrawFn) -> str:
    """A picture reference naming no file, in the forms posts use."""
    name = draw(segments) + draw(st.sampled_from([".png", ".jpg", ".svg"]))
    form = draw(st.sampled_from(["root", "up", "here", "scheme"]))
    folder = draw(folders)
    if form == "root":
        return f"/{folder}{name}"
    if form == "up":
        return f"../{folder}{name}"
    if form == "scheme":
        return f"{draw(schemes)}://{folder}{name}?id=1"
    return f"./{folder}{name}"


def _site(root: Path, depth: list[str], reference: str) -> Path:
    post = "posts/" + "".join(part + "/" for part in depth) + "post.md"
    (root / ".git").mkdir()
    write_tree(
        root,
        {
            "cover.png": png_bytes(),
            post: f"---\ntitle: A post\ncover: /cover.png\n---\n\nText.\n\n![a picture]({reference})\n",
        },
    )
    return root / post


@settings(max_examples=12)
@given(reference=missing_references(), depth=st.lists(segments, min_size=0, max_size=3))
def test_a_missing_picture_is_named_as_written(reference: str, depth: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        post = _site(Path(folder), depth, reference)
        report = api.check([post]).posts[0]
    assert report.error is not None
    message = str(report.error)
    assert reference in message, message
    assert f"{post}:8" in message, message
    if "://" not in reference:
        assert "looked for" in message, message


def test_build_names_the_picture_as_written_too(tmp_path: Path) -> None:
    post = _site(tmp_path, ["kafka", "deep"], "/images/15189454567278.jpg")
    report = api.build([post], api.Options(out_dir=tmp_path / "out")).posts[0]
    assert report.error is not None
    assert "image not found: /images/15189454567278.jpg (looked for" in str(report.error)
    assert "../" not in str(report.error)


def test_a_link_of_another_program_is_said_to_be_one(tmp_path: Path) -> None:
    post = _site(tmp_path, ["reading"], "leanote://file/getImage?fileId=5905")
    error = api.check([post]).posts[0].error
    assert error is not None
    assert (
        "leanote://file/getImage?fileId=5905: unsupported URL scheme (leanote: is another"
        in str(error)
    )


def test_a_folder_named_as_a_picture_is_said_to_be_a_folder(tmp_path: Path) -> None:
    post = _site(tmp_path, ["shots"], ".")
    error = api.check([post]).posts[0].error
    assert error is not None and ".: not a file but a folder" in str(error)


forms = st.sampled_from(["![a]({})", '<img src="{}" alt="a">', "cover"])


@settings(max_examples=10)
@given(depth=st.lists(segments, min_size=0, max_size=3), folder=folders, form=forms)
def test_a_picture_the_generator_found_is_named_as_written(
    depth: list[str], folder: str, form: str
) -> None:
    """Hexo serves ``source/img/a.png`` at ``/img/a.png``: mdwx finds it there and names it
    relative to the post; a message about the file still names ``/img/a.png``."""
    reference = f"/img/{folder}bad.png"
    post = "source/_posts/" + "".join(part + "/" for part in depth) + "post.md"
    body = "Text." if form == "cover" else form.format(reference)
    cover = reference if form == "cover" else "/cover.png"
    with tempfile.TemporaryDirectory() as tmp:
        root = write_tree(
            Path(tmp),
            {
                "_config.yml": "title: blog\n",
                ".git/": "",
                "source/cover.png": png_bytes(),
                f"source/img/{folder}bad.png": b"not a picture",
                post: f"---\ntitle: A post\ncover: {cover}\n---\n\n{body}\n",
            },
        )
        error = api.check([root / post]).posts[0].error
        assert error is not None
        assert f"{reference}: " in str(error), str(error)
        assert "../" not in str(error)


def test_an_svg_the_generator_found_is_named_as_written(tmp_path: Path) -> None:
    """The sample's case: Hexo's ``<img src="/img/java/io.svg">`` in a post three folders
    down was named ``../../../img/java/io.svg`` in the message about its remote picture."""
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'width="10" height="10"><image xlink:href="http://example.com/a.png" width="10" '
        'height="10"/></svg>'
    )
    post = "source/_posts/java/language/io.md"
    write_tree(
        tmp_path,
        {
            "_config.yml": "title: blog\n",
            ".git/": "",
            "source/img/java/io.svg": svg,
            post: '---\ntitle: IO\n---\n\n<div>\n    <img src="/img/java/io.svg">\n</div>\n',
        },
    )
    error = api.check([tmp_path / post]).posts[0].error
    assert error is not None
    assert f"{tmp_path / post}:" in str(error)
    assert "io.md:5: /img/java/io.svg: SVG references" in str(error), str(error)  # its HTML block


def test_an_svg_cover_is_checked_as_publishing_draws_it(tmp_path: Path) -> None:
    """A cover SVG is rasterised for upload like a body SVG: one that links a remote picture
    was passed by ``check`` and refused by ``publish``."""
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'width="10" height="10"><image xlink:href="http://example.com/a.png" width="10" '
        'height="10"/></svg>'
    )
    post = "posts/p.md"
    write_tree(
        tmp_path,
        {".git/": "", "art/c.svg": svg, post: "---\ntitle: P\ncover: ../art/c.svg\n---\n\nText.\n"},
    )
    error = api.check([tmp_path / post]).posts[0].error
    assert error is not None
    assert f"{tmp_path / post}:3: cover: ../art/c.svg: SVG references" in str(error), str(error)
