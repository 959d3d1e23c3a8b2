"""The ``[bundles]`` table of mdwx.toml: the second way to form a 多图文 bundle.

A site is one folder with one config, so the bundles a site sends can be listed there, each
an array of the posts' paths (relative to the site folder) in message order, the 头条 first::

    [bundles]
    weekly-42 = ["posts/lead.md", "posts/second.md", "posts/third.md"]

It means exactly what ``bundle: weekly-42`` with ``bundle_index: 1, 2, 3`` in the three posts'
front matter means (docs/reach.md, "多图文"): :func:`table_place` gives the post its bundle and
place when the post is read through the gate (:mod:`mdwx.source.article`), so every door —
the CLI, hooks, ``--changed-since``, plugins — sees the same bundle. Checked when the config
is read (:func:`parse_bundles`): a name of letters, digits, ``_ . -``; 1 to 8 posts; each an
existing file inside the site, listed once in the whole table. A post whose own front matter
names another bundle, or another place, is refused when it is read (:func:`table_place`).
Every error is one line naming mdwx.toml and the bundle's line.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from mdwx.bundles.keys import BUNDLE_NAME
from mdwx.config_tables import setting_error
from mdwx.errors import ConfigError
from mdwx.settings.lines import table_key_error

#: WeChat's most articles in one draft (draft/add): the table refuses a longer bundle at once.
MAX_TABLE_ARTICLES = 8
TABLE = "bundles"
#: The table as the settings reference (docs/settings.md) describes it: its one key's form,
#: its value and what it is.
TABLE_KEY = f"{TABLE}.NAME"
TABLE_VALUE = f"array of 1–{MAX_TABLE_ARTICLES} post paths (relative to the site folder)"
TABLE_DOC = (
    "one 多图文 bundle NAME (letters, digits, `_ . -`, at most 64): its posts in message order, "
    "the 头条 first; the same as `bundle: NAME` and `bundle_index: 1, 2, …` in the posts' front "
    "matter (docs/reach.md, 多图文). Each post exists inside the site and is listed once in the "
    "whole table; a post whose front matter names another bundle or place is refused"
)
TABLE_EXAMPLE = '[bundles]\nweekly-42 = ["posts/lead.md", "posts/second.md", "posts/third.md"]'


def parse_bundles(data: Any, where: Path, root: Path) -> dict[str, tuple[str, ...]]:
    """``[bundles]`` → bundle name → the posts' site-relative posix paths, in message order.

    Raises :class:`ConfigError` naming ``where`` and the bundle's line.
    """
    if not isinstance(data, dict):
        raise setting_error(where, TABLE, '[bundles] must be a table: NAME = ["posts/a.md", …]')
    found: dict[str, tuple[str, ...]] = {}
    owner: dict[str, str] = {}
    for name, value in data.items():
        if not BUNDLE_NAME.match(str(name)):
            raise table_key_error(
                where,
                TABLE,
                str(name),
                f"bundle name {str(name)[:64]!r}: letters, digits, '_', '.' or '-'",
            )
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise table_key_error(
                where,
                TABLE,
                str(name),
                f"bundles.{name} must be an array of post paths",
                hint=_HINT,
            )
        if not value:
            raise table_key_error(
                where,
                TABLE,
                str(name),
                f"bundles.{name} lists no posts; a 多图文 bundle needs at least one",
                hint=f"list its posts, as in {_HINT}, or remove the entry",
            )
        if len(value) > MAX_TABLE_ARTICLES:
            raise table_key_error(
                where,
                TABLE,
                str(name),
                f"bundles.{name} lists {len(value)} posts; a 多图文 message holds 1 to "
                f"{MAX_TABLE_ARTICLES} articles",
                hint=f"split it into bundles of at most {MAX_TABLE_ARTICLES}",
            )
        paths = []
        for text in value:
            rel = _post_path(text, name, where, root)
            if rel in owner:
                where_else = "twice in it" if owner[rel] == name else f"in {owner[rel]!r} too"
                raise table_key_error(
                    where,
                    TABLE,
                    str(name),
                    f"bundles.{name} lists {rel} {where_else}: a post is one article of one bundle",
                )
            owner[rel] = name
            paths.append(rel)
        found[str(name)] = tuple(paths)
    return found


_HINT = 'bundles.weekly = ["posts/lead.md", "posts/second.md"] (paths in the site folder)'


def _post_path(text: str, name: str, where: Path, root: Path) -> str:
    """One listed post as its site-relative posix path; the file must exist in the site."""
    pure = PurePosixPath(text.replace("\\", "/"))
    if not text.strip() or pure.is_absolute() or ".." in pure.parts or "\0" in text:
        raise table_key_error(
            where,
            TABLE,
            str(name),
            f"bundles.{name}: {text[:80]!r} is not a path inside the site folder",
            hint=_HINT,
        )
    path = root / pure
    real = Path(os.path.realpath(path))
    if not real.is_relative_to(Path(os.path.realpath(root))):
        raise table_key_error(
            where,
            TABLE,
            str(name),
            f"bundles.{name}: {pure} leads outside the site folder",
            hint=_HINT,
        )
    if not real.is_file():
        raise table_key_error(
            where,
            TABLE,
            str(name),
            f"bundles.{name} lists {pure}, which is not a file of the site",
            hint="check the path (relative to the folder holding mdwx.toml)",
        )
    return real.relative_to(Path(os.path.realpath(root))).as_posix()


def table_bundle(bundles: Mapping[str, tuple[str, ...]], relative: str) -> tuple[str, int] | None:
    """The bundle the table lists the post in and its place (1 for the 头条), or None."""
    for name, paths in bundles.items():
        if relative in paths:
            return name, paths.index(relative) + 1
    return None


def table_place(
    config: Any,
    path: Path,
    front_bundle: str,
    front_index: int | None,
) -> tuple[str, int | None]:
    """The post's bundle and ``bundle_index``: the table's when it lists the post, else the
    front matter's. Raises :class:`ConfigError` (mdwx.toml and the bundle's line) when the
    post's front matter names another bundle, or another place in the same one."""
    bundles: Mapping[str, tuple[str, ...]] = getattr(config, "bundles", {}) or {}
    if not bundles:
        return front_bundle, front_index
    try:
        relative = Path(os.path.realpath(path)).relative_to(config.root).as_posix()
    except ValueError:
        return front_bundle, front_index
    listed = table_bundle(bundles, relative)
    if listed is None:
        return front_bundle, front_index
    name, place = listed
    where = config.config_path or config.root / "mdwx.toml"
    if front_bundle and front_bundle != name:
        raise table_key_error(
            where,
            TABLE,
            name,
            f"bundles.{name} lists {relative}, whose front matter says bundle: {front_bundle}",
            hint="keep one of the two: the [bundles] entry or the post's bundle: line",
        )
    if front_index is not None and front_index != place:
        raise table_key_error(
            where,
            TABLE,
            name,
            f"bundles.{name} makes {relative} article {place}, its front matter says "
            f"bundle_index: {front_index}",
            hint="the table's order is the message's: drop bundle_index from the post",
        )
    return name, place


def check_listed(config: Any, admitted: set[str]) -> None:
    """Every post the table lists is one of the site's posts (``admitted``: their relative
    paths); raises :class:`ConfigError` naming the bundle's line otherwise."""
    where = config.config_path or config.root / "mdwx.toml"
    for name, paths in (getattr(config, "bundles", {}) or {}).items():
        for rel in paths:
            if rel not in admitted:
                raise ConfigError(
                    f"bundles.{name} lists {rel}, which is not one of the site's posts "
                    "(not Markdown, or left out by the site's include/exclude)",
                    path=where,
                    line=table_key_error(where, TABLE, name, "").line,
                )


def table_line(config: Any, name: str) -> tuple[Path, int | None] | None:
    """mdwx.toml and the line of bundle ``name``'s entry, when the table lists it (else None)."""
    if name not in (getattr(config, "bundles", {}) or {}):
        return None
    where = config.config_path or config.root / "mdwx.toml"
    return where, table_key_error(where, TABLE, name, "").line
