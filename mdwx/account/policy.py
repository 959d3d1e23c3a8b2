"""What a refusal means for an account, in the words the account commands show.

48001 is WeChat's "api unauthorized": since July 2025 it is what personal and unverified
accounts get from the free-publishing calls (mass send, preview, comments and analytics
always needed verification). 88000 from ``comment/*`` means the article's comments are not
open. Both are re-raised with what they mean and the route that remains.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from mdwx.errors import MdwxError
from mdwx.wechat.draft_codes import DRAFT_ROUTE, PASTE_ROUTE
from mdwx.wechat.errors import PermissionDenied

__all__ = ["CLOSED_HINT", "DRAFT_ROUTE", "PASTE_ROUTE", "POLICY_48001", "explained", "explaining"]

POLICY_48001 = (
    "since July 2025 personal and unverified accounts have lost this call (WeChat's 发布能力 policy; "
    "mass send, preview, comments and analytics always needed verification)"
)
CLOSED_HINT = (
    "open them with `mdwx comments POST --open` (or comments: open in the front matter); "
    "an account without the comment permission (unverified) cannot"
)


def explained(exc: MdwxError) -> MdwxError:
    """``exc`` with its meaning and fix when it is a 48001 or an 88000, else ``exc``."""
    if not isinstance(exc, PermissionDenied):
        return exc
    if exc.errcode == 88000:
        return PermissionDenied(
            88000,
            exc.errmsg,
            exc.endpoint,
            CLOSED_HINT,
            meaning="comments are not open for this article",
        )
    if exc.errcode == 48001:
        route = DRAFT_ROUTE if exc.endpoint.startswith("freepublish/") else PASTE_ROUTE
        return PermissionDenied(48001, exc.errmsg, exc.endpoint, route, meaning=POLICY_48001)
    return exc


@contextlib.contextmanager
def explaining() -> Iterator[None]:
    """Re-raise a 48001 or 88000 met inside the block as :func:`explained` words it."""
    try:
        yield
    except MdwxError as exc:
        better = explained(exc)
        if better is exc:
            raise
        raise better from None
