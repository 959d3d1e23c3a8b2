"""``doctor``: what this machine and this account can do, each as a check with its fix.

The checks, in order: the state database (what ``state check`` checks), credentials present
and accepted (a token obtained; 40013/40125 explained), this machine's address against the
account's IP whitelist (40164 names it), the account's capabilities (one harmless read-only
probe each: a 48001 is the July 2025 policy for personal and unverified accounts), the
configured backend against those, the material library's fill level, and the clock against
WeChat's (the HTTP ``Date`` header). A failing check does not stop the others, except that
nothing is probed without a token. See ``docs/account.md``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mdwx.account.policy import DRAFT_ROUTE, PASTE_ROUTE, POLICY_48001
from mdwx.account.session import AccountSession, open_account, site_config
from mdwx.account.types import DoctorCheck, DoctorReport
from mdwx.publish.run_options import RunOptions
from mdwx.publish.state.recovery import recover_command
from mdwx.publish.state.store import State
from mdwx.wechat.errors import (
    IPWhitelistError,
    PermissionDenied,
    TokenError,
    TransportError,
    WeChatError,
)
from mdwx.wechat.reach_models import MATERIAL_CAPS

if TYPE_CHECKING:
    from mdwx.wechat import WeChatClient

#: Fill levels of the image library that warn and fail (of WeChat's 100,000).
FILL_WARN, FILL_FAIL = 0.80, 0.95
#: Seconds of clock difference that warn (scheduling, token lifetimes) and fail.
SKEW_WARN, SKEW_FAIL = 30.0, 300.0
WHITELIST_PLACE = "mp.weixin.qq.com → 设置与开发 → 基本配置 → IP白名单"


@dataclass(frozen=True)
class Capability:
    """A permission, the read-only call that shows whether the account has it, and what a
    48001 from it means and leaves."""

    name: str
    words: str
    probe: Callable[[WeChatClient], Awaitable[Any]]
    refused: str = POLICY_48001
    fix: str = PASTE_ROUTE


def _yesterday() -> dt.date:
    return (dt.datetime.now(dt.timezone(dt.timedelta(hours=8))) - dt.timedelta(days=1)).date()


VERIFY = "verify the account (mp.weixin.qq.com → 设置与开发 → 账号设置)"
CAPABILITIES = (
    Capability("draft", "the draft box (draft/*)", lambda c: c.draft_count()),
    Capability(
        "freepublish",
        "publishing (freepublish/*)",
        lambda c: c.freepublish_batchget(0, 1, no_content=True),
    ),
    Capability(
        "material",
        "the material library (material/*)",
        lambda c: c.material_count(),
        "the account may not manage its material library",
        VERIFY,
    ),
    Capability(
        "mass",
        "mass send and preview (message/mass/*)",
        lambda c: c.mass_permission_probe(),
        "mass send and preview need a verified account",
        f"{VERIFY}, or send from the console (群发)",
    ),
    Capability(
        "analytics",
        "analytics (datacube/*)",
        lambda c: c.datacube("getarticletotaldetail", _yesterday(), _yesterday()),
        "analytics through the API need a verified account",
        f"{VERIFY}; the console's 数据分析 shows the same figures",
    ),
)
#: Probes whose refusal of the body (not of the permission) still shows the permission.
_BODY_CODES = frozenset({40007, 40097, 88000})


async def doctor(folder: Path, options: RunOptions | None = None) -> DoctorReport:
    """Run every check for the site at ``folder`` (``options.account``: that account).

    Never raises for what it checks (a refused token is a failed check); raises
    :class:`~mdwx.errors.ConfigError` for an unknown account or an unreadable config.
    """
    options = options or RunOptions()

    config, _ = site_config(folder, options)
    report = DoctorReport(options.account, config.backend)
    state_check = _state_check(config.state_path)
    report.checks.append(state_check)
    if state_check.status == "fail":
        return report
    async with open_account(folder, options, need_client=False) as session:
        report.checks += await _online_checks(session, options)
    return report


def _state_check(path: Path) -> DoctorCheck:
    if not path.exists():
        return DoctorCheck(
            "state", "ok", f"no state database yet ({path}): nothing published from here"
        )
    try:
        State.open(path).close()
        import sqlite3

        conn = sqlite3.connect(path)
        try:
            verdict = str(conn.execute("PRAGMA quick_check(1)").fetchone()[0])
        finally:
            conn.close()
    except Exception as exc:  # noqa: BLE001 - a damaged file (any error opening it) is what this reports
        return DoctorCheck(
            "state",
            "fail",
            f"the state database is damaged: {exc}",
            f"run `{recover_command(path)}`",
        )
    if verdict != "ok":
        return DoctorCheck(
            "state",
            "fail",
            f"the state database is damaged: {verdict}",
            f"run `{recover_command(path)}`",
        )
    return DoctorCheck("state", "ok", f"the state database is healthy ({path})")


async def _online_checks(session: AccountSession, options: RunOptions) -> list[DoctorCheck]:
    client = session.client
    if client is None:
        return [
            DoctorCheck(
                "credentials",
                "fail",
                "no WeChat credentials",
                "set WECHAT_APPID and WECHAT_APPSECRET (or WECHAT_ACCESS_TOKEN; for an account, the "
                "variables its [accounts.NAME] names), or pass --sandbox",
            )
        ]
    checks = await _token_checks(client)
    if any(c.status == "fail" for c in checks):
        return checks
    found = [await _probe(client, cap) for cap in CAPABILITIES]
    checks += found
    checks.append(
        _backend_check(session.backend, {c.details["capability"]: c.status for c in found})
    )
    if next(c for c in found if c.details["capability"] == "material").status == "ok":
        checks.append(await _fill_check(client))
    checks.append(await _clock_check(client, options))
    return checks


async def _token_checks(client: WeChatClient) -> list[DoctorCheck]:
    try:
        await client.token_check()
    except IPWhitelistError as exc:
        ip = exc.ip or "this machine's public IP"
        return [
            DoctorCheck(
                "credentials", "skip", "credentials not checked: WeChat refused this machine first"
            ),
            DoctorCheck(
                "ip_whitelist",
                "fail",
                f"WeChat sees this machine as {ip}, which is not on the account's "
                "IP whitelist (40164)",
                f"add {ip} in {WHITELIST_PLACE}, or run `mdwx relay` on a whitelisted machine and set "
                "MDWX_API_BASE to it; never whitelist 0.0.0.0/0",
                {"ip": exc.ip},
            ),
        ]
    except TokenError as exc:
        return [
            DoctorCheck(
                "credentials", "fail", _credential_words(exc), exc.hint, {"errcode": exc.errcode}
            )
        ]
    except (TransportError, WeChatError) as exc:
        return [DoctorCheck("credentials", "fail", f"no token: {exc}", exc.hint)]
    accepted = (
        "the relay accepted this machine's key (it holds the account's token)"
        if client.relay
        else "credentials present and accepted (access token obtained)"
    )
    return [
        DoctorCheck("credentials", "ok", accepted),
        DoctorCheck(
            "ip_whitelist",
            "ok",
            "this machine may call the API (its IP is whitelisted, or the "
            "account has no whitelist)",
        ),
    ]


def _credential_words(exc: Any) -> str:
    if exc.errcode == 40125:
        return "WeChat refused the AppSecret (40125): wrong, or reset since it was copied"
    if exc.errcode == 40013:
        return "WeChat refused the AppID (40013): not an Official Account's AppID (a typo, or a Mini Program's)"
    return f"WeChat refused the credentials: {exc.message}"


async def _probe(client: WeChatClient, cap: Capability) -> DoctorCheck:
    details = {"capability": cap.name}
    try:
        await cap.probe(client)
    except PermissionDenied as exc:
        if exc.errcode == 48001:
            return DoctorCheck(
                f"capability:{cap.name}",
                "fail",
                f"no permission for {cap.words} (48001): " + cap.refused,
                cap.fix,
                {**details, "errcode": 48001},
            )
    except WeChatError as exc:
        if exc.errcode not in _BODY_CODES:
            return DoctorCheck(
                f"capability:{cap.name}",
                "warn",
                f"could not probe {cap.words}: {exc}",
                exc.hint,
                {**details, "errcode": exc.errcode},
            )
    return DoctorCheck(
        f"capability:{cap.name}", "ok", f"the account may use {cap.words}", None, details
    )


def _backend_check(backend: str, capabilities: dict[str, str]) -> DoctorCheck:
    """The backend publishing goes through needs the draft box, and freepublish to submit."""
    if backend != "draft":
        return DoctorCheck(
            "backend",
            "ok",
            f"backend {backend!r}: the media API (cgi-bin/publish/*) has no "
            "read-only call; `mdwx publish --dry-run` checks posts against it",
        )
    if capabilities.get("draft") == "fail":
        return DoctorCheck(
            "backend",
            "fail",
            "backend 'draft', but the account may not use the draft box",
            PASTE_ROUTE,
        )
    if capabilities.get("freepublish") == "fail":
        return DoctorCheck(
            "backend",
            "warn",
            "backend 'draft': drafts can be uploaded, but not published "
            "(freepublish answers 48001)",
            DRAFT_ROUTE,
        )
    return DoctorCheck(
        "backend", "ok", "backend 'draft': the draft box and publishing are both allowed"
    )


async def _fill_check(client: WeChatClient) -> DoctorCheck:
    count = await client.material_count()
    fill = count.fill("image")
    text = f"the image library holds {count.image:,} of {MATERIAL_CAPS['image']:,} ({fill:.0%})"
    details = {"image": count.image, "video": count.video, "voice": count.voice, "news": count.news}
    if fill >= FILL_WARN:
        return DoctorCheck(
            "materials",
            "fail" if fill >= FILL_FAIL else "warn",
            text,
            "`mdwx materials prune` deletes the covers mdwx uploaded that no article uses any more",
            details,
        )
    return DoctorCheck("materials", "ok", text, None, details)


async def _clock_check(client: WeChatClient, options: RunOptions) -> DoctorCheck:
    theirs = await client.server_time()
    if theirs is None:
        return DoctorCheck(
            "clock", "skip", "WeChat's answer carried no Date header: clock not compared"
        )
    ours = options.now() if options.now else dt.datetime.now(dt.timezone.utc)
    skew = (ours - theirs).total_seconds()
    text = (
        f"this machine's clock is {abs(skew):.0f} s {'ahead of' if skew > 0 else 'behind'} WeChat's"
    )
    if abs(skew) < SKEW_WARN:
        return DoctorCheck(
            "clock",
            "ok",
            f"the clock agrees with WeChat's (within {SKEW_WARN:.0f} s)",
            None,
            {"skew_seconds": round(skew, 1)},
        )
    return DoctorCheck(
        "clock",
        "fail" if abs(skew) >= SKEW_FAIL else "warn",
        text + ": publish_at schedules and token lifetimes go wrong",
        "synchronise the clock (NTP: timedatectl set-ntp true)",
        {"skew_seconds": round(skew, 1)},
    )
