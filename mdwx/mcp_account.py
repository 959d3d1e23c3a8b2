"""The MCP server's tools over the account calls of :mod:`mdwx.api` (``doctor``, lists,
materials, comments, stats), mixed into :class:`mdwx.mcp_server.MdwxTools`.

The API's account calls are synchronous and run their own event loop, so each tool runs
one in a worker thread. Only what reads the account is a plain tool; ``prune`` deletes and
is offered only with ``--allow-destructive`` (docs/mcp.md).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mdwx import api
from mdwx.errors import ConfigError

if TYPE_CHECKING:
    from mdwx.api import Options

KINDS = ("drafts", "published", "sent")


class AccountTools:
    """Mixed into :class:`~mdwx.mcp_server.MdwxTools`: ``site``, ``inside`` and ``options``."""

    site: Path

    def inside(self, paths: list[str] | str) -> list[str]:  # provided by MdwxTools
        raise NotImplementedError

    def options(self, **changes: Any) -> Options:  # provided by MdwxTools
        raise NotImplementedError

    def rooted_inside(self, path: Path, given: str | None = None) -> Path:  # by MdwxTools
        raise NotImplementedError

    def account_site(self) -> Path:
        """The site folder, refused (:class:`ConfigError`) when its site root lies above it:
        the account calls read the state and config of that root."""
        self.rooted_inside(self.site, ".")
        return self.site

    async def doctor(self, account: str | None = None) -> dict[str, Any]:
        """What the account can do from here: credentials, the IP whitelist (40164 names the
        IP), each capability (48001 explained), the backend, the material library's fill
        level, the clock and the state, each check with its fix."""
        return await _off_loop(api.doctor, self.account_site(), self.options(account=account))

    async def account_list(
        self, kinds: list[str] | None = None, account: str | None = None
    ) -> dict[str, Any]:
        """What is in the account: drafts, published articles (发表记录) and the sends mdwx
        recorded, each joined with the post it came from. kinds: drafts, published, sent."""
        chosen = tuple(kinds or KINDS)
        unknown = sorted(set(chosen) - set(KINDS))
        if unknown:
            raise ConfigError(f"unknown kind(s) {', '.join(unknown)}; known: {', '.join(KINDS)}")
        return await _off_loop(
            api.account_list, self.account_site(), self.options(account=account), kinds=chosen
        )

    async def reconcile(self, account: str | None = None) -> dict[str, Any]:
        """Drafts and articles that look like mdwx's but are not in the state (a lost answer,
        another machine), with what `mdwx reconcile --yes` would do. Changes nothing."""
        return await _off_loop(api.reconcile, self.account_site(), self.options(account=account))

    async def materials(self, action: str = "count", account: str | None = None) -> dict[str, Any]:
        """The material library: action "count" (per type against the caps) or "list" (the
        images, mdwx's own marked, with the articles using each)."""
        if action not in ("count", "list"):
            raise ConfigError(
                f"materials action must be count or list, not {action!r}",
                hint="pruning is the prune tool (with --allow-destructive)",
            )
        return await _off_loop(
            api.materials, self.account_site(), self.options(account=account), action=action
        )

    async def comments(
        self, path: str, index: int | None = None, account: str | None = None
    ) -> dict[str, Any]:
        """The comments of one post's article: the message of its newest 群发 (else its
        submission) by the msg_data_id mdwx recorded, at the post's place in it; index
        (from 0) names another article of that message."""
        [post] = self.inside(path)
        if index is not None and not 0 <= index <= 7:
            raise ConfigError(f"index is an article of the message, 0 to 7, not {index}")
        return await _off_loop(api.comments, post, self.options(account=account), index=index)

    async def stats(
        self,
        paths: list[str] | None = None,
        since: str | None = None,
        until: str | None = None,
        account: str | None = None,
    ) -> dict[str, Any]:
        """Reads, shares, 在看, likes and comments per article published between since and
        until (YYYY-MM-DD; default the last seven days to yesterday), optionally for paths."""
        posts = [Path(p) for p in self.inside(paths)] if paths else None
        return await _off_loop(
            api.stats,
            self.account_site(),
            self.options(account=account),
            posts=posts,
            since=_date(since, "since"),
            until=_date(until, "until"),
        )

    async def prune(self, account: str | None = None) -> dict[str, Any]:
        """Delete the covers mdwx uploaded that no recorded article uses any more (never an
        image mdwx did not upload, nothing while some article cannot be seen). Not reversible."""
        return await _off_loop(
            api.materials,
            self.account_site(),
            self.options(account=account),
            action="prune",
            apply=True,
        )


async def _off_loop(call: Callable[..., Any], *args: Any, **kwargs: Any) -> dict[str, Any]:
    """``call(*args, **kwargs).to_json()`` in a worker thread (it runs its own event loop)."""
    result = await asyncio.to_thread(call, *args, **kwargs)
    return dict(result.to_json())


def _date(text: str | None, name: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"{name} must be a date as YYYY-MM-DD, not {text[:40]!r}") from None
