"""Posts a generator finds but would not publish: dated in the future, expired, excluded.

Each generator's rule, as its documentation states it:

- Jekyll: a post dated after the build is left out unless ``_config.yml`` sets
  ``future: true`` (jekyllrb.com/docs/configuration/options/, ``future``; default false).
  The date is the front matter's ``date``, else the file name's ``YYYY-MM-DD``.
- Hugo: a page whose ``date`` or ``publishDate`` is in the future is left out unless
  ``buildFuture = true``; one whose ``expiryDate`` is past, unless ``buildExpired = true``
  (gohugo.io/getting-started/usage/#draft-future-and-expired-content).
- MkDocs: files matching ``exclude_docs`` or ``draft_docs`` (gitignore-style patterns relative
  to ``docs_dir``) are not built by ``mkdocs build`` (mkdocs.org/user-guide/configuration/
  #exclude_docs, #draft_docs). ``not_in_nav`` pages are built, so they are posts.
- Pelican: folders named by ``ARTICLE_EXCLUDES`` (by name, or by path relative to ``PATH``)
  hold no articles (docs.getpelican.com/en/latest/settings.html, ``ARTICLE_EXCLUDES``).

The rules are pure: "now" is a parameter, so tests pass a fixed instant. Such a post is
skipped by ``check``, ``build`` and ``publish`` with a ``not-published`` warning the run
says once (:data:`mdwx.diagnostics.SUMMARISED`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, timezone
from pathlib import PurePosixPath
from typing import Any


def wall_clock() -> datetime:
    return datetime.now(timezone.utc)


#: The instant a run judges dates against; tests set it (never the wall clock in a test).
clock: Callable[[], datetime] = wall_clock

_DATE = re.compile(
    r"^\s*(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[T ]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?)?"
    r"\s*(?P<z>Z|[+-]\d{2}:?\d{2})?\s*$"
)


def instant(value: Any) -> datetime | None:
    """A front-matter date as an aware instant (a date or naive time is taken as UTC), or
    None when ``value`` is no date: a date the writer got wrong never withholds a post."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    if not isinstance(value, str):
        return None
    found = _DATE.match(value)
    if not found:
        return None
    zone = found.group("z")
    text = (
        f"{found['y']}-{int(found['m']):02d}-{int(found['d']):02d}"
        f"T{int(found['H'] or 0):02d}:{found['M'] or '00'}:{found['S'] or '00'}"
    )
    if zone and zone != "Z":
        text += zone if ":" in zone else f"{zone[:3]}:{zone[3:]}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def future(value: Any, now: datetime) -> bool:
    """Whether ``value`` is a date after ``now``."""
    when = instant(value)
    return when is not None and when > now


def jekyll_reason(
    front: dict[str, object], file_date: str | None, now: datetime, *, allow: bool
) -> str | None:
    """Why Jekyll would leave the post out (dated after ``now``), or None."""
    if allow:
        return None
    when = front.get("date", file_date)
    if future(when, now):
        return f"dated {when} (after now); Jekyll publishes it once due (future: true to build it)"
    return None


def hugo_reason(
    front: dict[str, object], now: datetime, *, build_future: bool, build_expired: bool
) -> str | None:
    """Why Hugo would leave the page out (future ``date``/``publishDate``, past
    ``expiryDate``), or None. Front-matter keys are matched without regard to case, as Hugo does."""
    lowered = {str(key).lower(): value for key, value in front.items()}
    publish = _first_date(lowered, _HUGO_PUBLISH_DATE)
    if not build_future and publish and future(publish[1], now):
        return f"{publish[0]} {publish[1]} is in the future; Hugo builds it then (buildFuture)"
    expiry = _first_date(lowered, _HUGO_EXPIRY_DATE)
    if not build_expired and expiry and not future(expiry[1], now):
        return f"{expiry[0]} {expiry[1]} has passed; Hugo leaves it out (buildExpired)"
    return None


#: Hugo's default ``[frontmatter]`` lookups (gohugo.io/configuration/front-matter/#dates):
#: the first key set to a date gives the page's publishDate / expiryDate.
_HUGO_PUBLISH_DATE = ("publishdate", "pubdate", "published", "date")
_HUGO_EXPIRY_DATE = ("expirydate", "unpublishdate")


def _first_date(front: dict[str, object], keys: tuple[str, ...]) -> tuple[str, Any] | None:
    return next(((key, front[key]) for key in keys if instant(front.get(key)) is not None), None)


def mkdocs_reason(relative: str, patterns: Iterable[str]) -> str | None:
    """Why MkDocs would leave ``relative`` (a path under ``docs_dir``) out: it matches one
    of ``exclude_docs``' gitignore-style patterns; or None."""
    lines = [line for line in patterns if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        return None
    import pathspec  # only a MkDocs site with exclude_docs pays its start-up (issue 19)

    spec = pathspec.GitIgnoreSpec.from_lines(lines)
    return (
        "excluded by exclude_docs/draft_docs in mkdocs.yml" if spec.match_file(relative) else None
    )


def pelican_reason(relative: str, excludes: Iterable[str]) -> str | None:
    """Why Pelican would leave ``relative`` (a path under ``PATH``) out: a folder it lies in
    is named by ``ARTICLE_EXCLUDES``, by its name or its path; or None."""
    folders = PurePosixPath(relative).parts[:-1]
    paths = {"/".join(folders[: end + 1]) for end in range(len(folders))}
    for exclude in excludes:
        name = exclude.strip("/")
        if name and (name in folders or name in paths):
            return f"in {name}/, which ARTICLE_EXCLUDES in pelicanconf.py leaves out"
    return None
