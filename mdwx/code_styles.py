"""The Pygments styles a site may pick for its code blocks (``code_style`` in ``mdwx.toml``).

Below both the settings (:mod:`mdwx.config` refuses an unknown style when it reads the file)
and the renderer (:mod:`mdwx.render.pipeline` colours the block with the style's own
background and text), so the two read one table.
"""

from __future__ import annotations

from functools import lru_cache

from mdwx import pygments_plugins

pygments_plugins.install()  # before Pygments: its plugin lookup loads when a name needs it

from pygments.styles import get_all_styles, get_style_by_name  # noqa: E402
from pygments.token import Token  # noqa: E402
from pygments.util import ClassNotFound  # noqa: E402

from mdwx.errors import ConfigError  # noqa: E402


@lru_cache(maxsize=32)
def style_colours(name: str) -> tuple[str, str]:
    """(background, text colour) of Pygments style ``name``; raises ConfigError if unknown."""
    try:
        style = get_style_by_name(name)
    except ClassNotFound:
        raise ConfigError(
            f"code_style {name!r} is not a Pygments style",
            hint="one of: " + ", ".join(sorted(get_all_styles())),
        ) from None
    text = style.style_for_token(Token)["color"]
    return style.background_color, f"#{text.lower()}" if text else "#000000"
