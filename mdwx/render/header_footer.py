"""Site header and footer: small Markdown templates rendered around every article.

``config.header`` / ``config.footer`` are paths relative to the site root. ``{author}``,
``{title}`` (and ``{digest}``, ``{slug}``, ``{source_url}``) are filled in; any other
``{name}`` is left as written, so braces in Markdown (``{width=300}``) are safe.

The render pipeline never reads them: the caller loads them with :func:`load_templates`
(files are read once per (path, modification time)) and passes the :class:`Template`
values in, or builds a :class:`Template` from text it already holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from mdwx.config import SiteConfig
from mdwx.errors import ConfigError

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@lru_cache(maxsize=32)
def _read(path: Path, mtime_ns: int) -> str:
    return path.read_text("utf-8")


def read_template(config: SiteConfig, relative: str) -> tuple[Path, str]:
    """The template's absolute path and text; a missing file is a configuration error."""
    path = config.resolve(relative)
    try:
        stat = path.stat()
        return path, _read(path, stat.st_mtime_ns)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read template {relative!r}: {exc}", path=config.config_path) from exc


@dataclass(frozen=True)
class Template:
    """A header or footer template: its Markdown ``text`` and the file it stands for.

    ``path`` (absolute) names the template in messages, and relative images in it resolve
    against its folder (a footer's QR code sits beside the footer, not beside each post).
    """

    path: Path
    text: str


def load_templates(config: SiteConfig) -> tuple[Template | None, Template | None]:
    """The site's (header, footer), each None when not configured; raises :class:`ConfigError`."""
    loaded = []
    for relative in (config.header, config.footer):
        loaded.append(Template(*read_template(config, relative)) if relative else None)
    return loaded[0], loaded[1]


def fill(template: str, values: dict[str, str]) -> str:
    """Replace known ``{name}`` placeholders; leave unknown ones untouched."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)
