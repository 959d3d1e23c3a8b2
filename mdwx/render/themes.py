"""Themes: CSS files in ``templates/`` read once and cached.

A theme is plain CSS written against the semantic HTML the renderer emits before inlining
(classes such as ``.code`` or ``.callout-note`` are fine: they are inlined and then removed).
The Pygments palette for code blocks is named in a comment as ``mdwx: pygments-style=NAME``
(inside any comment) so that the CSS itself stays valid and nothing theme-specific leaks into the output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import mdwx
from mdwx.errors import ConfigError

_STYLE_COMMENT = re.compile(r"mdwx:\s*pygments-style\s*=\s*([\w-]+)")
_CODE_COLOUR = re.compile(r'<section class="code" style="(?:[^"]*;)?\s*color:\s*(#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?)\s*(?:;|")')
DEFAULT_PYGMENTS_STYLE = "friendly"


@dataclass(frozen=True)
class Theme:
    """One loaded theme: its CSS text and the Pygments style used for code blocks."""

    name: str
    css: str
    pygments_style: str
    code_colour: str | None = None  # text colour of a code block (``.code``), ``#rrggbb``


def templates_dir() -> Path:
    """The installed ``mdwx/templates`` (wheel) or the source tree's ``templates/``."""
    package = Path(mdwx.__file__).parent
    installed = package / "templates"
    return installed if installed.is_dir() else package.parent / "templates"


def theme_names() -> list[str]:
    """Every theme shipped in ``templates/``, sorted."""
    return sorted(p.stem for p in templates_dir().glob("*.css"))


def load_theme(name: str) -> Theme:
    """The theme called ``name``; an unknown name is a configuration error listing the known."""
    return _load_theme(name, templates_dir())


@lru_cache(maxsize=32)
def _load_theme(name: str, folder: Path) -> Theme:
    path = folder / f"{name}.css"
    if not re.fullmatch(r"[\w-]+", name) or not path.is_file():
        known = ", ".join(theme_names()) or "none"
        raise ConfigError(f"unknown theme {name!r}", hint=f"known themes: {known}")
    css = path.read_text("utf-8")
    match = _STYLE_COMMENT.search(css)
    return Theme(name=name, css=css, pygments_style=match.group(1) if match else DEFAULT_PYGMENTS_STYLE,
                 code_colour=code_colour(css))


def code_colour(css: str) -> str | None:
    """The ``color`` the theme gives a code block, as the cascade decides (None: not a hex)."""
    import css_inline

    probe = css_inline.inline_fragment('<section class="mdwx"><section class="code"></section></section>',
                                       css, load_remote_stylesheets=False)
    found = _CODE_COLOUR.search(probe)
    return found.group(1).lower() if found else None
