"""Posts whose inputs have not changed since their last successful publish: not rendered again.

A post's inputs are its bytes (or the text and keys a caller gave), every site file the one
reader admitted while it was prepared and loaded (pictures, cover, videos, templates, a theme
file: :mod:`mdwx.files.used_files`), the site's settings as the post's account sees them,
the site's settings files (``mdwx.toml``, a generator's config), the account, the backend,
``--draft``, and mdwx's own code (its version, the files it is installed from and the
versions of the libraries installed). After a
run that left the post's article settled (submitted, published or rejected; with ``--draft``
also an unsubmitted one) they are kept in the state (:mod:`mdwx.publish.state.post_inputs`)
with the article that run left. The next run compares before the gate: when every input is
the same and the article record is still the one left then, the post is neither read again,
rendered, loaded nor sent; its result is the run's "unchanged: nothing sent" with the
warnings it had. Anything else (a file changed, missing or new, a setting, a record changed
by another run) is a miss: the post goes through the gate as before.

What is compared is cheap: the post's bytes are read once (routing needs them anyway), each
file it used is hashed once per run (a file used by many posts once), settings are digests.
A post naming a remote picture, cover or video is never skipped (its bytes are known only by
fetching them). ``--force``, ``--due``, and dry runs never skip. A file that was only
checked, never read whole (a video, streamed when sent), is compared by its ``stat``
signature (size, modification and change times, inode) rather than hashed on every run.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sys
from collections.abc import Callable, Container
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mdwx.errors import Diagnostic, MdwxError, Severity
from mdwx.files.reader import check_file
from mdwx.files.used_files import UsedFiles, stat_signature
from mdwx.publish.backends import backend_name
from mdwx.publish.identity import article_fingerprint
from mdwx.publish.plan import ACTION_TEXT, UNCHANGED
from mdwx.publish.routing import Route, on_account, routes
from mdwx.publish.state.post_inputs import PostInputs
from mdwx.publish.state.store import State
from mdwx.render.header_footer import read_template
from mdwx.render.pipeline import article_theme
from mdwx.render.themes import is_theme_path
from mdwx.source.generators.detect import HUGO_CONFIGS
from mdwx.urls import is_remote
from mdwx.version import PACKAGE_DIR, __version__

if TYPE_CHECKING:
    from mdwx.config import SiteConfig
    from mdwx.prepare import Prepared
    from mdwx.publish.results import PostResult
    from mdwx.publish.routing import Route
    from mdwx.publish.run_options import RunOptions
    from mdwx.publish.state.post_inputs import PostInputs
    from mdwx.publish.state.store import State
    from mdwx.source.model import Article
    from mdwx.source.posts import Post

FORMAT = "mdwx-post-inputs-1"
#: Statuses an unchanged post's article may have for the post to be skipped (``--draft``
#: adds "draft"): a run over them would send nothing and submit nothing.
SETTLED = ("submitted", "published", "rejected")
#: Files at a site's root whose settings may shape a post (mdwx's and the generators').
SETTINGS_FILES = (
    "mdwx.toml",
    "pyproject.toml",
    "_config.yml",
    "_config.yaml",
    "package.json",
    "mkdocs.yml",
    "mkdocs.yaml",
    "pelicanconf.py",
    *HUGO_CONFIGS,
)
SETTINGS_GLOBS = (
    "_config.*.y*ml",
    "themes/*/_config.yml",
    "config/_default/*.*",
    ".obsidian/*.json",
)


@lru_cache(maxsize=1)
def code_digest() -> str:
    """mdwx's version and the name, size and modification time of every file it runs from."""
    from mdwx.render.themes import templates_dir

    digest = hashlib.sha256(f"{FORMAT}\0{__version__}\n{_library_versions()}\n".encode())
    for folder in dict.fromkeys([PACKAGE_DIR, templates_dir()]):
        for path in sorted(folder.rglob("*")):
            if "__pycache__" in path.parts or not path.is_file():
                continue
            info = path.stat()
            digest.update(
                f"{path.relative_to(folder)}\0{info.st_size}\0{info.st_mtime_ns}\n".encode()
            )
    return digest.hexdigest()


