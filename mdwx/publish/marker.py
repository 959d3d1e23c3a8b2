"""The mark an article carries so any door can find it in the account: one post, one article.

Two doors publishing one site each keep a state database of their own (a pre-push hook on a
laptop and a post-receive hook on the server, a laptop and CI). Before creating an article
for a post its state does not know, the Publisher asks the account whether an article of
this post exists already (:meth:`mdwx.publish.backends.base.Backend.find_marked`) and adopts
it instead of creating a second one. The mark is an empty element at the end of the
``content``, which shows nothing:

    <section data-mdwx-post="KEY" data-mdwx-version="VERSION"></section>

``KEY`` is derived from the site's identity (its git repository's first root commit, the same
in every clone; else the site folder's path) and the post's (its front-matter ``id``/
``slug``, else its path in the site): 24 hex digits of a SHA-256, nothing secret and
nothing local. ``VERSION`` is the first 16 hex digits of the post file's SHA-256: an adopted
article of the same version is the post unchanged.

Only the draft API lists what an account holds (``draft/batchget``, ``freepublish/batchget``);
the media API has no listing, so there the state is the only memory (see docs/ci.md).
"""

from __future__ import annotations

import functools
import hashlib
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mdwx.publish.state.store import State

ATTR_KEY, ATTR_VERSION = "data-mdwx-post", "data-mdwx-version"
ADOPTED = "adopted:"  # an adopted article's content_hash in the state: ADOPTED + VERSION
_MARK = re.compile(
    r'<section data-mdwx-post="([0-9a-f]{24})" data-mdwx-version="([0-9a-f]{16})"></section>'
)


@dataclass(frozen=True)
class Mark:
    key: str  # 24 hex digits: site + post
    version: str  # 16 hex digits: the post file's content

    def element(self) -> str:
        return f'<section {ATTR_KEY}="{self.key}" {ATTR_VERSION}="{self.version}"></section>'


@dataclass(frozen=True)
class Marked:
    """An article of the account carrying a post's mark: ``media_id`` (the draft's; for a
    published one its ``article_id``), its ``status`` ("draft" or "published"), ``version``."""

    media_id: str
    status: str
    version: str
    title: str
    url: str | None = None
    article_id: str = ""


def post_mark(root: Path, identity: str, source_hash: str) -> Mark:
    """The mark of the post known as ``identity`` (front-matter ``id:…``/``slug:…``, else its
    site-relative path) in the site at ``root``, whose file's SHA-256 is ``source_hash``."""
    key = hashlib.sha256(f"{site_identity(root)}\0{identity}".encode()).hexdigest()[:24]
    return Mark(key, (source_hash or hashlib.sha256(b"").hexdigest())[:16])


@functools.lru_cache(maxsize=64)
def site_identity(root: Path) -> str:
    """The first root commit of the git repository holding ``root`` plus ``root``'s path in
    it (the same in every clone and on the server), else the folder's absolute path (two
    sites outside git never share a key)."""
    try:
        done = subprocess.run(
            ["git", "rev-list", "--max-parents=0", "HEAD"],
            cwd=root,
            capture_output=True,
            timeout=30,
            text=True,
        )
        prefix = subprocess.run(
            ["git", "rev-parse", "--show-prefix"],
            cwd=root,
            capture_output=True,
            timeout=30,
            text=True,
        )
    except (OSError, subprocess.SubprocessError):
        return f"folder:{root.resolve()}"
    roots = sorted(done.stdout.split())
    if done.returncode != 0 or not roots:
        return f"folder:{root.resolve()}"
    return f"git:{roots[0]}:{prefix.stdout.strip()}"


def marked(content: str, mark: Mark) -> str:
    """``content`` carrying ``mark`` (an earlier mark replaced)."""
    return _MARK.sub("", content) + mark.element()


def read_mark(content: str) -> Mark | None:
    """The mark ``content`` carries, else None."""
    found = _MARK.search(content or "")
    return Mark(found.group(1), found.group(2)) if found else None


def record_adopted(state: State, appid: str, source_path: str, found: Marked) -> None:
    """Record the article another door made as this post's, at the version it carries: the
    plan then finds it unchanged (that version) or changed (another), like its own."""
    digest = ADOPTED + found.version
    state.begin_upload(appid, source_path, title=found.title, content_hash=digest)
    state.record_uploaded(appid, source_path, found.media_id, digest, found.title)
    if found.status != "draft":
        state.record_submitted(appid, source_path)
        state.record_status(appid, source_path, "published", found.url, found.article_id)
