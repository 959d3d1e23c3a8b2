"""The MkDocs plugin ``wechat`` in real ``mkdocs build`` runs against a sandbox on loopback.

A two-page site: ``guide/wechat.md`` says ``wechat: true`` and shows ``../images/pic.png``
(resolved from the page's file, inside docs_dir, as MkDocs resolves it); ``index.md`` does
not. Publishing sends the one page as a draft; ``build_only`` writes files and sends
nothing; ``serve`` never publishes; a failed publish fails ``--strict`` and warns otherwise.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.sandbox import SandboxServer
from tests.backend_helpers import MEDIA
from tests.cli_helpers import count, sandbox_env
from tests.factories import write_tree
from tests.hang import HANG_SECONDS
from tests.publish_helpers import png_bytes, sandbox

pytest.importorskip("mkdocs")

from mdwx.integrations.mkdocs import _padded  # noqa: E402

WECHAT_PAGE = """---
title: Hello from MkDocs
description: A page of the docs, also on WeChat.
wechat: true
---

Some text for WeChat readers.

![A red square](../images/pic.png)
"""


def make_site(
    root: Path, *, plugin: str = "  - wechat\n", title: str = "Hello from MkDocs"
) -> Path:
    """A MkDocs site under ``root``; returns its ``mkdocs.yml``."""
    write_tree(
        root,
        {
            "docs/images/pic.png": png_bytes(),
            "docs/index.md": "# Home\n\nNot for WeChat.\n\n![x](images/pic.png)\n",
            "docs/guide/wechat.md": WECHAT_PAGE.replace("Hello from MkDocs", title),
            "mkdocs.yml": f"site_name: Plugin test\nplugins:\n{plugin}",
        },
    )
    return root / "mkdocs.yml"


def mkdocs_build(
    config: Path, env: dict[str, str], *extra: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(config), *extra],
        capture_output=True,
        text=True,
        cwd=config.parent,
        env=env,
        timeout=HANG_SECONDS,
    )


def build_in_process(
    config_file: Path, sb: SandboxServer, monkeypatch: pytest.MonkeyPatch, *, command: str = "build"
) -> None:
    """What ``mkdocs build``/``serve`` do with the plugins, in this process (faster)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    for key, value in sandbox_env(sb, config_file.parent / "home").items():
        monkeypatch.setenv(key, value)
    config = load_config(str(config_file))
    config.plugins.on_startup(command=command, dirty=False)
    try:
        build(config, serve_url="http://127.0.0.1:8000/" if command == "serve" else None)
    finally:
        config.plugins.on_shutdown()


@pytest.fixture()
def sb() -> Any:
    with sandbox() as server:
        yield server


def test_build_publishes_the_wechat_page_as_a_draft_and_nothing_else(
    tmp_path: Path, sb: SandboxServer
) -> None:
    config = make_site(tmp_path)
    result = mkdocs_build(config, sandbox_env(sb, tmp_path / "home"))
    assert result.returncode == 0, result.stderr
    created = MEDIA.created(sb)
    assert [a["title"] for a in created] == ["Hello from MkDocs"]
    assert created[0]["digest"] == "A page of the docs, also on WeChat."
    assert "Some text for WeChat readers." in created[0]["content"]
    assert count(sb, "media/uploadimg") == 1  # the page's image, found beside docs_dir's pages
    assert MEDIA.submissions(sb) == 0  # a draft: not submitted without `submit: true`
    assert "Not for WeChat" not in created[0]["content"]
    assert (tmp_path / "site" / "index.html").is_file()  # the site itself is built as usual
    assert "guide/wechat.md: draft" in result.stderr


