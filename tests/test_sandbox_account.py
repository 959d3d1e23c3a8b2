"""The sandbox's account endpoints over HTTP: the material library, comments, analytics,
capability sets (48001) and the IP whitelist (40164)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mdwx.sandbox import SandboxServer
from mdwx.sandbox.datacube import daily_figures
from tests.sandbox_helpers import Api, api_fixture, sandbox_fixture  # noqa: F401

BEIJING = dt.timezone(dt.timedelta(hours=8))


def published(api: Api, sandbox: SandboxServer, *, comments: int = 1, articles: int = 1) -> int:
    """A published message; its msg_data_id."""
    thumb = api.cover()
    items = [
        api.article(thumb, title=f"第{n}篇", need_open_comment=comments) for n in range(articles)
    ]
    media_id = api.post("draft/add", {"articles": items})["media_id"]
    answer = api.post("freepublish/submit", {"media_id": media_id})
    sandbox.advance(5)
    return int(answer["msg_data_id"])


def cube(api: Api, name: str, body: dict[str, Any]) -> dict[str, Any]:
    """A datacube call: those live under /datacube/, not /cgi-bin/."""
    answer = api.http.post(
        f"/datacube/{name}", params={"access_token": api.fetch_token()}, json=body
    )
    return dict(answer.json())


def today(sandbox: SandboxServer) -> dt.date:
    return dt.datetime.fromtimestamp(sandbox.app.state.control.now(), BEIJING).date()


def test_material_count_list_and_delete(api: Api) -> None:
    covers = [api.cover() for _ in range(3)]
    api.body_image()  # uploadimg pictures stay outside the library
    count = api.http.get(
        "/cgi-bin/material/get_materialcount", params={"access_token": api.token}
    ).json()
    assert count == {"voice_count": 0, "video_count": 0, "image_count": 3, "news_count": 0}
    page = api.post("material/batchget_material", {"type": "image", "offset": 0, "count": 2})
    assert page["total_count"] == 3 and page["item_count"] == 2
    assert [i["media_id"] for i in page["item"]] == covers[::-1][:2]  # newest first
    assert api.http.get(page["item"][0]["url"]).status_code == 200
    assert api.post("material/del_material", {"media_id": covers[0]})["errcode"] == 0
    assert api.post("material/del_material", {"media_id": covers[0]})["errcode"] == 40007
    assert (
        api.post("material/batchget_material", {"type": "image", "offset": 0, "count": 20})[
            "total_count"
        ]
        == 2
    )


@pytest.mark.parametrize(
    "body, code",
    [
        ({"type": "picture", "offset": 0, "count": 1}, 40004),
        ({"type": "image", "offset": -1, "count": 1}, 40097),
        ({"type": "image", "offset": 0, "count": 21}, 40097),
    ],
)
def test_material_batchget_refuses_bad_pages(api: Api, body: dict[str, Any], code: int) -> None:
    assert api.post("material/batchget_material", body)["errcode"] == code


def test_preloaded_library_counts_and_lists(api: Api, sandbox: SandboxServer) -> None:
    sandbox.configure(material_preloaded=99_990)
    api.cover()
    count = api.http.get(
        "/cgi-bin/material/get_materialcount", params={"access_token": api.token}
    ).json()
    assert count["image_count"] == 99_991
    last = api.post("material/batchget_material", {"type": "image", "offset": 99_990, "count": 5})
    assert last["item_count"] == 1 and last["item"][0]["media_id"].startswith("preloaded-")


def test_comment_cycle(api: Api, sandbox: SandboxServer) -> None:
    msg = published(api, sandbox)
    add = sandbox.app.state.store.add_comment
    first, second = add(msg, 0, "o1", "写得好"), add(msg, 0, "o2", "有错字")
    ref = {"msg_data_id": msg, "index": 0}
    assert api.post("comment/markelect", {**ref, "user_comment_id": first})["errcode"] == 0
    assert (
        api.post("comment/reply/add", {**ref, "user_comment_id": first, "content": "谢谢"})[
            "errcode"
        ]
        == 0
    )
    assert api.post("comment/delete", {**ref, "user_comment_id": second})["errcode"] == 0
    listed = api.post("comment/list", {**ref, "begin": 0, "count": 10, "type": 0})
    assert listed["total"] == 1
    assert (
        listed["comment"][0]["comment_type"] == 1
        and listed["comment"][0]["reply"]["content"] == "谢谢"
    )
    assert api.post("comment/list", {**ref, "begin": 0, "count": 10, "type": 1})["total"] == 0
    assert api.post("comment/reply/delete", {**ref, "user_comment_id": first})["errcode"] == 0
    assert (
        "reply"
        not in api.post("comment/list", {**ref, "begin": 0, "count": 10, "type": 0})["comment"][0]
    )
    assert api.post("comment/list", {**ref, "begin": 0, "count": 50, "type": 0})["errcode"] == 40097
    assert api.post("comment/markelect", {**ref, "user_comment_id": 99})["errcode"] == 40097


def test_closed_comments_answer_88000_until_opened(api: Api, sandbox: SandboxServer) -> None:
    msg = published(api, sandbox, comments=0)
    ref = {"msg_data_id": msg, "index": 0}
    assert api.post("comment/list", {**ref, "begin": 0, "count": 10, "type": 0})["errcode"] == 88000
    assert api.post("comment/open", ref)["errcode"] == 0
    assert api.post("comment/list", {**ref, "begin": 0, "count": 10, "type": 0})["total"] == 0
    assert api.post("comment/close", ref)["errcode"] == 0
    assert (
        api.post("comment/reply/add", {**ref, "user_comment_id": 1, "content": "x"})["errcode"]
        == 88000
    )
    assert (
        api.post("comment/list", {"msg_data_id": 12345, "index": 0, "begin": 0, "count": 1})[
            "errcode"
        ]
        == 40007
    )


def test_datacube_figures_and_ranges(api: Api, sandbox: SandboxServer) -> None:
    msg = published(api, sandbox, articles=2)
    day = today(sandbox)
    sandbox.advance(3 * 86_400)
    span = {"begin_date": day.isoformat(), "end_date": (day + dt.timedelta(days=2)).isoformat()}
    reads = cube(api, "getarticleread", span)
    assert {r["msgid"] for r in reads["list"]} == {f"{msg}_1", f"{msg}_2"}
    assert sorted(
        r["detail"]["read_user"] for r in reads["list"] if r["msgid"] == f"{msg}_1"
    ) == sorted(daily_figures(msg, 0, age)["read_user"] for age in range(3))
    total = cube(api, "getarticletotaldetail", span)["list"]
    assert total[0]["detail"]["read_user"] == sum(
        daily_figures(msg, 0, a)["read_user"] for a in range(3)
    )
    bad = {
        "begin_date": day.isoformat(),
        "end_date": (day + dt.timedelta(days=3)).isoformat(),
    }  # today
    assert cube(api, "getarticleshare", bad)["errcode"] == 61501
    assert (
        cube(api, "getarticleshare", {"begin_date": "2026/1/1", "end_date": "x"})["errcode"]
        == 61500
    )


def test_unverified_account_answers_48001_for_its_lost_calls(
    api: Api, sandbox: SandboxServer
) -> None:
    sandbox.configure(account_kind="unverified")
    assert api.post("freepublish/batchget", {"offset": 0, "count": 1})["errcode"] == 48001
    assert api.post("comment/open", {"msg_data_id": 1, "index": 0})["errcode"] == 48001
    assert (
        api.post("draft/batchget", {"offset": 0, "count": 1})["total_count"] == 0
    )  # the box stays
    assert (
        api.post("freepublish/batchget", {"offset": 0, "count": 1}, access_token="bad")["errcode"]
        == 40001
    )


@given(
    st.sets(
        st.sampled_from(
            [
                "draft/count",
                "draft/batchget",
                "material/get_materialcount",
                "material/batchget_material",
                "freepublish/batchget",
            ]
        )
    )
)
def test_denied_endpoints_answer_48001_and_no_others(
    api: Api, sandbox: SandboxServer, denied: set[str]
) -> None:
    sandbox.configure(denied_endpoints=sorted(denied))
    for name in ["draft/count", "material/get_materialcount"]:
        code = (
            api.http.get(f"/cgi-bin/{name}", params={"access_token": api.token})
            .json()
            .get("errcode", 0)
        )
        assert (code == 48001) == (name in denied)
    for name, body in [
        ("draft/batchget", {"offset": 0, "count": 1}),
        ("freepublish/batchget", {"offset": 0, "count": 1}),
        ("material/batchget_material", {"type": "image", "offset": 0, "count": 1}),
    ]:
        assert (api.post(name, body).get("errcode", 0) == 48001) == (name in denied)


def test_whitelist_answers_40164_naming_the_callers_ip(sandbox: SandboxServer) -> None:
    sandbox.configure(ip_whitelist=["198.51.100.1"], caller_ip="203.0.113.9")
    with httpx.Client(base_url=sandbox.base_url) as http:
        answer = http.get(
            "/cgi-bin/token",
            params={
                "grant_type": "client_credential",
                "appid": sandbox.appid,
                "secret": sandbox.secret,
            },
        ).json()
        assert answer["errcode"] == 40164 and "invalid ip 203.0.113.9" in answer["errmsg"]
        sandbox.configure(caller_ip="198.51.100.1")
        assert (
            "access_token"
            in http.get(
                "/cgi-bin/token",
                params={
                    "grant_type": "client_credential",
                    "appid": sandbox.appid,
                    "secret": sandbox.secret,
                },
            ).json()
        )


def test_capability_settings_are_checked(sandbox: SandboxServer) -> None:
    for bad in (
        {"account_kind": "personal"},
        {"caller_ip": "not-an-ip"},
        {"denied_endpoints": [""]},
    ):
        with pytest.raises(ValueError):
            sandbox.configure(**bad)
