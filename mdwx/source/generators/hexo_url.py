"""Where Hexo publishes a post, and so which file a picture relative to the post's URL names.

Hexo's Markdown renderer (hexo-renderer-marked, ``prependRoot`` off by default) leaves a
relative ``![](x.png)`` as written, so the reader's browser resolves it against the post's
URL, which the site's ``permalink`` setting makes (hexo.io/docs/permalinks; default
``:year/:month/:day/:title/``). What lies under the post's own URL is its asset folder
``source/_posts/<name>/`` when ``post_asset_folder`` is on (hexo.io/docs/asset-folders); what
lies elsewhere is a file of ``source/`` (or a theme's ``source/``) published at that path.
So ``../../../../img/a.png`` from ``/2020/01/02/foo/`` is ``source/img/a.png``, and
``/2020/01/02/foo/a.png`` is ``foo/a.png`` of the post's asset folder.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from mdwx.errors import MdwxError
from mdwx.files.reader import read_config_text
from mdwx.source.yaml_load import load as load_yaml

DEFAULT_PERMALINK = ":year/:month/:day/:title/"
_VARIABLE = re.compile(r":(\w+)")


@dataclass(frozen=True)
class HexoSite:
    """The settings of ``_config.yml`` that place a post's URL."""

    permalink: str = DEFAULT_PERMALINK
    root: str = "/"
    post_asset_folder: bool = False


@lru_cache(maxsize=16)
def hexo_site(site_root: Path) -> HexoSite:
    """``permalink``, ``root`` and ``post_asset_folder`` of the site's ``_config.yml``
    (Hexo's defaults where unset or unreadable)."""
    try:
        data = load_yaml(read_config_text(site_root / "_config.yml"))
    except (MdwxError, yaml.YAMLError, RecursionError):
        data = None
    data = data if isinstance(data, dict) else {}
    permalink = data.get("permalink")
    root = data.get("root")
    return HexoSite(
        permalink if isinstance(permalink, str) and permalink.strip() else DEFAULT_PERMALINK,
        "/" + root.strip("/") + "/" if isinstance(root, str) and root.strip("/") else "/",
        data.get("post_asset_folder") is True,
    )


def post_url(path: Path, site_root: Path, front: dict[str, Any]) -> str:
    """The post's URL path below the site's ``root``, ending in ``/`` for a folder-like URL
    (``2020/01/02/foo/``); a ``permalink`` in the front matter wins over the site's."""
    own = front.get("permalink")
    pattern = own if isinstance(own, str) and own.strip() else hexo_site(site_root).permalink
    try:
        title = path.relative_to(site_root / "source" / "_posts").with_suffix("").as_posix()
    except ValueError:
        title = path.stem
    date = front.get("date")
    day = date if isinstance(date, (dt.date, dt.datetime)) else dt.datetime(1970, 1, 1)
    clock = day if isinstance(day, dt.datetime) else dt.datetime(day.year, day.month, day.day)
    categories = front.get("categories") or front.get("category") or []
    categories = [categories] if isinstance(categories, str) else categories
    values = {
        "year": f"{day.year:04d}",
        "month": f"{day.month:02d}",
        "day": f"{day.day:02d}",
        "i_month": str(day.month),
        "i_day": str(day.day),
        "hour": f"{clock.hour:02d}",
        "minute": f"{clock.minute:02d}",
        "second": f"{clock.second:02d}",
        "title": title,
        "name": path.stem,
        "post_title": path.stem,
        "category": "/".join(str(c) for c in categories if not isinstance(c, (list, dict)))
        or "uncategorized",
    }
    url = _VARIABLE.sub(
        lambda m: values.get(m.group(1)) or _own(front, m.group(1)), pattern.strip()
    )
    return url.lstrip("/")


def _own(front: dict[str, Any], name: str) -> str:
    """A variable of a plugin (hexo-abbrlink's ``:abbrlink``) from the front matter key it
    writes, else a placeholder segment: only the URL's depth matters then."""
    value = front.get(name)
    return (
        str(value) if isinstance(value, (str, int)) and str(value).strip("/ ") else f"{name}-value"
    )


def locate_by_url(
    name: str, path: Path, site_root: Path, front: dict[str, Any]
) -> tuple[Path, str] | None:
    """``(folder, rest)``: the file a picture reference ``name`` names on the published site
    is ``folder / rest``, where ``folder`` is the post's asset folder or ``source/``; None when
    the reference leaves the site's ``root``."""
    site = hexo_site(site_root)
    url = post_url(path, site_root, front)
    base = url if url.endswith("/") else posixpath.dirname(url) + "/"
    target = name if name.startswith("/") else posixpath.normpath(site.root + base + name)
    if not target.startswith(site.root):
        return None
    inside = target[len(site.root) :]
    own = url if url.endswith("/") else posixpath.splitext(url)[0] + "/"
    if site.post_asset_folder and inside.startswith(own) and inside != own:
        return path.parent / path.stem, inside[len(own) :]
    return site_root / "source", inside
