"""Site configuration: one ``mdwx.toml`` (or ``[tool.mdwx]`` in ``pyproject.toml``) per site.

A site is a folder with one config file, as in Pelican and MkDocs. Every figure WeChat's
sources disagree on (title length, image sizes) lives here with a safe default, so a user
can follow whatever their account's backend enforces. Secrets never live here.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
MB = 1024 * 1024

LINK_POLICIES = ("footnotes", "keep", "strip")
CAPTION_SOURCES = ("title", "alt", "none")
COMMENT_MODES = ("open", "fans", "closed")
BACKENDS = ("media", "draft")  # WeChat's media API (cgi-bin/publish/*) or draft box (cgi-bin/draft/*)
DIGEST_UNITS = ("chars", "bytes")


@dataclass(frozen=True)
class Limits:
    """Character counts are code points, as WeChat counts them (not bytes, not UTF-16).

    ``content_bytes`` is the hard limit on the ``content`` HTML, in bytes of UTF-8 (WeChat
    answered 45002 between about 682 and 691 KB; see docs/limits.md). ``content_chars`` is the
    visible text (tags removed) above which mdwx warns; 0 turns the warning off. Earlier versions
    refused content over that many characters of HTML, which WeChat does not do.
    """

    title: int = 64
    digest: int = 120
    author: int = 16
    content_chars: int = 20_000  # visible text: a warning, not a limit
    content_bytes: int = 600_000  # UTF-8 bytes of the content HTML: the hard limit
    card_title: int = 35
    markdown_bytes: int = 2_000_000  # a post's file, refused before parsing (bounds the work)


@dataclass(frozen=True)
class DraftLimits:
    """The draft-box API's own limits (``[draft]`` in mdwx.toml), enforced before sending.

    Its sources disagree (wechat-draft-api.md): the title is 32 characters in the current
    doc and 64 as tools observe; the author 16 (8 on older accounts); the digest 120 or 128
    characters, or 120 bytes of UTF-8 as one tool reports (``digest_unit = "bytes"``). The
    defaults are what tools observe; WeChat's own error stays the last word.
    """

    title: int = 64
    author: int = 16
    digest: int = 120
    digest_unit: str = "chars"  # or "bytes" (UTF-8)
    image_post_text: int = 1000  # characters of an image post's plain text (newspic content)
    image_post_images: int = 20  # images of an image post


@dataclass(frozen=True)
class ImageLimits:
    """Upload targets; defaults satisfy both the contract and WeChat's public docs."""

    body_max_bytes: int = 1 * MB  # media/uploadimg: jpg/png (contract says 5 MB)
    cover_max_bytes: int = 2 * MB  # add_material type=image (public docs say 10 MB)
    gif_max_bytes: int = 2 * MB  # animated GIFs go through add_material, which keeps them
    max_width: int = 1080  # wider pictures are scaled down: phones show ~677 css px
    remote_max_bytes: int = 20 * MB
    remote_timeout: float = 20.0
    remote_max_redirects: int = 5
    allow_private_hosts: bool = False  # loopback / private / link-local fetches


@dataclass(frozen=True)
class VideoDefaults:
    category: str = ""  # newcat
    subcategory: str = ""  # newsbcat
    tags: tuple[str, ...] = ()
    declare_original: bool = False
    review_timeout: float = 1800.0  # seconds to wait for query_status to reach 3
    poll_interval: float = 2.0


@dataclass(frozen=True)
class SiteConfig:
    root: Path
    config_path: Path | None = None
    theme: str = "default"
    author: str = ""
    link_policy: str = "footnotes"
    tab_width: int = 4  # columns between tab stops in code blocks
    caption: str = "title"  # figure captions: "title", "alt" (never generic alt text) or "none"
    include: tuple[str, ...] = ("**/*.md",)
    exclude: tuple[str, ...] = ("**/README.md", "**/_*.md", ".mdwx/**", "**/node_modules/**")
    comments: str = "closed"
    show_cover_pic: bool = False
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


def _section(cls: type, data: dict[str, Any], name: str, where: Path) -> Any:
    known = {f.name: f for f in fields(cls)}
    values = {}
    for key, value in data.items():
        if key not in known:
            raise _error(where, f"{name}.{key}", f"unknown setting {name}.{key}{_suggest(key, set(known))}")
        values[key] = _coerce(f"{name}.{key}", value, known[key].type, where)
    return replace(cls(), **values)


def _coerce(name: str, value: Any, annotation: Any, where: Path) -> Any:
    kind = str(annotation)
    if kind.startswith("dict"):
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise _error(where, name, f"[{name}] must be a table of strings")
        return {str(k): v for k, v in value.items()}
    if "tuple" in kind:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _error(where, name, f"{name} must be a list of strings")
        return tuple(value)
    if kind == "bool":
        if not isinstance(value, bool):
            raise _error(where, name, f"{name} must be true or false, not {value!r}")
        return value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise _error(where, name, f"{name} must be a whole number ≥ 0, not {value!r}")
        return value
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise _error(where, name, f"{name} must be a number ≥ 0, not {value!r}")
        return float(value)
    if not isinstance(value, str):
        raise _error(where, name, f"{name} must be a string, not {value!r}")
    return value


def _validate(config: SiteConfig, where: Path) -> None:
    if config.link_policy not in LINK_POLICIES:
        raise _error(where, "link_policy", f"link_policy must be one of {', '.join(LINK_POLICIES)}")
    if config.caption not in CAPTION_SOURCES:
        raise _error(where, "caption", f"caption must be one of {', '.join(CAPTION_SOURCES)}")
    if not 1 <= config.tab_width <= 16:
        raise _error(where, "tab_width", f"tab_width must be between 1 and 16, not {config.tab_width}")
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


def _error(where: Path, setting: str, message: str, hint: str | None = None) -> ConfigError:
    """A configuration error at the line of ``where`` that sets ``setting`` (``name`` or
    ``table.name``), so the one-line message reads ``mdwx.toml:LINE: …``."""
    return ConfigError(message, path=where, line=setting_line(where, setting), hint=hint)


_TABLE = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")


def setting_line(where: Path, setting: str) -> int | None:
    """The 1-based line of ``where`` (``mdwx.toml``, or ``pyproject.toml``'s ``[tool.mdwx]``)
    that sets ``setting`` or opens its table; None when it is not found (or unreadable)."""
    try:
        lines = where.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    prefix = ["tool", "mdwx"] if where.name == "pyproject.toml" else []
    *tables, key = setting.split(".")
    whole, parent = ".".join([*prefix, *tables, key]), ".".join([*prefix, *tables])
    assignment = re.compile(r'^\s*["\']?' + re.escape(key) + r'["\']?\s*=')
    table = ".".join(prefix) if not prefix else ""
    table = ""
    for number, line in enumerate(lines, 1):
        header = _TABLE.match(line)
        if header:
            table = re.sub(r"[\s\"']", "", header.group(1))
            if table == whole:
                return number
        elif table == parent and assignment.match(line):
            return number
    return None


def _suggest(word: str, known: set[str]) -> str:
    close = difflib.get_close_matches(word, sorted(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
