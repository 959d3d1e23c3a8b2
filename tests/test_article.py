"""Reading posts: front matter, title fallback, limits in characters, errors with file:line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.config import Limits, SiteConfig
from mdwx.errors import ArticleError
from mdwx.source.article import make_digest, read_article


def write(tmp_path: Path, text: str | bytes, name: str = "post.md") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def read(tmp_path: Path, text: str | bytes, **config: object) -> object:
    return read_article(write(tmp_path, text), SiteConfig(root=tmp_path, **config))


def error_of(tmp_path: Path, text: str | bytes, **config: object) -> ArticleError:
    with pytest.raises(ArticleError) as info:
        read(tmp_path, text, **config)
    return info.value


def test_front_matter_keys_become_article_fields(tmp_path: Path) -> None:
    article = read(
        tmp_path,
        "---\ntitle: 你好\nauthor: Lin\ncomments: fans\nshow_cover_pic: true\n"
        "source_url: https://example.com/a\n---\nBody text.\n",
    )
    assert article.title == "你好"
    assert article.author == "Lin"
    assert article.comments == "fans"
    assert article.need_open_comment == 1 and article.only_fans_can_comment == 1
    assert article.show_cover_pic is True
    assert article.source_url == "https://example.com/a"
    assert article.body_line == 8
    assert article.body.strip() == "Body text."


def test_title_falls_back_to_leading_h1_which_leaves_the_body(tmp_path: Path) -> None:
    article = read(tmp_path, "---\nauthor: a\n---\n\n# The Title\n\nFirst paragraph.\n")
    assert article.title == "The Title"
    assert "# The Title" not in article.body
    # Line numbers of the rest of the body still map to the file.
    first = article.body.split("\n").index("First paragraph.")
    assert article.file_line(first + 1) == 7


def test_title_falls_back_to_file_name_without_h1(tmp_path: Path) -> None:
    article = read_article(write(tmp_path, "Just text.\n", "my-post.md"), SiteConfig(root=tmp_path))
    assert article.title == "my-post"
    assert article.slug == "my-post"


def test_h1_inside_code_fence_is_not_a_title(tmp_path: Path) -> None:
    article = read(tmp_path, "```\n# not a title\n```\n\nText\n")
    assert article.title == "post"


def test_missing_digest_is_built_from_first_paragraphs(tmp_path: Path) -> None:
    article = read(tmp_path, "# T\n\n## Heading\n\nHello **world**, `code` here.\n\nSecond.\n")
    assert article.digest == "Hello world, code here. Second."
    assert article.digest_given is False


def test_digest_is_cut_on_character_boundary_within_limit() -> None:
    body = "中文" * 200
    digest = make_digest(body, 120)
    assert len(digest) == 120
    assert digest.endswith("…")
    digest.encode("utf-8")  # whole characters only: always encodable


def test_title_over_limit_names_line_and_excess(tmp_path: Path) -> None:
    error = error_of(tmp_path, "---\nauthor: x\ntitle: " + "标" * 70 + "\n---\nbody\n")
    assert error.line == 3
    assert "70 characters, 6 over the limit of 64" in str(error)
    assert str(error).startswith(f"{tmp_path / 'post.md'}:3:")


def test_limits_come_from_config(tmp_path: Path) -> None:
    error = error_of(tmp_path, "---\ntitle: " + "x" * 40 + "\n---\nbody\n", limits=Limits(title=32))
    assert "8 over the limit of 32" in str(error)


def test_digest_over_limit(tmp_path: Path) -> None:
    error = error_of(tmp_path, "---\ndigest: " + "字" * 121 + "\n---\nbody\n")
    assert "digest is 121 characters, 1 over" in str(error)


def test_malformed_yaml_reports_the_line_in_the_file(tmp_path: Path) -> None:
    error = error_of(tmp_path, "---\ntitle: ok\nauthor: [unclosed\n---\nbody\n")
    assert error.line in (3, 4)
    assert "invalid YAML" in str(error)


def test_front_matter_that_is_not_a_mapping(tmp_path: Path) -> None:
    error = error_of(tmp_path, "---\n- a\n- b\n---\nbody\n")
    assert "must be a mapping" in str(error)


def test_wrong_types_name_the_key_line(tmp_path: Path) -> None:
    error = error_of(tmp_path, "---\ntitle: t\nauthor:\n  - a\n---\nbody\n")
    assert error.line == 3 and "author must be text" in str(error)
    error = error_of(tmp_path, "---\ndraft: maybe\n---\nbody\n")
    assert "draft must be true or false" in str(error)
    error = error_of(tmp_path, "---\ncomments: everyone\n---\nbody\n")
    assert "comments must be one of open, fans, closed" in str(error)


def test_source_url_must_be_http(tmp_path: Path) -> None:
    error = error_of(tmp_path, "---\nsource_url: javascript:alert(1)\n---\nbody\n")
    assert "source_url must be an http:// or https:// URL" in str(error)


def test_unknown_keys_warn_with_closest_known_key(tmp_path: Path) -> None:
    article = read(tmp_path, "---\ntitel: x\n---\nbody\n")
    assert len(article.warnings) == 1
    warning = article.warnings[0]
    assert (warning.code, warning.line) == ("unknown-key", 2)
    assert "unknown front matter key 'titel' (did you mean 'title'?)" in str(warning)
    assert ":2:" in str(warning)


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    error = error_of(tmp_path, b"---\ntitle: t\n---\nline\n" + "中文".encode("gbk"))
    assert "not UTF-8" in str(error) and error.line == 5


def test_empty_post_and_empty_body(tmp_path: Path) -> None:
    assert "empty" in str(error_of(tmp_path, "  \n\n"))
    assert "no body text" in str(error_of(tmp_path, "---\ntitle: t\n---\n\n"))


def test_unclosed_front_matter(tmp_path: Path) -> None:
    assert "not closed" in str(error_of(tmp_path, "---\ntitle: t\nbody\n"))


def test_crlf_and_bom_are_accepted(tmp_path: Path) -> None:
    article = read(tmp_path, "\ufeff---\r\ntitle: Win\r\n---\r\nbody\r\n")
    assert article.title == "Win"
    assert "\r" not in article.body


def test_video_front_matter_is_validated(tmp_path: Path) -> None:
    article = read(tmp_path, "---\nvideo:\n  title: Clip\n  tags: [a, b]\n---\nbody\n")
    assert article.video.title == "Clip" and article.video.tags == ("a", "b")
    error = error_of(tmp_path, "---\nvideo:\n  tags: [a, b, c, d, e, f]\n---\nbody\n")
    assert "at most 5" in str(error)
    error = error_of(tmp_path, "---\nvideo:\n  titel: x\n---\nbody\n")
    assert "did you mean 'title'" in str(error)


def test_slug_is_sanitised(tmp_path: Path) -> None:
    assert read(tmp_path, "---\nslug: Hello World/../x\n---\nbody\n").slug == "hello-world-..-x"
    assert "no usable characters" in str(error_of(tmp_path, "---\nslug: '///'\n---\nbody\n"))


def test_author_defaults_to_site_author(tmp_path: Path) -> None:
    assert read(tmp_path, "body\n", author="Site Author").author == "Site Author"


_TITLES = (
    st.text(st.sampled_from("技术周刊第期 Weekly#42:·《》"), min_size=1, max_size=16)
    .map(lambda t: " ".join(t.split()).strip("#").strip())
    .filter(bool)
)


@settings(max_examples=80)
@given(
    title=_TITLES,
    before=st.sampled_from(["", "\n", "Intro.\n\n", "```\n# {t}\n```\n\n"]),
    spacing=st.sampled_from(["# {t}", "#  {t}  ", "# {t} #", "   # {t}"]),
    keep=st.sampled_from([None, "front", "site"]),
)
def test_a_body_h1_repeating_the_title_is_dropped_unless_kept(
    tmp_path_factory: pytest.TempPathFactory,
    title: str,
    before: str,
    spacing: str,
    keep: str | None,
) -> None:
    """WeChat shows the title above the body: a first ``# H1`` equal to it would be read twice."""
    root = tmp_path_factory.mktemp("post")
    heading = spacing.format(t=title)
    front = (
        f"---\ntitle: '{title}'\n"
        + ("keep_title_heading: true\n" if keep == "front" else "")
        + "---\n"
    )
    text = front + before.format(t=title) + heading + "\n\nLast line.\n"
    article = read(root, text, **({"keep_title_heading": True} if keep == "site" else {}))
    lines = article.body.split("\n")
    in_fence = before.startswith("```") and spacing == "# {t}"  # the fenced line is code: it stays
    assert lines.count(heading) == in_fence + (keep is not None)
    last = lines.index("Last line.")
    assert article.file_line(last + 1) == text.split("\n").index("Last line.") + 1


