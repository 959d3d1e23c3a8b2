"""Site configuration: one ``mdwx.toml`` (or ``[tool.mdwx]`` in ``pyproject.toml``) per site.

A site is a folder with one config file, as in Pelican and MkDocs. Every figure WeChat's
sources disagree on (title length, image sizes) lives here with a safe default, so a user
can follow whatever their account's backend enforces. Secrets never live here.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mdwx.config_tables import (  # re-exported: the settings' tables are part of the config
    BACKENDS,
    CAPTION_SOURCES,
    COMMENT_MODES,
    DIGEST_UNITS,
    LINK_POLICIES,
    DraftLimits,
    ImageLimits,
    Limits,
    VideoDefaults,
    _coerce,
    _error,
    _section,
    _suggest,
)
from mdwx.errors import ConfigError
from mdwx.source.generators.detect import GENERATOR_NAMES, generator_at
from mdwx.urls import is_http_url

if TYPE_CHECKING:
    from mdwx.accounts import Account

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

CONFIG_FILE = "mdwx.toml"
DEFAULT_API_BASE = "https://api.weixin.qq.com"
@dataclass(frozen=True)
class SiteConfig:
    root: Path
    config_path: Path | None = None
    theme: str = "default"
    author: str = ""
    link_policy: str = "footnotes"
    tab_width: int = 4  # columns between tab stops in code blocks
    code_style: str = ""  # a Pygments style for code blocks ("" = the theme's)
    code_line_numbers: bool = False  # numbers beside every code block ({linenos} asks for one)
    code_header: bool = False  # three window dots above each code block, drawn with CSS
    code_wrap: bool = False  # long code lines wrap instead of scrolling sideways
    caption: str = "title"  # figure captions: "title", "alt" (never generic alt text) or "none"
    include: tuple[str, ...] = ("**/*.md",)
    exclude: tuple[str, ...] = ("**/README.md", "**/_*.md", ".mdwx/**", "**/node_modules/**")
    comments: str = "closed"
    show_cover_pic: bool = False
    # Keep a body "# H1" that repeats the front matter's title (default: dropped, WeChat shows the title).
    keep_title_heading: bool = False
    # The articles' language (BCP 47: "zh-CN", "en"): callout titles and the preview's words
    # follow it. "" detects it per post (Chinese when the body is mostly Chinese).
    lang: str = ""
    default_cover: str | None = None
    # Font for the title on a cover mdwx makes when a post has none (else a system CJK font).
    cover_font: str | None = None
    header: str | None = None  # path (relative to root) of a Markdown template
    footer: str | None = None
    concurrency: int = 8
    api_base: str = DEFAULT_API_BASE
    token_endpoint: str = "stable"  # "stable" (cgi-bin/stable_token) or "token"
    backend: str = "media"  # "media" (cgi-bin/publish/*) or "draft" (cgi-bin/draft/* + freepublish/*)
    wechat_pay: bool = False  # accounts with WeChat Pay may keep <a href>
    # URL prefix → site folder: read "remote" images the site also holds locally (a blog
    # whose posts link its own CDN), instead of fetching them.
    mirrors: dict[str, str] = field(default_factory=dict)
    # Whose site layout the posts follow: "auto" (detected), "none", or one of GENERATOR_NAMES.
    generator: str = "auto"
    # ``state_file`` in mdwx.toml: a text export of the state (relative to root) kept up to date
    # after each run and merged in before it, for CI runners and hooks that start without
    # .mdwx/state.db. (The dataclass's ``state_file`` below is the database a caller chose.)
    state_export: str | None = None
    # The branch whose pushes the git hooks publish ("" = the repository's default branch).
    publish_branch: str = ""
    limits: Limits = field(default_factory=Limits)
    images: ImageLimits = field(default_factory=ImageLimits)
    video: VideoDefaults = field(default_factory=VideoDefaults)
    draft: DraftLimits = field(default_factory=DraftLimits)
    # Named accounts ([accounts.NAME]): publish to several Official Accounts from one site.
    accounts: dict[str, Account] = field(default_factory=dict)
    # Set by the caller (the CLI from MDWX_STATE, a plugin from its options), never from the
    # config file: one state database for every site instead of ROOT/.mdwx/state.db.
    state_file: Path | None = None

    @property
    def state_path(self) -> Path:
        """The state database: ``state_file`` when the caller set one, else ROOT/.mdwx/state.db."""
        return self.state_file if self.state_file is not None else self.root / ".mdwx" / "state.db"

    @property
    def state_export_path(self) -> Path | None:
        """The ``state_file`` export of mdwx.toml as an absolute path, None when not configured."""
        return self.root / self.state_export if self.state_export else None


_SECTIONS: dict[str, type] = {"limits": Limits, "images": ImageLimits, "video": VideoDefaults,
                              "draft": DraftLimits}
_TOP_KEYS = ({f.name for f in fields(SiteConfig)} - {"root", "config_path", "state_file", "state_export", "accounts"}
             | {"state_file"})
_TOML_NAMES = {"state_file": "state_export"}  # mdwx.toml's key → the field holding it


_TOML_AT = re.compile(r" \(at line (\d+), column (\d+)\)")


def find_site_root(start: Path) -> Path:
    """The site root governing ``start`` (a post or a folder), whatever path named it.

    The nearest folder at or above ``start`` holding ``mdwx.toml`` (or a ``pyproject.toml``
    with ``[tool.mdwx]``); else the nearest root of a git work tree holding it (a ``.git`` folder
    or file, so worktrees and submodules count; git itself is not run) or of a Hugo, Hexo or
    Jekyll site or Obsidian vault (:mod:`mdwx.source.generators.detect`); else the post's own
    folder (``start`` itself for a folder). The state database lives under this root and
    keys posts by their path relative to it, so ``mdwx publish posts/`` and ``mdwx publish
    .`` from the parent name the same articles.

    The search follows the path as written (a post that is a link to a file elsewhere still
    belongs to the site it is linked from, and is then refused for leading outside it);
    the folder found is returned resolved.
    """
    start = Path(os.path.abspath(start))  # where the path is written, not where links lead
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        if (candidate / CONFIG_FILE).is_file():
            return Path(os.path.realpath(candidate))
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and _has_tool_mdwx(pyproject):
            return Path(os.path.realpath(candidate))
    for candidate in (folder, *folder.parents):
        # A git work tree, a Hugo/Hexo/Jekyll site, Obsidian vault or MkDocs/Pelican project
        # (its plugins publish pages from below docs_dir/PATH): the nearest wins.
        if (candidate / ".git").exists() or generator_at(candidate) or _plugin_project(candidate):
            return Path(os.path.realpath(candidate))
    return Path(os.path.realpath(folder))


#: Files marking the root of a project whose site generator runs mdwx as a plugin.
PLUGIN_PROJECT_FILES = ("mkdocs.yml", "mkdocs.yaml", "pelicanconf.py")


def _plugin_project(folder: Path) -> bool:
    return any((folder / name).is_file() for name in PLUGIN_PROJECT_FILES)


def _has_tool_mdwx(pyproject: Path) -> bool:
    try:
        return "mdwx" in tomllib.loads(pyproject.read_text("utf-8")).get("tool", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False


def load_config(start: Path) -> SiteConfig:
    """Load the config governing ``start`` (a post or a folder); defaults when there is none."""
    root = find_site_root(start)
    path = root / CONFIG_FILE
    if path.is_file():
        data = _read_toml(path)
    elif (root / "pyproject.toml").is_file() and _has_tool_mdwx(root / "pyproject.toml"):
        path = root / "pyproject.toml"
        data = _read_toml(path).get("tool", {}).get("mdwx", {})
    else:
        return SiteConfig(root=root)
    return config_from_mapping(data, root=root, config_path=path)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError("not valid UTF-8", path=path) from exc
    except RecursionError:  # tomllib parses nested arrays and tables recursively
        raise ConfigError("the configuration is nested too deeply", path=path) from None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc.args[0] if exc.args else exc)
        line = getattr(exc, "lineno", None)  # Python 3.14+; before, only the message says it
        found = _TOML_AT.search(message)
        if found:
            line = line or int(found.group(1))
            message = _TOML_AT.sub(f" (column {found.group(2)})", message)
        raise ConfigError(f"invalid TOML: {message}", path=path, line=line) from exc


def config_from_mapping(data: dict[str, Any], *, root: Path, config_path: Path | None = None) -> SiteConfig:
    """Build a validated config; unknown keys are errors naming the closest known key."""
    where = config_path or root / CONFIG_FILE
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key in _SECTIONS:
            if not isinstance(value, dict):
                raise _error(where, key, f"[{key}] must be a table")
            values[key] = _section(_SECTIONS[key], value, key, where)
        elif key == "accounts":
            from mdwx.accounts import parse_accounts

            values[key] = parse_accounts(value, where)
        elif key in _TOP_KEYS:
            name = _TOML_NAMES.get(key, key)
            values[name] = _coerce(key, value, SiteConfig.__dataclass_fields__[name].type, where)
        else:
            raise _error(where, key,
                         f"unknown setting {key!r}{_suggest(key, _TOP_KEYS | set(_SECTIONS) | {'accounts'})}")
    config = SiteConfig(root=root, config_path=config_path, **values)
    _validate(config, where)
    return config


def _validate(config: SiteConfig, where: Path) -> None:
    if config.link_policy not in LINK_POLICIES:
        raise _error(where, "link_policy", f"link_policy must be one of {', '.join(LINK_POLICIES)}")
    if config.caption not in CAPTION_SOURCES:
        raise _error(where, "caption", f"caption must be one of {', '.join(CAPTION_SOURCES)}")
    if not 1 <= config.tab_width <= 16:
        raise _error(where, "tab_width", f"tab_width must be between 1 and 16, not {config.tab_width}")
    if config.code_style:
        from mdwx.render.code_frame import style_colours

        try:
            style_colours(config.code_style)
        except ConfigError as exc:
            raise _error(where, "code_style", exc.message, hint=exc.hint) from None
    if config.comments not in COMMENT_MODES:
        raise _error(where, "comments", f"comments must be one of {', '.join(COMMENT_MODES)}")
    if config.backend not in BACKENDS:
        raise _error(where, "backend", f"backend must be one of {', '.join(BACKENDS)}, not {config.backend!r}",
                     hint='"media" for the media API (cgi-bin/publish/*), "draft" for the draft box')
    if config.draft.digest_unit not in DIGEST_UNITS:
        raise _error(where, "draft.digest_unit", f"draft.digest_unit must be one of {', '.join(DIGEST_UNITS)}")
    if config.token_endpoint not in ("stable", "token"):
        raise _error(where, "token_endpoint", "token_endpoint must be 'stable' or 'token'")
    if not 1 <= config.concurrency <= 64:
        raise _error(where, "concurrency", "concurrency must be between 1 and 64")
    if config.generator not in ("auto", "none", *GENERATOR_NAMES):
        raise _error(where, "generator", f"generator must be auto, none or one of {', '.join(GENERATOR_NAMES)}")
    if config.state_export is not None and (not config.state_export.strip() or Path(config.state_export).is_absolute()
                                            or ".." in Path(config.state_export).parts):
        raise _error(where, "state_file", "state_file must be a path inside the site, e.g. \".mdwx/state.jsonl\"")
    if not is_http_url(config.api_base):
        raise _error(where, "api_base", "api_base must be an http:// or https:// URL")
