"""Third-party modules mdwx loads late: Pygments' plugin lookup waits for a name Pygments
does not know (mdwx.pygments_plugins), httpx's command line for being run (mdwx.httpx_cli).

Each case runs in a fresh interpreter: whether ``importlib.metadata`` was imported is a fact
of the whole process, and the test process has long imported it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from mdwx.render.code_aliases import MORE_ALIASES
from tests.hang import HANG_SECONDS

#: A third-party package declaring a lexer and a style by entry point, as Pygments' plugin
#: documentation has it.
_PLUGIN = {
    "mdwxfakeplug/__init__.py": textwrap.dedent(
        """
        from pygments.lexer import RegexLexer
        from pygments.style import Style
        from pygments.token import Keyword, Text, Token

        class FakeLexer(RegexLexer):
            name = "MdwxFake"
            aliases = ["mdwxfake"]
            tokens = {"root": [(r"fake", Keyword), (r"[^f]+|f", Text)]}

        class FakeStyle(Style):
            background_color = "#123456"
            styles = {Token: "#abcdef", Keyword: "bold #ff0000"}
        """
    ),
    "mdwxfakeplug-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: mdwxfakeplug\n"
    "Version: 1.0\n",
    "mdwxfakeplug-1.0.dist-info/entry_points.txt": "[pygments.lexers]\n"
    "mdwxfake = mdwxfakeplug:FakeLexer\n\n[pygments.styles]\n"
    "mdwxfakestyle = mdwxfakeplug:FakeStyle\n",
}


def _run(code: str, path: Path | None = None) -> None:
    command = [sys.executable, "-c", textwrap.dedent(code)]
    env_path = [str(path)] if path else []
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=HANG_SECONDS,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([*env_path, *sys.path])},
    )
    assert done.returncode == 0, done.stderr


def test_pygments_own_lexers_and_styles_never_load_the_plugin_lookup() -> None:
    """Every style Pygments ships and the lexer of every language mdwx names an alias for
    resolve without ``importlib.metadata``; a name Pygments does not know loads it, and is
    still refused."""
    languages = sorted({*MORE_ALIASES, *MORE_ALIASES.values(), "python", "js", "bash", "c"})
    _run(
        f"""
        import sys
        from mdwx.code_styles import style_colours
        from mdwx.render.code import find_lexer, palette
        from pygments.styles import STYLES

        for _module, name, _aliases in STYLES.values():
            style_colours(name)
            palette(name)
        found = [language for language in {languages!r} if find_lexer(language) is not None]
        assert len(found) >= 4, found
        assert "importlib.metadata" not in sys.modules, "a built-in name loaded the plugins"
        assert find_lexer("no-such-language-at-all") is None
        assert "importlib.metadata" in sys.modules
        """
    )


def test_a_third_party_lexer_and_style_are_still_found_by_entry_point(tmp_path: Path) -> None:
    for name, text in _PLUGIN.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    _run(
        """
        from mdwx.code_styles import style_colours
        from mdwx.render.code import find_lexer, lex, palette

        lexer = find_lexer("mdwxfake")
        assert type(lexer).__name__ == "FakeLexer", lexer
        assert any(text == "fake" for _, text in lex("a fake b", lexer))
        assert style_colours("mdwxfakestyle") == ("#123456", "#abcdef")
        assert palette("mdwxfakestyle").base == "abcdef"
        """,
        tmp_path,
    )


def test_the_stand_in_gives_way_to_pygments_own_module() -> None:
    """Once a plugin is asked for, ``pygments.plugin`` is Pygments' own module again, and
    installing a second time changes nothing."""
    _run(
        """
        import sys
        from mdwx import pygments_plugins
        pygments_plugins.install()
        import pygments.plugin as stand_in
        import pygments
        from pygments.lexers import get_lexer_by_name
        assert pygments.plugin is stand_in
        assert list(stand_in.find_plugin_lexers()) == []
        real = sys.modules["pygments.plugin"]
        assert real is not stand_in and real.LEXER_ENTRY_POINT == "pygments.lexers"
        assert pygments.plugin is real
        pygments_plugins.install()
        assert sys.modules["pygments.plugin"] is real
        assert get_lexer_by_name("python").name == "Python"
        """
    )


def test_httpx_loads_its_command_line_only_when_it_runs() -> None:
    """``import httpx`` after ``import mdwx`` loads neither rich nor Pygments (mdwx.httpx_cli),
    and ``httpx.main`` is still httpx's own command line."""
    _run(
        """
        import contextlib, io, sys
        import mdwx, httpx
        loaded = [m for m in ("rich", "pygments.lexers", "importlib.metadata") if m in sys.modules]
        assert loaded == [], loaded
        sys.argv, out = ["httpx", "--help"], io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
            httpx.main()
        assert "--help" in out.getvalue() and "rich.console" in sys.modules, out.getvalue()
        assert type(sys.modules["httpx._main"]).__name__ == "module"
        """
    )
