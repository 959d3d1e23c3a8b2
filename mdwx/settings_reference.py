"""``docs/settings.md``: the reference of every setting and front-matter key, from their
declarations (:mod:`mdwx.settings.reference`) and the site's own dataclasses.

``python -m mdwx.settings_reference`` prints it; ``python -m mdwx.settings_reference
docs/settings.md`` rewrites the file (a test checks the committed page equals the output).
"""

from __future__ import annotations

import sys
from pathlib import Path

from mdwx.accounts import ACCOUNT_TABLES, Account
from mdwx.config import SECTIONS, SiteConfig
from mdwx.settings.reference import render_reference


def settings_reference() -> str:
    """The reference page's Markdown."""
    return render_reference(SiteConfig, SECTIONS, Account, ACCOUNT_TABLES)


def main(argv: list[str]) -> int:
    """Print the page, or write it to the one path given."""
    text = settings_reference()
    if argv:
        Path(argv[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
