"""``mdwx relay``: serve the relay, and make, list and revoke its keys.

A thin shell over :mod:`mdwx.relay`: parse options, call, print. The key is printed once,
on stdout, when it is made (``--json``: in the document); nothing else ever shows it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from mdwx.cli.printable import json_text
from mdwx.errors import ConfigError

DEFAULT_LISTEN = "127.0.0.1:8790"

config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    default=None,
    help="The relay's relay.toml (default: relay.toml in mdwx's per-user config folder).",
)


def _settings(config_path: Path | None, *, must_exist: bool) -> Any:
    from mdwx.relay.settings import default_config_path, load_relay_settings

    return load_relay_settings(config_path or default_config_path(), must_exist=must_exist)


def _unknown_account(account: str, config_path: Path | None, known: Any) -> ConfigError:
    """A key for an account the relay does not configure could never be used: the relay
    forwards only its ``[accounts.NAME]`` (a typo here would hand out a dead key)."""
    import difflib

    from mdwx.relay.settings import default_config_path

    path = config_path or default_config_path()
    names = sorted(known)
    close = difflib.get_close_matches(account, names, n=1)
    where = f"known: {', '.join(names)}" if names else "it configures none"
    if not path.exists():
        where = "the file does not exist"
    return ConfigError(
        f"no account {account!r} in the relay's config ({where})"
        + (f"; did you mean {close[0]!r}?" if close else ""),
        path=path,
        hint=f"add [accounts.{account}] with appid and secret_env to {path.name}, "
        "or name a configured account",
    )


def _echo_json(document: dict[str, object]) -> None:
    click.echo(json_text(document))


def add_relay_commands(main: click.Group, guard: Callable[[Any], Any]) -> None:
    """Register ``mdwx relay`` and ``mdwx relay key add|list|revoke`` on ``main``."""

    @main.group(invoke_without_command=True)
    @click.option(
        "--listen",
        default=DEFAULT_LISTEN,
        show_default=True,
        metavar="HOST:PORT",
        help="Address to serve on; put a TLS reverse proxy in front (docs/relay.md).",
    )
    @config_option
    @click.option(
        "--sandbox",
        is_flag=True,
        help="Forward to an in-process WeChat emulator, with a throwaway key (printed).",
    )
    @click.option(
        "--json",
        "as_json",
        is_flag=True,
        help="Print one JSON document (address, accounts) on stdout once listening.",
    )
    @click.pass_context
    @guard
    def relay(
        ctx: click.Context, listen: str, config_path: Path | None, sandbox: bool, as_json: bool
    ) -> None:
        """Forward WeChat API calls for the accounts configured here (the whitelisted machine).

        Clients set MDWX_API_BASE to this relay's URL and MDWX_RELAY_KEY to a key made with
        `mdwx relay key add`; they need no AppSecret. Each call is logged as a JSON line.
        """
        if ctx.invoked_subcommand is not None:
            return
        from mdwx.relay.server import parse_listen

        host, port = parse_listen(listen)
        if sandbox:
            _serve_sandbox(host, port, as_json)
        else:
            _serve(_settings(config_path, must_exist=True), host, port, as_json)

    @relay.group()
    def key() -> None:
        """Make, list and revoke relay keys (stored hashed, file mode 0600)."""

    @key.command("add")
    @click.argument("name")
    @click.option(
        "--account",
        required=True,
        metavar="ACCOUNT",
        help="The [accounts.ACCOUNT] the key acts for.",
    )
    @click.option(
        "--allow",
        required=True,
        metavar="OPS",
        help="Comma-separated permissions: read, draft, publish, delete, mass, preview, comment; "
        "or all.",
    )
    @click.option(
        "--expires",
        "expires_days",
        type=float,
        default=None,
        metavar="DAYS",
        help="The key stops working after DAYS days, 0.001 to 3660 (default: never).",
    )
    @click.option(
        "--rate",
        type=float,
        default=None,
        metavar="N",
        help="Calls a minute for this key, 0.01 to 1,000,000 "
        "(default: the relay's rate_per_minute).",
    )
    @click.option(
        "--replace",
        is_flag=True,
        help="Replace a key of the same name (the old one stops working).",
    )
    @config_option
    @click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")
    @guard
    def key_add(
        name: str,
        account: str,
        allow: str,
        expires_days: float | None,
        rate: float | None,
        replace: bool,
        config_path: Path | None,
        as_json: bool,
    ) -> None:
        """Make key NAME for ACCOUNT and print it once (only its hash is kept)."""
        from mdwx.relay.keys import KeyStore

        settings = _settings(config_path, must_exist=False)
        if account not in settings.accounts:
            raise _unknown_account(account, config_path, settings.accounts)
        store = KeyStore(settings.keys_file)
        made = store.add(
            name,
            account,
            allow,
            expires_in=None if expires_days is None else expires_days * 86400,
            rate_per_minute=rate,
            replace=replace,
        )
        record = next(k for k in store.records() if k.name == name)
        if as_json:
            _echo_json({"key": made, **record.public()})
        else:
            click.echo(made)
            click.secho(
                f"key {name!r} for account {account!r} may: {', '.join(record.allow)}. "
                "It is shown only now: give it to the client as MDWX_RELAY_KEY.",
                err=True,
            )

    @key.command("list")
    @config_option
    @click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")
    @guard
    def key_list(config_path: Path | None, as_json: bool) -> None:
        """List the keys (names, accounts, permissions, expiry; never the keys)."""
        from mdwx.relay.keys import KeyStore

        records = KeyStore(_settings(config_path, must_exist=False).keys_file).records()
        if as_json:
            _echo_json({"keys": [r.public() for r in records]})
            return
        for r in records:
            until = (
                dt.datetime.fromtimestamp(r.expires, dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
                if r.expires
                else "never"
            )
            click.echo(f"{r.name}\t{r.account}\t{','.join(r.allow)}\texpires {until}")
        if not records:
            click.secho(
                "no relay keys yet: mdwx relay key add NAME --account A --allow draft,publish",
                err=True,
            )

    @key.command("revoke")
    @click.argument("name")
    @config_option
    @click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")
    @guard
    def key_revoke(name: str, config_path: Path | None, as_json: bool) -> None:
        """Revoke key NAME: a running relay refuses it from its next call."""
        from mdwx.relay.keys import KeyStore

        record = KeyStore(_settings(config_path, must_exist=False).keys_file).revoke(name)
        if as_json:
            _echo_json({"revoked": record.public()})
        else:
            click.secho(f"revoked key {name!r} (account {record.account!r})", err=True)


def _serve(
    settings: Any,
    host: str,
    port: int,
    as_json: bool,
    environ: dict[str, str] | None = None,
    before: Callable[[str], None] | None = None,
) -> None:
    """Run the relay; ``before`` gets its bound URL first (the sandbox prints its exports)."""
    from mdwx.relay.server import build_core, json_log, run_relay
    from mdwx.relay.settings import is_loopback

    if not settings.accounts:
        raise ConfigError(
            "the relay's config names no account",
            hint="add [accounts.NAME] with appid and secret_env to relay.toml",
        )
    from mdwx.relay.logfile import log_stream

    with log_stream(settings.log_file) as stream:
        core, http = build_core(settings, environ=environ, log=json_log(stream))

        def listening(url: str) -> None:
            if before is not None:
                before(url)
            if as_json:
                _echo_json(
                    {
                        "listen": url,
                        "upstream": settings.upstream,
                        "accounts": sorted(settings.accounts),
                        "keys_file": str(settings.keys_file),
                    }
                )
            click.secho(
                f"mdwx relay forwarding to {settings.upstream} at {url} for "
                f"{', '.join(sorted(settings.accounts))} — press Ctrl-C to stop.",
                err=True,
            )
            if not is_loopback(url):
                click.secho(
                    "warning: keys travel in clear text on this address; let a TLS reverse proxy "
                    "(docs/relay.md) face the network and listen on 127.0.0.1",
                    err=True,
                    fg="yellow",
                )

        run_relay(core, http, host, port, listening)


def _serve_sandbox(host: str, port: int, as_json: bool) -> None:
    """A relay to an in-process sandbox account, with one throwaway key allowed everything."""
    import tempfile

    from mdwx.accounts import Account
    from mdwx.relay.keys import KeyStore
    from mdwx.relay.settings import RelaySettings
    from mdwx.sandbox import SandboxServer, SandboxSettings
    from mdwx.sandbox.settings import random_appid

    # Each in-process sandbox is its own account (README): a random AppID, never the fixed
    # one `mdwx sandbox` persists, so neither takes the other's articles for its own.
    fresh = SandboxSettings(appid=random_appid(), review_seconds=0.5, video_review_seconds=0.5)
    with (
        tempfile.TemporaryDirectory(prefix="mdwx-relay-") as folder,
        SandboxServer(fresh) as sb,
    ):
        variable = "MDWX_RELAY_SANDBOX_SECRET"
        settings = RelaySettings(
            accounts={"sandbox": Account("sandbox", sb.appid, secret_env=variable)},
            upstream=sb.base_url,
            keys_file=Path(folder) / "relay-keys.json",
        )
        made = KeyStore(settings.keys_file).add("sandbox", "sandbox", "all")

        def exports(url: str) -> None:
            click.secho(
                "sandbox relay: a throwaway account and key (not secrets). Point mdwx at it with:",
                err=True,
            )
            click.secho(
                f"  export MDWX_RELAY_KEY={made}\n  export WECHAT_APPID={sb.appid}\n"
                f"  export MDWX_API_BASE={url}",
                err=True,
            )

        _serve(settings, host, port, as_json, environ={variable: sb.secret}, before=exports)
