"""Comments on a 群发 name the send's message: its ``msg_data_id`` and the post's place in it
(index from 0), whatever backend made the article — over HTTP against the sandbox, and as a
property of the rule over any history of sends."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from mdwx.account.addressing import article_paths, comment_address
from mdwx.publish.state.masssends import MassSendRecord
from mdwx.publish.state.schema import ArticleRecord
from tests.bundle_helpers import bundle_site, member
from tests.cli_helpers import mdwx, mdwx_json, sandbox_env, write_post
from tests.factories import sandbox


def test_a_media_backend_send_is_commented_through_the_sends_msg_data_id(tmp_path: Path) -> None:
    root = tmp_path / "site"
    root.mkdir()
    (root / "mdwx.toml").write_text('backend = "media"\n', encoding="utf-8")
    write_post(root / "posts" / "m.md", title="媒体", extra="comments: open\n")
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        code, report = mdwx_json("send", "posts/m.md", "--yes", cwd=root, env=env)
        assert code == 0, report
        sent = report["sends"][0]["msg_data_id"]
        said = sb.store.add_comment(int(sent), 0, "o1", "收到了")
        code, listed = mdwx_json("comments", "posts/m.md", cwd=root, env=env)
        assert code == 0, listed
        assert (listed["msg_data_id"], listed["index"], listed["source"]) == (sent, 0, "send")
        assert [c["content"] for c in listed["comments"]] == ["收到了"]
        code, replied = mdwx_json(
            "comments", "posts/m.md", "--reply", str(said), "谢谢", cwd=root, env=env
        )
        assert code == 0 and replied["comments"][0]["reply"] == "谢谢"
        shown = mdwx("comments", "posts/m.md", cwd=root, env=env)
        assert f"msg_data_id {sent}, article 0 (from its 群发)" in shown.stderr
        with sb.store._tx() as db:  # sent three days ago: its figures are in the default range
            db.execute("UPDATE mass_sends SET created = created - ?", (3 * 86_400,))
        code, stats = mdwx_json("stats", "posts/m.md", cwd=root, env=env)
        assert code == 0, stats
        assert [(r["msgid"], r["path"]) for r in stats["rows"]] == [(f"{sent}_1", "posts/m.md")]


def test_each_post_of_a_sent_bundle_is_its_own_article_of_the_message(tmp_path: Path) -> None:
    root = bundle_site(tmp_path / "site")
    for place, name in enumerate("abc"):
        member(root, name, index=place, extra="comments: open\n")
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        code, report = mdwx_json("send", "posts/b.md", "--yes", cwd=root, env=env)
        assert code == 0, report
        sent = report["sends"][0]["msg_data_id"]
        sb.store.add_comment(int(sent), 1, "o1", "about b")
        seen = {}
        for place, name in enumerate("abc"):
            code, listed = mdwx_json("comments", f"posts/{name}.md", cwd=root, env=env)
            assert code == 0 and listed["msg_data_id"] == sent and listed["index"] == place
            seen[name] = [c["content"] for c in listed["comments"]]
        assert seen == {"a": [], "b": ["about b"], "c": []}
        code, other = mdwx_json("comments", "posts/a.md", "--index", "1", cwd=root, env=env)
        assert code == 0 and other["index"] == 1 and other["total"] == 1
        with sb.store._tx() as db:  # sent three days ago: its figures are in the default range
            db.execute("UPDATE mass_sends SET created = created - ?", (3 * 86_400,))
        code, every = mdwx_json("stats", cwd=root, env=env)
        assert code == 0 and sorted((r["msgid"], r["path"]) for r in every["rows"]) == [
            (f"{sent}_{n}", f"posts/{name}.md") for n, name in enumerate("abc", start=1)
        ]
        code, only_b = mdwx_json("stats", "posts/b.md", cwd=root, env=env)
        assert code == 0 and [r["msgid"] for r in only_b["rows"]] == [f"{sent}_2"]


def test_a_msg_data_id_wechat_does_not_know_is_explained_as_one(tmp_path: Path) -> None:
    root = tmp_path / "site"
    root.mkdir()
    (root / "mdwx.toml").write_text('backend = "media"\n', encoding="utf-8")
    write_post(root / "posts" / "m.md", title="媒体", extra="comments: open\n")
    with sandbox() as sb:
        env = sandbox_env(sb, tmp_path)
        assert mdwx("send", "posts/m.md", "--yes", cwd=root, env=env).returncode == 0
        with sb.store._tx() as db:  # the message is gone from WeChat's side
            db.execute("UPDATE mass_sends SET msg_data_id = msg_data_id + 1")
        result = mdwx("comments", "posts/m.md", cwd=root, env=env)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "40007" in result.stderr and "msg_data_id" in result.stderr
    assert "media_id" not in result.stderr


PATHS = st.sampled_from(["a.md", "b.md", "c.md", "d.md"])
SENDS = st.lists(
    st.tuples(
        st.lists(PATHS, min_size=1, max_size=4, unique=True),
        st.sampled_from(["sending", "sent", "deleted"]),
        st.sampled_from(["", "101", "202", "303"]),
    ),
    max_size=5,
)


def _send(number: int, sources: list[str], status: str, msg_data_id: str) -> MassSendRecord:
    return MassSendRecord(
        "wx1",
        f"c{number}",
        f"m{number}",
        "all",
        tuple(sources),
        status,  # type: ignore[arg-type]
        f"{number}",
        msg_data_id,
        "",
        "",
        None,
        "",
    )


@given(SENDS, st.sampled_from(["", "999"]), st.integers(0, 7), PATHS)
def test_the_address_is_the_newest_send_that_went_out_else_the_submit(
    history: list[tuple[list[str], str, str]], submitted: str, place: int, rel: str
) -> None:
    sends = [_send(n, *entry) for n, entry in enumerate(history)]
    record = ArticleRecord(
        "wx1",
        rel,
        "m",
        "h",
        "published",
        None,
        "t",
        "",
        "",
        None,
        None,
        msg_data_id=submitted,
        bundle_index=place,
    )
    address = comment_address(rel, record, sends)
    went = [s for s in sends if s.status == "sent" and s.msg_data_id and rel in s.sources]
    if went:
        assert address is not None and address.source == "send"
        assert address.msg_data_id == went[-1].msg_data_id
        assert address.index == went[-1].sources.index(rel)
    elif submitted:
        assert address == type(address)(submitted, place, "submit")
    else:
        assert address is None


@given(
    st.lists(st.lists(PATHS, min_size=1, max_size=4, unique=True), max_size=4),
    st.lists(st.tuples(PATHS, st.integers(0, 7)), max_size=4, unique_by=lambda t: t[0]),
)
def test_each_article_of_a_message_names_its_own_post(
    sent: list[list[str]], submitted: list[tuple[str, int]]
) -> None:
    """Each send is its own message (WeChat's msg_data_id); a post submitted in a bundle is
    the article at its place. Every article is named after the post at that place."""
    sends = [_send(n, sources, "sent", f"{100 + n}") for n, sources in enumerate(sent)]
    records = [
        (
            rel,
            ArticleRecord(
                "wx1",
                rel,
                "m",
                "h",
                "published",
                None,
                "t",
                "",
                "",
                None,
                None,
                msg_data_id=f"9{n}",
                bundle_index=place,
            ),
        )
        for n, (rel, place) in enumerate(submitted)
    ]
    expected = {(f"{100 + n}", i): rel for n, srcs in enumerate(sent) for i, rel in enumerate(srcs)}
    expected |= {(f"9{n}", place): rel for n, (rel, place) in enumerate(submitted)}
    assert article_paths(sends, records) == expected
