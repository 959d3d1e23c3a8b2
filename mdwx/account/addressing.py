"""Which message and which of its articles a post's comments live on.

``comment/*`` names an article by the ``msg_data_id`` of the message that carried it and its
place in that message (``index``, from 0). WeChat's staff say the msg_data_id comments take
is the one a 群发 answers; ``freepublish/submit`` answers one too, unconfirmed for comments
(docs/account.md). So a post that was mass sent is addressed by its latest send that went
out — whatever backend made the article: the media API's submit answers no msg_data_id at
all — and by its place among that send's articles (a 多图文 send holds several posts).
Only a post never sent falls back to its article's submit, at its place in the bundle's
draft (``bundle_index``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mdwx.publish.state.masssends import MassSendRecord
    from mdwx.publish.state.store import ArticleRecord


@dataclass(frozen=True)
class Address:
    """``msg_data_id`` and ``index`` (from 0) of a post's article, and where they came from:
    ``"send"`` (a 群发 mdwx recorded) or ``"submit"`` (freepublish/submit)."""

    msg_data_id: str
    index: int
    source: str


def comment_address(
    rel: str, record: ArticleRecord | None, sends: list[MassSendRecord]
) -> Address | None:
    """Where the comments of post ``rel`` are: its newest 群发 that went out (``sends``
    oldest first, as the state lists them), else its article's submit (``record``); None
    when mdwx kept no msg_data_id for it."""
    for send in reversed(sends):
        if send.status == "sent" and send.msg_data_id and rel in send.sources:
            return Address(send.msg_data_id, send.sources.index(rel), "send")
    if record is not None and record.msg_data_id:
        return Address(record.msg_data_id, record.bundle_index, "submit")
    return None


def article_paths(
    sends: list[MassSendRecord], records: list[tuple[str, ArticleRecord | None]]
) -> dict[tuple[str, int], str]:
    """(msg_data_id, index from 0) → the post whose article it is, for analytics rows
    (``"<msg_data_id>_<n>"``, n = index + 1): each post of a 群发 at its place in the send
    (``sends`` oldest first), else each submitted article (``records``: path and the
    post's current record) at its place in its bundle's draft. A 多图文 message's second
    article is its second post, not the 头条."""
    out: dict[tuple[str, int], str] = {}
    for path, record in records:
        if record is not None and record.msg_data_id:
            out[(record.msg_data_id, record.bundle_index)] = path
    for send in sends:
        if send.msg_data_id:
            out.update({(send.msg_data_id, i): path for i, path in enumerate(send.sources)})
    return out
