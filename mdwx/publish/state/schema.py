"""The state database's schema, record types and SQLite error explanations.

Kept apart from :mod:`mdwx.publish.state.store` so the migrations and the shapes of what is stored can be
read in one place; :mod:`mdwx.publish.state.store` re-exports the record types.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import timedelta, timezone
from pathlib import Path
from typing import Literal, get_args

from mdwx.errors import StateError
from mdwx.publish.state.damage import recover_command
from mdwx.publish.statuses import ArticleStatus

SCHEMA_VERSION = 8
BUSY_TIMEOUT_MS = 15_000
#: What an uploaded picture was made into (see mdwx.publish.resolve): the same bytes as a
#: body image and as a cover are two uploads.
UploadKind = Literal["body", "cover", "gif", "card", "formula"]
UPLOAD_KINDS: tuple[UploadKind, ...] = get_args(UploadKind)
# WeChat counts its daily quota on Beijing time; China has had no DST since 1991, so a fixed
# offset is exact and needs no tz database (absent on Windows without tzdata).
WECHAT_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")

# MIGRATIONS[n] brings a database from user_version n to n + 1.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE uploads (
        appid TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        kind TEXT NOT NULL,
        url TEXT NOT NULL,
        media_id TEXT,
        size INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (appid, content_hash, kind)
    );
    CREATE TABLE videos (
        appid TEXT NOT NULL,
        file_sha1 TEXT NOT NULL,
        vid TEXT NOT NULL,
        filename TEXT NOT NULL,
        filesize INTEGER NOT NULL,
        blocks_confirmed INTEGER NOT NULL DEFAULT 0,
        finished INTEGER NOT NULL DEFAULT 0,
        media_id TEXT,
        status INTEGER,
        wording TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL,
        PRIMARY KEY (appid, file_sha1)
    );
    CREATE TABLE articles (
        appid TEXT NOT NULL,
        source_path TEXT NOT NULL,
        media_id TEXT,
        content_hash TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL,
        url TEXT,
        title TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        submitted_at TEXT,
        published_at TEXT,
        PRIMARY KEY (appid, source_path)
    );
    CREATE TABLE submissions (
        appid TEXT NOT NULL,
        day TEXT NOT NULL,
        count INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (appid, day)
    );
    """,
    # 2: identity beyond the path (a renamed post keeps its article) and history (--force
    # keeps the article it supersedes, so status lists it and delete can target it).
    """
    ALTER TABLE articles ADD COLUMN source_hash TEXT NOT NULL DEFAULT '';
    ALTER TABLE articles ADD COLUMN post_key TEXT NOT NULL DEFAULT '';
    CREATE TABLE superseded (
        appid TEXT NOT NULL,
        source_path TEXT NOT NULL,
        media_id TEXT NOT NULL,
        status TEXT NOT NULL,
        url TEXT,
        title TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        superseded_at TEXT NOT NULL,
        PRIMARY KEY (appid, media_id)
    );
    """,
    # 3: records per backend (the media API and the draft-box API publish different
    # articles for one post), and what the draft API answers to follow and delete one:
    # freepublish/submit's publish_id, freepublish/get's article_id. Every earlier record was
    # made through the media API. SQLite cannot change a primary key: the table is rebuilt.
    """
    CREATE TABLE articles_v3 (
        appid TEXT NOT NULL,
        backend TEXT NOT NULL DEFAULT 'media',
        source_path TEXT NOT NULL,
        media_id TEXT,
        content_hash TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL,
        url TEXT,
        title TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        submitted_at TEXT,
        published_at TEXT,
        source_hash TEXT NOT NULL DEFAULT '',
        post_key TEXT NOT NULL DEFAULT '',
        publish_id TEXT NOT NULL DEFAULT '',
        article_id TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (appid, backend, source_path)
    );
    INSERT INTO articles_v3 (appid, backend, source_path, media_id, content_hash, status, url, title,
        created_at, updated_at, submitted_at, published_at, source_hash, post_key)
        SELECT appid, 'media', source_path, media_id, content_hash, status, url, title, created_at,
        updated_at, submitted_at, published_at, source_hash, post_key FROM articles;
    DROP TABLE articles;
    ALTER TABLE articles_v3 RENAME TO articles;
    ALTER TABLE superseded ADD COLUMN backend TEXT NOT NULL DEFAULT 'media';
    ALTER TABLE superseded ADD COLUMN article_id TEXT NOT NULL DEFAULT '';
    """,
    # 4: posts a run failed to publish, retried by the next push through a git hook and
    # listed by status; a row goes when the post is published (mdwx.publish.state.pending).
    """
    CREATE TABLE pending (
        source_path TEXT NOT NULL,
        account TEXT NOT NULL DEFAULT '',
        reason TEXT NOT NULL,
        failures INTEGER NOT NULL DEFAULT 1,
        first_failed_at TEXT NOT NULL,
        failed_at TEXT NOT NULL,
        PRIMARY KEY (source_path, account)
    );
    """,
    # 5: reaching followers (docs/reach.md). freepublish/submit's msg_data_id, kept for
    # comments and analytics; 群发 sends (one row per clientmsgid: the intent is written
    # before sendall, so a killed run is settled with the same clientmsgid) and the phone
    # previews counted per account and Beijing day (about 100 a day).
    """
    ALTER TABLE articles ADD COLUMN msg_data_id TEXT NOT NULL DEFAULT '';
    CREATE TABLE mass_sends (
        appid TEXT NOT NULL,
        clientmsgid TEXT NOT NULL,
        media_id TEXT NOT NULL,
        target TEXT NOT NULL,
        sources TEXT NOT NULL,
        status TEXT NOT NULL,
        msg_id TEXT NOT NULL DEFAULT '',
        msg_data_id TEXT NOT NULL DEFAULT '',
        msg_status TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        sent_at TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (appid, clientmsgid)
    );
    CREATE TABLE previews (
        appid TEXT NOT NULL,
        day TEXT NOT NULL,
        count INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (appid, day)
    );
    """,
    # 6: what each post used in its last successful run (mdwx.publish.unchanged): a post
    # whose inputs are all unchanged is neither rendered nor loaded again. A cache only:
    # a row missing or wrong means the post is rendered as before.
    """
    CREATE TABLE post_inputs (
        account TEXT NOT NULL,
        backend TEXT NOT NULL,
        source_path TEXT NOT NULL,
        appid TEXT NOT NULL,
        post_digest TEXT NOT NULL,
        routes TEXT NOT NULL,
        settings TEXT NOT NULL,
        files TEXT NOT NULL,
        media_id TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        result TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        PRIMARY KEY (account, backend, source_path)
    );
    """,
    # 7: 多图文 bundles (docs/reach.md). Each post of a bundle is one article of a shared draft:
    # its row keeps that draft's media_id and its place in it (bundle_index, from 0, as
    # draft/update's index), so one changed post updates that article only.
    """
    ALTER TABLE articles ADD COLUMN bundle TEXT NOT NULL DEFAULT '';
    ALTER TABLE articles ADD COLUMN bundle_index INTEGER NOT NULL DEFAULT 0;
    """,
    # 8: side drafts (mdwx.publish.state.sidedrafts): a published or sent post put back in the
    # draft box for a preview or a 群发, beside its article record, never submitted by publish.
    # One row per message (its posts' paths, 头条 first); the intent is written before draft/add.
    """
    CREATE TABLE side_drafts (
        appid TEXT NOT NULL,
        backend TEXT NOT NULL,
        sources TEXT NOT NULL,
        version TEXT NOT NULL,
        media_id TEXT NOT NULL DEFAULT '',
        old_media_id TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (appid, backend, sources)
    );
    """,
)
assert len(MIGRATIONS) == SCHEMA_VERSION


