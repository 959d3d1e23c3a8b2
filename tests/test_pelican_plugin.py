"""The Pelican plugin in real ``pelican`` builds against a sandbox on loopback, and its header
and link handling over generated input.

The site: ``posts/hello.md`` says ``Wechat: true`` and shows ``{static}/images/a.png`` (from
the content folder) and ``{attach}b.png`` (from the article's folder); ``other.md`` does not
say it; ``later.md`` says it but is a draft.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.integrations.pelican import front_matter, resolve_links, split_header
from mdwx.sandbox import SandboxServer
from tests.backend_helpers import MEDIA
from tests.cli_helpers import count, sandbox_env
from tests.factories import write_tree
from tests.hang import HANG_SECONDS
from tests.publish_helpers import png_bytes, sandbox

pytest.importorskip("pelican.plugins.signals")  # not the source tree's namespace folder
REPO = Path(__file__).resolve().parents[1]

HELLO = """Title: {title}
Date: 2026-01-02 10:00
Author: Li Lei
Summary: Written for the blog, sent to WeChat.
Wechat: true

Some text for WeChat readers.

![From static]({{static}}/images/a.png)

![Attached]({{attach}}b.png)

```text
{{static}}/images/kept-in-code.png
```
"""

CONF = """PATH = "content"
SITEURL = "https://blog.example.com"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
PLUGINS = ["mdwx.integrations.pelican"]
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
LOAD_CONTENT_CACHE = False
{extra}
"""


def make_site(root: Path, *, extra: str = "", title: str = "Hello from Pelican") -> Path:
    """A Pelican site under ``root``; returns its ``pelicanconf.py``."""
    write_tree(
        root,
        {
            "content/images/a.png": png_bytes(),
            "content/posts/b.png": png_bytes(colour=(10, 200, 10)),
            "content/posts/hello.md": HELLO.format(title=title),
            "content/other.md": "Title: Other\nDate: 2026-01-01\n\nNot for WeChat.\n",
            "content/later.md": "Title: Later\nDate: 2026-01-03\nWechat: true\nStatus: draft\n\nNot yet.\n",
            "pelicanconf.py": CONF.format(extra=extra),
        },
    )
    return root / "pelicanconf.py"


def pelican(root: Path, env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pelican",
            "content",
            "-o",
            "output",
            "-s",
            "pelicanconf.py",
            *extra,
        ],
        capture_output=True,
        text=True,
        cwd=root,
        env={**env, "COLUMNS": "300"},
        timeout=HANG_SECONDS,
    )


@pytest.fixture()
def sb() -> Any:
    with sandbox() as server:
        yield server


def test_build_publishes_the_wechat_article_as_a_draft_and_nothing_else(
    tmp_path: Path, sb: SandboxServer
) -> None:
    make_site(tmp_path)
    result = pelican(tmp_path, sandbox_env(sb, tmp_path / "home"))
    assert result.returncode == 0, result.stdout + result.stderr
    created = MEDIA.created(sb)
    assert [a["title"] for a in created] == ["Hello from Pelican"]  # not Other, not the draft Later
    article = created[0]
    assert article["digest"] == "Written for the blog, sent to WeChat."
    assert article["author"] == "Li Lei"
    assert article["content_source_url"] == "https://blog.example.com/hello-from-pelican.html"
    assert "Some text for WeChat readers." in article["content"]
    assert "{static}" not in article["content"].replace("{static}/images/kept-in-code.png", "")
    assert "kept-in-code.png" in article["content"]  # code is left as written
    assert count(sb, "media/uploadimg") == 2  # {static} and {attach} both found
    assert MEDIA.submissions(sb) == 0
    assert (tmp_path / "output" / "hello-from-pelican.html").is_file()


def test_submit_setting_submits(tmp_path: Path, sb: SandboxServer) -> None:
    make_site(tmp_path, extra="WECHAT_SUBMIT = True")
    result = pelican(tmp_path, sandbox_env(sb, tmp_path / "home"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert MEDIA.submissions(sb) == 1


def test_build_only_writes_content_and_preview_and_sends_nothing(
    tmp_path: Path, sb: SandboxServer
) -> None:
    make_site(tmp_path, extra="WECHAT_BUILD_ONLY = True")
    result = pelican(tmp_path, sandbox_env(sb, tmp_path / "home"))
    assert result.returncode == 0, result.stdout + result.stderr
    out = tmp_path / "output" / "wechat"
    assert sorted(p.name for p in out.iterdir()) == ["hello-from-pelican"]
    assert "Some text for WeChat readers." in (
        out / "hello-from-pelican" / "content.html"
    ).read_text("utf-8")
    assert (out / "hello-from-pelican" / "preview.html").is_file()
    assert sb.requests == []


def test_failed_publish_is_an_error_and_fails_with_fatal_errors(
    tmp_path: Path, sb: SandboxServer
) -> None:
    make_site(tmp_path, title="T" * 80)  # WeChat's title limit is 64 characters
    env = sandbox_env(sb, tmp_path / "home")
    relaxed = pelican(tmp_path, env)
    assert relaxed.returncode == 0
    assert (
        "ERROR" in relaxed.stdout + relaxed.stderr and "hello.md" in relaxed.stdout + relaxed.stderr
    )
    fatal = pelican(tmp_path, env, "--fatal", "errors")
    assert fatal.returncode != 0
    assert MEDIA.created(sb) == []  # nothing half-sent


def test_namespace_plugin_is_found_by_its_short_name(tmp_path: Path, sb: SandboxServer) -> None:
    """``PLUGINS = ["mdwx"]`` finds ``pelican/plugins/mdwx`` (what the wheel ships) beside
    Pelican's own modules, as an installed wheel lays it out; no ``__init__`` above it."""
    import pelican as installed

    assert not (REPO / "pelican" / "__init__.py").exists()
    assert not (REPO / "pelican" / "plugins" / "__init__.py").exists()
    lib = tmp_path / "lib" / "pelican"
    lib.mkdir(parents=True)
    for entry in Path(installed.__file__).parent.iterdir():
        if entry.name != "plugins":
            (lib / entry.name).symlink_to(entry)
    (lib / "plugins").mkdir()
    for entry in (Path(installed.__file__).parent / "plugins").iterdir():
        if entry.name != "mdwx":  # a non-editable install of mdwx already put one there
            (lib / "plugins" / entry.name).symlink_to(entry)
    (lib / "plugins" / "mdwx").symlink_to(REPO / "pelican" / "plugins" / "mdwx")
    site = tmp_path / "site"
    conf = make_site(site, extra="WECHAT_BUILD_ONLY = True")
    conf.write_text(
        conf.read_text("utf-8").replace('"mdwx.integrations.pelican"', '"mdwx"'), encoding="utf-8"
    )
    env = {**sandbox_env(sb, tmp_path / "home"), "PYTHONPATH": str(tmp_path / "lib")}
    result = pelican(site, env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (site / "output" / "wechat" / "hello-from-pelican" / "content.html").is_file(), (
        result.stdout
    )


KEYS = st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,10}", fullmatch=True)
VALUES = (
    st.text(st.characters(blacklist_categories=["Cs", "Cc", "Zl", "Zp"]), min_size=1, max_size=30)
    .map(str.strip)
    .filter(bool)
)
BODIES = st.text(st.characters(blacklist_categories=["Cs"]), max_size=200)


