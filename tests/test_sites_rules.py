"""Issue 17, the generators' smaller rules, each as a property over small synthetic sites:
YAML values followed by a tab, TOML numbers with leading zeros (Hugo), Hexo pictures relative
to the post's URL, kramdown's escapes in single-dollar formulas (Jekyll), and the titles of
folded blocks (spoiler/details shortcodes and tags).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.document import AssetKind
from mdwx.errors import ArticleError
from mdwx.prepare import prepare
from mdwx.source.article import read_article_text
from mdwx.source.gate import collect_posts
from mdwx.source.site import load_config
from tests.test_sites_kinds import SETTINGS, hexo, hugo, png, words, write


def _read(path: Path, text: str):  # type: ignore[no-untyped-def]
    return read_article_text(text, path, load_config(path))


# --- YAML: a tab after a value is white space (libyaml, go-yaml, Psych) ---------------------


@SETTINGS
@given(
    title=words,
    tags=st.lists(words, min_size=1, max_size=4),
    tabs=st.lists(st.sampled_from(["", "\t", " \t", "\t\t", "\t "]), min_size=6, max_size=6),
)
def test_a_tab_after_a_yaml_value_is_white_space(
    title: str, tags: list[str], tabs: list[str]
) -> None:
    title, tags = f"t{title}", [f"g{tag}" for tag in tags]  # never a YAML boolean or null
    with tempfile.TemporaryDirectory() as folder:
        post = write(hugo(Path(folder)) / "p.md", "")
        items = "".join(f"  - {tag}{tabs[i % 6]}\n" for i, tag in enumerate(tags))
        text = f"---\ntitle: {title}{tabs[0]}\ntags:{tabs[1]}\n{items}draft: false{tabs[2] or ' '}# c\n---\nBody.\n"
        article = _read(post, text)
        assert article.title == title
        assert article.front_matter["tags"] == tags


def test_a_tab_as_yaml_indentation_is_still_an_error(tmp_path: Path) -> None:
    post = write(hugo(tmp_path) / "p.md", "")
    with pytest.raises(ArticleError, match="invalid YAML") as raised:
        _read(post, "---\ntitle: x\nparams:\n\tkey: 1\n---\nBody.\n")
    assert raised.value.line == 4  # the tab-indented line


# --- TOML: decimal numbers with leading zeros, as Hugo's older TOML reader took them --------


@SETTINGS
@given(
    value=st.integers(0, 9999),
    zeros=st.integers(1, 3),
    key=words,
    comment=st.booleans(),
    sign=st.sampled_from(["", "-", "+"]),
)
def test_a_toml_number_with_leading_zeros_is_read_as_its_decimal_value(
    value: int, zeros: int, key: str, comment: bool, sign: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        post = write(hugo(Path(folder)) / "p.md", "")
        line = f"{key}x = {sign}{'0' * zeros}{value}" + ("  # day" if comment else "")
        text = f'+++\ntitle = "T"\ndate = 2019-01-28\n{line}\ntime = 07:30:00\n+++\nBody.\n'
        article = _read(post, text)
        assert article.title == "T"
        assert article.front_matter[f"{key}x"] == (-value if sign == "-" else value)


@SETTINGS
@given(bad=st.sampled_from(['x = "open', "x = = 1", "[t\nx = 1", "x = 1 2"]), zeros=st.booleans())
def test_other_toml_errors_are_still_errors_at_their_line(bad: str, zeros: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        post = write(hugo(Path(folder)) / "p.md", "")
        text = '+++\ntitle = "T"\n' + ("day = 07\n" if zeros else "") + bad + "\n+++\nBody.\n"
        with pytest.raises(ArticleError, match="invalid TOML"):
            _read(post, text)


# --- Hexo: pictures relative to the post's URL ------------------------------------------------

PERMALINKS = {  # permalink → the URL folder depth of a post "p.md" dated 2020-01-02 in no category
    ":year/:month/:day/:title/": 4,
    ":title/": 1,
    ":abbrlink/": 1,
    "posts/:title.html": 1,
    ":category/:title/": 2,
    "archives/:year/:i_month/:name/": 4,
}


@SETTINGS
@given(
    permalink=st.sampled_from(sorted(PERMALINKS)),
    sub=st.sampled_from(["", "notes/"]),
    where=st.sampled_from(["source", "asset folder by URL"]),
    name=words,
)
def test_hexo_pictures_resolve_against_the_posts_url(
    permalink: str, sub: str, where: str, name: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        posts = hexo(root)
        write(
            root / "_config.yml", f"title: blog\npermalink: {permalink}\npost_asset_folder: true\n"
        )
        depth = PERMALINKS[permalink] + sub.count("/") * (":title" in permalink)
        post_path = posts / sub / "p.md"
        if where == "source":
            picture = png(root / "source" / "img" / f"{name}.png")
            reference = "../" * depth + f"img/{name}.png"
        else:
            picture = png(post_path.parent / "p" / "shots" / f"{name}.png")
            url = permalink.replace(":year", "2020").replace(":month", "01").replace(":day", "02")
            url = url.replace(":i_month", "1").replace(":title", f"{sub}p").replace(":name", "p")
            url = url.replace(":category", "uncategorized").replace(
                ":abbrlink", "a1b2"
            )  # hexo-abbrlink's key
            reference = "/" + url.removesuffix(".html").rstrip("/") + f"/shots/{name}.png"
        post = write(
            post_path,
            f"---\ntitle: T\ndate: 2020-01-02 10:00:00\nabbrlink: a1b2\n---\n![a]({reference})\n",
        )
        [image] = prepare(collect_posts([post])[0]).document.assets_of(AssetKind.IMAGE)
        assert (post.parent / unquote(image.source)).resolve() == picture.resolve()


def test_a_hexo_picture_the_site_would_not_show_is_still_missing(tmp_path: Path) -> None:
    posts = hexo(tmp_path)  # default permalink: /2020/01/02/p/img/a.png is not source/img/a.png
    png(tmp_path / "source" / "img" / "a.png")
    post = write(posts / "p.md", "---\ntitle: T\ndate: 2020-01-02\n---\n![a](img/a.png)\n")
    with pytest.raises(Exception, match="image not found"):
        prepare(collect_posts([post])[0])


# --- Jekyll: a single-dollar formula is text to kramdown, its escapes resolved ----------------

ESCAPED = {
    r"\\{ x \\}": r"\{ x \}",
    r"\|": "|",
    r"b\_{i}": "b_{i}",
    r"\*": "*",
    "x": "x",
    r"\alpha": r"\alpha",
}


@SETTINGS
@given(
    parts=st.lists(st.sampled_from(sorted(ESCAPED)), min_size=1, max_size=6), display=st.booleans()
)
def test_kramdown_escapes_in_single_dollar_math_are_resolved(
    parts: list[str], display: bool
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write(root / "_config.yml", "markdown: kramdown\nmathjax: true\n")
        if (
            display
        ):  # verbatim to kramdown: TeX as written, so no \\{ (a line break, a brace) nor \*
            parts = [part for part in parts if "{" not in part and "*" not in part] or ["x"]
        written = " ".join(["a", *parts])
        fence = "$$" if display else "$"
        post = write(
            root / "_posts" / "2020-01-02-m.md",
            f"---\ntitle: T\n---\nSee {fence}{written}{fence} here.\n",
        )
        document = prepare(collect_posts([post])[0]).document
        [formula] = document.assets_of(AssetKind.FORMULA)
        # $$…$$ is kramdown's math, kept verbatim; $…$ is text, its escapes resolved.
        expected = written if display else " ".join(["a", *(ESCAPED[p] for p in parts)])
        assert formula.source.strip() == expected


# --- folded blocks keep their title -------------------------------------------------------------

HEXO_FOLDS = {
    "spoiler": "{{% spoiler {t} %}}",
    "details": "{{% details {t} %}}",
    "fold": "{{% fold {t} %}}",
    "folding": "{{% folding cyan, {t} %}}",
    "hideToggle": "{{% hideToggle {t},#fff,#000 %}}",
}
HUGO_FOLDS = {
    "details": '{{{{< details summary="{t}" >}}}}',
    "spoiler": '{{{{< spoiler "{t}" >}}}}',
    "expand": '{{{{< expand "{t}" >}}}}',
}


@SETTINGS
@given(
    generator=st.sampled_from(["hexo", "hugo"]), index=st.integers(0, 4), title=words, content=words
)
def test_a_folded_block_shows_its_title_and_content(
    generator: str, index: int, title: str, content: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        folds = HEXO_FOLDS if generator == "hexo" else HUGO_FOLDS
        name = sorted(folds)[index % len(folds)]
        opener = folds[name].format(t=title)
        closer = f"{{% end{name} %}}" if generator == "hexo" else f"{{{{< /{name} >}}}}"
        where = hexo(root) if generator == "hexo" else hugo(root)
        post = write(
            where / "p.md",
            f"---\ntitle: T\n---\nBefore.\n\n{opener}\n{content}\n\n```\ncode\n```\n{closer}\n",
        )
        prepared = prepare(collect_posts([post])[0])
        html = prepared.document.html
        assert title in html and content in html and "code" in html
        assert "{%" not in html and "{{" not in html
        assert not [w for w in prepared.warnings if w.code == "shortcode-removed"]


# --- a run's words: progress, one line per repeated advice, stub pages -----------------------


@settings(max_examples=4)
@given(stubs=st.integers(1, 3), posts=st.integers(2, 4), verb=st.sampled_from(["check", "build"]))
def test_a_run_with_stub_pages_says_each_was_skipped_and_summarises_advice(
    stubs: int, posts: int, verb: str
) -> None:
    from click.testing import CliRunner

    from mdwx.cli.main import main

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write(root / "mkdocs.yml", "site_name: x\n")
        for index in range(stubs):
            write(root / "docs" / f"stub{index}.md", "---\ntitle: Stub\n---\n")
        for index in range(posts):
            write(root / "docs" / f"page{index}.md", f"# Page {index}\n\nText.\n")
        args = [verb, str(root / "docs")] + (["-o", str(root / "out")] if verb == "build" else [])
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.stderr
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert result.stderr.count("skipped: nothing to publish") == stubs
        assert f"{posts} posts have no cover image" in result.stderr  # one line for the run
        assert "no cover image: publish will make one" not in result.stderr