def _library_versions() -> str:
    """Every installed library's name and version, from the names of its ``.dist-info`` folder.

    One directory listing per import path (asking ``importlib.metadata`` for each library
    reads every library's metadata): a renderer's upgrade changes output.
    """
    names: list[str] = []
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as found:
                names += [
                    item.name for item in found if item.name.endswith((".dist-info", ".egg-info"))
                ]
        except OSError:
            continue
    return ",".join(sorted(names))


def _sha256_file(path: str, root: Path) -> str:
    """The signature a file has now: "sha256:HEX", a stat signature, or "absent"."""
    try:
        check_file(Path(path), root=root)  # the reader's rules: inside the site, a regular file
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
        return "sha256:" + digest.hexdigest()
    except (MdwxError, OSError):
        return "absent"


class UnchangedPosts:
    """One publish run's comparison of posts' inputs, and what it keeps for the next run.

    ``renders`` counts the posts the run prepared (tests count skips with it).
    """

    def __init__(self, options: RunOptions) -> None:
        self.enabled = not (options.dry_run or options.force or options.due)
        self.draft = options.draft
        self.backend_choice = options.backend
        self.used: dict[Path, UsedFiles] = {}  # post path → files it used this run
        self.remote: set[Path] = set()  # posts naming a remote file: never recorded
        self.shown: dict[Path, dict[str, Any]] = {}  # post path → what to show when unchanged
        self.account_choice = options.account or ""
        self.fronts: dict[Path, str | None] = {}  # post path → front digest
        self.rows: dict[
            tuple[Path, str], list[PostInputs]
        ] = {}  # (site root, source path) → kept rows
        self._now: dict[str, str] = {}  # file → its signature now, once per run
        self._configs: dict[int, tuple[SiteConfig, str]] = {}
        self._digests: dict[str, str] = {}  # a config's repr → its settings digest
        self._sites: dict[Path, str] = {}

    # -- comparing -------------------------------------------------------------------------

    def load(self, posts: list[Post]) -> None:
        """Read what the state keeps of these posts (one site's), when it has a state at all."""
        # The state as it stands: a hidden state file's rows, taken over later, are misses.
        if self.enabled and posts and posts[0].config.state_path.is_file():
            with State.open(posts[0].config.state_path) as state:
                self.rows.update(
                    {
                        (posts[0].config.root, path): rows
                        for path, rows in state.post_inputs().items()
                    }
                )

    def routes(
        self,
        post: Post,
        options: RunOptions,
        *,
        strict: bool = True,
        read: Callable[[Post], Article | None] | None = None,
    ) -> list[Route]:
        """:func:`mdwx.publish.routing.routes`, without reading the front matter again when the post
        and its site's settings are as its last successful run left them (its accounts are those).

        ``read`` (when given) reads the post for a caller that keeps what it read.
        """
        kept = self.known(post)
        if kept is None or options.account:
            return routes(post, options, strict=strict, article=read(post) if read else None)
        found = []
        for name in kept.routes:
            account = post.config.accounts.get(name) if name else None
            if name and account is None:
                return routes(post, options, strict=strict)
            found.append(
                Route(on_account(post, account, options), account) if account else Route(post, None)
            )
        return found

    def known(self, post: Post) -> PostInputs | None:
        """A row kept for ``post`` whose front matter and settings are the post's now, if any:
        its accounts, ``publish_at`` and identity are known without reading the post again."""
        digest = self.front_digest(post)
        rows = self.rows.get((post.config.root, post.relative), [])
        return next(
            (r for r in rows if digest is not None and r.result.get("front") == digest), None
        )

    def find(self, items: list[Route]) -> dict[int, PostInputs]:
        """The routes (by index) whose post's inputs are all as their last successful run left them."""
        found: dict[int, PostInputs] = {}
        for index, item in enumerate(items):
            if not self.enabled or item.skipped is not None or item.error is not None:
                continue
            backend = backend_name(item.post.config, self.backend_choice)
            account = item.name or ""
            settings = self.settings_of(item.post, account)
            kept = next(
                (
                    r
                    for r in self.rows.get((item.post.config.root, item.post.relative), [])
                    if (r.account, r.backend) == (account, backend)
                ),
                None,
            )
            if (
                kept is not None
                and kept.settings == settings
                and self._same_files(kept.files, item.post)
            ):
                found[index] = kept
        # A post is skipped for all of its accounts or for none: the gate judges a post whole.
        posts = {item.post.path for i, item in enumerate(items) if i in found}
        posts -= {
            item.post.path
            for i, item in enumerate(items)
            if i not in found and item.skipped is None
        }
        return {i: kept for i, kept in found.items() if items[i].post.path in posts}

    def front_digest(self, post: Post) -> str | None:
        """The digest of the post's bytes and its site's settings; None for a post that cannot be read."""
        if post.path in self.fronts:
            return self.fronts[post.path]
        try:
            data = post.source_bytes()
        except MdwxError:
            self.fronts[post.path] = None
            return None
        meta = json.dumps(dict(post.meta or {}), sort_keys=True, default=repr)
        parts = [
            code_digest(),
            self.account_choice,
            self._config(post.config),
            self._site(post.config.root),
            meta,
            hashlib.sha256(data).hexdigest(),
        ]
        self.fronts[post.path] = hashlib.sha256("\0".join(parts).encode()).hexdigest()
        return self.fronts[post.path]

    def post_digest(self, post: Post) -> str | None:
        """:meth:`front_digest` with the run's backend and ``--draft``."""
        front = self.front_digest(post)
        if front is None:
            return None
        return hashlib.sha256(
            f"{front}\0{self.backend_choice or ''}\0{self.draft}".encode()
        ).hexdigest()

    def settings_of(self, post: Post, account: str) -> str | None:
        """The post's digest with the account's view of the settings (its limits, backend)."""
        digest = self.post_digest(post)
        if digest is None:
            return None
        return hashlib.sha256(
            f"{digest}\0{account}\0{self._config(post.config)}".encode()
        ).hexdigest()

    def _config(self, config: SiteConfig) -> str:
        if id(config) not in self._configs:  # accounts hold names of variables, never secrets
            # Each post routed to an account has a copy of its settings: equal copies are
            # written alike by repr (a seventh of asdict + JSON), so each is digested once.
            written = repr(config)
            if written not in self._digests:
                text = json.dumps(dataclasses.asdict(config), sort_keys=True, default=repr)
                self._digests[written] = hashlib.sha256(text.encode()).hexdigest()
            # The config is kept with its digest, so its id is never another config's.
            self._configs[id(config)] = (config, self._digests[written])
        return self._configs[id(config)][1]

    def _site(self, root: Path) -> str:
        if root not in self._sites:
            names = [root / name for name in SETTINGS_FILES]
            names += [path for pattern in SETTINGS_GLOBS for path in sorted(root.glob(pattern))]
            parts = [
                f"{path.relative_to(root)}={self._signature(str(path), root)}" for path in names
            ]
            self._sites[root] = hashlib.sha256("\n".join(parts).encode()).hexdigest()
        return self._sites[root]

    def _same_files(self, files: dict[str, str], post: Post) -> bool:
        return all(
            self._signature(path, post.config.root, kept) == kept for path, kept in files.items()
        )

    def _signature(self, path: str, root: Path, kept: str = "sha256:") -> str:
        """``path``'s signature now, of the kind ``kept`` is (memoised for the run)."""
        if kept.startswith("stat:"):
            try:
                return stat_signature(os.stat(path))
            except OSError:
                return "absent"
        if path not in self._now:
            self._now[path] = _sha256_file(path, root)
        return self._now[path]

    # -- recording -------------------------------------------------------------------------

    def used_by(self, post: Post) -> UsedFiles:
        """The set the reader notes ``post``'s files into (shared by all its routes)."""
        return self.used.setdefault(post.path, {})

    def note_loaded(self, prepared: Prepared, result: PostResult, assets: int) -> None:
        """The post is prepared and its files loaded; ``result`` holds what every run would show."""
        post, article = prepared.post, prepared.article
        used = self.used_by(post)
        sources = [a.source for a in prepared.document.assets] + (
            [prepared.cover[0]] if prepared.cover else []
        )
        if any(is_remote(source) for source in [*sources, article.video.cover or ""]):
            self.remote.add(post.path)
        # Read once per process and cached by mdwx: named here, since the reader may not see them.
        theme = article_theme(article, post.config)
        named = [post.config.root / theme] if is_theme_path(theme) else []
        for template in (post.config.header, post.config.footer):
            if template:
                named.append(read_template(post.config, template)[0])
        for path in named:
            used.setdefault(
                os.path.realpath(path), self._signature(os.path.realpath(path), post.config.root)
            )
        self.shown[post.path] = {
            "title": article.title,
            "cached": assets,
            "publish_at": result.publish_at,
            "diagnostics": [_diagnostic(d) for d in result.diagnostics],
            "front": self.front_digest(post),
            "post_key": article_fingerprint(post, article).post_key,
        }

    def remember(
        self,
        state: State,
        items: list[Route],
        results: list[PostResult],
        appids: dict[str, str],
        kept: Container[int] = (),
    ) -> None:
        """Keep the inputs of every post this run left settled (see the module); forget the others'.

        ``kept``: the routes the run found unchanged; their rows stay as they are when the
        post was indeed not prepared again.
        """
        if not self.enabled:
            return
        for index, (item, result) in enumerate(zip(items, results, strict=True)):
            if item.skipped is not None or item.error is not None:
                continue
            if index in kept and item.post.path not in self.shown and result.error is None:
                continue  # replayed: its row still says all
            account, post = item.name or "", item.post
            backend = backend_name(post.config, self.backend_choice)
            view = state.for_backend(backend)
            appid = appids.get(account)
            record = view.article(appid, post.relative) if appid is not None else None
            settings, digest = self.settings_of(post, account), self.post_digest(post)
            shown = self.shown.get(post.path)
            settled = SETTLED + (("draft",) if self.draft else ())
            if (
                result.error is not None
                or record is None
                or not record.media_id
                or record.status not in settled
                or settings is None
                or digest is None
                or shown is None
                or post.path in self.remote
                or any(step.startswith("keep") for step in result.steps)
            ):
                view.forget_inputs(account, backend, post.relative)
                continue
            files = {
                path: sig
                for path, sig in self.used_by(post).items()
                if path != os.path.realpath(post.path)
            }
            routes = [
                other.name or ""
                for other in items
                if other.post.path == post.path and other.skipped is None
            ]
            view.remember_inputs(
                PostInputs(
                    account,
                    backend,
                    post.relative,
                    appid or "",
                    digest,
                    routes,
                    settings,
                    files,
                    record.media_id,
                    record.content_hash,
                    shown,
                )
            )