def test_a_different_first_h1_stays_in_the_body(tmp_path: Path) -> None:
    article = read(tmp_path, "---\ntitle: 周刊\n---\n# 第 42 期\n\ntext\n")
    assert article.title == "周刊" and "# 第 42 期" in article.body


@settings(max_examples=25)
@given(
    length=st.integers(min_value=1, max_value=400),
    char=st.sampled_from(["a", "文", "-a"]),
)
def test_a_slug_names_a_folder_any_file_system_can_hold(
    tmp_path_factory: pytest.TempPathFactory, length: int, char: str
) -> None:
    """A slug given in front matter over 200 bytes is refused at its line; one taken from a
    long file name is shortened, so ``build`` never meets "File name too long"."""
    from mdwx.source.article import SLUG_BYTES
    from mdwx.source.site import load_config

    folder = tmp_path_factory.mktemp("s")
    slug = (char * length)[: length * len(char)]
    post = folder / "p.md"
    post.write_text(f"---\ntitle: T\nslug: {slug}\n---\n\ntext\n", encoding="utf-8")
    config = load_config(folder)
    if len(slug.encode("utf-8")) > SLUG_BYTES:
        with pytest.raises(ArticleError, match="slug is") as caught:
            read_article(post, config)
        assert caught.value.line == 3
    else:
        assert read_article(post, config).slug
    stem = folder / (("文" * 80) + ".md")  # 240 bytes of name
    stem.write_text("---\ntitle: T\n---\n\ntext\n", encoding="utf-8")
    named = read_article(stem, config).slug
    assert 0 < len(named.encode("utf-8")) <= SLUG_BYTES
