"""Site header and footer: small Markdown templates rendered around every article.

``config.header`` / ``config.footer`` are paths relative to the site root. ``{author}``,
``{title}`` (and ``{digest}``, ``{slug}``, ``{source_url}``) are filled in; any other
``{name}`` is left as written, so braces in Markdown (``{width=300}``) are safe.

The render pipeline never reads them: the caller loads them with :func:`load_templates`
(files are read once per (path, modification time)) and passes the :class:`Template`
values in, or builds a :class:`Template` from text it already holds.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from mdwx.config import SiteConfig
from mdwx.errors import ConfigError
from mdwx.files.reader import read_file

MAX_TEMPLATE_BYTES = 256 * 1024  # a header or footer is a few lines, not a book
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@lru_cache(maxsize=32)
def _read(path: Path, mtime_ns: int, relative: str) -> str:
    # The one capped reader: a regular file with one name (its bytes are published).
    data = read_file(
        path, limit=MAX_TEMPLATE_BYTES, single_link=True, name=f"template {relative!r}"
    )
    return data.decode("utf-8")


def read_template(config: SiteConfig, relative: str) -> tuple[Path, str]:
    """The template's absolute path and text.

    Like every local file mdwx reads, a template must be a regular file inside the site
    root (links resolved) and no bigger than :data:`MAX_TEMPLATE_BYTES`; anything else,
    or a missing file, is a :class:`ConfigError` naming the config file.
    """
    root = Path(os.path.realpath(config.root))
    path = Path(os.path.realpath(root / relative))
    where = config.config_path or root
    if not path.is_relative_to(root):
        raise ConfigError(
            f"template {relative!r} is outside the site folder {root}",
            path=where,
            hint="keep header and footer templates inside the site",
        )
    try:
        stat = path.stat()
        if not path.is_file():
            raise ConfigError(f"template {relative!r} is not a file", path=where)
        if stat.st_size > MAX_TEMPLATE_BYTES:
            raise ConfigError(
                f"template {relative!r} is over {MAX_TEMPLATE_BYTES // 1024} KB", path=where
            )
        return path, _read(path, stat.st_mtime_ns, relative)
    except ConfigError as exc:
        raise exc.at(where) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise ConfigError(f"cannot read template {relative!r}: {reason}", path=where) from exc


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
