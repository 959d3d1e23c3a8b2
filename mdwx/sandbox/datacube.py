"""``datacube/*``: the current article analytics (``getarticletotaldetail``,
``getarticleread``, ``getarticleshare``).

The body is ``{begin_date, end_date}`` (``YYYY-MM-DD``, Beijing dates); the end date is at
most yesterday and the range at most :data:`MAX_SPAN_DAYS` days (61500 for a malformed date,
61501 for a range WeChat refuses). Each article is named ``msgid = "<msg_data_id>_<n>"`` with
``n`` counted **from 1**. The figures are made up but stable: a function of the article and
the day (reads fall off after publication), so two calls agree and a test can assert sums;
``comment_count`` is the article's real comment count. The deprecated ``getarticlesummary``
and ``getarticletotal`` are not emulated. These routes live under ``/datacube/``, not
``/cgi-bin/``, as WeChat's do.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .responses import read_json, token_error, wx_error

MAX_SPAN_DAYS = 30
#: How many days after publication ``getarticletotaldetail`` sums an article's figures.
TOTAL_DAYS = 30
_BEIJING = dt.timezone(dt.timedelta(hours=8))


def _day(text: Any) -> dt.date | None:
    if not isinstance(text, str) or len(text) != 10:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def daily_figures(msg_data_id: int, index: int, age: int) -> dict[str, int]:
    """One article's figures on the ``age``-th day after publication (0 = that day)."""
    seed = hashlib.sha256(f"{msg_data_id}:{index}".encode()).digest()
    reads = (200 + seed[0] * 8) // (age + 1)
    return {
        "read_user": reads,
        "share_user": reads // 12,
        "zaikan_user": reads // 40,
        "like_user": reads // 25,
        "collection_user": reads // 60,
    }


async def _range(request: Request) -> tuple[dt.date, dt.date] | Response:
    code = token_error(request)
    if code:
        return wx_error(code)
    body = await read_json(request)
    if isinstance(body, Response):
        return body
    begin, end = _day(body.get("begin_date")), _day(body.get("end_date"))
    if begin is None or end is None:
        return wx_error(61500, "date format error: begin_date and end_date are YYYY-MM-DD")
    today = dt.datetime.fromtimestamp(request.app.state.control.now(), _BEIJING).date()
    if begin > end or end >= today or (end - begin).days >= MAX_SPAN_DAYS:
        return wx_error(
            61501, f"date range error: begin ≤ end ≤ yesterday, at most {MAX_SPAN_DAYS} days"
        )
    return begin, end


def _articles(request: Request) -> list[tuple[int, int, str, dt.date]]:
    """Every published or 群发 article: (msg_data_id, index from 0, title, its day)."""
    store = request.app.state.store
    messages = [
        (r.msg_data_id, r.items, r.submitted_at) for r in store.publications() if r.succeeded
    ]
    messages += [
        (m.msg_data_id, m.items, m.created)
        for m in store.mass_sends()
        if m.msg_status != "SEND_FAIL"
    ]
    out = []
    for msg_data_id, items, at in messages:
        day = dt.datetime.fromtimestamp(at, _BEIJING).date()
        out += [(msg_data_id, i, str(a.get("title") or ""), day) for i, a in enumerate(items)]
    return out


def _daily(
    request: Request, begin: dt.date, end: dt.date, fields: tuple[str, ...]
) -> list[dict[str, Any]]:
    rows = []
    for msg_data_id, index, title, published in _articles(request):
        day = max(begin, published)
        while day <= end:
            figures = daily_figures(msg_data_id, index, (day - published).days)
            rows.append(
                {
                    "ref_date": day.isoformat(),
                    "msgid": f"{msg_data_id}_{index + 1}",
                    "title": title,
                    "detail": {name: figures[name] for name in fields},
                }
            )
            day += dt.timedelta(days=1)
    return rows


async def getarticleread(request: Request) -> Response:
    span = await _range(request)
    if isinstance(span, Response):
        return span
    return JSONResponse({"list": _daily(request, *span, ("read_user",)), "is_delay": False})


async def getarticleshare(request: Request) -> Response:
    span = await _range(request)
    if isinstance(span, Response):
        return span
    return JSONResponse({"list": _daily(request, *span, ("share_user",)), "is_delay": False})


async def getarticletotaldetail(request: Request) -> Response:
    """Articles published within the range, each summed over its first :data:`TOTAL_DAYS`
    days up to yesterday."""
    span = await _range(request)
    if isinstance(span, Response):
        return span
    begin, end = span
    today = dt.datetime.fromtimestamp(request.app.state.control.now(), _BEIJING).date()
    store, rows = request.app.state.store, []
    for msg_data_id, index, title, published in _articles(request):
        if not begin <= published <= end:
            continue
        days = min(TOTAL_DAYS, (today - published).days)
        total: dict[str, int] = {}
        for age in range(days):
            for name, value in daily_figures(msg_data_id, index, age).items():
                total[name] = total.get(name, 0) + value
        total["comment_count"] = store.comment_count(msg_data_id, index)
        rows.append(
            {
                "ref_date": published.isoformat(),
                "msgid": f"{msg_data_id}_{index + 1}",
                "title": title,
                "detail": total,
            }
        )
    return JSONResponse({"list": rows, "is_delay": False})


DATACUBE_ROUTES = [
    Route("/datacube/getarticleread", getarticleread, methods=["POST"]),
    Route("/datacube/getarticleshare", getarticleshare, methods=["POST"]),
    Route("/datacube/getarticletotaldetail", getarticletotaldetail, methods=["POST"]),
]
