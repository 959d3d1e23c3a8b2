"""What each post used in its last successful publish: the ``post_inputs`` table.

One row per (account, backend, post): the digest of the settings the post was rendered
under, the files it used with their signatures (:mod:`mdwx.files.used_files`), and the
article that run left (``media_id``, ``content_hash``) with the result to show again. Read
and written by :mod:`mdwx.publish.unchanged`; a cache only, so a row that is missing or
disagrees with the article record means the post is rendered as before. No secret is kept:
settings are a digest, files are paths and hashes. A mixin of
:class:`mdwx.publish.state.store.State`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PostInputs:
    """A post's inputs as its last successful run saw them (see the module)."""

    account: str  # [accounts.NAME], "" for the call's credentials
    backend: str
    source_path: str  # relative to the site root, posix separators
    appid: str
    post_digest: (
        str  # digest of the post's bytes and the site's settings (see mdwx.publish.unchanged)
    )
    routes: list[str]  # the accounts the post went to ("" the call's credentials)
    settings: str  # post_digest with the account's view of the settings
    files: dict[str, str]  # absolute path → signature
    media_id: str
    content_hash: str  # the article's payload hash that run left
    result: dict[str, Any]  # what to show again: title, uploads, diagnostics, publish_at


class PostInputsRecords:
    """Methods over the ``post_inputs`` table; needs State's helpers."""

    _guard: Callable[[], AbstractContextManager[sqlite3.Connection]]
    _now: Callable[[], str]

    def post_inputs(self) -> dict[str, list[PostInputs]]:
        """Every post's recorded inputs (one per account and backend it went to), by source path."""
        with self._guard() as conn:
            # A post of a 多图文 bundle is never skipped: its bundle's draft is planned from all
            # its posts at once (mdwx.publish.bundle), the unchanged ones included.
            rows = conn.execute(
                "SELECT * FROM post_inputs WHERE source_path NOT IN"
                " (SELECT source_path FROM articles WHERE bundle != '')"
                " ORDER BY source_path, account, backend"
            ).fetchall()
        found: dict[str, list[PostInputs]] = {}
        for row in rows:
            try:
                files, result, routes = (
                    json.loads(row["files"]),
                    json.loads(row["result"]),
                    json.loads(row["routes"]),
                )
            except ValueError:  # a damaged row is a miss
                continue
            if isinstance(files, dict) and isinstance(result, dict) and isinstance(routes, list):
                found.setdefault(row["source_path"], []).append(
                    PostInputs(
                        row["account"],
                        row["backend"],
                        row["source_path"],
                        row["appid"],
                        row["post_digest"],
                        [str(r) for r in routes],
                        row["settings"],
                        files,
                        row["media_id"],
                        row["content_hash"],
                        result,
                    )
                )
        return found

    def remember_inputs(self, inputs: PostInputs) -> None:
        """Record (or replace) what the post used in the run that just published it."""
        with self._guard() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO post_inputs (account, backend, source_path, appid, post_digest, routes,"
                " settings, files, media_id, content_hash, result, recorded_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    inputs.account,
                    inputs.backend,
                    inputs.source_path,
                    inputs.appid,
                    inputs.post_digest,
                    json.dumps(inputs.routes),
                    inputs.settings,
                    json.dumps(inputs.files, sort_keys=True),
                    inputs.media_id,
                    inputs.content_hash,
                    json.dumps(inputs.result, sort_keys=True),
                    self._now(),
                ),
            )

    def forget_inputs(self, account: str, backend: str, source_path: str) -> None:
        """Forget the post's inputs: its next run renders it."""
        with self._guard() as conn:
            conn.execute(
                "DELETE FROM post_inputs WHERE account = ? AND backend = ? AND source_path = ?",
                (account, backend, source_path),
            )
