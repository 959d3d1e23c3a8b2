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
    SUBMITTED_CHANGE,
    DraftLimits,
    ImageLimits,
    Limits,
    VideoDefaults,
    WarningSettings,
    coerce_setting,
    did_you_mean,
    read_section,
    setting_error,
    setting_line,
    zone_problem,
)
from mdwx.diagnostics import unknown_code
from mdwx.errors import ConfigError, MdwxError
from mdwx.source.generators.detect import GENERATOR_NAMES, generator_at
from mdwx.source.reader import confined, read_config_text
from mdwx.urls import http_url_problem, redact

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
    # The time zone the preview prints times in (IANA: "Asia/Shanghai"); "" = the machine's.
    timezone: str = ""
    default_cover: str | None = None
    # Font for the title on a cover mdwx makes when a post has none (else a system CJK font).
    cover_font: str | None = None
    header: str | None = None  # path (relative to root) of a Markdown template
    footer: str | None = None
    concurrency: int = 8
    api_base: str = DEFAULT_API_BASE
    token_endpoint: str = "stable"  # "stable" (cgi-bin/stable_token) or "token"
    backend: str = (
        "media"  # "media" (cgi-bin/publish/*) or "draft" (cgi-bin/draft/* + freepublish/*)
    )
    wechat_pay: bool = False  # accounts with WeChat Pay may keep <a href>
    # URL prefix → site folder: read "remote" images the site also holds locally (a blog
    # whose posts link its own CDN), instead of fetching them.
    mirrors: dict[str, str] = field(default_factory=dict)
    # Whose site layout the posts follow: "auto" (detected), "none", or one of GENERATOR_NAMES.
    generator: str = "auto"
    # Whether $…$ is math: True, False, or None ("auto": the generator's own setting decides).
    math: bool | None = None
    # ``state_file`` in mdwx.toml: a text export of the state (relative to root) kept up to date
    # after each run and merged in before it, for CI runners and hooks that start without
    # .mdwx/state.db. (The dataclass's ``state_file`` below is the database a caller chose.)
    state_export: str | None = None
    # The branch whose pushes the git hooks publish ("" = the repository's default branch).
    publish_branch: str = ""
    # A changed post whose article was already submitted: "warn" (kept, the next command
    # named), "error" (the post fails) or "republish" (a new article, as --force).
    on_submitted_change: str = "warn"
    # Who `mdwx preview POST --phone` sends to when no --phone/--openid is given: a 微信号,
    # or "openid:…" (docs/reach.md); an account's own preview_to wins.
    preview_to: str = ""
    limits: Limits = field(default_factory=Limits)
    images: ImageLimits = field(default_factory=ImageLimits)
    video: VideoDefaults = field(default_factory=VideoDefaults)
    draft: DraftLimits = field(default_factory=DraftLimits)
    warnings: WarningSettings = field(
        default_factory=WarningSettings
    )  # [warnings] ignore = [codes]
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
        """The ``state_file`` export of mdwx.toml as an absolute path, None when not configured.

        Raises :class:`ConfigError` when a symbolic link (a linked ``.mdwx/`` folder) leads it
        outside the site root: the export is written there after every run.
        """
        if not self.state_export:
            return None
        path = self.root / self.state_export
        if not confined(path, self.root):
            raise ConfigError(
                f"state_file {self.state_export!r} leads outside the site folder {self.root} "
                "through a symbolic link",
                path=self.config_path,
                hint="keep the state export in a real folder inside the site",
            )
        return path


VIDEO_TAGS = 5  # tags a video may carry (material/add_material's description; video.py)
_SECTIONS: dict[str, type] = {
    "limits": Limits,
    "images": ImageLimits,
    "video": VideoDefaults,
    "draft": DraftLimits,
    "warnings": WarningSettings,
}
_TOP_KEYS = {f.name for f in fields(SiteConfig)} - {
    "root",
    "config_path",
    "state_file",
    "state_export",
    "accounts",
} | {"state_file"}
_TOML_NAMES = {"state_file": "state_export"}  # mdwx.toml's key → the field holding it


