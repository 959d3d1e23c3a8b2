"""Site header and footer: small Markdown templates rendered around every article.

``config.header`` / ``config.footer`` are paths relative to the site root. ``{author}``,
``{title}`` (and ``{digest}``, ``{slug}``, ``{source_url}``) are filled in; any other
``{name}`` is left as written, so braces in Markdown (``{width=300}``) are safe. Files are read
once per (path, modification time).
"""

from __future__ import annotations

import re
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


def fill(template: str, values: dict[str, str]) -> str:
    """Replace known ``{name}`` placeholders; leave unknown ones untouched."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)
