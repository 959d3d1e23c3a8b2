"""The rules behind hooks in everyday use, over their input space: what a changed,
already-submitted post does under each ``on_submitted_change`` (one decision for every
door), the exact command the warning names, the reasons remembered for a retry, and the
mark that lets two doors find one article."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mdwx.publish.marker import Mark, marked, post_mark, read_mark
from mdwx.publish.plan import KEEP, UPDATE, UPLOAD, decide, republish_command
from mdwx.publish.state.pending import REASON_CHARS, safe_reason
from mdwx.publish.state.schema import ArticleRecord
from mdwx.publish.statuses import ARTICLE_STATUSES

SETTINGS = st.sampled_from(["warn", "error", "republish"])


def _record(status: str, content_hash: str = "old") -> ArticleRecord:
    return ArticleRecord(
        "wx1",
        "p.md",
        "MEDIA",
        content_hash,
        status,
        None,
        "T",
        "2026-01-01T00:00:00+00:00",
        "2026-01-01T00:00:00+00:00",
        None,
        None,
    )  # type: ignore[arg-type]


@given(st.sampled_from(ARTICLE_STATUSES), st.booleans(), st.booleans(), st.booleans(), SETTINGS)
def test_a_changed_submitted_post_follows_the_setting_and_nothing_else_does(
    status: str, changed: bool, draft: bool, force: bool, on_change: str
) -> None:
    record = _record(status)
    step, superseded, submit, error = decide(
        record,
        "new" if changed else "old",
        draft=draft,
        force=force,
        path="posts/p.md",
        on_change=on_change,
    )
    submitted = status in ("submitted", "published", "rejected")
    if not (submitted and changed):  # the setting changes nothing else
        assert decide(
            record,
            "new" if changed else "old",
            draft=draft,
            force=force,
            path="posts/p.md",
            on_change="error",
        ) == (step, superseded, submit, error)
        assert step != KEEP
        return
    if force or on_change == "republish":
        assert (step, superseded, submit, error) == (UPLOAD, "MEDIA", not draft, None)
    elif on_change == "warn":
        assert (step, superseded, submit, error) == (KEEP, None, False, None)
    else:
        assert error is not None and not submit and superseded is None
        assert republish_command("posts/p.md", draft=draft) in str(error)
    assert step != UPDATE  # a submitted article is never changed in place


NAMES = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/\0"),
    min_size=1,
    max_size=20,
).filter(lambda n: n not in (".", ".."))


@settings(max_examples=50)
@given(NAMES, st.booleans())
def test_the_named_command_publishes_exactly_that_post(name: str, draft: bool) -> None:
    path = Path("posts") / f"{name}.md"
    words = shlex.split(republish_command(path, draft=draft))
    assert (
        words[:2] == ["mdwx", "publish"] and "--force" in words and (("--draft" in words) == draft)
    )
    assert os.path.abspath(words[-1]) == os.path.abspath(path)


SECRET = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=12, max_size=40)


@given(
    st.text(max_size=400), SECRET, st.sampled_from(["url", "access_token", "secret", "appsecret"])
)
def test_a_remembered_reason_is_one_bounded_line_without_secrets(
    text: str, secret: str, where: str
) -> None:
    leak = (
        f"https://user:{secret}@host.example/x.png"
        if where == "url"
        else f"https://api.example/cgi-bin/x?{where}={secret}&b=1"
    )
    reason = safe_reason(f"{text} {leak}\n{text}")
    assert secret not in reason or secret in text
    assert "\n" not in reason and "\r" not in reason and len(reason) <= REASON_CHARS


HEX = st.text("0123456789abcdef", min_size=64, max_size=64)


@given(st.text(max_size=300), HEX, HEX)
def test_a_mark_reads_back_from_any_content_and_replaces_an_earlier_one(
    content: str, first: str, second: str
) -> None:
    old, new = Mark(first[:24], first[24:40]), Mark(second[:24], second[24:40])
    once = marked(content, old)
    assert read_mark(once) == old
    again = marked(once, new)
    assert read_mark(again) == new and again.endswith(new.element())
    assert again.count(new.element()) == 1 and (old == new or old.element() not in again)


def test_a_mark_differs_by_site_and_post_and_keeps_the_post_file_version(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir(), two.mkdir()
    assert post_mark(one, "posts/a.md", "f" * 64).key != post_mark(two, "posts/a.md", "f" * 64).key
    assert post_mark(one, "posts/a.md", "f" * 64).key != post_mark(one, "posts/b.md", "f" * 64).key
    assert post_mark(one, "posts/a.md", "0" * 64) == Mark(
        post_mark(one, "posts/a.md", "f" * 64).key, "0" * 16
    )


OUTCOME = st.tuples(
    st.sampled_from(["a.md", "b.md", "c.md"]),
    st.sampled_from(["", "blog", "news"]),
    st.sampled_from(["failed", "submitted", "draft", "skipped", "dry-run"]),
)


@settings(max_examples=40)
@given(st.lists(st.lists(OUTCOME, min_size=1, max_size=4), min_size=1, max_size=5))
def test_pending_holds_exactly_the_posts_whose_last_real_outcome_failed(
    tmp_path_factory, runs
) -> None:
    from mdwx.errors import MdwxError
    from mdwx.publish.results import PostResult
    from mdwx.publish.state.outcomes import remember_outcomes
    from mdwx.publish.state.store import State

    expected: dict[tuple[str, str], int] = {}
    with State.open(tmp_path_factory.mktemp("state") / "state.db") as state:
        for run in runs:
            results = []
            for path, account, status in run:
                result = PostResult(path=path, status=status, account=account or None)
                if status == "failed":
                    result.error = MdwxError(f"no luck with {path}", path=path)
                    expected[(path, account)] = expected.get((path, account), 0) + 1
                elif status != "dry-run":  # a dry run sends nothing and changes nothing
                    expected.pop((path, account), None)
                results.append(result)
            remember_outcomes(state, [p for p, _, _ in run], results)
        found = {(r.source_path, r.account): r.failures for r in state.pending()}
    assert found == expected
