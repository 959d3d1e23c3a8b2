"""The words of plan steps and statuses: each list declared once, every user of it in step.

The types are :data:`~typing.Literal` lists (mypy checks each comparison against them); these
tests tie the runtime tables to those lists, so a word added to one is not missing from another.
"""

from __future__ import annotations

from typing import get_args

from mdwx.publish.backends.draft import DraftBackend
from mdwx.publish.backends.media import MediaBackend
from mdwx.publish.plan import ACTION_TEXT, KEEP, SETTLE, UNCHANGED, UPDATE, UPLOAD, ArticleStep
from mdwx.publish.state.export_schema import STATUS
from mdwx.publish.statuses import ARTICLE_STATUSES, PostStatus, RowStatus


def _words(literal: object) -> set[str]:
    """Every word of a Literal, or of a union of Literals."""
    found: set[str] = set()
    for arg in get_args(literal):
        found |= _words(arg) if get_args(arg) else {arg}
    return found


def test_the_article_steps_are_the_plans_constants_and_each_has_words() -> None:
    assert get_args(ArticleStep) == (UNCHANGED, UPDATE, UPLOAD, SETTLE, KEEP)
    assert set(ACTION_TEXT) == set(get_args(ArticleStep))
    for backend in (MediaBackend, DraftBackend):
        assert set(backend.texts) <= set(get_args(ArticleStep))


def test_post_and_row_statuses_extend_the_article_statuses() -> None:
    assert set(ARTICLE_STATUSES) < _words(PostStatus)
    assert _words(PostStatus) - set(ARTICLE_STATUSES) == {
        "skipped",
        "dry-run",
        "failed",
        "scheduled",
    }
    assert _words(RowStatus) == {*ARTICLE_STATUSES, "not published"}


def test_the_state_export_accepts_exactly_the_article_statuses() -> None:
    assert tuple(STATUS.choices or ()) == ARTICLE_STATUSES
