"""Publishing through the draft-box API: what only that backend does.

publish_status outcomes and fail_idx, the index conventions, a lost freepublish/submit
answer, refusals (53503), cover crops, image posts (newspic) and records kept per backend.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from mdwx.publish.state.schema import ArticleRecord
from mdwx.publish.state.store import State
from tests.backend_helpers import DRAFT
from tests.factories import save_picture
from tests.publish_helpers import copy_site, endpoints, png_bytes, publish, sandbox

REL = "posts/hello-mdwx.md"


def draft_publish(paths: Any, sb: Any, **options: Any) -> Any:
    return publish(paths, sb, backend="draft", **options)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# -- publish_status ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "words"),
    [(2, "originality check failed"), (3, "general reason"), (4, "review rejected")],
)
def test_failed_publish_status_is_explained_with_fail_idx(
    tmp_path: Path, outcome: int, words: str
) -> None:
    site = copy_site(tmp_path)
    post = site / REL
    with sandbox(publish_outcome=outcome) as sb:
        result = draft_publish([post], sb, wait=True)[0]
        assert result.status == "rejected"
        message = str(result.error)
        assert f"publish_status {outcome}" in message and words in message
        assert str(post) in message
        if outcome in (2, 4):
            assert "for article(s) 1" in message
        else:
            assert "article(s)" not in message
        with State.open(site / ".mdwx" / "state.db") as state:
            record = state.for_backend("draft").article(sb.appid, REL)
            assert record.status == "rejected" and record.publish_id
        assert endpoints(sb).count("freepublish/submit") == 1 and "freepublish/get" in endpoints(sb)


class Jobs:
    """A client whose freepublish/get answers the given publish_status values in turn."""

    def __init__(self, statuses: list[int], fail_idx: tuple[int, ...] = ()) -> None:
        self.statuses, self.fail_idx, self.asked = list(statuses), fail_idx, 0

    async def freepublish_get(self, publish_id: str) -> Any:
        from mdwx.wechat.models import PublishJob

        status = self.statuses[min(self.asked, len(self.statuses) - 1)]
        self.asked += 1
        urls = ((1, "https://mp.weixin.qq.com/s/x"),) if status == 0 else ()
        return PublishJob(
            publish_id,
            status,
            "A1" if status in (0, 5, 6) else None,
            urls,
            self.fail_idx if status in (2, 4) else (),
        )


@pytest.mark.parametrize(
    ("statuses", "final", "words"),
    [
        ([1, 1, 1, 0], "published", None),
        ([1, 4], "rejected", "review rejected"),
        ([1, 1, 2], "rejected", "originality check failed"),
        ([3], "rejected", "general reason"),
        ([5], "deleted", "deleted after it was published"),
        ([6], "rejected", "banned it"),
        ([1, 9], "rejected", "publish_status 9 is not documented"),
    ],
)
def test_following_polls_with_backoff_until_publish_status_is_final(
    statuses: list[int], final: str, words: str | None
) -> None:
    from mdwx.config import SiteConfig
    from mdwx.publish.backends.draft import DraftBackend
    from mdwx.publish.review import follow

    client = Jobs(statuses, fail_idx=(2,))
    backend = DraftBackend(client, SiteConfig(root=Path("/site")))
    record = _submitted()
    pauses: list[float] = []

    async def sleep(seconds: float) -> None:
        pauses.append(seconds)

    progress = asyncio.run(
        follow(lambda: backend.progress(record), timeout=3600, interval=0.25, sleep=sleep)
    )
    assert progress.status == final and client.asked == len(statuses)
    assert pauses == [0.25 * 1.5**n for n in range(len(statuses) - 1)]  # growing by half each time
    if words is None:
        assert progress.error is None and progress.url == "https://mp.weixin.qq.com/s/x"
        assert progress.article_id == "A1"
    else:
        assert words in str(progress.error)
        assert ("for article(s) 2" in str(progress.error)) == (statuses[-1] in (2, 4))


def test_following_gives_up_at_the_timeout_still_publishing() -> None:
    from mdwx.config import SiteConfig
    from mdwx.publish.backends.draft import DraftBackend
    from mdwx.publish.review import follow

    backend = DraftBackend(Jobs([1]), SiteConfig(root=Path("/site")))
    record = _submitted()

    async def sleep(seconds: float) -> None:
        return None

    progress = asyncio.run(
        follow(lambda: backend.progress(record), timeout=0, interval=0.25, sleep=sleep)
    )
    assert progress.status == "submitted" and not progress.final and "publishing" in progress.live


def test_publishing_is_followed_to_the_url_and_article_id(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    with sandbox(publish_seconds=0.3) as sb:
        result = draft_publish([site / REL], sb, wait=True)[0]
        assert result.error is None and result.status == "published"
        publication = sb.store.publications()[0]
        assert result.url == f"{sb.base_url}/s/{publication.article_id}?idx=1"
        with State.open(site / ".mdwx" / "state.db") as state:
            record = state.for_backend("draft").article(sb.appid, REL)
        assert (record.publish_id, record.article_id) == (
            publication.publish_id,
            publication.article_id,
        )


# -- index conventions -------------------------------------------------------------------


class Recorder:
    """A stand-in client that records the calls a backend makes."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def __getattr__(self, name: str) -> Any:
        async def call(*args: Any, **kwargs: Any) -> Any:
            self.calls.append((name, args, kwargs))

        return call