@dataclass(frozen=True)
class UploadRecord:
    appid: str
    content_hash: str
    kind: UploadKind
    url: str
    media_id: str | None
    size: int
    created_at: str


@dataclass(frozen=True)
class VideoRecord:
    appid: str
    file_sha1: str
    vid: str
    filename: str
    filesize: int
    blocks_confirmed: int  # highest part number such that parts 1..n are all confirmed
    finished: bool
    media_id: str | None
    status: int | None
    wording: str
    updated_at: str


@dataclass(frozen=True)
class ArticleRecord:
    appid: str
    source_path: str  # relative to the site root, posix separators
    media_id: str | None
    content_hash: str
    status: ArticleStatus
    url: str | None
    title: str
    created_at: str
    updated_at: str
    submitted_at: str | None
    published_at: str | None
    source_hash: str = ""  # sha256 of the post file as last uploaded: follows a rename
    post_key: str = ""  # "id:…" or "slug:…" from the front matter: follows a rename + edit
    backend: str = "media"  # the API that holds the article: "media" or "draft"
    publish_id: str = ""  # draft API: freepublish/submit's answer, followed with freepublish/get
    article_id: str = ""  # draft API: the published article (freepublish/get), for delete
    msg_data_id: str = ""  # freepublish/submit's or a mass send's: comments and analytics
    bundle: str = ""  # the 多图文 bundle whose shared draft holds the article ("" for none)
    bundle_index: int = 0  # its place in that draft, from 0 (draft/update's index)


@dataclass(frozen=True)
class SupersededRecord:
    """An article a ``--force`` publish replaced: still on WeChat until deleted."""

    appid: str
    source_path: str
    media_id: str
    status: ArticleStatus
    url: str | None
    title: str
    created_at: str
    superseded_at: str
    backend: str = "media"
    article_id: str = ""  # draft API: the published article to delete


_SQLITE_PROBLEMS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (
        ("not a database", "malformed", "corrupt"),
        "the state database is corrupt",
        "run `{command}`: it keeps a backup and salvages every readable record",
    ),
    (
        ("locked", "busy"),
        "the state database is locked",
        "another mdwx process is using it; wait for it to finish and retry",
    ),
    (
        ("readonly", "unable to open"),
        "cannot write the state database",
        "check the file's permissions or set MDWX_STATE to a writable path",
    ),
)


def state_error(exc: sqlite3.Error, path: Path) -> StateError:
    """Explain a SQLite failure in terms of what the user can do about it."""
    text = str(exc)
    for fragments, what, hint in _SQLITE_PROBLEMS:
        if any(fragment in text.lower() for fragment in fragments):
            return StateError(
                f"{what} ({text})", path=path, hint=hint.format(command=recover_command(path))
            )
    return StateError(f"state database error: {text}", path=path)
