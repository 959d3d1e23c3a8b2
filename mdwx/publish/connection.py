"""Connecting to WeChat: the client for the real API or for an in-process sandbox, the state.

What ``publish --sandbox`` and the credentials from the environment used to wire up in the
command line lives here, so a plugin gets the same behaviour from :mod:`mdwx.api`.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import secrets
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mdwx.config import check_api_base
from mdwx.errors import ConfigError, MdwxError
from mdwx.files.reader import read_config_text
from mdwx.publish.identity import adopt_hidden_states
from mdwx.publish.run_options import Credentials, RunOptions
from mdwx.publish.state.store import State
from mdwx.publish.state.synced import open_site_state
from mdwx.source.posts import Post as SitePost
from mdwx.wechat import MemoryTokenCache, WeChatClient

if TYPE_CHECKING:
    from mdwx.config import SiteConfig
    from mdwx.sandbox import SandboxServer
    from mdwx.wechat import WeChatClient

# The in-process sandbox is an account of its own, apart from `mdwx sandbox`'s default one,
# and each of its instances (each sandbox.db) has its own AppID: state recorded against one
# is never taken for another (they hold different articles). INPROCESS_APPID names the data
# of a sandbox.db made before instances had their own.
INPROCESS_APPID = "wx1b5e4d0c1b5e4d0c"
SANDBOX_APPID_FILE = "sandbox.appid"
INPROCESS_SECRET = "in-process-sandbox-secret-7f3a9c1e"
NO_APPID = "default"  # the state's key when a token is given without an AppID
SANDBOX_POLL = 0.1  # the in-process sandbox reviews in 0.5 s: follow it at its pace
SANDBOX_REVIEW_SECONDS = 0.5


@dataclass
class Connection:
    """A client (None when not needed and no credentials) and the AppID keying the state."""

    client: WeChatClient | None
    appid: str
    sandbox: SandboxServer | None = None


def sandbox_folder(config: SiteConfig, account: str | None = None) -> Path:
    """Where the in-process sandbox keeps its data: ROOT/.mdwx, or a folder per named account.

    Each account is then its own emulated Official Account, with its own AppID.
    """
    folder = config.root / ".mdwx"
    return folder / "sandbox-accounts" / account if account else folder


def state_appid(options: RunOptions, config: SiteConfig, account: str | None = None) -> str:
    """The AppID the state keys this call's records by, without connecting."""
    if options.sandbox:
        return inprocess_appid(sandbox_folder(config, account))
    return (options.credentials or Credentials()).appid or NO_APPID


@contextlib.asynccontextmanager
async def connect(
    config: SiteConfig,
    options: RunOptions,
    *,
    need_client: bool = True,
    account: str | None = None,
    **client_options: Any,
) -> AsyncIterator[Connection]:
    """A client for the real API (``options.credentials``) or an in-process sandbox.

    With ``need_client=False`` and no usable credentials the connection has no client (a
    dry run, or ``status`` answering from the record). The client is closed, and the
    sandbox stopped, on leaving. ``account`` names the ``[accounts.NAME]`` connected for
    (the in-process sandbox then emulates that account apart from the others). Raises :class:`ConfigError` for missing credentials.
    """
    if options.sandbox:
        from mdwx.sandbox import SandboxServer, SandboxSettings

        folder = sandbox_folder(config, account)
        settings = SandboxSettings(
            appid=inprocess_appid(folder),
            secret=INPROCESS_SECRET,
            state_path=folder / "sandbox.db",
            review_seconds=SANDBOX_REVIEW_SECONDS,
            video_review_seconds=SANDBOX_REVIEW_SECONDS,
        )
        server = await asyncio.to_thread(
            _start_sandbox, SandboxServer, settings, options.sandbox_port
        )
        try:
            client = WeChatClient(
                server.appid,
                server.secret,
                api_base=server.base_url,
                token_cache=MemoryTokenCache(),
                **client_options,
            )
            try:
                yield Connection(client, server.appid, server)
            finally:
                await client.aclose()
        finally:
            await asyncio.to_thread(server.stop)
        return
    credentials = options.credentials or Credentials()
    usable = credentials.secret or credentials.access_token or credentials.relay_key
    if not need_client and not usable:
        yield Connection(None, credentials.appid or NO_APPID)
        return
    check_api_base(
        config,
        given=options.api_base,
        allowed=options.allow_api_base,
        account=config.accounts.get(account) if account else None,
    )
    client = WeChatClient(
        credentials.appid,
        credentials.secret,
        api_base=config.api_base,
        access_token=credentials.access_token,
        token_mode=config.token_endpoint,
        token_cache=options.token_cache,
        transport=options.transport,
        relay_key=credentials.relay_key,
        **client_options,
    )
    try:
        if credentials.relay_key and need_client:  # a wrong key stops here, nothing sent yet
            await client.check_relay()
        yield Connection(client, client.appid or NO_APPID)
    finally:
        await client.aclose()


def inprocess_appid(folder: Path) -> str:
    """The AppID of the in-process sandbox whose data is ``folder/sandbox.db``.

    A new sandbox.db gets a new random AppID (kept in ``sandbox.appid`` beside it), so
    records of a sandbox whose file was deleted or replaced are not taken for this one.
    Raises :class:`ConfigError` when the AppID file cannot be written.
    """
    database, marker = folder / "sandbox.db", folder / SANDBOX_APPID_FILE
    if database.exists():
        try:
            text = read_config_text(marker).strip()
        except MdwxError:
            text = ""
        return text if re.fullmatch(r"wx[0-9a-f]{16}", text) else INPROCESS_APPID
    appid = "wx" + secrets.token_hex(8)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        marker.write_text(appid + "\n", encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write the sandbox's AppID: {exc.strerror}", path=marker) from exc
    return appid


def _start_sandbox(server_class: type[SandboxServer], settings: Any, port: int) -> SandboxServer:
    try:
        return server_class(settings, port=port).start()
    except OSError:
        return server_class(settings, port=0).start()


def by_site(posts: Sequence[SitePost]) -> list[list[SitePost]]:
    """The posts grouped by site root (each site has its own state), in the order given."""
    groups: dict[Path, list[SitePost]] = {}
    for post in posts:
        groups.setdefault(post.config.root, []).append(post)
    return list(groups.values())


def open_state(posts: Sequence[SitePost], notes: list[str], *, write: bool = True) -> State:
    """The site's state, with the records of any earlier state file its root hides taken over.

    The site's ``state_file`` export is merged in first and, unless ``write=False`` (dry
    runs, status), written again as the state closes (mdwx.publish.state.synced): the one
    way a run that may send opens its state.
    Raises :class:`~mdwx.errors.StateError` for a locked, corrupt or newer database, or an
    export that does not parse.
    """
    state = open_site_state(posts[0].config, notes, write=write)
    try:
        notes += adopt_hidden_states(state, posts)
    except BaseException:
        state.close()
        raise
    return state