def test_each_backend_changes_and_deletes_with_its_own_index_convention(tmp_path: Path) -> None:
    from mdwx.config import SiteConfig
    from mdwx.publish.backends import make_backend

    config = SiteConfig(root=tmp_path)
    media, draft = Recorder(), Recorder()
    asyncio.run(make_backend("media", media, config).update("m1", {"title": "t"}))
    asyncio.run(make_backend("draft", draft, config).update("d1", {"title": "t"}))
    assert media.calls == [
        ("update", ("m1", {"title": "t"}), {"index": 1})
    ]  # publish/update: from 1
    assert draft.calls == [
        ("draft_update", ("d1", {"title": "t"}), {"index": 0})
    ]  # draft/update: from 0
    media.calls.clear()
    draft.calls.clear()
    asyncio.run(make_backend("media", media, config).delete("m1", status="published", index=1))
    asyncio.run(
        make_backend("draft", draft, config).delete(
            "d1", status="published", article_id="a1", index=1
        )
    )
    asyncio.run(make_backend("draft", draft, config).delete("d2", status="draft"))
    assert media.calls == [("delete", ("m1",), {"index": 1})]  # by media_id
    assert draft.calls == [
        ("freepublish_delete", ("a1",), {"index": 1}),  # by article_id
        ("draft_delete", ("d2",), {}),
    ]  # an unsubmitted one from the box


