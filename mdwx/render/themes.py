"""Themes: CSS files, built in (``templates/NAME.css``) or the writer's own (``path/to/mine.css``).

A theme is plain CSS written against the semantic HTML the renderer emits before inlining
(classes such as ``.code`` or ``.callout-note`` are fine: they are inlined and then removed).
WeChat keeps no style sheet, so what a theme may say is what can be inlined (see
docs/themes.md): :mod:`.theme_css` refuses the rest with ``file:line``.

A theme may extend another, built in or local: ``@import "default";`` (or a comment
``mdwx: base = default``); its rules then come after the base's. Named variables
(``--primary: #c0392b;``, used as ``var(--primary)``) are replaced by their literal values when
the theme is loaded (WeChat drops CSS variables); a child's value overrides the base's
everywhere. The Pygments palette for code blocks is named in a comment as
``mdwx: pygments-style=NAME``; the first comment's first line describes the theme.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import css_inline

from mdwx.errors import ConfigError
from mdwx.render.theme_css import ThemeSource, resolve_variables, scan
from mdwx.version import PACKAGE_DIR

_STYLE_COMMENT = re.compile(r"mdwx:\s*pygments-style\s*=\s*([\w-]+)")
_CODE_COLOUR = re.compile(
    r'<section class="code" style="(?:[^"]*;)?\s*color:\s*(#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?)\s*(?:;|")'
)
_DESCRIPTION = re.compile(r'/\*\s*mdwx theme "[^"]*":\s*([^\n*]+)')
DEFAULT_PYGMENTS_STYLE = "friendly"
MAX_DEPTH = 8  # themes extending themes: a loop or a longer chain stops here
MAX_THEME_BYTES = 1024 * 1024  # a theme is a style sheet, not a book


@dataclass(frozen=True)
class Theme:
    """One loaded theme: its CSS text (variables resolved) and the Pygments style for code."""

    name: str
    css: str
    pygments_style: str
    code_colour: str | None = None  # text colour of a code block (``.code``), ``#rrggbb``
    path: Path | None = None  # the theme's own file


def templates_dir() -> Path:
    """The installed ``mdwx/templates`` (wheel) or the source tree's ``templates/``."""
    installed = PACKAGE_DIR / "templates"
    return installed if installed.is_dir() else PACKAGE_DIR.parent / "templates"


def theme_names() -> list[str]:
    """Every theme shipped in ``templates/``, sorted."""
    return sorted(p.stem for p in templates_dir().glob("*.css"))


def description(name: str) -> str:
    """The one-line description a built-in theme gives in its first comment."""
    found = _DESCRIPTION.search((templates_dir() / f"{name}.css").read_text("utf-8"))
    return found.group(1).strip().rstrip(".") if found else ""


def is_theme_path(value: str) -> bool:
    """``theme = "path/to/mine.css"`` rather than the name of a built-in."""
    return value.endswith(".css") or "/" in value or "\\" in value


def load_theme(name: str, root: Path | None = None) -> Theme:
    """The theme ``name``: a built-in's name, or a ``.css`` path relative to the site ``root``.

    Raises :class:`ConfigError` for an unknown name, a file outside the site or unreadable,
    and for CSS WeChat cannot keep (naming ``file:line``).
    """
    if is_theme_path(name):
        path = _site_file(name, root)
        return _load_file(path, path.stat().st_mtime_ns, templates_dir(), _site_root(root))
    return load_named_theme(name, templates_dir())


def _site_file(value: str, root: Path | None) -> Path:
    base = Path(os.path.realpath(root or Path.cwd()))
    path = Path(os.path.realpath(base / os.path.expanduser(value)))
    if not path.is_relative_to(base):
        raise ConfigError(
            f"theme {value!r} is outside the site", hint=f"keep theme files under {base}"
        )
    if not path.is_file():
        raise ConfigError(
            f"theme file {value!r} not found in the site",
            hint="give a .css path relative to the site root, or a built-in name (mdwx themes)",
        )
    return path


