"""The account-scoped view of the state: the AppID given once, every account kept apart."""

from __future__ import annotations

import inspect
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.publish.state.account_view import AccountState
from mdwx.publish.state.store import State


def _takes_appid_first(name: str) -> bool:
    function = getattr(State, name)
    return inspect.isfunction(function) and list(inspect.signature(function).parameters)[1:2] == [
        "appid"
    ]


def test_the_view_has_every_state_method_that_takes_the_appid_first() -> None:
    wanted = {name for name in dir(State) if not name.startswith("_") and _takes_appid_first(name)}
    assert wanted, "the scan found no method: it would prove nothing"
    assert sorted(wanted - set(vars(AccountState))) == []
    for name in wanted:
        assert getattr(AccountState, name).__doc__ == getattr(State, name).__doc__


PATHS = st.lists(st.sampled_from(["a.md", "b.md", "posts/c.md"]), min_size=1, max_size=4)


@settings(max_examples=20)
@given(blog=PATHS, news=PATHS)
def test_each_accounts_view_writes_and_reads_its_own_records_only(
    tmp_path_factory: object, blog: list[str], news: list[str]
) -> None:
    folder: Path = tmp_path_factory.mktemp("views")  # type: ignore[attr-defined]
    with State.open(folder / "state.db") as state:
        views = {"wxblog": AccountState(state, "wxblog"), "wxnews": AccountState(state, "wxnews")}
        for appid, paths in (("wxblog", blog), ("wxnews", news)):
            for path in paths:
                views[appid].begin_upload(path, title=path, content_hash="h")
                views[appid].record_uploaded(path, f"M-{appid}-{path}", "h", path)
        for appid, paths in (("wxblog", blog), ("wxnews", news)):
            for path in {"a.md", "b.md", "posts/c.md"}:
                seen = views[appid].article(path)
                assert seen == state.article(appid, path)  # the view is the state, appid bound
                if path in paths:
                    assert seen is not None and seen.media_id == f"M-{appid}-{path}"
                else:
                    assert seen is None  # the other account's record is not this one's


def test_a_views_backend_is_the_states(tmp_path: Path) -> None:
    with State.open(tmp_path / "state.db") as state:
        media = AccountState(state, "wx1")
        draft = media.for_backend("draft")
        draft.begin_upload("a.md", title="A", content_hash="h")
        assert media.article("a.md") is None
        assert draft.article("a.md") == state.for_backend("draft").article("wx1", "a.md")
