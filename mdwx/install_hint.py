"""How to install mdwx or one of its extras, as every hint and page says it.

mdwx is not on a package index: it is installed from a clone of its repository
(``python -m pip install '.[EXTRA]'`` there) or from a git URL (README, "Installing").
A hint naming ``pip install 'mdwx[EXTRA]'`` could never work, so every hint is made here.
"""

from __future__ import annotations

#: Where the other ways to install are written down.
INSTALLING = "README, Installing"


def install_hint(extra: str | None = None) -> str:
    """The hint installing mdwx with ``extra`` (None: mdwx itself) into the active environment.

    E.g. ``install_hint("mcp")`` → ``from the mdwx checkout: python -m pip install '.[mcp]'
    (or the git URL form, README, Installing)``.
    """
    target = f"'.[{extra}]'" if extra else "."
    return f"from the mdwx checkout: python -m pip install {target} (or the git URL form, {INSTALLING})"


def upgrade_hint() -> str:
    """The hint to upgrade mdwx (its newer version, installed as :func:`install_hint` says)."""
    return f"upgrade mdwx: {install_hint()} from a newer checkout"