def test_submit_option_submits(
    tmp_path: Path, sb: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_in_process(
        make_site(tmp_path, plugin="  - wechat:\n      submit: true\n"), sb, monkeypatch
    )
    assert MEDIA.submissions(sb) == 1


def test_build_only_writes_content_and_preview_and_sends_nothing(
    tmp_path: Path, sb: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In this process: the real `mkdocs build` child is the test above; what this one asserts
    # (the files written, nothing sent) needs no process of its own. A failed build raises.
    config = make_site(tmp_path, plugin="  - wechat:\n      build_only: true\n")
    build_in_process(config, sb, monkeypatch)
    out = tmp_path / "site" / "wechat"
    assert sorted(p.name for p in out.iterdir()) == ["guide-wechat"]
    content = (out / "guide-wechat" / "content.html").read_text(encoding="utf-8")
    assert "Some text for WeChat readers." in content
    assert (out / "guide-wechat" / "preview.html").is_file()
    assert sb.requests == []


def test_pages_glob_chooses_pages_and_wechat_false_keeps_one_out(
    tmp_path: Path, sb: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = make_site(tmp_path, plugin="  - wechat:\n      build_only: true\n      pages: ['*']\n")
    page = tmp_path / "docs" / "guide" / "wechat.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("wechat: true", "wechat: false"), encoding="utf-8"
    )
    build_in_process(config, sb, monkeypatch)
    assert sorted(p.name for p in (tmp_path / "site" / "wechat").iterdir()) == ["index"]


@pytest.mark.parametrize(("command", "articles"), [("serve", 0), ("build", 1), ("gh-deploy", 1)])
def test_serve_never_publishes(
    tmp_path: Path, sb: SandboxServer, monkeypatch: pytest.MonkeyPatch, command: str, articles: int
) -> None:
    build_in_process(make_site(tmp_path), sb, monkeypatch, command=command)
    assert len(MEDIA.created(sb)) == articles
    if command == "serve":
        assert sb.requests == []


def test_failed_publish_fails_strict_build_and_warns_otherwise(
    tmp_path: Path, sb: SandboxServer
) -> None:
    config = make_site(tmp_path, title="T" * 80)  # WeChat's title limit is 64 characters
    env = sandbox_env(sb, tmp_path / "home")
    strict = mkdocs_build(config, env, "--strict")
    assert strict.returncode != 0
    assert "guide/wechat.md" in strict.stderr and "title" in strict.stderr
    assert "Traceback" not in strict.stderr
    relaxed = mkdocs_build(config, env)
    assert relaxed.returncode == 0, relaxed.stderr
    assert "WARNING" in relaxed.stderr and "guide/wechat.md" in relaxed.stderr
    assert MEDIA.created(sb) == []  # nothing half-sent


def test_missing_credentials_stop_a_strict_build_with_a_plugin_error(
    tmp_path: Path,
    sb: SandboxServer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from mkdocs.exceptions import Abort

    config = make_site(tmp_path, plugin="  - wechat\nstrict: true\n")
    monkeypatch.delenv("WECHAT_APPID", raising=False)
    monkeypatch.setattr(
        "tests.test_mkdocs_plugin.sandbox_env", lambda sb, home: {"MDWX_API_BASE": sb.base_url}
    )
    with pytest.raises(Abort):  # how `mkdocs build` ends on a plugin's PluginError
        build_in_process(config, sb, monkeypatch)
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert any("WeChat publishing stopped: WeChat credentials are missing" in e for e in errors), (
        errors
    )
    assert sb.requests == []


def test_errors_name_the_line_of_the_page_file(tmp_path: Path, sb: SandboxServer) -> None:
    config = make_site(tmp_path)
    page = tmp_path / "docs" / "guide" / "wechat.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("pic.png", "missing.png"), encoding="utf-8"
    )
    result = mkdocs_build(config, sandbox_env(sb, tmp_path / "home"))
    assert result.returncode == 0, result.stderr
    assert f"{page}:9: image not found: ../images/missing.png" in result.stderr
    assert MEDIA.created(sb) == []


LINES = st.lists(
    st.text(st.characters(blacklist_categories=["Cs", "Cc", "Zl", "Zp"]), max_size=20), max_size=8
)


@settings(max_examples=150)
@given(
    st.lists(st.from_regex(r"[a-z]{1,8}", fullmatch=True), max_size=6, unique=True),
    LINES.map(lambda lines: ["x", *lines]),
    st.booleans(),
)
def test_markdown_keeps_the_line_numbers_of_the_file(
    keys: list[str], body_lines: list[str], yaml: bool
) -> None:
    """Whatever the front matter MkDocs took off, every line of the Markdown mdwx is handed
    sits on the line it has in the page's file."""
    from mkdocs.utils.meta import get_data

    front = "".join(f"{key}: {body_lines[0] if body_lines else 'x'}\n" for key in keys)
    fenced = f"---\n{front}---\n" if yaml else f"{front}\n"  # YAML, or MultiMarkdown-style meta
    original = (fenced if keys else "") + "\n".join(body_lines)
    markdown, _ = get_data(original)
    padded = _padded(markdown, SimpleNamespace(content_string=original), "page.md")
    file_lines = original.split("\n")
    for number, line in enumerate(padded.split("\n")):
        if line.strip():
            assert file_lines[number] == line
