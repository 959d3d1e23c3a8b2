"""Site configuration: one ``mdwx.toml`` (or ``[tool.mdwx]`` in ``pyproject.toml``) per site.

A site is a folder with one config file, as in Pelican and MkDocs. Every figure WeChat's
sources disagree on (title length, image sizes) lives here with a safe default, so a user
can follow whatever their account's backend enforces. Secrets never live here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mdwx.config_tables import (  # re-exported: the settings' tables are part of the config
    BACKENDS,
    CAPTION_SOURCES,
    COMMENT_MODES,
    LINK_POLICIES,
    SUBMITTED_CHANGE,
    DraftLimits,
    ImageLimits,
    Limits,
    VideoDefaults,
    WarningSettings,
    did_you_mean,
    setting_error,
    setting_line,
)
from mdwx.config_tables import VIDEO_TAGS as VIDEO_TAGS  # the video upload's own limit
from mdwx.errors import ConfigError
from mdwx.files.reader import confined
from mdwx.settings import checks, recipients
from mdwx.settings.checks import DEFAULT_API_BASE as DEFAULT_API_BASE
from mdwx.settings.declare import Kind, declared, read_table, read_value, setting
from mdwx.urls import redact

if TYPE_CHECKING:
    from mdwx.accounts import Account

CONFIG_FILE = "mdwx.toml"
#: The site generators whose layouts mdwx reads (the ``generator`` setting's choices; how each
#: is recognised: :mod:`mdwx.source.generators.detect`).
GENERATOR_NAMES = ("hugo", "hexo", "jekyll", "obsidian", "mkdocs", "pelican")


@dataclass(frozen=True)
class SiteConfig:
    """A site's settings: each field declared with :func:`setting` is a key of ``mdwx.toml``
    (default, kind, choices or bounds, one doc line); ``root``, ``config_path``, ``accounts``
    and ``state_file`` are not settings of that kind."""

    root: Path
    config_path: Path | None = None
    theme: str = setting(
        "default",
        'a built-in (mdwx themes lists them) or "path/to/mine.css" (docs/themes.md)',
        check=checks.theme_path,
    )
    author: str = setting("", "the author of posts whose front matter names none", example="mdwx")
    link_policy: str = setting(
        "footnotes",
        "links: footnotes | keep (accounts with WeChat Pay) | strip",
        choices=LINK_POLICIES,
    )
    tab_width: int = setting(4, "columns between tab stops in code blocks", low=1, high=16)
    code_style: str = setting(
        "",
        'a Pygments style for code blocks, whatever the theme ("" = the theme\'s)',
        check=checks.code_style,
        example="dracula",
    )
    code_line_numbers: bool = setting(
        False, "numbers beside every code block ({linenos} asks for one)"
    )
    code_header: bool = setting(False, "three window dots above each code block, drawn with CSS")
    code_wrap: bool = setting(False, "long code lines wrap instead of scrolling sideways")
    caption: str = setting(
        "title",
        "figure captions: title (else descriptive alt) | alt (else title) | none",
        choices=CAPTION_SOURCES,
    )
    include: tuple[str, ...] = setting(("**/*.md",), "globs of the posts, relative to the root")
    exclude: tuple[str, ...] = setting(
        ("**/README.md", "**/_*.md", ".mdwx/**", "**/node_modules/**"),
        "globs of files that are never posts",
    )
    comments: str = setting(
        "closed", "who may comment on an article: open | fans | closed", choices=COMMENT_MODES
    )
    show_cover_pic: bool = setting(False, "show the cover at the top of the article")
    keep_title_heading: bool = setting(
        False, 'keep a body "# H1" repeating the title (default: dropped, WeChat shows it)'
    )
    lang: str = setting(
        "",
        'the articles\' language (BCP 47: "zh-CN", "en"); "" detects it per post: Chinese '
        "when its prose has at least as many Han characters as Latin words (code, math, URLs "
        "not counted)",
        example="zh-CN",
    )
    timezone: str = setting(
        "",
        'the zone the preview prints times in (IANA: "Asia/Shanghai"); "" = the machine\'s',
        check=checks.timezone,
        example="Asia/Shanghai",
    )
    default_cover: str | None = setting(
        None, "the cover of posts naming none", check=checks.picture_path, example="media/cover.jpg"
    )
    cover_font: str | None = setting(
        None,
        "title font of covers mdwx makes (default: a system CJK font)",
        example="fonts/NotoSansSC-Bold.otf",
    )
    header: str | None = setting(
        None,
        "Markdown template rendered above every post ({author}, {title})",
        check=checks.site_path,
        example="templates/header.md",
    )
    footer: str | None = setting(
        None,
        "… and below it (e.g. a call to follow)",
        check=checks.site_path,
        example="templates/footer.md",
    )
    concurrency: int = setting(
        8,
        "parallel uploads",
        low=1,
        high=64,
    )
    api_base: str = setting(
        DEFAULT_API_BASE,
        "the WeChat API's base URL; another host gets credentials only if the environment allows",
        check=checks.api_base,
    )
    token_endpoint: str = setting(
        "stable",
        "stable (cgi-bin/stable_token) | token (cgi-bin/token)",
        choices=("stable", "token"),
        refusal="{name} must be 'stable' or 'token'",
    )
    backend: str = setting(
        "media",
        "media (cgi-bin/publish/*) | draft (cgi-bin/draft/* + freepublish/*); --backend overrides",
        choices=BACKENDS,
        refusal="{name} must be one of {choices}, not {value!r}",
        hint='"media" for the media API (cgi-bin/publish/*), "draft" for the draft box',
    )
    wechat_pay: bool = setting(False, "accounts with WeChat Pay may keep <a href> links")
    mirrors: dict[str, str] = setting(
        {},
        "URL prefix → folder inside the site holding its pictures: a URL a prefix claims is "
        "never fetched, so its copy must be there (check and publish refuse the post if not)",
        check=checks.mirrors,
        example={"https://blog.example.com/images/": "static/images/"},
    )
    generator: str = setting(
        "auto",
        "whose site layout the posts follow: auto (detected) | none | a generator's name",
        choices=("auto", "none", *GENERATOR_NAMES),
        refusal=f"{{name}} must be auto, none or one of {', '.join(GENERATOR_NAMES)}",
    )
    math: bool | None = setting(
        None,
        'whether $…$ is math: true | false | "auto" (the generator\'s own setting decides)',
        kind=Kind.FLAG_OR_AUTO,
        example="auto",
    )
    # ``state_file`` in mdwx.toml: a text export of the state (relative to root) kept up to date
    # after each run and merged in before it, for CI runners and hooks that start without
    # .mdwx/state.db. (The dataclass's ``state_file`` below is the database a caller chose.)
    state_export: str | None = setting(
        None,
        "a committed export of the state, kept up to date (docs/ci.md)",
        check=checks.state_export,
        example=".mdwx/state.jsonl",
        toml="state_file",
    )
    publish_branch: str = setting(
        "", 'the branch git hooks publish ("" = the repository\'s default)', example="main"
    )
    on_submitted_change: str = setting(
        "warn",
        "a post changed after its article was submitted: warn | error | republish (docs/ci.md)",
        choices=SUBMITTED_CHANGE,
        refusal="{name} must be one of {choices}, not {value!r}",
    )
    preview_to: str = setting(
        "",
        'who `mdwx preview --phone` sends to: a 微信号, or "openid:…" (docs/reach.md)',
        check=recipients.preview_to,
        example="openid:o6_bmjrPTlm6_2sgVt7hMZOPfL2M",
    )
    limits: Limits = field(default_factory=Limits)
    images: ImageLimits = field(default_factory=ImageLimits)
    video: VideoDefaults = field(default_factory=VideoDefaults)
    draft: DraftLimits = field(default_factory=DraftLimits)
    warnings: WarningSettings = field(
        default_factory=WarningSettings
    )  # [warnings] ignore = [codes]
    # Named accounts ([accounts.NAME]): publish to several Official Accounts from one site.
    accounts: dict[str, Account] = field(default_factory=dict)
    # [bundles] NAME = ["posts/a.md", …]: 多图文 bundles listed in message order, the second
    # way in beside bundle: front matter (mdwx.bundles.table; docs/reach.md).
    bundles: dict[str, tuple[str, ...]] = field(default_factory=dict)
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


#: mdwx.toml's tables of settings, each a dataclass declaring its own.
SECTIONS: dict[str, type] = {
    "limits": Limits,
    "images": ImageLimits,
    "video": VideoDefaults,
    "draft": DraftLimits,
    "warnings": WarningSettings,
}
#: mdwx.toml's top-level settings: ``{key in the file: (field of SiteConfig, its Setting)}``.
SETTINGS = declared(SiteConfig)
_TOP_KEYS = set(SETTINGS)


def config_from_mapping(
    data: dict[str, Any], *, root: Path, config_path: Path | None = None
) -> SiteConfig:
    """Build a validated config; unknown keys are errors naming the closest known key.

    Each value is read by its declaration (:data:`SETTINGS`, the section dataclasses): a bad
    one is a :class:`ConfigError` naming the file and the line that set it.
    """
    where = config_path or root / CONFIG_FILE
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key in SECTIONS:
            if not isinstance(value, dict):
                raise setting_error(where, key, f"[{key}] must be a table")
            values[key] = read_table(SECTIONS[key], value, key, where)
        elif key == "accounts":
            from mdwx.accounts import parse_accounts

            values[key] = parse_accounts(value, where)
        elif key == "bundles":
            from mdwx.bundles.table import parse_bundles

            values[key] = parse_bundles(value, where, root)
        elif key in SETTINGS:
            name, spec = SETTINGS[key]
            values[name] = read_value(key, value, spec, where)
        else:
            raise setting_error(
                where,
                key,
                f"unknown setting {key!r}{did_you_mean(key, _TOP_KEYS | set(SECTIONS) | {'accounts', 'bundles'})}",
            )
    return SiteConfig(root=root, config_path=config_path, **values)


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
