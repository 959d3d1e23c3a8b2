"""Offline commands import only what they use: never the publishing stack.

``mdwx check`` and ``mdwx build`` read, render and check; they send nothing and keep no
state. Importing asyncio (and ssl with it), sqlite3, the HTTP client, the state store or the
publishing plan is start-up time every hook and CI job pays for nothing (issue 19), and it
creeps back with one careless top-level import — so each command runs here in a fresh
interpreter over a site using every kind of content, and what it imported is checked.

One exception is by design: a post with a *remote* picture has its URL checked the way the
fetch will parse it, with httpx's parser (see :func:`mdwx.publish.rules.check_remote_pictures`),
so the site here has none.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import save_picture, write_tree
from tests.hang import HANG_SECONDS

#: Modules of the publishing stack: none may be imported by an offline command.
FORBIDDEN = (
    "asyncio",
    "sqlite3",
    "ssl",
    "httpx",
    "httpcore",
    "anyio",
    "starlette",
    "uvicorn",
    "multiprocessing",
    "concurrent.futures.process",
    "mdwx.api.aio",
    "mdwx.publish.connection",
    "mdwx.publish.state",
    "mdwx.publish.plan",
    "mdwx.publish.resolve",
    "mdwx.publish.publisher",
    "mdwx.wechat",
    "mdwx.sandbox",
    "mdwx.assets.fetch",
)

#: Modules a plain site's offline command has no use for (start-up, issue 19): BeautifulSoup
#: (dark mode and the contrast check read mdwx's own markup without it), the rewriting
#: rules of generators the site is not laid out by, ``importlib.metadata`` (Pygments' plugin
#: lookup waits for a name Pygments does not know: mdwx.pygments_plugins), MkDocs' gitignore
#: patterns, the diagram worker and the cache folder lookup of formulas and diagrams, and the
#: account API.
UNUSED_HERE = (
    "bs4",
    "soupsieve",
    "mdwx.source.generators.hugo",
    "mdwx.source.generators.hexo",
    "mdwx.source.generators.jekyll",
    "mdwx.source.generators.mkdocs",
    "mdwx.source.generators.pelican",
    "importlib.metadata",
    "pathspec",
    "platformdirs",
    "mdwx.assets.diagram_worker",
    "mdwx.api.account",
    "mdwx.account.types",
)

POSTS = {
    "mdwx.toml": 'author = "Me"\n',
    "posts/code.md": "---\ntitle: Code\ncover: ../pic.png\n---\n\nSome `code` and a fence:\n\n"
    "```python\nprint('hi')\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
    "posts/prose.md": "# Prose\n\n> [!NOTE]\n> A callout with **bold** and a [link](https://example.com/).\n\n"
    "- one\n- two\n\n![local](../pic.png)\n\n中文段落。\n",
}

_RUNNER = """
import atexit, json, runpy, sys
out = sys.argv.pop(1)
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
sys.argv[0] = "mdwx"
runpy.run_module("mdwx", run_name="__main__", alter_sys=True)
"""


def _imported(args: list[str], cwd: Path) -> list[str]:
    out = cwd / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", _RUNNER, str(out), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=HANG_SECONDS,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(out.read_text())


def _forbidden(modules: list[str], names: tuple[str, ...] = FORBIDDEN) -> list[str]:
    return [m for m in modules if any(m == f or m.startswith(f + ".") for f in names)]


@pytest.mark.parametrize("command", [["check"], ["build", "-o", "_site"]], ids=["check", "build"])
def test_offline_command_imports_no_publishing_stack(tmp_path: Path, command: list[str]) -> None:
    write_tree(tmp_path, POSTS)
    save_picture(tmp_path / "pic.png")
    modules = _imported([*command, "posts"], tmp_path)
    assert "mdwx.render.pipeline" in modules  # the command did its work
    assert _forbidden(modules) == []
    assert _forbidden(modules, UNUSED_HERE) == []


def test_the_guard_sees_what_publishing_imports(tmp_path: Path) -> None:
    """The check itself must catch what it claims to: ``mdwx.api.aio`` does bring the stack."""
    out = tmp_path / "modules.json"
    runner = f"import json, sys, mdwx.api.aio; open({str(out)!r}, 'w').write(json.dumps(list(sys.modules)))"
    subprocess.run([sys.executable, "-c", runner], check=True, timeout=HANG_SECONDS)
    found = _forbidden(json.loads(out.read_text()))
    assert {"asyncio", "sqlite3", "mdwx.publish.state"} <= set(found)


def test_the_api_keeps_its_functions_once_the_publishing_stack_loads() -> None:
    """``mdwx.api.aio`` loads on first use and imports the submodule ``mdwx.api.status``:
    ``mdwx.api.status`` must stay the function, whichever way aio was imported."""
    code = (
        "import inspect, mdwx.api.aio, mdwx.api as api; "
        "assert inspect.isfunction(api.status) and inspect.ismodule(api.aio), api.status; "
        "from mdwx.api.status import status; assert inspect.iscoroutinefunction(status)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=HANG_SECONDS)
