"""What a preview recipient may look like: a 微信号, or ``openid:ID`` (docs/reach.md).

One rule for every place a recipient is written: the ``preview_to`` settings (refused when
mdwx.toml is read, with its file and line) and the recipient a preview is given.
"""

from __future__ import annotations

import re

from mdwx.settings.declare import Problem

OPENID = re.compile(r"[A-Za-z0-9_-]{6,64}")
#: What an OpenID looks like, in words (the shape :data:`OPENID` accepts).
OPENID_SHAPE = "an OpenID is 6 to 64 letters, digits, - or _ (usually 28, starting with o)"
OPENID_PREFIX = "openid:"
WXNAME_CHARS = 64  # longer than any 微信号 WeChat gives out (6 to 20 characters)


def recipient_problem(value: str, where: str = "preview_to") -> Problem | None:
    """Why ``value`` is no recipient (an empty one, a malformed OpenID, a 微信号 with spaces or
    longer than :data:`WXNAME_CHARS`), else None. ``where`` names the value in the message."""
    text = value.strip()
    if text.lower().startswith(OPENID_PREFIX):
        if not OPENID.fullmatch(text[len(OPENID_PREFIX) :].strip()):
            return Problem(
                f"{where} {value[:80]!r}: not an OpenID",
                f'{OPENID_SHAPE}: {_key(where)} = "openid:o…"',
            )
        return None
    if not text or any(c.isspace() for c in text) or len(text) > WXNAME_CHARS:
        return Problem(
            f"{where} {value[:80]!r} is not a 微信号",
            f'{_key(where)} = "your-wechat-id" or "openid:o…"',
        )
    return None


def _key(where: str) -> str:
    """The key a hint shows: ``preview_to`` for ``accounts.news.preview_to``."""
    return where.rsplit(".", 1)[-1] if where.startswith("accounts.") else where


def preview_to(value: str | None, name: str) -> Problem | None:
    """The ``check=`` of a ``preview_to`` setting: "" or unset is no recipient, not a fault."""
    if not value:
        return None
    return recipient_problem(value, name)