def test_edit_of_a_draft_submitted_outside_mdwx_is_refused_with_what_to_do(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    post = site / REL
    with sandbox() as sb:
        first = draft_publish([post], sb, draft=True)[0]
        sb.store.submit_draft(first.media_id)  # published by hand in the console
        post.write_text(post.read_text("utf-8") + "\n\nAn edit.\n", encoding="utf-8")
        refused = draft_publish([post], sb, draft=True)[0]
        assert refused.error is not None
        assert "left the draft box" in str(refused.error) and "--force" in str(refused.error)
        assert len(DRAFT.created(sb)) == 1


# -- crash safety of submit ----------------------------------------------------------------


def test_lost_submit_answer_is_settled_by_asking_not_by_submitting_again(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    post = site / REL
    with sandbox() as sb:
        assert draft_publish([post], sb, draft=True)[0].error is None
        sb.configure(failure_rate=1.0, failure_kinds=("drop_after",))  # done, answer lost
        lost = draft_publish([post], sb)[0]
        assert lost.error is not None
        assert endpoints(sb).count("freepublish/submit") == 1
        sb.configure(failure_rate=0.0)
        sb.clear_log()
        again = draft_publish([post], sb, wait=True)[0]
        assert again.error is None, again.error
        assert again.status == "published" and again.url
        sent = endpoints(sb)
        assert "freepublish/submit" not in sent
        assert "draft/get" in sent and "freepublish/batchget" in sent
        assert len(sb.store.publications()) == 1
        with State.open(site / ".mdwx" / "state.db") as state:
            record = state.for_backend("draft").article(sb.appid, REL)
        assert (
            record.status == "published"
            and record.article_id == sb.store.publications()[0].article_id
        )


def test_submit_intent_whose_request_never_left_is_settled_then_submitted_once(
    tmp_path: Path,
) -> None:
    site = copy_site(tmp_path)
    post = site / REL
    with sandbox() as sb:
        assert draft_publish([post], sb, draft=True)[0].error is None
        with State.open(site / ".mdwx" / "state.db") as state:
            state.for_backend("draft").begin_submit(sb.appid, REL)  # killed before sending
        sb.clear_log()
        result = draft_publish([post], sb, wait=True)[0]
        assert result.error is None and result.status == "published"
        assert endpoints(sb).count("draft/get") == 1  # still in the box: the submit was never taken
        assert endpoints(sb).count("freepublish/submit") == 1
        assert len(sb.store.publications()) == 1


def test_refused_submit_53503_returns_the_article_to_the_box(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    post = site / REL
    with sandbox(submit_refusal=53503) as sb:
        refused = draft_publish([post], sb)[0]
        assert refused.error is not None and "53503" in str(refused.error)
        assert "pre-publish check" in str(refused.error)
        with State.open(site / ".mdwx" / "state.db") as state:
            assert state.for_backend("draft").article(sb.appid, REL).status == "draft"
        sb.configure(submit_refusal=0)
        sb.clear_log()
        again = draft_publish([post], sb)[0]
        assert again.error is None and again.status == "submitted"
        assert endpoints(sb).count("freepublish/submit") == 1
        assert "draft/get" not in endpoints(sb)  # nothing to settle: the refusal was certain


def test_unauthorised_account_48001_says_what_it_needs(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    with sandbox(draft_api_authorised=False) as sb:
        result = draft_publish([site / REL], sb)[0]
        assert result.error is not None and "48001" in str(result.error)
        assert "verified" in str(result.error)
        with State.open(site / ".mdwx" / "state.db") as state:
            assert (
                state.for_backend("draft").article(sb.appid, REL) is None
            )  # refused: no intent left


def test_interrupted_draft_update_is_repeated_not_duplicated(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    post = site / REL
    with sandbox() as sb:
        first = draft_publish([post], sb, draft=True)[0]
        post.write_text(post.read_text("utf-8") + "\n\nEdited.\n", encoding="utf-8")
        with State.open(site / ".mdwx" / "state.db") as state:
            state.for_backend("draft").begin_update(sb.appid, REL)  # as if killed mid-update
        sb.clear_log()
        again = draft_publish([post], sb, draft=True)[0]
        assert again.error is None and again.media_id == first.media_id
        assert endpoints(sb).count("draft/update") == 1 and "draft/add" not in endpoints(sb)
        assert "Edited." in DRAFT.article(sb, first.media_id)["content"]


def test_lost_draft_add_answer_is_reported_and_the_rerun_adopts_the_draft(
    tmp_path: Path, monkeypatch
) -> None:
    from mdwx.publish.backends.draft import DraftBackend

    site = copy_site(tmp_path)
    first, second = (
        write(
            site / "posts" / f"{name}.md",
            f"---\ntitle: {name}\ncover: ../media/cover-hello.jpg\n"
            "---\n\n![logo](../media/logo.png)\n",
        )
        for name in ("one", "two")
    )
    with sandbox() as sb:
        assert draft_publish([first], sb, draft=True)[0].error is None  # caches the shared images
        find = DraftBackend.find_marked
        # The sandbox's faults hit every call: the lookup before draft/add is let through.
        monkeypatch.setattr(DraftBackend, "find_marked", lambda self, mark: _none())
        sb.configure(failure_rate=1.0, failure_kinds=("drop_after",))
        lost = draft_publish([second], sb, draft=True)[0]
        assert lost.error is not None and "draft/add" in str(lost.error)
        assert len(DRAFT.created(sb)) == 2  # WeChat made the draft; its answer was lost
        sb.configure(failure_rate=0.0)
        monkeypatch.setattr(DraftBackend, "find_marked", find)
        again = draft_publish([second], sb, draft=True)[0]
        assert (
            again.error is None and again.status == "draft" and again.steps[0].startswith("adopt ")
        )
        assert len(DRAFT.created(sb)) == 2  # found by its mark: no second copy
        assert not any("stopped while uploading" in w for w in again.warnings)


async def _none() -> None:
    return None


# -- records per backend -----------------------------------------------------------------


def test_media_and_draft_records_of_one_post_are_kept_apart(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    post = site / REL
    with sandbox() as sb:
        media = publish([post], sb, draft=True)[0]
        draft = draft_publish([post], sb, draft=True)[0]
        assert media.error is None and draft.error is None
        assert media.media_id != draft.media_id
        assert len(sb.store.articles()) == 1 and len(DRAFT.created(sb)) == 1
        sb.clear_log()
        assert publish([post], sb, draft=True)[0].steps == ["unchanged"]
        assert draft_publish([post], sb, draft=True)[0].steps == ["unchanged"]
        assert [e for e in endpoints(sb) if not e.startswith("cgi-bin/")] == []


def test_a_media_state_from_schema_2_keeps_working(tmp_path: Path) -> None:
    """An existing .mdwx/state.db (schema 2, media API only) is migrated: its records become
    the media backend's, and publishing through the draft API starts apart from them."""
    path = tmp_path / "state.db"
    conn = sqlite3.connect(path)
    from mdwx.publish.state.schema import MIGRATIONS

    for script in MIGRATIONS[:2]:
        conn.executescript(script)
    conn.execute(
        "INSERT INTO articles (appid, source_path, media_id, content_hash, status, title, created_at,"
        " updated_at, source_hash, post_key) VALUES ('wx1', 'p.md', 'M1', 'h', 'published', 'T',"
        " '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00', 's', 'slug:p')"
    )
    conn.execute(
        "INSERT INTO superseded VALUES ('wx1', 'p.md', 'M0', 'submitted', NULL, 'T0',"
        " '2025-01-01T00:00:00+00:00', '2025-06-01T00:00:00+00:00')"
    )
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    with State.open(path) as state:
        record = state.article("wx1", "p.md")
        assert record is not None and record.media_id == "M1" and record.backend == "media"
        assert [o.media_id for o in state.superseded("wx1", "p.md")] == ["M0"]
        assert state.for_backend("draft").article("wx1", "p.md") is None
        assert (
            state.for_backend("draft").identity_matches("wx1", source_hash="s", post_key="slug:p")
            == []
        )
        draft = state.for_backend("draft")
        draft.begin_upload("wx1", "p.md", title="T", content_hash="x")
        draft.record_uploaded("wx1", "p.md", "D1", "x", "T")
        assert state.article("wx1", "p.md").media_id == "M1"
        assert draft.article("wx1", "p.md").media_id == "D1"


# -- limits, crops -----------------------------------------------------------------------


def test_draft_limits_are_configurable_and_enforced_before_sending(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    config = site / "mdwx.toml"
    config.write_text(config.read_text("utf-8") + "\n[draft]\ntitle = 32\n", encoding="utf-8")
    post = write(site / "posts" / "long.md", "---\ntitle: " + "标" * 40 + "\n---\n\nText.\n")
    with sandbox() as sb:
        result = draft_publish([post], sb)[0]
        assert result.error is not None
        assert f"{post}:2: title is 40 characters, 8 over the draft API's limit of 32" in str(
            result.error
        )
        assert "draft.title" in str(result.error)
        assert sb.requests == []
        # The media API has its own limit ([limits] title = 64): the same post goes through.
        assert publish([post], sb, draft=True)[0].error is None


def test_digest_in_bytes_is_cut_to_fit_when_made_and_refused_when_given(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    config = site / "mdwx.toml"
    config.write_text(
        config.read_text("utf-8") + '\n[draft]\ndigest_unit = "bytes"\n', encoding="utf-8"
    )
    made = write(site / "posts" / "made.md", "---\ntitle: Made\n---\n\n" + "汉字" * 50 + "\n")
    given = write(
        site / "posts" / "given.md", "---\ntitle: Given\ndigest: " + "汉" * 50 + "\n---\n\nText.\n"
    )
    with sandbox(draft_digest_unit="bytes") as sb:
        result = draft_publish([made], sb, draft=True)[0]
        assert result.error is None
        digest = DRAFT.article(sb, result.media_id)["digest"]
        assert len(digest.encode("utf-8")) <= 120 and digest.endswith("…")
        refused = draft_publish([given], sb, draft=True)[0]
        assert (
            refused.error is not None
            and "150 bytes" in str(refused.error)
            and f"{given}:3" in str(refused.error)
        )


def test_cover_crops_are_sent_as_fractions(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    save_picture(site / "media" / "wide.jpg", (940, 400), (20, 90, 160))
    post = write(
        site / "posts" / "crop.md",
        "---\ntitle: Crop\ncover: ../media/wide.jpg\n"
        'pic_crop_235_1: [0, 0, 1, 1]\npic_crop_1_1: "0.2872_0_0.7128_1"\n---\n\nText.\n',
    )
    with sandbox() as sb:
        result = draft_publish([post], sb, wait=True)[0]
        assert result.error is None, result.error
        article = sb.store.publications()[0].items[0]
        assert article["pic_crop_235_1"] == "0_0_1_1"
        assert article["pic_crop_1_1"] == "0.2872_0_0.7128_1"


def test_a_crop_of_the_wrong_shape_is_refused_before_sending_even_for_an_uploaded_cover(
    tmp_path: Path,
) -> None:
    site = copy_site(tmp_path)
    save_picture(site / "media" / "wide.jpg", (940, 400), (20, 90, 160))
    head = "---\ntitle: Crop\ncover: ../media/wide.jpg\n"
    post = write(site / "posts" / "crop.md", head + "pic_crop_1_1: [0, 0, 0.5, 1]\n---\n\nText.\n")
    with sandbox() as sb:
        refused = draft_publish([post], sb, draft=True)[0]
        assert refused.error is not None and sb.requests == []
        assert str(refused.error).startswith(
            f"{post}:4: pic_crop_1_1 is 470×400 px of the 940×400 cover, not 1:1"
        )
        write(post, head + "pic_crop_1_1: [0, 0, 0.4255, 1]\n---\n\nText.\n")
        assert draft_publish([post], sb, draft=True)[0].error is None  # the cover is uploaded now
        sb.clear_log()
        write(post, head + "pic_crop_1_1: [0, 0, 0.9, 1]\n---\n\nText.\n")
        again = draft_publish([post], sb, draft=True)[0]
        assert again.error is not None and "not 1:1" in str(again.error)
        assert sb.requests == []


# -- image posts -------------------------------------------------------------------------


def image_post(
    site: Path,
    count: int,
    text: str = "第一段文字。\n\n**第二段**，带 [链接](https://example.com)。",
) -> Path:
    for number in range(count):
        (site / "media" / f"p{number}.png").write_bytes(
            png_bytes((300, 200), (number * 9 % 256, 80, 120))
        )
    pictures = "\n".join(f"![图 {n}](../media/p{n}.png)" for n in range(count))
    return write(
        site / "posts" / "pictures.md",
        f"---\ntitle: 图片消息\ntype: images\n---\n\n{text}\n\n{pictures}\n",
    )


def test_image_post_publishes_its_pictures_and_plain_text(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    post = image_post(site, 3)
    with sandbox() as sb:
        result = draft_publish([post], sb, wait=True)[0]
        assert result.error is None, result.error
        assert result.status == "published"
        article = sb.store.publications()[0].items[0]
        assert article["article_type"] == "newspic"
        assert article["content"] == "第一段文字。\n第二段，带 链接。"
        media_ids = [i["image_media_id"] for i in article["image_info"]["image_list"]]
        assert len(media_ids) == 3 and len(set(media_ids)) == 3
        assert "thumb_media_id" not in article
        assert endpoints(sb).count(
            "material/add_material"
        ) == 3 and "media/uploadimg" not in endpoints(sb)
        sb.clear_log()
        assert draft_publish([post], sb, wait=True)[0].steps == ["unchanged"]
        assert sb.requests == []


@pytest.mark.parametrize(
    ("count", "text", "message", "line"),
    [
        (21, "Text.", "at most 20 pictures, this one has 21", 28),
        (2, "<div>HTML only</div>", "cannot hold HTML", 6),
        (2, "Some <b>bold</b> words.", "cannot hold HTML", 6),
        (2, "Compare `<br>` here.", "cannot hold '<br>'", 6),
        (2, "字" * 1001, "1001 characters, 1 over the limit of 1000", 6),
    ],
)
def test_image_post_refusals_name_the_line_and_send_nothing(
    tmp_path: Path, count: int, text: str, message: str, line: int
) -> None:
    site = copy_site(tmp_path)
    post = image_post(site, count, text)
    with sandbox() as sb:
        result = draft_publish([post], sb)[0]
        assert result.error is not None and message in str(result.error), result.error
        assert f"{post}:{line}:" in str(result.error)
        assert sb.requests == []


def test_check_finds_an_image_post_fault_offline(tmp_path: Path) -> None:
    from mdwx.build import check_post
    from mdwx.source.gate import collect_posts

    site = copy_site(tmp_path)
    post = image_post(site, 21)
    report = check_post(collect_posts([post])[0])
    assert not report.ok and str(report.error).startswith(
        f"{post}:30: an image post holds at most 20 pictures"
    )


def test_image_post_through_the_media_api_is_a_clear_error(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    post = image_post(site, 2)
    with sandbox() as sb:
        result = publish([post], sb)[0]
        assert result.error is not None
        assert f"{post}:3:" in str(result.error) and "draft-box API only" in str(result.error)
        assert "--backend draft" in str(result.error)
        assert sb.requests == []


def _submitted() -> ArticleRecord:
    """A draft-backend article submitted as publish_id P1, for following its review."""
    return ArticleRecord(
        "wx1",
        "p.md",
        "M1",
        "h",
        "submitted",
        None,
        "T",
        "",
        "",
        None,
        None,
        backend="draft",
        publish_id="P1",
    )
