"""The draft-box and free-publish endpoints of :class:`~mdwx.wechat.client.WeChatClient`
(``cgi-bin/draft/*``, ``cgi-bin/freepublish/*``; ``docs/wechat/draft-api.md``).

Same rules as the media API's methods: ``draft/add`` and ``freepublish/submit`` create
something, so they are never repeated after an unclear failure (:class:`OutcomeUnknown`:
look with ``draft/batchget`` / ``freepublish/batchget`` before sending again); the others
are retried. The deletes treat 40007 after an unclear first attempt as done. Index
conventions differ, as WeChat's do: ``draft_update`` counts from 0, ``freepublish_delete``
from 1 (0 deletes every article).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mdwx.wechat.errors import OutcomeUnknown, WeChatError
from mdwx.wechat.http import Call
from mdwx.wechat.models import (
    Draft,
    DraftPage,
    NewsItem,
    PublishedArticle,
    PublishedPage,
    PublishJob,
    Submission,
)

MAX_ARTICLES = 8
PAGE_MAX = 20
_TEXT = (
    "title",
    "content",
    "article_type",
    "author",
    "digest",
    "content_source_url",
    "thumb_media_id",
    "thumb_url",
    "url",
    "pic_crop_235_1",
    "pic_crop_1_1",
)


class DraftEndpoints:
    """Mixed into :class:`~mdwx.wechat.client.WeChatClient`."""

    async def _api(self, call: Call) -> dict[str, object]:  # provided by WeChatClient
        raise NotImplementedError

    @staticmethod
    def _call(path: str, payload: Any = None, method: str = "POST", **options: Any) -> Call:
        return Call(method, f"cgi-bin/{path}", path, json=payload, **options)

    # -- draft box --------------------------------------------------------------------------

    async def draft_add(self, articles: Sequence[Mapping[str, object]]) -> str:
        """Put 1–8 ARTICLEs into the draft box as one draft; its ``media_id``.

        Raises :class:`ContentRejected` (a field over its limit, 40007 for a cover that is
        not a permanent image, 45166 for HTML in an image post's text) and
        :class:`OutcomeUnknown` when the answer was lost (a draft may exist).
        """
        if not 1 <= len(articles) <= MAX_ARTICLES:
            raise ValueError(f"a draft holds 1..{MAX_ARTICLES} articles, not {len(articles)}")
        call = self._call("draft/add", {"articles": [dict(a) for a in articles]}, creates=True)
        return _required((await self._api(call)).get("media_id"), "media_id", call)

    async def draft_update(
        self, media_id: str, article: Mapping[str, object], index: int = 0
    ) -> None:
        """Replace article ``index`` (**from 0**) of a draft still in the box; 40007 once it
        was submitted or deleted."""
        if index < 0:
            raise ValueError("draft/update counts index from 0")
        payload = {"media_id": media_id, "index": index, "articles": dict(article)}
        await self._api(self._call("draft/update", payload))

    async def draft_get(self, media_id: str) -> Draft:
        body = await self._api(self._call("draft/get", {"media_id": media_id}))
        return Draft(
            media_id, _items(body), _int(body.get("update_time")), _int(body.get("create_time"))
        )

    async def draft_delete(self, media_id: str) -> None:
        """Delete a draft (not reversible)."""
        await self._api(self._call("draft/delete", {"media_id": media_id}, done_code=40007))

    async def draft_count(self) -> int:
        """How many drafts are in the box (a GET, per WeChat's doc)."""
        body = await self._api(self._call("draft/count", method="GET"))
        return _int(body.get("total_count"))

    async def draft_batchget(
        self, offset: int = 0, count: int = PAGE_MAX, *, no_content: bool = False
    ) -> DraftPage:
        """A page of the draft box, most recently changed first."""
        body = await self._api(self._call("draft/batchget", _paging(offset, count, no_content)))
        drafts = tuple(
            Draft(
                str(entry.get("media_id") or ""),
                _items(entry.get("content")),
                _int(entry.get("update_time")),
            )
            for entry in _entries(body)
        )
        return DraftPage(_int(body.get("total_count")), drafts)

    # -- publishing -------------------------------------------------------------------------

    async def freepublish_submit(self, media_id: str) -> Submission:
        """Publish a draft; it leaves the draft box. Follow the result with
        :meth:`freepublish_get`. Raises :class:`PublishRefused` (53503/53504/53505),
        :class:`OutcomeUnknown` when the answer was lost (it may be publishing)."""
        call = self._call("freepublish/submit", {"media_id": media_id}, creates=True)
        body = await self._api(call)
        return Submission(
            _required(body.get("publish_id"), "publish_id", call),
            str(body.get("msg_data_id") or ""),
        )

    async def freepublish_get(self, publish_id: str) -> PublishJob:
        """Where a submission stands; poll while :attr:`PublishJob.publishing`."""
        body = await self._api(self._call("freepublish/get", {"publish_id": publish_id}))
        urls = sorted(
            (_int(item.get("idx")), str(item.get("article_url") or ""))
            for item in _entries(_mapping(body.get("article_detail")))
        )
        article_id = body.get("article_id")
        call = self._call("freepublish/get")
        return PublishJob(
            publish_id=str(body.get("publish_id") or publish_id),
            publish_status=_required_int(body.get("publish_status"), "publish_status", call),
            article_id=str(article_id) if article_id else None,
            article_urls=tuple(urls),
            fail_idx=tuple(_int(i) for i in _list(body.get("fail_idx"))),
        )

    async def freepublish_getarticle(self, article_id: str) -> PublishedArticle:
        """A published article: its items with ``url`` and ``is_deleted``."""
        body = await self._api(self._call("freepublish/getarticle", {"article_id": article_id}))
        return PublishedArticle(article_id, _items(body))

    async def freepublish_delete(self, article_id: str, index: int = 0) -> None:
        """Delete article ``index`` (**from 1**) of a published article, 0 for all of them.
        Not reversible."""
        if index < 0:
            raise ValueError("freepublish/delete counts index from 1 (0 = all)")
        payload = {"article_id": article_id, "index": index}
        await self._api(self._call("freepublish/delete", payload, done_code=40007))

    async def freepublish_batchget(
        self, offset: int = 0, count: int = PAGE_MAX, *, no_content: bool = False
    ) -> PublishedPage:
        """A page of the published articles, newest first."""
        payload = _paging(offset, count, no_content)
        body = await self._api(self._call("freepublish/batchget", payload))
        articles = tuple(
            PublishedArticle(
                str(entry.get("article_id") or ""),
                _items(entry.get("content")),
                _int(entry.get("update_time")),
            )
            for entry in _entries(body)
        )
        return PublishedPage(_int(body.get("total_count")), articles)


def _paging(offset: int, count: int, no_content: bool) -> dict[str, int]:
    if offset < 0 or not 1 <= count <= PAGE_MAX:
        raise ValueError(f"offset must be ≥ 0 and count 1..{PAGE_MAX}")
    return {"offset": offset, "count": count, "no_content": int(no_content)}


def _list(value: object) -> list[object]:
    """``value`` if the answer had a list there, else nothing (a relay may send anything)."""
    return value if isinstance(value, list) else []


def _mapping(value: object) -> Mapping[str, object]:
    return value if isinstance(value, Mapping) else {}


def _entries(body: Mapping[str, object]) -> list[Mapping[str, object]]:
    return [e for e in _list(body.get("item")) if isinstance(e, Mapping)]


def _items(body: object) -> tuple[NewsItem, ...]:
    entries = _list(_mapping(body).get("news_item"))
    return tuple(news_item(i) for i in entries if isinstance(i, Mapping))


def news_item(data: Mapping[str, object]) -> NewsItem:
    """A :class:`NewsItem` from one entry of a ``news_item`` list (missing fields empty)."""
    text = {name: str(data.get(name) or "") for name in _TEXT}
    text["article_type"] = text["article_type"] or "news"
    info = data.get("image_info")
    images = _list(info.get("image_list")) if isinstance(info, Mapping) else []
    return NewsItem(
        **text,
        need_open_comment=_int(data.get("need_open_comment")),
        only_fans_can_comment=_int(data.get("only_fans_can_comment")),
        image_media_ids=tuple(
            str(i.get("image_media_id") or "") for i in images if isinstance(i, Mapping)
        ),
        is_deleted=bool(data.get("is_deleted")),
    )


def _required(value: object, name: str, call: Call) -> str:
    """A field a successful answer must carry; its absence means a broken server or relay
    (after a creating call: nobody knows what was done)."""
    if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value):
        return str(value)
    if call.creates:
        raise OutcomeUnknown(call.label, f"an answer without {name}")
    raise WeChatError(
        None,
        f"answer without {name}",
        call.label,
        "check MDWX_API_BASE / api_base",
        meaning=f"the answer had no {name}",
    )


def _required_int(value: object, name: str, call: Call) -> int:
    text = _required(value, name, call)
    try:
        return int(text)
    except ValueError:
        raise WeChatError(
            None,
            f"{name} {text[:20]!r} is not a number",
            call.label,
            "check MDWX_API_BASE / api_base",
            meaning=f"the answer's {name} is not a number",
        ) from None


def _int(value: object, default: int = 0) -> int:
    """A number an answer gave as a number or text, else ``default`` (JSON has no other
    value ``int`` takes)."""
    if not isinstance(value, int | float | str):
        return default
    try:
        return int(value)
    except ValueError:
        return default
