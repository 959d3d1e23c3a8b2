"""A post is rendered again exactly when one of its inputs changed (mdwx.publish.unchanged).

Renders are counted by wrapping :func:`mdwx.prepare._render` (the one render of a post), never
timed. Random edits to posts, pictures, the config, a theme file and a header template: the
next publish renders exactly the posts using what changed; a file written again with the
same bytes changes nothing.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mdwx.prepare
from mdwx import api
from mdwx.publish.unchanged import UnchangedPosts
from mdwx.render.themes import templates_dir
from mdwx.sandbox import SandboxServer
from mdwx.wechat import MemoryTokenCache
from tests.factories import png_bytes, sandbox

POSTS = {"a": ["p0"], "b": ["p0", "p1"], "c": []}  # post → the pictures it shows
PICTURES = ("p0", "p1")


@pytest.fixture(scope="module")
def sb() -> Iterator[SandboxServer]:
    with sandbox() as server:
        yield server


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The stem of every post rendered, in order (the injected counter)."""
    seen: list[str] = []
    render = mdwx.prepare._render

    def counting(article: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(Path(article.path).stem)
        return render(article, *args, **kwargs)

    monkeypatch.setattr(mdwx.prepare, "_render", counting)
    return seen


def _site(root: Path) -> Path:
    (root / "posts").mkdir(parents=True)
    (root / "mdwx.toml").write_text(
        'author = "Site"\ntheme = "theme.css"\nheader = "header.md"\n', encoding="utf-8"
    )
    shutil.copyfile(templates_dir() / "default.css", root / "theme.css")
    (root / "header.md").write_text("Welcome.\n", encoding="utf-8")
    for number, name in enumerate(PICTURES):
        (root / "posts" / f"{name}.png").write_bytes(png_bytes(colour=(number * 40, 90, 150)))
    for name, pictures in POSTS.items():
        body = "".join(f"\n![{p}]({p}.png)\n" for p in pictures)
        (root / "posts" / f"{name}.md").write_text(
            f"---\ntitle: Post {name}\n---\n\nText of {name}.\n{body}", encoding="utf-8"
        )
    return root


def _options(sb: SandboxServer, **changes: Any) -> api.Options:
    return api.Options(
        credentials=api.Credentials(sb.appid, sb.secret),
        api_base=sb.base_url,
        token_cache=MemoryTokenCache(),
        draft=True,
        **changes,
    )


def _publish(site: Path, sb: SandboxServer, **changes: Any) -> api.PublishReport:
    report = api.publish([site / "posts"], _options(sb, **changes))
    assert report.ok, [str(r.error) for r in report.posts]
    return report


EDITS = st.sampled_from(
    [
        ("post", "a"),
        ("post", "b"),
        ("post", "c"),
        ("same-post", "a"),
        ("picture", "p0"),
        ("picture", "p1"),
        ("same-picture", "p1"),
        ("config", ""),
        ("same-config", ""),
        ("theme", ""),
        ("template", ""),
    ]
)


def _apply(site: Path, edit: tuple[str, str], step: int) -> set[str]:
    """Make the edit; the posts whose inputs it changed."""
    kind, name = edit
    if kind in ("post", "same-post"):
        path = site / "posts" / f"{name}.md"
        path.write_text(
            path.read_text("utf-8") + (f"\nMore {step}.\n" if kind == "post" else ""),
            encoding="utf-8",
        )
        return {name} if kind == "post" else set()
    if kind in ("picture", "same-picture"):
        path = site / "posts" / f"{name}.png"
        data = png_bytes(colour=(200, step % 250, 7)) if kind == "picture" else path.read_bytes()
        changed = data != path.read_bytes()
        path.write_bytes(data)
        return {post for post, pictures in POSTS.items() if name in pictures} if changed else set()
    if kind in ("config", "same-config"):
        path = site / "mdwx.toml"
        text = path.read_text("utf-8")
        path.write_text(
            text.replace('author = "', f'author = "{step}') if kind == "config" else text,
            encoding="utf-8",
        )
        return set(POSTS) if kind == "config" else set()
    path = site / ("theme.css" if kind == "theme" else "header.md")
    addition = f"\n/* edit {step} */\n" if kind == "theme" else f"\nEdit {step}.\n"
    path.write_text(path.read_text("utf-8") + addition, encoding="utf-8")
    return set(POSTS)


@settings(max_examples=5)
@given(edits=st.lists(EDITS, max_size=3))
def test_a_post_is_rendered_again_exactly_when_an_input_changed(
    sb: SandboxServer, rendered: list[str], edits: list[tuple[str, str]]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        site = _site(Path(tmp) / "site")
        _publish(site, sb)
        rendered.clear()
        again = _publish(site, sb)
        assert rendered == [] and all(r.steps == ["unchanged"] for r in again.posts)
        changed: set[str] = set()
        for step, edit in enumerate(edits, start=1):
            changed |= _apply(site, edit, step)
        report = _publish(site, sb)
        assert sorted(set(rendered)) == sorted(changed)
        assert len(rendered) == len(set(rendered))  # each post rendered at most once
        assert all(
            r.steps == ["unchanged"] for r in report.posts if Path(r.path).stem not in changed
        )


def test_a_skipped_post_shows_what_a_rendered_unchanged_post_shows(
    sb: SandboxServer, tmp_path: Path, rendered: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = _site(tmp_path / "site")
    (site / "posts" / "c.md").write_text(
        "---\ntitle: Post c\n---\n\n<div>raw</div>\n\nText.\n", encoding="utf-8"
    )
    _publish(site, sb)
    with monkeypatch.context() as patch:  # the path before: every post rendered, found unchanged
        patch.setattr(UnchangedPosts, "find", lambda self, items: {})
        rendered.clear()
        full = _publish(site, sb)
        assert sorted(rendered) == ["a", "b", "c"]
    rendered.clear()
    again = _publish(site, sb)
    assert rendered == []
    assert [r.steps for r in again.posts] == [r.steps for r in full.posts] == [["unchanged"]] * 3
    assert [r.to_json() for r in again.posts] == [r.to_json() for r in full.posts]


def test_force_dry_run_and_a_changed_record_are_never_skipped(
    sb: SandboxServer, tmp_path: Path, rendered: list[str]
) -> None:
    site = _site(tmp_path / "site")
    _publish(site, sb)
    rendered.clear()
    api.publish([site / "posts"], _options(sb, dry_run=True))
    assert sorted(rendered) == ["a", "b", "c"]
    rendered.clear()
    _publish(site, sb)
    assert rendered == []
    # Without --draft an unsubmitted article is submitted: the post is not skipped.
    report = api.publish(
        [site / "posts"],
        api.Options(
            credentials=api.Credentials(sb.appid, sb.secret),
            api_base=sb.base_url,
            token_cache=MemoryTokenCache(),
        ),
    )
    assert report.ok and sorted(rendered) == ["a", "b", "c"]