@settings(max_examples=150)
@given(
    st.lists(st.tuples(KEYS, VALUES), min_size=1, max_size=6, unique_by=lambda kv: kv[0].lower()),
    BODIES,
)
def test_header_splits_from_any_body(items: list[tuple[str, str]], body: str) -> None:
    """Every header comes back key for key (lower-cased), and the body after it unchanged,
    starting on the line it starts on in the file."""
    text = "".join(f"{key}: {value}\n" for key, value in items) + "\n" + body
    header, rest, line = split_header(text)
    assert header == {key.lower(): value for key, value in items}
    assert rest == body
    assert line == len(items) + 1


SEGMENTS = st.lists(
    st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,8}", fullmatch=True).filter(
        lambda s: s not in (".", "..")
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=150)
@given(
    SEGMENTS,
    SEGMENTS,
    st.sampled_from(["{static}", "|static|", "{attach}", "|attach|"]),
    st.booleans(),
)
def test_static_and_attach_resolve_as_pelican_does(
    article_dir: list[str], target: list[str], prefix: str, from_root: bool
) -> None:
    """``{static}/x`` is ``content/x``, ``{static}x`` is beside the article: the rewritten
    relative path, joined to the article's folder, names that same file."""
    content = Path("/site/content")
    folder = content.joinpath(*article_dir)
    written = ("/" if from_root else "") + "/".join(target)
    out = resolve_links(f"![x]({prefix}{written})\n", folder, content, lambda _: None)
    assert out.startswith("![x](") and out.endswith(")\n")
    relative = out[len("![x](") : -2]
    assert "{" not in relative and "|" not in relative
    expected = (content if from_root else folder).joinpath(*target)
    assert Path(os.path.normpath(folder / relative)) == expected


def test_filename_links_become_the_site_url_and_fenced_code_is_untouched() -> None:
    body = "[see]({filename}/other.md#part)\n\n```\n[see]({filename}/other.md)\n```\n"
    urls = {"other.md": "https://blog.example.com/other.html"}
    out = resolve_links(body, Path("/c/posts"), Path("/c"), urls.get)
    assert (
        out
        == "[see](https://blog.example.com/other.html#part)\n\n```\n[see]({filename}/other.md)\n```\n"
    )


def test_front_matter_maps_pelican_keys() -> None:
    header = {
        "title": "T",
        "summary": "S",
        "authors": "A, B",
        "image": "c.png",
        "tags": "x",
        "status": "published",
    }
    assert front_matter(header, slug="t", url="https://e.com/t.html") == {
        "title": "T",
        "digest": "S",
        "author": "A",
        "cover": "c.png",
        "slug": "t",
        "source_url": "https://e.com/t.html",
    }