def _diagnostic(found: Diagnostic) -> dict[str, Any]:
    return {
        "message": found.message,
        "path": found.path,
        "line": found.line,
        "code": found.code,
        "severity": found.severity.value,
        "column": found.column,
        "hint": found.hint,
    }


def replay(state: State, appid: str, kept: PostInputs, result: PostResult, *, draft: bool) -> bool:
    """Fill ``result`` as a run that found the post unchanged would; False when the article
    record is no longer the one ``kept`` names (then the post is prepared as before)."""
    record = state.article(appid, kept.source_path)
    settled = SETTLED + (("draft",) if draft else ())
    if (
        kept.appid != appid
        or record is None
        or record.media_id != kept.media_id
        or record.content_hash != kept.content_hash
        or record.status not in settled
    ):
        return False
    shown = kept.result
    result.title, result.media_id, result.status, result.url = (
        shown.get("title"),
        record.media_id,
        record.status,
        record.url,
    )
    result.publish_at = shown.get("publish_at")
    result.uploads = {"images": 0, "cached": int(shown.get("cached", 0)), "videos": 0}
    for item in shown.get("diagnostics", []):
        result.add(
            Diagnostic(
                item["message"],
                item.get("path"),
                item.get("line"),
                code=item.get("code", "warning"),
                severity=Severity(item.get("severity", "warning")),
                column=item.get("column"),
                hint=item.get("hint"),
            )
        )
    result.steps.append(UNCHANGED)
    result.actions.append(ACTION_TEXT[UNCHANGED])
    return True
