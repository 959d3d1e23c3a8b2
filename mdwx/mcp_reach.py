"""The MCP server's tool that reaches a phone: ``preview_to_phone``, mixed into
:class:`mdwx.mcp_server.MdwxTools`.

A preview goes to one follower (the agent's user, usually) and to no one else, so it is not
destructive; but it uploads the post as a draft when needed and spends one of the
account's previews of the day (about 100, counted by mdwx per account and Beijing day), so
it is neither read-only nor idempotent, and the result says how many are left. The call is
:func:`mdwx.api.reach.phone_preview`, the one ``mdwx preview POST --phone`` makes (see
docs/reach.md for what WeChat allows, docs/mcp.md for the tool).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from mdwx.api.reach import phone_preview

if TYPE_CHECKING:
    from mdwx.api import Options


class ReachTools:
    """Mixed into :class:`~mdwx.mcp_server.MdwxTools`, which provides ``inside`` and
    ``options``."""

    def inside(self, paths: list[str] | str) -> list[str]:  # provided by MdwxTools
        raise NotImplementedError

    def options(self, **changes: Any) -> Options:  # provided by MdwxTools
        raise NotImplementedError

    async def preview_to_phone(
        self,
        path: str,
        phone: str | None = None,
        openid: str | None = None,
        account: str | None = None,
    ) -> dict[str, Any]:
        """Send one post to a follower's WeChat to read it on a phone (message/mass/preview).

        phone is the follower's 微信号 (or give openid); without either, the site's
        preview_to is used. The post is uploaded as a draft first when it changed (an
        unchanged post resends the same draft). Spends one of the account's ~100 previews
        a day: previews_left says how many remain today. Returns {"path", "media_id",
        "to", "msg_id", "uploaded", "previews": {"used_today", "left_today"},
        "previews_left", "warnings"}.
        """
        [post] = self.inside(path)
        report = await phone_preview(
            Path(post), self.options(account=account), wxname=phone or None, openid=openid
        )
        document = report.to_json()
        document["previews_left"] = report.previews_left
        document["note"] = (
            f"sent to {report.to}; {report.previews_left} of about 100 previews left today "
            "for this account"
        )
        return document
