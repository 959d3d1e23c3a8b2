"""Front matter saying where and when a post goes: ``accounts`` and ``publish_at``.

``accounts: [blog, news]`` names accounts of the site's ``[accounts.NAME]`` tables; the post
is published to each. ``publish_at`` is an ISO 8601 time with a zone (``2026-12-01T08:00:00+08:00``,
``…Z``): ``mdwx publish`` uploads the post as a draft before it and submits it on the first
run at or after it. YAML may already have made the value a ``datetime`` (an unquoted
timestamp) or a ``date``; every form is accepted only with a zone, so a post never goes out
at a time read in whatever zone the runner happens to be in.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from mdwx.config import SiteConfig
from mdwx.errors import ArticleError

ZONE_HINT = "add the zone: publish_at: 2026-12-01T08:00:00+08:00 (Beijing) or …T00:00:00Z (UTC)"


def publish_at(front: dict[str, object], lines: dict[str, int], path: Path) -> dt.datetime | None:
    """The front matter's ``publish_at`` as an aware datetime, or None when absent.

    Raises :class:`ArticleError` naming the key's line for a value that is not an ISO 8601
    time, or that has no zone (a bare date included).
    """
    value = front.get("publish_at")
    if value is None:
        return None
    line = lines.get("publish_at")
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        raise ArticleError(
            f"publish_at {value.isoformat()} is a date without a time and zone",
            path=path,
            line=line,
            hint=ZONE_HINT,
        )
    elif isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise ArticleError(
                f"publish_at {value[:60]!r} is not an ISO 8601 time",
                path=path,
                line=line,
                hint=ZONE_HINT,
            ) from None
    else:
        raise ArticleError(
            f"publish_at must be an ISO 8601 time, not {type(value).__name__}",
            path=path,
            line=line,
            hint=ZONE_HINT,
        )
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ArticleError(
            f"publish_at {moment.isoformat()} has no time zone",
            path=path,
            line=line,
            hint=ZONE_HINT,
        )
    return moment


def accounts(
    front: dict[str, object], lines: dict[str, int], path: Path, config: SiteConfig
) -> tuple[str, ...]:
    """The front matter's ``accounts`` (a name or a list of names), each one of the site's.

    Raises :class:`ArticleError` naming the key's line for a value that is not a list of
    names, or a name without an ``[accounts.NAME]`` table in the site's config.
    """
    value = front.get("accounts")
    if value is None:
        return ()
    line = lines.get("accounts")
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
        raise ArticleError(
            "accounts must be an account name or a non-empty list of names",
            path=path,
            line=line,
            hint="accounts: [blog, news]",
        )
    for name in names:
        if name not in config.accounts:
            known = ", ".join(sorted(config.accounts)) or "none"
            raise ArticleError(
                f"account {name!r} is not defined in the site's config (known: {known})",
                path=path,
                line=line,
                hint=f"add [accounts.{name}] with its appid and secret_env to mdwx.toml",
            )
    return tuple(dict.fromkeys(names))  # named twice: published once
