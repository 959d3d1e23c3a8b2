"""MkDocs titles and identities from the command line, by MkDocs' own rule (nav title, title
meta, first H1, file name made readable), the same as the MkDocs plugin's."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx import api
from mdwx.source.generators.mkdocs_nav import file_title, nav_titles, page_identity
from tests.factories import write_tree

BODY = "Text of the page, long enough to publish.\n"
words = st.text(alphabet="abcxyz-_", min_size=1, max_size=8).filter(lambda s: s[0].isalpha())
titles = st.text(alphabet="指南数据 Getting", min_size=1, max_size=8).filter(str.strip)


@settings(max_examples=80)
@given(stem=words)
def test_a_file_name_is_made_readable_as_mkdocs_does(stem: str) -> None:
    title = file_title(f"guide/{stem}.md")
    assert title == stem.replace("-", " ").replace("_", " ").capitalize()
    assert file_title("index.md") == "Home"


@settings(max_examples=60)
@given(folders=st.lists(words, max_size=3), stem=words)
def test_a_page_identity_is_its_path(folders: list[str], stem: str) -> None:
    relative = "/".join([*folders, f"{stem}.md"])
    assert page_identity(relative) == "-".join([*folders, stem])
    index = "/".join([*folders, "index.md"])
    assert page_identity(index) == ("-".join(folders) or "index")


@st.composite
def navs(draw: st.DrawFn) -> tuple[list[object], dict[str, str]]:
    """A nav of sections and pages, some titled, and the titles MkDocs gives its pages."""
    pages = draw(st.lists(words, min_size=1, max_size=5, unique=True))
    expected: dict[str, str] = {}
    nav: list[object] = []
    for index, stem in enumerate(pages):
        path = f"s{index % 2}/{stem}.md"
        if draw(st.booleans()):
            title = draw(titles).strip()
            expected[path] = " ".join(title.split())
            entry: object = {title: path}
        else:
            entry = path
        if draw(st.booleans()):
            entry = {f"Section {index}": [entry]}
        nav.append(entry)
    return nav, expected


@settings(max_examples=40)
@given(found=navs())
def test_nav_titles_are_found_at_any_depth(found: tuple[list[object], dict[str, str]]) -> None:
    nav, expected = found
    assert nav_titles(nav) == expected


@settings(max_examples=5)
@given(found=navs(), h1=st.booleans(), meta=st.booleans())
def test_the_command_line_gives_mkdocs_titles(
    tmp_path_factory, found: tuple[list[object], dict[str, str]], h1: bool, meta: bool
) -> None:
    nav, expected = found
    site = tmp_path_factory.mktemp("mk")
    config = "site_name: s\ntheme:\n  name: material\nmarkdown_extensions:\n"
    config += (
        "  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
    )
    files = {"mkdocs.yml": config + yaml.safe_dump({"nav": nav}, allow_unicode=True)}
    for path in nav_titles([{"x": p} for p in _paths(nav)]):
        head = "---\ntitle: Meta title\n---\n\n" if meta else ""
        files[f"docs/{path}"] = head + ("# Heading one\n\n" if h1 else "") + BODY
    write_tree(site, files)
    report = api.check([site])
    for post in report.posts:
        relative = Path(post.path).relative_to(site / "docs").as_posix()
        want = expected.get(relative) or (
            "Meta title" if meta else "Heading one" if h1 else file_title(relative)
        )
        assert post.title == " ".join(want.split()), relative  # mdwx folds a title's spaces
        assert post.slug == page_identity(relative).strip("-")  # as any slug mdwx reads


def _paths(nav: object) -> list[str]:
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, list):
        return [p for item in nav for p in _paths(item)]
    if isinstance(nav, dict):
        return [p for value in nav.values() for p in _paths(value)]
    return []


def test_the_hostile_nav_entry(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "mkdocs.yml": "site_name: s\nnav:\n  - 指南: guide/start.md\n",
            "docs/guide/start.md": BODY,
            "docs/ds/index.md": BODY,
            "docs/pwn/tcache-attack.md": BODY,
        },
    )
    report = api.check([tmp_path])
    by_name = {Path(p.path).relative_to(tmp_path / "docs").as_posix(): p for p in report.posts}
    assert by_name["guide/start.md"].title == "指南"
    assert by_name["pwn/tcache-attack.md"].title == "Tcache attack"
    assert by_name["ds/index.md"].slug == "ds"


@settings(max_examples=30)
@given(found=navs(), meta_title=st.booleans())
def test_the_plugin_and_the_command_line_agree(
    found: tuple[list[object], dict[str, str]], meta_title: bool
) -> None:
    """The plugin's title and identity for a page are the ones the command line gives."""
    from types import SimpleNamespace

    mkdocs_plugin = pytest.importorskip("mdwx.integrations.mkdocs")
    nav, expected = found
    for path in _paths(nav):
        meta = {"title": "Meta title"} if meta_title else {}
        page = SimpleNamespace(meta=meta, file=SimpleNamespace(src_uri=path))
        title = mkdocs_plugin._nav_title(page, {"nav": nav})
        made = mkdocs_plugin._meta(page, {}, title)
        assert made.get("title") == expected.get(path, meta.get("title"))
        assert made["slug"] == page_identity(path)
