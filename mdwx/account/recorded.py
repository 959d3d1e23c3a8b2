"""The account's articles only mdwx can list: those of the media API.

``draft/batchget`` and ``freepublish/batchget`` list the draft box and the free-published
articles; nothing lists what ``publish/uploadnews`` made (the media backend): those articles
are neither drafts nor 发表记录 to WeChat's lists, so after publishing through the media
backend ``mdwx list`` would show nothing. What mdwx knows of them is its own state: the
articles it recorded for the account. ``list`` shows those rows with ``source`` "mdwx
records" and says why (docs/account.md).
"""

from __future__ import annotations

from mdwx.account.types import RECORDS, AccountItem, ItemKind
from mdwx.publish.state.reach import KnownArticle

#: What ``reconcile`` says on the media backend: it looks only where WeChat lists.
MEDIA_UNLISTED = (
    "the site publishes through the media backend, whose articles WeChat cannot list: "
    "reconcile sees only the draft box and the published list, so the unsubmitted copy a lost "
    "publish/uploadnews answer leaves is not among its orphans (the publishing run warned of "
    "it; delete it in the console)"
)

#: A media-API article's recorded status → the kind of ``list`` it answers to.
_UNSUBMITTED = ("uploading", "updating", "draft")
_SUBMITTED = ("submitting", "submitted", "published", "rejected")


def media_rows(
    known: list[KnownArticle], kinds: tuple[str, ...], backend: str
) -> tuple[list[AccountItem], str | None]:
    """The media API's articles mdwx recorded (``known``: the state's articles of the
    account), as rows of the ``kinds`` asked (``drafts``: not yet submitted, ``published``:
    submitted), and the note saying where they come from; ``([], None)`` when the site does
    not use the media backend and mdwx recorded none of its articles."""
    wanted = (_UNSUBMITTED if "drafts" in kinds else ()) + (
        _SUBMITTED if "published" in kinds else ()
    )
    mine = [a for a in known if a.backend == "media" and not a.superseded]
    if not wanted or (backend != "media" and not mine):
        return [], None
    rows = [recorded_item(a) for a in mine if a.status in wanted]
    shown = (
        f"{len(rows)} row(s) of kind media are from mdwx's records of this account"
        if rows
        else "mdwx has recorded none for this account"
    )
    note = f"the media backend (publish/uploadnews) makes articles WeChat cannot list: {shown}"
    return rows, note


def recorded_item(article: KnownArticle, kind: ItemKind = "media") -> AccountItem:
    """A row of ``mdwx list`` from mdwx's own record of an article (``source`` = records):
    ``kind`` "media" for the media backend's articles, "sent" for a 群发."""
    return AccountItem(
        kind,
        article.title,
        media_id=article.media_id,
        article_id=article.article_id if kind == "sent" else "",
        msg_data_id=article.msg_data_id,
        url=article.url or "",
        path=article.source_path,
        marked=True,
        status=article.status,
        source=RECORDS,
    )
