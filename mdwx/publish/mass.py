"""Offline pieces of reaching followers (``docs/reach.md``): who a preview or a 群发 goes to,
the idempotent ``clientmsgid`` of a send, and the quotas in words. No I/O here.

A send's ``clientmsgid`` is derived from what is sent — the account, the target and each
post's path and version (the hash of the article as uploaded) — so a retried or killed run
asks WeChat for *the same* send, which it answers with 45065 and the existing ``msg_id``
instead of sending twice; an edited post is a new version and may be sent again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from mdwx.errors import ConfigError
from mdwx.settings.recipients import OPENID as _OPENID
from mdwx.settings.recipients import OPENID_PREFIX, OPENID_SHAPE, recipient_problem

#: WeChat allows about this many previews a day per account (then 45009).
PREVIEW_DAILY_LIMIT = 100
#: Warn when this few previews of the day are left.
PREVIEW_WARN_MARGIN = 10
CLIENTMSGID_PREFIX = "mdwx-"
OPENIDS_MAX_FILE_BYTES = 1024 * 1024  # 10,000 OpenIDs of 28 characters fit easily
#: WeChat's most OpenIDs for one ``message/mass/send``.
OPENIDS_MAX = 10_000


@dataclass(frozen=True)
class Recipient:
    """One WeChat user a preview goes to: by 微信号 (``towxname``) or by OpenID (``touser``)."""

    wxname: str | None = None
    openid: str | None = None

    def __str__(self) -> str:
        return self.wxname or f"openid {self.openid}"


def parse_recipient(value: str, *, where: str = "preview_to") -> Recipient:
    """``preview_to`` as written in mdwx.toml: a 微信号, or ``openid:ID``
    (:func:`mdwx.settings.recipients.recipient_problem` says which values are refused).

    Raises :class:`ConfigError` for an empty value or a malformed OpenID.
    """
    problem = recipient_problem(value, where)
    if problem is not None:
        raise ConfigError(problem.message, hint=problem.hint)
    text = value.strip()
    if text.lower().startswith(OPENID_PREFIX):
        return Recipient(openid=text[len(OPENID_PREFIX) :].strip())
    return Recipient(wxname=text)


@dataclass(frozen=True)
class Target:
    """Who a 群发 goes to: every follower, one tag (by id or by name, resolved with
    ``tags/get``) or a list of OpenIDs (``message/mass/send``)."""

    to_all: bool = False
    tag: str | None = None
    openids: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The target as the state records it and the clientmsgid is derived from."""
        if self.to_all:
            return "all"
        if self.tag is not None:
            return f"tag:{self.tag}"
        digest = hashlib.sha256("\n".join(sorted(self.openids)).encode()).hexdigest()[:12]
        return f"openids:{len(self.openids)}:{digest}"

    def describe(self) -> str:
        if self.to_all:
            return "every follower"
        if self.tag is not None:
            return f"the followers tagged {self.tag}"
        return f"{len(self.openids)} followers by OpenID"


def parse_openids(text: str, *, path: str) -> tuple[str, ...]:
    """OpenIDs, one a line (blank lines and ``#`` comments skipped), each checked; raises
    :class:`ConfigError` naming the file and line of a bad one (nothing of the line's content:
    the file may hold secrets), or for fewer than 2 or more than 10,000 (WeChat's bounds for
    ``message/mass/send``)."""
    found: dict[str, None] = {}  # ordered and linear: a list's `in` made 131,000 ids quadratic
    for number, line in enumerate(text.splitlines(), 1):
        value = line.split("#", 1)[0].strip()
        if not value:
            continue
        if not _OPENID.fullmatch(value):
            # Never the line itself: the file may be anything (a token cache, an environment),
            # and an error message is printed and logged.
            raise ConfigError(f"not an OpenID ({OPENID_SHAPE})", path=path, line=number)
        found[value] = None
        if len(found) > OPENIDS_MAX:  # refused here, without reading the rest of the file
            raise _count_error(f"more than {OPENIDS_MAX:,} OpenIDs", path=path, line=number)
    if len(found) < 2:
        raise _count_error(f"{len(found)} OpenIDs", path=path, line=None)
    return tuple(found)


def _count_error(what: str, *, path: str, line: int | None) -> ConfigError:
    return ConfigError(
        f"{what}: sending by OpenID takes 2 to {OPENIDS_MAX:,}",
        path=path,
        line=line,
        hint="use --to all or --tag for one follower or for everyone",
    )


def clientmsgid(appid: str, target: Target, versions: Sequence[tuple[str, str]]) -> str:
    """The send's ``clientmsgid`` (≤ 64 bytes): derived from the account, the target and
    each post's (path, version) in article order — the same send always gets the same id."""
    text = "\n".join([appid, target.key, *(f"{path}\t{version}" for path, version in versions)])
    return CLIENTMSGID_PREFIX + hashlib.sha256(text.encode()).hexdigest()[:40]


def previews_left(used: int) -> int:
    return max(0, PREVIEW_DAILY_LIMIT - used)
