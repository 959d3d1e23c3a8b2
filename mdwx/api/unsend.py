"""Removing a sent post from followers' history: ``message/mass/delete`` (``docs/reach.md``).

The message stays on the phones that received it; what goes is the article in the
account's history (and its page). ``article_idx`` counts **from 1**, 0 removes every
article of the send. The send is the post's last one mdwx recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mdwx.api.reach import ReachError, one_account
from mdwx.api.routed import resolve_credentials
from mdwx.publish.connection import connect, open_state
from mdwx.publish.routing import account_options, routes
from mdwx.publish.sources import site_posts

if TYPE_CHECKING:
    from mdwx.api.types import Options
    from mdwx.publish.state.masssends import MassSendRecord


@dataclass
class UnsendResult:
    """What ``mdwx delete --sent`` did: the send ``msg_id`` and its ``msg_status`` after."""

    path: str
    msg_id: str
    article_idx: int
    msg_status: str
    deleted: bool

    def to_json(self) -> dict[str, object]:
        """What ``delete --sent --json`` prints."""
        return {
            "path": self.path,
            "msg_id": self.msg_id,
            "article_idx": self.article_idx,
            "msg_status": self.msg_status,
            "deleted": self.deleted,
            "error": None,
        }


async def delete_sent(
    path: Path,
    options: Options,
    *,
    article_idx: int = 0,
    confirm: Callable[[MassSendRecord], bool] | None = None,
) -> UnsendResult:
    """Delete the post's last recorded send from followers' history.

    ``confirm`` sees the send and returns whether to delete it (None: delete). Raises
    :class:`~mdwx.api.reach.ReachError` when no send of the post is recorded,
    :class:`~mdwx.errors.ConfigError` for the site or credentials, and the call's
    :class:`~mdwx.wechat.errors.WeChatError`.
    """
    posts = site_posts([path], options, need_path="delete")
    items = [item for post in posts for item in routes(post, options)]
    name = one_account(items, "delete")
    taken = [item for item in items if item.skipped is None and item.error is None]
    if len(taken) != 1:
        raise ReachError("delete --sent takes one post", path=path)
    resolve_credentials(items, options)
    post = taken[0].post
    with open_state([post], []) as state:
        acc = account_options(options, taken[0].account, need_client=True)
        async with connect(post.config, acc, need_client=True, account=name) as conn:
            sends = [s for s in state.mass_sends(conn.appid, post.relative) if s.status == "sent"]
            if not sends:
                raise ReachError(
                    "mdwx recorded no 群发 of this post (or it was deleted already)",
                    path=path,
                    hint="`mdwx status PATH` lists its sends",
                )
            send = sends[-1]
            if confirm is not None and not confirm(send):
                return UnsendResult(str(path), send.msg_id, article_idx, send.msg_status, False)
            assert conn.client is not None
            await conn.client.mass_delete(send.msg_id, article_idx)
            status = await conn.client.mass_get(send.msg_id)
            state.record_mass_status(conn.appid, send.msg_id, status.msg_status)
            return UnsendResult(str(path), send.msg_id, article_idx, status.msg_status, True)
