"""Named accounts of a site: ``[accounts.NAME]`` tables of ``mdwx.toml``.

Each names one WeChat Official Account: its AppID, the *names* of the environment variables
holding its AppSecret or access token (the values never live in the file), and what it
changes of the site's config (backend, api_base, limits). Errors name the file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mdwx.config_tables import (
    BACKENDS,
    DraftLimits,
    Limits,
    did_you_mean,
)
from mdwx.errors import ConfigError, MdwxError
from mdwx.files.reader import read_config_text
from mdwx.settings import recipients
from mdwx.settings.declare import declared, read_table, required, setting
from mdwx.urls import http_url_problem, redact

_ACCOUNT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
_APPID = re.compile(r"wx[0-9a-fA-F]{16}")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: The prefixes a ``secret_env``/``token_env`` name must start with (README "Accounts").
SECRET_ENV_PREFIXES = ("WECHAT_", "MDWX_")
#: The tables of an account laid over the site's sections of the same name.
ACCOUNT_TABLES = {"limits": Limits, "draft": DraftLimits}


@dataclass(frozen=True)
class Account:
    """A named WeChat account of the site (``[accounts.NAME]`` in mdwx.toml).

    ``appid`` is the account's AppID (``wx`` + 16 hex digits); ``secret_env`` and
    ``token_env`` are the *names* of the environment variables holding its AppSecret or a
    ready access token (the values never live in the file; the command line reads them,
    a plugin passes :class:`mdwx.api.Credentials` per account). ``backend`` and
    ``api_base`` override the site's (None: the site's). ``limits`` and ``draft`` are the
    keys of ``[accounts.NAME.limits]`` / ``[accounts.NAME.draft]`` laid over the site's
    sections, as ``(key, value)`` pairs.
    """

    name: str
    appid: str = required(
        "the account's AppID (wx and 16 hex digits; not a secret)", example="wx0123456789abcdef"
    )
    secret_env: str | None = setting(
        None,
        "the NAME of the variable holding the AppSecret (WECHAT_… or MDWX_…)",
        example="WECHAT_APPSECRET_BLOG",
    )
    token_env: str | None = setting(
        None, "… or of one holding a ready access token", example="WECHAT_ACCESS_TOKEN_BLOG"
    )
    backend: str | None = setting(
        None, "the account's backend (default: the site's)", choices=BACKENDS, example="draft"
    )
    api_base: str | None = setting(
        None, "the API's base URL (default: the site's)", example="https://relay.example.com"
    )
    limits: tuple[tuple[str, Any], ...] = ()
    draft: tuple[tuple[str, Any], ...] = ()
    preview_to: str | None = setting(
        None,
        "`mdwx preview --phone`'s default recipient for this account (default: the site's)",
        check=recipients.preview_to,
        example="openid:o6_bmjrPTlm6_2sgVt7hMZOPfL2M",
    )


#: The keys of an ``[accounts.NAME]`` table: its declared settings and its tables.
ACCOUNT_KEYS = (*declared(Account), *ACCOUNT_TABLES)


def parse_accounts(data: Any, where: Path) -> dict[str, Account]:
    """``[accounts.NAME]`` tables → :class:`Account` values; errors name the file and line."""
    if not isinstance(data, dict):
        raise ConfigError(
            "[accounts] must be a table of [accounts.NAME] tables",
            path=where,
            line=toml_line(where, "accounts"),
        )
    found = {}
    for name, table in data.items():
        found[name] = _account(name, table, where)
    return found


def _account(name: str, table: Any, where: Path) -> Account:
    def fail(message: str, key: str | None = None, hint: str | None = None) -> ConfigError:
        return ConfigError(
            message, path=where, line=toml_line(where, f"accounts.{name}", key), hint=hint
        )

    if not _ACCOUNT_NAME.fullmatch(name):
        raise fail(f"account name {name!r} must be letters, digits, '-' or '_'")
    if not isinstance(table, dict):
        raise fail(f"accounts.{name} must be a table ([accounts.{name}])")
    for key in table:
        if key in ("secret", "appsecret", "token", "access_token"):
            raise fail(
                f"accounts.{name}.{key}: secrets never live in mdwx.toml",
                key,
                hint=f"put the NAME of an environment variable holding it in {key.split('_')[-1]}_env"
                if key != "appsecret"
                else "put the NAME of an environment variable holding it in secret_env",
            )
        if key not in ACCOUNT_KEYS:
            raise fail(
                f"unknown setting accounts.{name}.{key}{did_you_mean(key, set(ACCOUNT_KEYS))}", key
            )
    strings: dict[str, str] = {}
    for key in declared(Account):  # every one a non-empty string when given
        if key in table:
            if not isinstance(table[key], str) or not table[key]:
                raise fail(
                    f"accounts.{name}.{key} must be a non-empty string, not {table[key]!r}", key
                )
            strings[key] = table[key]
    if "appid" not in strings:
        raise fail(
            f"accounts.{name} needs an appid",
            hint='appid = "wx…" (the account\'s AppID, not a secret)',
        )
    if not _APPID.fullmatch(strings["appid"]):
        raise fail(
            f"accounts.{name}.appid {strings['appid']!r} is not an AppID ('wx' and 16 hex digits)",
            "appid",
        )
    for key in ("secret_env", "token_env"):
        if key in strings and not _ENV_NAME.fullmatch(strings[key]):
            raise fail(
                f"accounts.{name}.{key} must name an environment variable, not {strings[key]!r}",
                key,
                hint=f'{key} = "WECHAT_APPSECRET_{name.upper().replace("-", "_")}" (the name, not the value)',
            )
        # A repository file choosing which variable is sent could pick any CI secret
        # (AWS_SECRET_ACCESS_KEY…): only mdwx's own prefixes may be named.
        if key in strings and not strings[key].startswith(SECRET_ENV_PREFIXES):
            raise fail(
                f"accounts.{name}.{key} = {strings[key]!r}: the variable's name must start with "
                f"{' or '.join(SECRET_ENV_PREFIXES)}",
                key,
                hint=f'{key} = "WECHAT_APPSECRET_{name.upper().replace("-", "_")}" (rename the variable)',
            )
    if "secret_env" not in strings and "token_env" not in strings:
        raise fail(
            f"accounts.{name} needs secret_env or token_env (the name of the variable holding the "
            "AppSecret or an access token)"
        )
    backends = declared(Account)["backend"][1].choices
    if strings.get("backend", "media") not in backends:
        raise fail(
            f"accounts.{name}.backend must be one of {', '.join(backends)}, not {strings['backend']!r}",
            "backend",
        )
    problem = http_url_problem(strings["api_base"]) if "api_base" in strings else None
    if problem:
        raise fail(
            f"accounts.{name}.api_base {redact(strings['api_base'])!r} {problem}",
            "api_base",
            hint="an http(s) base URL such as https://api.weixin.qq.com",
        )
    for key, (_, spec) in declared(Account).items():  # the checks declared with each setting
        given = strings.get(key)
        found = spec.check(given, f"accounts.{name}.{key}") if spec.check and given else None
        if found is not None:
            raise fail(found.message, key, hint=found.hint)
    sections = {}
    for key, cls in ACCOUNT_TABLES.items():
        given = table.get(key, {})
        if not isinstance(given, dict):
            raise fail(f"[accounts.{name}.{key}] must be a table", key)
        try:
            checked = read_table(cls, given, f"accounts.{name}.{key}", where)
        except ConfigError as exc:
            culprit = next(
                (
                    k
                    for k in given
                    if f".{k} " in f"{exc.message} "
                    or exc.message.startswith(f"accounts.{name}.{key}.{k}")
                ),
                None,
            )
            raise ConfigError(
                exc.message,
                path=where,
                line=toml_line(where, f"accounts.{name}.{key}", culprit),
                hint=exc.hint,
            ) from None
        sections[key] = tuple((k, getattr(checked, k)) for k in sorted(given))
    return Account(
        name=name,
        appid=strings["appid"],
        secret_env=strings.get("secret_env"),
        token_env=strings.get("token_env"),
        backend=strings.get("backend"),
        api_base=strings.get("api_base"),
        limits=sections["limits"],
        draft=sections["draft"],
        preview_to=strings.get("preview_to"),
    )


def toml_line(where: Path, table: str, key: str | None = None) -> int | None:
    """The line of ``[table]`` (or of ``key`` inside it) in the file, best effort (tomllib keeps none)."""
    try:
        lines = read_config_text(where).splitlines()
    except MdwxError:
        return None
    prefixes = [table, f"tool.mdwx.{table}"]
    header = re.compile(r"^\s*\[\s*(" + "|".join(re.escape(p) for p in prefixes) + r")\s*\]")
    start = next((n for n, text in enumerate(lines, 1) if header.match(text)), None)
    if start is None:
        last = table.rpartition(".")[
            2
        ]  # an inline or dotted form: `NAME = {…}`, `accounts.NAME.key = …`
        inline = re.compile(
            r"^\s*(" + "|".join(re.escape(p) for p in [*prefixes, last]) + r")\s*[.=]"
        )
        return next((n for n, text in enumerate(lines, 1) if inline.match(text)), None)
    if key is None:
        return start
    assignment = re.compile(r"^\s*" + re.escape(key) + r"\s*=")
    for number in range(start + 1, len(lines) + 1):
        text = lines[number - 1]
        if re.match(r"^\s*\[", text) and not re.match(
            r"^\s*\[\s*" + re.escape(table) + r"\.", text
        ):
            break
        if assignment.match(text) or re.match(
            r"^\s*\[\s*" + re.escape(f"{table}.{key}") + r"\s*\]", text
        ):
            return number
    return start
