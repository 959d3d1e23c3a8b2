"""A post whose body WeChat would show as nothing is refused (or, on a generator's site, skipped
as a stub page) instead of publishing a blank article; a site theme that does not exist is named
at its setting's line."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx import api
from mdwx.errors import ConfigError

REMOVED = ["iframe", "script", "style", "object", "textarea", "select", "noscript", "template"]


def _element(tag: str, upper: bool) -> str:
    name = tag.upper() if upper else tag
    return f'<{name} src="https://example.com/x">inside</{name}>'


@settings(max_examples=40)
@given(
    tags=st.lists(st.sampled_from(REMOVED), min_size=1, max_size=3),
    upper=st.booleans(),
    blank_lines=st.integers(0, 2),
    generator_site=st.booleans(),
)
def test_a_body_of_removed_html_only_is_never_a_blank_article(
    tags: list[str], upper: bool, blank_lines: int, generator_site: bool
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "mdwx.toml").write_text("", encoding="utf-8")
        posts = root / "source" / "_posts" if generator_site else root
        if generator_site:  # a Hexo site: its stub pages are skipped, not failed
            (root / "_config.yml").write_text("title: Blog\n", encoding="utf-8")
            (root / "package.json").write_text(
                '{"dependencies": {"hexo": "^7.0.0"}}', encoding="utf-8"
            )
            posts.mkdir(parents=True)
        body = ("\n" * blank_lines).join(_element(tag, upper) + "\n" for tag in tags)
        post = posts / "p.md"
        post.write_text(f"---\ntitle: Only HTML\n---\n\n{body}", encoding="utf-8")
        report = api.check(post).posts[0]
        messages = [d.message for d in report.diagnostics]
        assert any("nothing in the body is shown in WeChat" in m for m in messages), messages
        if generator_site:
            assert report.ok and [d.code for d in report.diagnostics if "nothing" in d.message] == [
                "empty-post"
            ]
        else:
            assert not report.ok and report.error is not None and report.error.line == 5


def test_text_beside_removed_html_is_a_post() -> None:
    with tempfile.TemporaryDirectory() as folder:
        post = Path(folder) / "p.md"
        (Path(folder) / "mdwx.toml").write_text("", encoding="utf-8")
        post.write_text(
            '---\ntitle: T\n---\n\n<iframe src="https://example.com/x"></iframe>\n\nWords.\n',
            "utf-8",
        )
        assert api.check(post).ok


@pytest.mark.parametrize(
    ("setting", "suggestion"), [('"oceans"', "did you mean 'ocean'?"), ('"zzz"', "")]
)
def test_an_unknown_site_theme_is_named_at_its_line(
    tmp_path: Path, setting: str, suggestion: str
) -> None:
    (tmp_path / "mdwx.toml").write_text(f'author = "me"\ntheme = {setting}\n', encoding="utf-8")
    post = tmp_path / "p.md"
    post.write_text("---\ntitle: T\n---\n\nWords.\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        api.check(post)
    assert caught.value.path == str(tmp_path / "mdwx.toml") and caught.value.line == 2
    assert suggestion in str(caught.value)
