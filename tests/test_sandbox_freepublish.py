"""Sandbox publishing (freepublish/submit, get, getarticle, delete, batchget): the draft leaves
the box, publish_status moves 1 → 0 or to the failure it was told, fail_idx, article URLs
served by the reader view, deletion by article_id with index from 1, refusals on demand."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from mdwx.sandbox import SandboxServer, SandboxSettings

from .draft_helpers import draft, news, newspic, permanent_image, published, status, submit
from .sandbox_helpers import Api, api_fixture, poll, sandbox_fixture  # noqa: F401


def _getarticle(api: Api, article_id: str) -> dict:
    return api.post("freepublish/getarticle", {"article_id": article_id})


def _delete(api: Api, article_id: str, **index: int) -> dict:
    return api.post("freepublish/delete", {"article_id": article_id, **index})


def test_submit_answers_a_publish_id_and_the_draft_leaves_the_box(api: Api) -> None:
    media_id = draft(api)
    body = submit(api, media_id)
    assert body["errcode"] == 0
    assert isinstance(body["publish_id"], str) and isinstance(body["msg_data_id"], int)
    assert api.sb.store.drafts() == []
    (job,) = api.sb.store.publications()
    assert (job.publish_id, job.media_id) == (body["publish_id"], media_id)
    assert submit(api, media_id)["errcode"] == 40007  # nothing left to submit
    assert len(api.sb.store.publications()) == 1


def test_publish_status_moves_from_1_to_0_with_article_urls(api: Api) -> None:
    api.sb.configure(publish_seconds=3600)  # publishing until the test ends it: no window to miss
    thumb = permanent_image(api)
    body = submit(
        api,
        draft(
            api,
            news(thumb, title="第一篇", content="<p>甲</p>"),
            news(thumb, title="第二篇", content="<p>乙</p>"),
        ),
    )
    first = status(api, body["publish_id"])
    assert first == {"publish_id": body["publish_id"], "publish_status": 1, "fail_idx": []}
    api.sb.advance(3600)
    done = poll(lambda: (s := status(api, body["publish_id"]))["publish_status"] == 0 and s)
    detail = done["article_detail"]
    assert detail["count"] == 2 and [i["idx"] for i in detail["item"]] == [1, 2]
    assert done["fail_idx"] == []
    for item, text in zip(detail["item"], ("甲", "乙"), strict=True):
        assert item["article_url"] == f"{api.sb.base_url}/s/{done['article_id']}?idx={item['idx']}"
        page = httpx.get(item["article_url"])
        assert page.status_code == 200 and text in page.text and "not published" not in page.text


def test_before_success_the_article_id_is_unknown(api: Api) -> None:
    api.sb.configure(publish_seconds=60)
    body = submit(api, draft(api))
    (job,) = api.sb.store.publications()
    assert "article_id" not in status(api, body["publish_id"])
    assert _getarticle(api, job.article_id)["errcode"] == 40007
    assert api.post("freepublish/batchget", {"offset": 0, "count": 20})["total_count"] == 0


@pytest.mark.parametrize("outcome", [2, 3, 4])
def test_failures_when_told_with_fail_idx_for_2_and_4(api: Api, outcome: int) -> None:
    api.sb.configure(publish_seconds=0, publish_outcome=outcome)
    thumb = permanent_image(api)
    body = submit(api, draft(api, news(thumb), news(thumb), news(thumb)))
    answer = status(api, body["publish_id"])
    assert answer["publish_status"] == outcome
    assert answer["fail_idx"] == ([1, 2, 3] if outcome in (2, 4) else [])
    assert "article_id" not in answer and "article_detail" not in answer
    (job,) = api.sb.store.publications()
    assert _getarticle(api, job.article_id)["errcode"] == 40007


def test_fail_idx_names_the_articles_it_was_told(api: Api) -> None:
    api.sb.configure(publish_seconds=0, publish_outcome=4, publish_fail_idx=[2, 9])
    thumb = permanent_image(api)
    body = submit(api, draft(api, news(thumb), news(thumb)))
    assert status(api, body["publish_id"])["fail_idx"] == [2]


def test_outcome_is_fixed_at_submission(api: Api) -> None:
    api.sb.configure(publish_seconds=0, publish_outcome=2)
    body = submit(api, draft(api))
    api.sb.configure(publish_outcome=0)
    assert status(api, body["publish_id"])["publish_status"] == 2


@pytest.mark.parametrize("code", [53503, 53504, 53505])
def test_refusals_on_demand_leave_the_draft_in_the_box(api: Api, code: int) -> None:
    media_id = draft(api)
    api.sb.configure(submit_refusal=code)
    assert submit(api, media_id)["errcode"] == code
    assert api.sb.store.draft(media_id) is not None and api.sb.store.publications() == []
    api.sb.configure(submit_refusal=0)
    assert submit(api, media_id)["errcode"] == 0


def test_getarticle_answers_the_articles_with_url_and_is_deleted(api: Api) -> None:
    api.sb.configure(publish_seconds=0)
    thumb = permanent_image(api)
    done = published(api, news(thumb, title="甲"), news(thumb, title="乙"))
    items = _getarticle(api, done["article_id"])["news_item"]
    assert [(i["title"], i["is_deleted"]) for i in items] == [("甲", False), ("乙", False)]
    assert items[1]["url"].endswith(f"/s/{done['article_id']}?idx=2")
    assert _getarticle(api, "nope")["errcode"] == 40007


def test_delete_counts_index_from_1_and_is_not_reversible(api: Api) -> None:
    api.sb.configure(publish_seconds=0)
    thumb = permanent_image(api)
    done = published(api, news(thumb), news(thumb), news(thumb))
    article_id = done["article_id"]
    assert _delete(api, article_id, index=4)["errcode"] == 40097
    assert _delete(api, article_id, index=-1)["errcode"] == 40097
    assert _delete(api, article_id, index=2) == {"errcode": 0, "errmsg": "ok"}
    assert _delete(api, article_id, index=2)["errcode"] == 40007
    flags = [i["is_deleted"] for i in _getarticle(api, article_id)["news_item"]]
    assert flags == [False, True, False]
    answer = status(api, done["publish_id"])
    assert answer["publish_status"] == 0
    assert [i["idx"] for i in answer["article_detail"]["item"]] == [1, 3]
    assert "该内容已被发布者删除" in httpx.get(f"{api.sb.base_url}/s/{article_id}?idx=2").text
    assert _delete(api, article_id) == {"errcode": 0, "errmsg": "ok"}  # absent index: all
    assert status(api, done["publish_id"])["publish_status"] == 5
    assert _delete(api, article_id, index=0)["errcode"] == 40007


def test_index_0_deletes_every_article(api: Api) -> None:
    api.sb.configure(publish_seconds=0)
    thumb = permanent_image(api)
    done = published(api, news(thumb), news(thumb))
    assert _delete(api, done["article_id"], index=0)["errcode"] == 0
    assert status(api, done["publish_id"])["publish_status"] == 5


def test_a_banned_article_is_status_6_and_the_reader_says_so(api: Api) -> None:
    api.sb.configure(publish_seconds=0)
    done = published(api)
    r = httpx.post(f"{api.sb.base_url}/_sandbox/ban_article", json={"article_id": "nope"})
    assert r.status_code == 404
    r = httpx.post(
        f"{api.sb.base_url}/_sandbox/ban_article", json={"article_id": done["article_id"]}
    )
    assert r.status_code == 200
    assert status(api, done["publish_id"])["publish_status"] == 6
    assert (
        "此内容因违规无法查看" in httpx.get(done["article_detail"]["item"][0]["article_url"]).text
    )


def test_batchget_lists_published_articles_newest_first(api: Api) -> None:
    api.sb.configure(publish_seconds=0)
    thumb = permanent_image(api)
    older = published(api, news(thumb, title="旧"))
    newer = published(api, news(thumb, title="新"))
    api.sb.configure(publish_outcome=3)
    submit(api, draft(api))  # failed: never listed
    page = api.post("freepublish/batchget", {"offset": 0, "count": 20, "no_content": 1})
    assert (page["total_count"], page["item_count"]) == (2, 2)
    assert {i["article_id"] for i in page["item"]} == {older["article_id"], newer["article_id"]}
    item = page["item"][0]["content"]["news_item"][0]
    assert "content" not in item and item["is_deleted"] is False
    one = api.post("freepublish/batchget", {"offset": 1, "count": 1})
    assert one["item_count"] == 1 and "content" in one["item"][0]["content"]["news_item"][0]
    assert api.post("freepublish/batchget", {"offset": 0, "count": 21})["errcode"] == 40097


def test_image_post_publishes_and_the_reader_shows_its_images(api: Api) -> None:
    api.sb.configure(publish_seconds=0)
    images = [permanent_image(api, size=(60, 60)) for _ in range(3)]
    done = published(api, newspic(images, content="第一行\n第二行"))
    page = httpx.get(done["article_detail"]["item"][0]["article_url"]).text
    assert page.count("<img") == 3 and "第一行<br>第二行" in page
    for record in api.sb.store.images("image")[-3:]:
        assert record.path in page


def test_publish_id_is_accepted_as_a_number_and_unknown_ids_are_40007(api: Api) -> None:
    api.sb.configure(publish_seconds=0)
    done = published(api)
    assert status(api, int(done["publish_id"]))["publish_status"] == 0
    assert status(api, "12345")["errcode"] == 40007


def test_token_checks(api: Api) -> None:
    paths = (
        "freepublish/submit",
        "freepublish/get",
        "freepublish/getarticle",
        "freepublish/delete",
        "freepublish/batchget",
    )
    for path in paths:
        assert api.post(path, {}, access_token="")["errcode"] == 41001, path
        assert api.post(path, {}, access_token="forged")["errcode"] == 40001, path
    api.sb.expire_tokens()
    assert [api.post(path, {})["errcode"] for path in paths] == [42001] * len(paths)


def test_faults_hit_freepublish_like_the_media_api(api: Api) -> None:
    media_id = draft(api)
    api.sb.configure(failure_rate=1.0, failure_kinds=("errcode",))
    assert submit(api, media_id) == {"errcode": -1, "errmsg": "system error"}
    api.sb.configure(failure_kinds=("drop",))
    with pytest.raises(httpx.TransportError):
        submit(api, media_id)
    assert api.sb.store.publications() == []  # neither fault did anything
    api.sb.configure(failure_kinds=("drop_after",))
    with pytest.raises(httpx.TransportError):
        submit(api, media_id)
    assert len(api.sb.store.publications()) == 1  # done, but the answer was lost
    api.sb.configure(failure_kinds=("http500",))
    r = api.http.post("/cgi-bin/draft/count", params={"access_token": api.token})
    assert r.status_code == 500
    faults = poll(
        lambda: (f := [r.fault for r in api.sb.requests if r.fault])[-1:] == ["http500"] and f
    )
    assert faults == ["errcode", "drop", "drop_after", "http500"]


def test_drafts_and_publications_survive_a_restart(tmp_path: Path) -> None:
    settings = SandboxSettings(state_path=tmp_path / "sandbox.db", publish_seconds=0)
    with SandboxServer(settings) as first:
        api = Api(first)
        kept = draft(api)
        done = published(api)
        api.http.close()
    with SandboxServer(settings) as second:
        api = Api(second)
        assert [d.media_id for d in second.store.drafts()] == [kept]
        assert status(api, done["publish_id"])["article_id"] == done["article_id"]
        state = httpx.get(f"{second.base_url}/_sandbox/state").json()
        assert len(state["drafts"]) == 2 and len(state["publications"]) == 1
        api.http.close()
        second.close()


def test_draft_settings_over_the_admin_endpoint(api: Api) -> None:
    base = api.sb.base_url
    r = httpx.post(
        f"{base}/_sandbox/configure",
        json={"publish_outcome": 4, "publish_fail_idx": [2], "publish_seconds": 0},
    )
    assert r.json()["settings"]["publish_fail_idx"] == [2]
    assert api.sb.settings.publish_fail_idx == (2,)
    for bad in (
        {"publish_outcome": 1},
        {"submit_refusal": 53506},
        {"publish_fail_idx": [0]},
        {"draft_digest_unit": "words"},
        {"publish_seconds": -1},
    ):
        assert httpx.post(f"{base}/_sandbox/configure", json=bad).status_code == 400, bad
    thumb = permanent_image(api)
    body = submit(api, draft(api, news(thumb), news(thumb)))
    assert status(api, body["publish_id"])["fail_idx"] == [2]


def test_the_index_page_lists_published_articles(api: Api) -> None:
    api.sb.configure(publish_seconds=0)
    done = published(api, news(permanent_image(api), title="首页可见"))
    page = httpx.get(f"{api.sb.base_url}/").text
    assert "首页可见" in page and f"/s/{done['article_id']}?idx=1" in page