_TOML_AT = re.compile(r" \(at line (\d+), column (\d+)\)")


def find_site_root(start: Path) -> Path:
    """The site root governing ``start`` (a post or a folder), whatever path named it.

    The nearest folder at or above ``start`` holding ``mdwx.toml`` (or a ``pyproject.toml``
    with ``[tool.mdwx]``); else the nearest root of a git work tree holding it (a ``.git`` folder
    or file, so worktrees and submodules count; git itself is not run) or of a Hugo, Hexo or
    Jekyll site or Obsidian vault (the outermost of nested vaults, :func:`outermost_vault`) (:mod:`mdwx.source.generators.detect`); else the post's own
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
        if os.path.lexists(
            candidate / CONFIG_FILE
        ):  # a FIFO or device there is refused, not skipped
            return Path(os.path.realpath(candidate))
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and _has_tool_mdwx(pyproject):
            return Path(os.path.realpath(candidate))
    for candidate in (folder, *folder.parents):
        # A git work tree, a Hugo/Hexo/Jekyll site, Obsidian vault or MkDocs/Pelican project
        # (its plugins publish pages from below docs_dir/PATH): the nearest wins.
        if (candidate / ".git").exists() or _plugin_project(candidate):
            return Path(os.path.realpath(candidate))
        found = generator_at(candidate)
        if found == "obsidian":
            return Path(os.path.realpath(outermost_vault(candidate)))
        if found:
            return Path(os.path.realpath(candidate))
    return Path(os.path.realpath(folder))


def outermost_vault(vault: Path) -> Path:
    """The outermost Obsidian vault holding ``vault``, up to the nearest git work tree.

    A vault's folder opened as a vault of its own keeps the outer vault's attachments (a
    picture pasted while the outer vault was open lies beside it, outside the inner one):
    the site is the outer vault, so they may be read. A git work tree (or a folder another
    generator lays out) ends the search: nothing above it belongs to the site.
    """
    outer = vault
    if (vault / ".git").exists():
        return outer
    for candidate in vault.parents:
        marker = generator_at(candidate)
        if marker == "obsidian":
            outer = candidate
        elif marker or _plugin_project(candidate):
            break
        if (candidate / ".git").exists():
            break
    return outer


#: Files marking the root of a project whose site generator runs mdwx as a plugin.
PLUGIN_PROJECT_FILES = ("mkdocs.yml", "mkdocs.yaml", "pelicanconf.py")


def _plugin_project(folder: Path) -> bool:
    return any((folder / name).is_file() for name in PLUGIN_PROJECT_FILES)


def _has_tool_mdwx(pyproject: Path) -> bool:
    try:
        return "mdwx" in tomllib.loads(read_config_text(pyproject)).get("tool", {})
    except (MdwxError, tomllib.TOMLDecodeError):
        return False


def load_config(start: Path) -> SiteConfig:
    """Load the config governing ``start`` (a post or a folder); defaults when there is none."""
    root = find_site_root(start)
    path = root / CONFIG_FILE
    if os.path.lexists(path):
        data = _read_toml(_inside(path, root))
    elif (root / "pyproject.toml").is_file() and _has_tool_mdwx(
        _inside(root / "pyproject.toml", root)
    ):
        path = root / "pyproject.toml"
        data = _read_toml(path).get("tool", {}).get("mdwx", {})
    else:
        return SiteConfig(root=root)
    return config_from_mapping(data, root=root, config_path=path)


def _inside(path: Path, root: Path) -> Path:
    """``path`` when the file it leads to lies in the site folder ``root``: a site's config
    that is a symbolic link to a file elsewhere would let the site read (and show in its
    errors) a file it does not hold. Raises :class:`ConfigError`."""
    real = Path(os.path.realpath(path))
    if real.is_file() and not real.is_relative_to(
        os.path.realpath(root)
    ):  # a device: the reader says so
        raise ConfigError(
            "a symbolic link leading outside the site folder",
            path=path,
            hint=f"copy the configuration into {root}",
        )
    return path


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        document: dict[str, Any] = tomllib.loads(
            read_config_text(path)
        )  # capped, regular file only
        return document
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


def config_from_mapping(
    data: dict[str, Any], *, root: Path, config_path: Path | None = None
) -> SiteConfig:
    """Build a validated config; unknown keys are errors naming the closest known key."""
    where = config_path or root / CONFIG_FILE
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key in _SECTIONS:
            if not isinstance(value, dict):
                raise setting_error(where, key, f"[{key}] must be a table")
            values[key] = read_section(_SECTIONS[key], value, key, where)
        elif key == "accounts":
            from mdwx.accounts import parse_accounts

            values[key] = parse_accounts(value, where)
        elif key == "math":  # true, false or "auto": not one type, so read here
            if value not in (True, False, "auto"):
                raise setting_error(
                    where, key, f'math must be true, false or "auto", not {value!r}'
                )
            values[key] = None if value == "auto" else value
        elif key in _TOP_KEYS:
            name = _TOML_NAMES.get(key, key)
            values[name] = coerce_setting(
                key, value, SiteConfig.__dataclass_fields__[name].type, where
            )
        else:
            raise setting_error(
                where,
                key,
                f"unknown setting {key!r}{did_you_mean(key, _TOP_KEYS | set(_SECTIONS) | {'accounts'})}",
            )
    config = SiteConfig(root=root, config_path=config_path, **values)
    _validate(config, where)
    return config


def _validate(config: SiteConfig, where: Path) -> None:
    if config.link_policy not in LINK_POLICIES:
        raise setting_error(
            where, "link_policy", f"link_policy must be one of {', '.join(LINK_POLICIES)}"
        )
    if config.caption not in CAPTION_SOURCES:
        raise setting_error(
            where, "caption", f"caption must be one of {', '.join(CAPTION_SOURCES)}"
        )
    if not 1 <= config.tab_width <= 16:
        raise setting_error(
            where, "tab_width", f"tab_width must be between 1 and 16, not {config.tab_width}"
        )
    if config.code_style:
        from mdwx.render.code_frame import style_colours

        try:
            style_colours(config.code_style)
        except ConfigError as exc:
            raise setting_error(where, "code_style", exc.message, hint=exc.hint) from None
    if config.timezone:
        problem = zone_problem(config.timezone)
        if problem:
            raise setting_error(
                where, "timezone", problem, hint='an IANA name such as "Asia/Shanghai" or "UTC"'
            )
    if config.comments not in COMMENT_MODES:
        raise setting_error(
            where, "comments", f"comments must be one of {', '.join(COMMENT_MODES)}"
        )
    if config.backend not in BACKENDS:
        raise setting_error(
            where,
            "backend",
            f"backend must be one of {', '.join(BACKENDS)}, not {config.backend!r}",
            hint='"media" for the media API (cgi-bin/publish/*), "draft" for the draft box',
        )
    if config.on_submitted_change not in SUBMITTED_CHANGE:
        raise setting_error(
            where,
            "on_submitted_change",
            f"on_submitted_change must be one of {', '.join(SUBMITTED_CHANGE)}, "
            f"not {config.on_submitted_change!r}",
        )
    if config.draft.digest_unit not in DIGEST_UNITS:
        raise setting_error(
            where,
            "draft.digest_unit",
            f"draft.digest_unit must be one of {', '.join(DIGEST_UNITS)}",
        )
    if config.token_endpoint not in ("stable", "token"):
        raise setting_error(where, "token_endpoint", "token_endpoint must be 'stable' or 'token'")
    if not 1 <= config.concurrency <= 64:
        raise setting_error(where, "concurrency", "concurrency must be between 1 and 64")
    if (
        len(config.video.tags) > VIDEO_TAGS
    ):  # the video upload refuses more (after the pictures went)
        raise setting_error(
            where,
            "video.tags",
            f"video.tags has {len(config.video.tags)} tags; WeChat takes at most {VIDEO_TAGS}",
            hint="keep the five that matter most",
        )
    if config.generator not in ("auto", "none", *GENERATOR_NAMES):
        raise setting_error(
            where,
            "generator",
            f"generator must be auto, none or one of {', '.join(GENERATOR_NAMES)}",
        )
    if config.state_export is not None and (
        not config.state_export.strip()
        or Path(config.state_export).is_absolute()
        or ".." in Path(config.state_export).parts
    ):
        raise setting_error(
            where,
            "state_file",
            'state_file must be a path inside the site, e.g. ".mdwx/state.jsonl"',
        )
    if config.state_export is not None and not config.state_export.endswith(".jsonl"):
        # The export is rewritten on every run: a name ending otherwise could be the state
        # database itself, the sandbox's, or any other file of the site.
        raise setting_error(
            where,
            "state_file",
            f"state_file must name a .jsonl export, not {config.state_export!r}",
            hint='e.g. state_file = ".mdwx/state.jsonl"',
        )
    for code in config.warnings.ignore:
        if unknown_code(code):
            raise setting_error(
                where,
                "warnings.ignore",
                f"[warnings] ignore: {unknown_code(code)}",
                hint="the codes are listed in docs/diagnostics.md",
            )
    # The default needs no parse: parsing imports httpx, most of an offline command's start-up.
    problem = None if config.api_base == DEFAULT_API_BASE else http_url_problem(config.api_base)
    if problem:
        raise setting_error(
            where,
            "api_base",
            f"api_base {redact(config.api_base)!r} {problem}",
            hint="an http(s) base URL such as https://api.weixin.qq.com",
        )
    for prefix in config.mirrors:
        problem = http_url_problem(prefix)
        if problem:
            raise setting_error(
                where,
                "mirrors",
                f"mirrors key {redact(prefix)!r} {problem}",
                hint='"https://cdn.example.com/images/" = "static/images"',
            )


def check_api_base(
    config: SiteConfig,
    *,
    given: str | None = None,
    allowed: tuple[str, ...] = (),
    account: Account | None = None,
) -> None:
    """Refuse to send credentials to an ``api_base`` a repository file chose, unless allowed.

    A pull request can change ``mdwx.toml``; the AppSecret (or token) must not follow its
    ``api_base`` to a host of its choosing. ``config.api_base`` is fine when it is WeChat's
    own (:data:`DEFAULT_API_BASE`), the caller's ``given`` base (``MDWX_API_BASE``,
    ``Options.api_base``: the user's own), or one of ``allowed`` (``MDWX_ALLOW_API_BASE``).
    ``account`` is the ``[accounts.NAME]`` the config is for (its line is named). Raises
    :class:`ConfigError` naming the file and line that set it.
    """
    base = config.api_base.rstrip("/")
    if base == DEFAULT_API_BASE or base in {b.rstrip("/") for b in (given, *allowed) if b}:
        return
    where = config.config_path or config.root / CONFIG_FILE
    if account is not None and (account.api_base or "").rstrip("/") == base:
        from mdwx.accounts import toml_line

        line, key = (
            toml_line(where, f"accounts.{account.name}", "api_base"),
            f"accounts.{account.name}.api_base",
        )
    else:
        line, key = setting_line(where, "api_base"), "api_base"
    raise ConfigError(
        f"{key} {redact(base)!r} is not WeChat's own API host: the credentials are sent there only "
        "when the environment allows it",
        path=where,
        line=line,
        hint=f"set MDWX_ALLOW_API_BASE={redact(base)} in the environment (not the repository), "
        "or MDWX_API_BASE to choose the host yourself",
    )
