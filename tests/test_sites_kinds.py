"""Issue 17, the source side: each kind of fault the 19 real sites showed, as a property of
small synthetic sites laid out as their generators lay them out.

BOMs and Hexo's optional opening separator, posts sharing a slug, shortcodes inside raw HTML
blocks, theme cover keys, Jekyll's post file names, Pelican's header from the command line,
MkDocs' docs_dir, Obsidian titles and unmarked vaults, stub pages, key suggestions, code
language aliases and progress lines.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from urllib.parse import unquote

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from mdwx import api
from mdwx.build import check_post
from mdwx.build_many import build_posts, output_folders
from mdwx.cli.main import main
from mdwx.cli.progress import EVERY
from mdwx.document import AssetKind
from mdwx.prepare import prepare
from mdwx.render import render_article
from mdwx.render.code import LANGUAGE_ALIASES, find_lexer
from mdwx.source.article import KNOWN_KEYS, read_article_text
from mdwx.source.gate import collect_posts
from mdwx.source.generators.base import COVER_KEYS
from mdwx.source.site import load_config
from mdwx.source.suggest import closest

SETTINGS = settings(max_examples=15, deadline=None)
words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=10)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def png(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (40, 30), "blue").save(path)
    return path


def hexo(root: Path) -> Path:
    write(root / "_config.yml", "title: blog\n")
    (root / "source" / "_posts").mkdir(parents=True)
    return root / "source" / "_posts"


def hugo(root: Path) -> Path:
    write(root / "hugo.toml", 'title = "site"\n')
    return root / "content"


# --- front matter: BOMs and Hexo's optional leading separator -------------------------------


@SETTINGS
@given(boms=st.integers(0, 4), opener=st.booleans(), title=words, digest=words)
def test_front_matter_read_whatever_boms_and_opening_separator(
    boms: int, opener: bool, title: str, digest: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        posts = hexo(Path(folder))
        text = (
            "\ufeff" * boms
            + ("---\n" if opener else "")
            + f'title: "{title}"\ndescription: "{digest}"\n---\n\nBody text.\n'
        )
        post = write(posts / "p.md", "")
        article = read_article_text(text, post, load_config(post))
        assert article.title == title
        assert article.digest == digest
        assert article.body.strip() == "Body text."
        assert article.body_line == (5 if opener else 4)  # the line after the closing ---


def test_a_leading_separator_is_optional_only_on_a_hexo_site(tmp_path: Path) -> None:
    post = write(tmp_path / "notes" / "p.md", "")
    article = read_article_text("title: x\n---\n\nBody.\n", post, load_config(post))
    assert article.title == "p"  # no Hexo site: the lines are Markdown, as mdwx always read them


# --- build: one folder per post ------------------------------------------------------------


@SETTINGS
@given(
    slugs=st.lists(st.sampled_from(["basis", "basis-2", "go", "notes"]), min_size=1, max_size=7),
    order=st.randoms(use_true_random=False),
)
def test_posts_sharing_a_slug_get_folders_of_their_own_whatever_the_order(
    slugs: list[str], order: object
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write(root / "mdwx.toml", "")
        paths = [
            write(root / f"p{index}.md", f"---\nslug: {slug}\n---\nText {index}.\n")
            for index, slug in enumerate(slugs)
        ]
        posts = collect_posts(paths)
        folders = output_folders(posts)
        shuffled = list(posts)
        order.shuffle(shuffled)  # type: ignore[attr-defined]
        assert output_folders(shuffled) == folders  # the same posts, the same folders
        names = [folders[p.path][0] for p in posts]
        assert len(set(names)) == len(posts)
        for post, slug in zip(posts, slugs, strict=True):
            name, note = folders[post.path]
            assert name == slug or re.fullmatch(re.escape(slug) + r"-\d+", name)
            assert (note is None) == (name == slug)
        reports = build_posts(posts, root / "out")
        assert {r.outputs[0].parent.name for r in reports} == set(names)
        assert sum(1 for r in reports for w in r.warnings if "shares the slug" in w) == len(
            slugs
        ) - len(set(slugs))


# --- shortcodes and tags inside raw HTML blocks --------------------------------------------

BLOCKS = [
    '<div align="center">\n{tag}\n</div>',
    "<center>\n{tag}\n</center>",
    "{tag}",
    "<p>\n{tag}\n</p>",
    "Some text {tag} more.",
]


@SETTINGS
@given(
    placement=st.sampled_from(BLOCKS),
    before=st.integers(0, 2),
    after=st.integers(0, 2),
    kind=st.sampled_from(["hugo", "hexo"]),
)
def test_a_picture_shortcode_anywhere_is_a_picture(
    placement: str, before: int, after: int, kind: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        if kind == "hugo":
            content = hugo(root)
            png(root / "static" / "img" / "a.png")
            tag, path = '{{< figure src="/img/a.png" caption="A cap" >}}', content / "post" / "p.md"
        else:
            posts = hexo(root)
            write(root / "_config.yml", "post_asset_folder: true\n")
            png(posts / "p" / "a.png")
            tag, path = '{% asset_img a.png "A cap" %}', posts / "p.md"
        body = "\n\n".join(["Para."] * before + [placement.format(tag=tag)] + ["Para."] * after)
        write(path, f"---\ntitle: T\n---\n{body}\n")
        prepared = prepare(collect_posts([path])[0])
        images = prepared.document.assets_of(AssetKind.IMAGE)
        assert len(images) == 1 and images[0].source.endswith("a.png")
        text = re.sub(r"<[^>]+>", "", prepared.document.html)
        assert "![" not in text and "{{" not in text and "{%" not in text


def test_fixit_link_and_next_math_keep_what_they_carry(tmp_path: Path) -> None:
    content = hugo(tmp_path / "h")
    post = write(
        content / "p.md",
        '---\ntitle: T\n---\nSee {{< link href="https://example.com/x" content="the docs" >}}.\n\n'
        '{{< admonition tip "Code" >}}\n```python\nprint(1)\n```\n{{< /admonition >}}\n',
    )
    html = prepare(collect_posts([post])[0]).document.html
    assert "the docs" in html and "https://example.com/x" in html
    assert "print" in html and "{{" not in html
    posts = hexo(tmp_path / "x")
    post = write(
        posts / "m.md",
        "---\ntitle: T\n---\nInline {% math %}a^2{% endmath %}.\n\n{% math %}\nb^2\n{% endmath %}\n",
    )
    document = prepare(collect_posts([post])[0]).document
    assert sorted(a.source.strip() for a in document.assets_of(AssetKind.FORMULA)) == ["a^2", "b^2"]


# --- covers: the themes' keys ---------------------------------------------------------------


@SETTINGS
@given(
    key=st.sampled_from(COVER_KEYS),
    generator=st.sampled_from(["hugo", "hexo", "jekyll"]),
    from_root=st.booleans(),
)
def test_every_theme_cover_key_names_the_cover(key: str, generator: str, from_root: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        if generator == "hugo":
            folder_of_posts, files = hugo(root), root / "static"
        elif generator == "hexo":
            folder_of_posts, files = hexo(root), root / "source"
        else:
            write(root / "_config.yml", "title: x\n")
            folder_of_posts, files = root / "_posts", root
        png(files / "img" / "c.png")
        value = "img/c.png" if from_root and generator == "jekyll" else "/img/c.png"
        top, _, sub = key.partition(".")
        front = f"{top}:\n  {sub}: {value}\n" if sub else f"{top}: {value}\n"
        post = write(folder_of_posts / "2024-01-02-p.md", f"---\ntitle: T\n{front}---\nText.\n")
        prepared = prepare(collect_posts([post])[0])
        assert prepared.cover is not None and Path(prepared.cover[0]).name == "c.png"
        assert (post.parent / prepared.cover[0]).resolve() == (files / "img" / "c.png").resolve()
        assert not [w for w in prepared.warnings if "unknown front matter key" in w]


# --- which files are posts -------------------------------------------------------------------


@SETTINGS
@given(
    names=st.lists(
        st.tuples(st.booleans(), words, st.sampled_from([".md", ".markdown"])),
        min_size=1,
        max_size=6,
        unique_by=lambda t: t[1],
    )
)
def test_jekyll_posts_are_the_dated_files_of_posts_folders(
    names: list[tuple[bool, str, str]],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write(root / "_config.yml", "title: x\n")
        expected = set()
        for dated, name, suffix in names:
            file = f"2020-01-02-{name}{suffix}" if dated else f"{name}{suffix}"
            write(root / "_posts" / file, "---\ntitle: T\n---\nText.\n")
            if dated:
                expected.add(file)
        write(root / "README.md", "# Read me\n")
        if expected:
            assert {p.path.name for p in collect_posts([root])} == expected


def test_mkdocs_pages_are_the_docs_dir_only(tmp_path: Path) -> None:
    write(tmp_path / "mkdocs.yml", "site_name: x\ndocs_dir: pages  # where the pages are\n")
    write(tmp_path / "pages" / "index.md", "# Home\n\nText.\n")
    write(tmp_path / "pages" / "guide" / "a.md", "# A\n\nText.\n")
    write(tmp_path / "pages" / ".hidden" / "b.md", "# B\n\nText.\n")
    write(tmp_path / ".github" / "CONTRIBUTING.md", "# Contributing\n\nText.\n")
    write(tmp_path / "CHANGELOG.md", "# Changes\n\nText.\n")
    assert sorted(p.relative for p in collect_posts([tmp_path])) == [
        "pages/guide/a.md",
        "pages/index.md",
    ]


@SETTINGS
@given(
    keys=st.permutations(["Title", "Date", "Category", "Tags", "Summary", "Authors"]),
    lower=st.booleans(),
    dashes=st.booleans(),
)
def test_pelican_header_read_from_the_command_line_as_the_plugin_reads_it(
    keys: list[str], lower: bool, dashes: bool
) -> None:
    values = {
        "Title": "My post",
        "Date": "2022-01-16 17:00",
        "Category": "python",
        "Tags": "a, b",
        "Summary": "Short summary",
        "Authors": "Ann, Bob",
    }
    header = "".join(f"{k.lower() if lower else k}: {values[k]}\n" for k in keys)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write(root / "pelicanconf.py", "AUTHOR = 'x'\nPATH = 'content'\n")
        text = ("---\n" if dashes else "") + header + "\nBody **text**.\n"
        post = write(root / "content" / "p.md", text)
        report = check_post(collect_posts([root])[0])
        assert report.ok, report.error
        article = prepare(collect_posts([post])[0]).article
        assert (article.title, article.digest, article.author) == (
            "My post",
            "Short summary",
            "Ann",
        )
        assert article.body.strip() == "Body **text**."
        assert report.warnings == [w for w in report.warnings if "no cover" in w]


# --- Obsidian: titles and vaults without .obsidian/ -----------------------------------------


@SETTINGS
@given(leading=st.booleans(), later=st.integers(0, 3), name=words)
def test_an_obsidian_title_is_the_file_name_unless_the_note_opens_with_a_heading(
    leading: bool, later: int, name: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / ".obsidian").mkdir()
        lines = ["# Opening heading", ""] if leading else ["Intro text.", ""]
        lines += [f"Paragraph {i}.\n\n# Section {i}\n" for i in range(later)] + ["End."]
        post = write(root / f"{name}.md", "\n".join(lines) + "\n")
        article = prepare(collect_posts([post])[0]).article
        assert article.title == ("Opening heading" if leading else name)


def test_a_vault_without_its_settings_folder_is_recognised_by_its_links(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    png(tmp_path / "Attachments" / "shot one.png")
    note = write(
        tmp_path / "zh" / "Note.md", "See [[Other note|the other]].\n\n![[shot one.png|300]]\n"
    )
    prepared = prepare(collect_posts([note])[0])
    assert [Path(unquote(a.source)).name for a in prepared.document.assets_of(AssetKind.IMAGE)] == [
        "shot one.png"
    ]
    assert "[[" not in prepared.document.html and "the other" in prepared.document.html
    text = "Text with `[[not a link]]` in code and [[:space:]] in prose.\n"
    # In the linked vault a plain note is a vault note too, as Obsidian shows it: the link in
    # prose is a link (to a note that does not exist), the code span stays as written.
    in_vault = prepare(collect_posts([write(tmp_path / "zh" / "Plain.md", text)])[0])
    assert "[[not a link]]" in in_vault.document.html
    assert "[[:space:]]" not in in_vault.document.html
    # A site where no note uses Obsidian's syntax is not a vault: nothing is read as Obsidian's.
    (tmp_path / "other" / ".git").mkdir(parents=True)
    alone = prepare(collect_posts([write(tmp_path / "other" / "Plain.md", text)])[0])
    assert "[[not a link]]" in alone.document.html and "[[:space:]]" in alone.document.html


# --- noise: stubs, key suggestions, code languages -----------------------------------------


@SETTINGS
@given(front=st.booleans(), blank=st.text(alphabet=" \n\t", max_size=6))
def test_a_docs_site_stub_page_is_skipped_with_a_warning(front: bool, blank: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write(root / "mkdocs.yml", "site_name: x\n")
        page = write(
            root / "docs" / "stub.md", ("---\ntitle: Stub\n---\n" if front else "") + blank
        )
        report = check_post(collect_posts([page])[0])
        assert (
            report.ok and len(report.warnings) == 1 and "stub page, skipped" in report.warnings[0]
        )
        built = api.build([page], api.Options(out_dir=root / "out")).posts[0]
        assert built.ok and built.outputs == []


def test_an_empty_post_outside_a_generator_site_is_still_an_error(tmp_path: Path) -> None:
    write(tmp_path / "mdwx.toml", "")
    report = check_post(collect_posts([write(tmp_path / "e.md", "\n")])[0])
    assert report.error is not None and "the post is empty" in str(report.error)


@given(key=st.sampled_from(KNOWN_KEYS), edit=st.sampled_from(["swap", "drop", "double"]))
def test_a_typo_of_a_key_mdwx_reads_gets_a_suggestion(key: str, edit: str) -> None:
    if len(key) < 4:
        return
    typo = {"swap": key[0] + key[2] + key[1] + key[3:], "drop": key[:-1], "double": key + key[-1]}[
        edit
    ]
    if typo in KNOWN_KEYS:
        return
    suggestion = re.fullmatch(r" \(did you mean '(\w+)'\?\)", closest(typo, KNOWN_KEYS))
    assert suggestion is not None and suggestion.group(1) in KNOWN_KEYS


@given(
    key=st.sampled_from(
        [
            "linkTitle",
            "linktitle",
            "dateday",
            "datemonth",
            "toc_depth",
            "chapter",
            "parent",
            "mobile",
            "abbrlink",
            "header-style",
            "pageStyle",
        ]
    )
)
def test_a_generator_or_theme_key_gets_no_guess(key: str) -> None:
    assert closest(key, KNOWN_KEYS) == ""


def test_generator_keys_are_silent_on_their_sites(tmp_path: Path) -> None:
    content = hugo(tmp_path)
    post = write(
        content / "p.md",
        "---\ntitle: T\nlinktitle: L\ndateday: 07\ntoc_depth: 2\ncovr: x.png\n---\nText.\n",
    )
    warnings = [w for w in prepare(collect_posts([post])[0]).warnings if "front matter key" in w]
    assert len(warnings) == 1 and "'covr' (did you mean 'cover'?)" in warnings[0]


def test_common_fence_names_are_known(tmp_path: Path) -> None:
    for alias in LANGUAGE_ALIASES:
        assert find_lexer(alias) is not None, alias
    post = write(tmp_path / "p.md", "")
    config = load_config(post)
    for name in ("yml", "env", "dotenv", "shell-session", "conf", "log"):
        article = read_article_text(f"Text.\n\n```{name}\na: 1\n```\n", post, config)
        document = render_article(article, config)
        assert "a: 1" in re.sub(r"<[^>]+>", "", document.html).replace("&nbsp;", " ")
        assert not [w for w in document.warnings if "unknown code language" in str(w)], name
    article = read_article_text("```klingon\nx\n```\n", post, config)
    assert [
        w for w in render_article(article, config).warnings if "unknown code language" in str(w)
    ]


# --- progress --------------------------------------------------------------------------------


def test_progress_lines_on_stderr_and_nothing_but_json_on_stdout(tmp_path: Path) -> None:
    write(tmp_path / "mdwx.toml", "")
    total = EVERY + 3
    for index in range(total):
        write(tmp_path / f"p{index:02}.md", f"# Post {index}\n\nText.\n")
    result = CliRunner().invoke(main, ["check", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.stdout)["posts"]) == total
    assert f"mdwx: checking {EVERY} of {total} posts" in result.stderr
    assert f"mdwx: checking {total} of {total} posts" in result.stderr
    few = tmp_path / "few"
    write(few / "mdwx.toml", "")
    write(few / "a.md", "# A\n\nText.\n")
    quiet = CliRunner().invoke(main, ["build", str(few), "-o", str(tmp_path / "out")])
    assert "mdwx: building" not in quiet.stderr


# --- publishing identity: never one article for two posts ------------------------------------


def test_posts_sharing_a_slug_are_two_articles_and_claim_a_gone_post_once(tmp_path: Path) -> None:
    from tests.cli_helpers import mdwx_json, sandbox_env, write_post
    from tests.publish_helpers import sandbox

    site = tmp_path / "blog"
    write(site / "_config.yml", "title: x\n")
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        write_post(site / "_posts" / "2011-11-04-basis.md", body="First.")
        write_post(site / "_posts" / "2011-11-06-basis.md", body="Second.")
        old = write_post(site / "_posts" / "2012-01-01-old.md", body="Old.", extra="slug: shared\n")
        code, doc = mdwx_json("publish", ".", "--draft", cwd=site, env=env)
        assert code == 0, doc
        assert len(sb.store.articles()) == 3
        old.unlink()  # two new posts now carry the gone post's slug: one takes its article over
        write_post(site / "_posts" / "2012-02-01-a.md", body="A.", extra="slug: shared\n")
        write_post(site / "_posts" / "2012-02-02-b.md", body="B.", extra="slug: shared\n")
        code, doc = mdwx_json("publish", ".", "--draft", cwd=site, env=env)
        assert code == 0, doc
        followed = [
            p for p in doc["posts"] if any(s.startswith("follow rename") for s in p["steps"])
        ]
        assert len(followed) == 1
        assert len(sb.store.articles()) == 4
        media = [p["media_id"] for p in doc["posts"]]
        assert len(set(media)) == len(media) == 4


@SETTINGS
@given(how=st.sampled_from(["default", "staticDir", "staticDir list", "mount"]), folder=words)
def test_hugo_pictures_are_found_where_the_site_mounts_static(how: str, folder: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        config = {
            "default": "",
            "staticDir": f'staticDir = "{folder}"\n',
            "staticDir list": f'staticDir = ["static", "{folder}"]\n',
            "mount": f'[[module.mounts]]\nsource = "{folder}"\ntarget = "static"\n',
        }[how]
        write(root / "hugo.toml", 'title = "x"\n' + config)
        served = root / ("static" if how == "default" else folder)
        png(served / "img" / "a.png")
        post = write(root / "content" / "p.md", "---\ntitle: T\n---\n![a](/img/a.png)\n")
        prepared = prepare(collect_posts([post])[0])
        [image] = prepared.document.assets_of(AssetKind.IMAGE)
        assert (post.parent / unquote(image.source)).resolve() == (
            served / "img" / "a.png"
        ).resolve()