def _builtin(name: str, folder: Path) -> Path:
    path = folder / f"{name}.css"
    if not re.fullmatch(r"[\w-]+", name) or not path.is_file():
        from mdwx.source.suggest import closest

        known = ", ".join(theme_names()) or "none"
        raise ConfigError(
            f"unknown theme {name!r}{closest(name, tuple(theme_names()))}",
            hint=f"known themes: {known}",
        )
    return path


@lru_cache(maxsize=32)
def load_named_theme(name: str, folder: Path) -> Theme:
    path = _builtin(name, folder)
    return _theme(name, path, folder)


@lru_cache(maxsize=32)
def _load_file(path: Path, mtime_ns: int, folder: Path, root: Path) -> Theme:
    return _theme(path.stem, path, folder, root)


def _site_root(root: Path | None) -> Path:
    return Path(os.path.realpath(root or Path.cwd()))


def _theme(name: str, path: Path, folder: Path, root: Path | None = None) -> Theme:
    chain = _chain(path, folder, [], root)
    css = resolve_variables(chain)
    style = None
    for source in chain:  # the most derived theme's choice wins
        found = _STYLE_COMMENT.search(source.text)
        style = found.group(1) if found else style
    return Theme(
        name=name,
        css=css,
        pygments_style=style or DEFAULT_PYGMENTS_STYLE,
        code_colour=code_colour(css),
        path=path,
    )


def _chain(
    path: Path,
    folder: Path,
    seen: list[tuple[Path, int | None]],
    root: Path | None = None,
) -> list[ThemeSource]:
    """The theme at ``path`` after its bases, most basic first.

    ``seen``: the themes extending it, each with the line of its ``@import`` naming the next;
    ``root``: the site a local theme and its local bases must lie in (None: a built-in's).
    Raises :class:`ConfigError` at the ``@import`` line for a loop, a chain longer than
    :data:`MAX_DEPTH`, a base outside the site or missing, and for a file the capped reader
    refuses.
    """
    names = " → ".join([*(p.name for p, _ in seen), path.name])
    where, line = seen[-1] if seen else (path, None)
    if any(p == path for p, _ in seen):
        raise ConfigError(
            f"theme {path.name} extends itself through {names}", path=where, line=line
        )
    if len(seen) >= MAX_DEPTH:
        raise ConfigError(
            f"theme chain is longer than {MAX_DEPTH}: {names}",
            path=where,
            line=line,
            hint=f"let a theme extend at most {MAX_DEPTH} others in a row",
        )
    source = scan(_theme_text(path, folder, root), path)
    sources: list[ThemeSource] = []
    for base, at in source.bases:
        if is_theme_path(base):
            target = Path(os.path.realpath(path.parent / base))
            inside = root if root is not None else folder
            if not target.is_relative_to(Path(os.path.realpath(inside))):
                raise ConfigError(
                    f"base theme {base!r} is outside the site",
                    path=path,
                    line=at,
                    hint=f"keep theme files under {os.path.realpath(inside)}",
                )
            if not target.is_file():
                raise ConfigError(f"base theme {base!r} not found", path=path, line=at)
        else:
            try:
                target = _builtin(base, folder)
            except ConfigError as exc:
                raise ConfigError(exc.message, path=path, line=at, hint=exc.hint) from None
        sources += _chain(
            target, folder, [*seen, (path, at)], root if target.parent != folder else None
        )
    return [*sources, source]


def _theme_text(path: Path, folder: Path, root: Path | None) -> str:
    """A theme file's text through the capped reader (a site's confined to ``root``).

    A site's theme is inlined into every article it styles, so it must have one name (the
    reader's ``single_link`` rule): a hard link's other names may lie outside the site."""
    from mdwx.files.reader import read_file

    data = read_file(path, limit=MAX_THEME_BYTES, root=root, single_link=root is not None)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            "not valid UTF-8", path=path, line=data[: exc.start].count(b"\n") + 1
        ) from None


def code_colour(css: str) -> str | None:
    """The ``color`` the theme gives a code block, as the cascade decides (None: not a hex)."""
    probe = css_inline.inline_fragment(
        '<section class="mdwx"><section class="code"></section></section>',
        css,
        load_remote_stylesheets=False,
    )
    found = _CODE_COLOUR.search(probe)
    return found.group(1).lower() if found else None
