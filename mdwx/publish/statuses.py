"""The words a post's article and a publish result are in: one home, typed, light to import.

Each is a :data:`~typing.Literal`, so mypy checks every assignment and comparison against the
list; the words themselves are what the state database stores and ``--json`` prints
(docs/json.md), never changed for a type's sake. Nothing heavy is imported here: the offline
commands and the command line's start name these types without loading the state store.
"""

from __future__ import annotations

from typing import Literal, get_args

#: Where an article stands; the "-ing" statuses mean a request was sent and its outcome is unknown.
ArticleStatus = Literal[
    "uploading",  # uploadnews sent, outcome unknown
    "updating",  # update of the unsubmitted media_id sent, outcome unknown (safe to repeat)
    "draft",  # uploaded, not submitted
    "submitting",  # submit sent, outcome unknown
    "submitted",
    "published",
    "rejected",
    "deleted",
]
ARTICLE_STATUSES: tuple[ArticleStatus, ...] = get_args(ArticleStatus)

#: A post's ``status`` in a publish result: its article's, or what the run did instead
#: (``skipped``: ``draft: true`` or not published by its generator; ``scheduled``: held
#: unsubmitted until ``publish_at``).
PostStatus = ArticleStatus | Literal["skipped", "dry-run", "failed", "scheduled"]

#: A post's ``status`` in ``mdwx status``: its recorded article's, or ``not published``.
RowStatus = ArticleStatus | Literal["not published"]
