"""The mdwx library API: ``check``, ``build``, ``publish``, ``status``, ``delete``.

These are synchronous, for callers without an event loop (MkDocs and Pelican plugins, git
hooks, scripts); :mod:`mdwx.api.aio` has the same functions as coroutines, for callers that
have one. A synchronous ``publish``, ``status`` or ``delete`` runs its own event loop, so it
works from any thread without a running loop, and raises :class:`RunningLoopError` when
called inside one (``await`` the :mod:`mdwx.api.aio` function there). ``check`` and ``build``
never need a loop.

Posts are paths (files, or folders of posts) or in-memory :class:`Post` values; everything
else is one :class:`Options` (the same class as :class:`RunOptions`, the value the publish
stage runs with: ``Options`` is its name here). Nothing is printed: progress goes to ``Options.events``, and
every result is a dataclass whose ``to_json()`` is what the command line prints with
``--json``. A minimal plugin::

    from mdwx import api

    report = api.publish(api.Post(markdown, path="posts/hello.md", meta={"title": "Hello"}),
                         api.Options(credentials=api.Credentials.from_env()))
    for result in report.posts:
        print(result.status, result.url, result.error)

Errors a user can cause are :class:`MdwxError` subclasses with ``path``, ``line``, ``message``
and ``hint``; a post that fails is reported in its result and the others go on; what makes
every post fail (:class:`ConfigError`, :class:`StateError`) is raised.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Coroutine
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar

from mdwx.api.offline import build_sync, check_sync
from mdwx.api.types import (
    AccountCredentials,
    BuildReport,
    CheckReport,
    ConfirmDelete,
    Credentials,
    DeleteResult,
    DeleteTarget,
    Options,
    Post,
    PublishReport,
    RunOptions,
    SandboxInfo,
    StatusReport,
    StatusRow,
    SupersededArticle,
)
from mdwx.errors import ArticleError, AssetError, ConfigError, MdwxError, RenderError, StateError
from mdwx.publish.sources import Source, Sources

if TYPE_CHECKING:
    from mdwx.api import aio
    from mdwx.errors import PublishError
    from mdwx.post_report import PostReport
    from mdwx.publish.results import Events, PostResult
    from mdwx.wechat.errors import WeChatError

#: Names defined by the pipeline's heavier modules, imported when first used.
_LAZY = {
    "Events": "mdwx.publish.results",
    "PostResult": "mdwx.publish.results",
    "PostReport": "mdwx.build",
    "PublishError": "mdwx.publish.plan",
    "WeChatError": "mdwx.wechat.errors",
}

__all__ = [
    "AccountCredentials",
    "ArticleError",
    "AssetError",
    "BuildReport",
    "CheckReport",
    "ConfigError",
    "ConfirmDelete",
    "Credentials",
    "DeleteResult",
    "DeleteTarget",
    "Events",
    "MdwxError",
    "Options",
    "Post",
    "PostReport",
    "PostResult",
    "PublishError",
    "PublishReport",
    "RenderError",
    "RunOptions",
    "RunningLoopError",
    "SandboxInfo",
    "Source",
    "Sources",
    "StateError",
    "StatusReport",
    "StatusRow",
    "SupersededArticle",
    "WeChatError",
    "aio",
    "build",
    "check",
    "delete",
    "delete_all",
    "publish",
    "status",
]

T = TypeVar("T")


class _Package(ModuleType):
    """This package, whose ``status`` stays the function below once ``mdwx.api.status`` loads.

    Importing a submodule binds it as an attribute of its package. ``mdwx.api.aio`` (which
    imports the submodule ``mdwx.api.status``) is loaded on first use, after ``status()`` is
    defined here, so without this guard the submodule would replace the function.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "status" and isinstance(value, ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    """``aio``, ``Events``, ``PostResult``, ``PostReport``, ``PublishError``, ``WeChatError``.

    Also the account API (``doctor``, ``stats``, ``AccountItem``…). Imported on first use: ``check`` and ``build`` must not pay for the publishing stack.
    """
    if name == "aio":
        return importlib.import_module("mdwx.api.aio")
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'mdwx.api' has no attribute {name!r}")


class RunningLoopError(RuntimeError):
    """A synchronous API function was called inside a running event loop.

    It would have to block that loop (or start a second one in its thread, which asyncio
    forbids): ``await`` the same function from :mod:`mdwx.api.aio` instead.
    """


def _run(name: str, make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run the coroutine ``make()`` returns in a new event loop; refuse inside a running one."""
    # Imported here, not above: asyncio (with ssl), the state store and the HTTP client are
    # most of an offline command's start-up, and only the publishing calls, which all come
    # through here, need them. ``global``: the callers' ``make`` reads the module's ``aio``.
    global aio
    import asyncio

    from mdwx.api import aio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    raise RunningLoopError(
        f"mdwx.api.{name}() was called inside a running event loop; "
        f"use `await mdwx.api.aio.{name}(...)` there"
    )


def check(posts: Sources, options: Options | None = None) -> CheckReport:
    """Validate posts offline: front matter, limits, content size, local files.

    Character limits (title 64, digest 120, author 16 by default) are counted in characters
    (code points), as WeChat counts them; the content's size in bytes of UTF-8 HTML with
    images sized like WeChat URLs (``limits.content_bytes``, WeChat answers 45002 past it).
    Nothing is written or sent. Returns a :class:`CheckReport` (``ok`` when every post
    passed). Raises :class:`ConfigError` when the site's config is wrong or a path does not
    exist; a post's own problem is its report's ``error``.
    """
    return check_sync(posts, options or Options())


def build(posts: Sources, options: Options | None = None) -> BuildReport:
    """Write each post's ``content.html`` and ``preview.html`` under ``options.out_dir/<slug>/``.

    ``content.html`` is exactly the ``content`` publish would send (local file URLs in
    place of uploaded ones); ``preview.html`` shows it in a phone-width frame. Content over
    the size limit is still written, and the report carries the breach as its error.
    Returns a :class:`BuildReport`; raises :class:`ConfigError` as :func:`check` does.
    """
    return build_sync(posts, options or Options())


def publish(posts: Sources, options: Options | None = None) -> PublishReport:
    """Publish posts to the WeChat account of ``options.credentials`` (or the sandbox).

    The synchronous form of :func:`mdwx.api.aio.publish`, which describes every step.
    Returns a :class:`PublishReport`; raises :class:`ConfigError` (config, credentials),
    :class:`StateError` (state database) and :class:`RunningLoopError` (inside a loop).
    """
    return _run("publish", lambda: aio.publish(posts, options))


def status(posts: Sources, options: Options | None = None) -> StatusReport:
    """Each post's recorded status and WeChat's live one (bounded by ``status_timeout`` seconds).

    The synchronous form of :func:`mdwx.api.aio.status`. Returns a :class:`StatusReport`;
    raises :class:`ConfigError`, :class:`StateError` and :class:`RunningLoopError`.
    """
    return _run("status", lambda: aio.status(posts, options))


def delete(
    post: Sources,
    options: Options | None = None,
    *,
    article: str | None = None,
    index: int = 0,
    confirm: ConfirmDelete | None = None,
) -> DeleteResult:
    """Delete one post's article (or, with ``article``, one of its earlier ones) from WeChat.

    The synchronous form of :func:`mdwx.api.aio.delete`, which describes the arguments.
    Returns a :class:`DeleteResult`; raises :class:`MdwxError` (no such article),
    :class:`ConfigError` (credentials), :class:`WeChatError` (WeChat refused) and
    :class:`RunningLoopError` (inside a loop).
    """
    return _run(
        "delete", lambda: aio.delete(post, options, article=article, index=index, confirm=confirm)
    )


def delete_all(
    posts: Sources,
    options: Options | None = None,
    *,
    index: int = 0,
    confirm: Callable[[list[DeleteTarget]], bool] | None = None,
) -> list[DeleteResult]:
    """Delete the current article of every post in ``posts`` (folders expanded), asked once.

    The synchronous form of :func:`mdwx.api.aio.delete_all`, which describes the arguments;
    raises as :func:`delete` does.
    """
    return _run("delete_all", lambda: aio.delete_all(posts, options, index=index, confirm=confirm))


# The account API (its dataclasses are a sixth of `import mdwx.api`) is loaded on first use
# like the names of _LAZY: every check, build and publish imports this package (issue 19).
if TYPE_CHECKING:
    from mdwx.api.account import (
        AccountItem,
        AccountListing,
        CommentRow,
        CommentsReport,
        DoctorCheck,
        DoctorReport,
        MaterialRow,
        MaterialsReport,
        Orphan,
        ReconcileReport,
        StatsReport,
        StatsRow,
        account_list,
        comments,
        doctor,
        materials,
        reconcile,
        stats,
    )
__all__ += [
    "AccountItem",
    "AccountListing",
    "CommentRow",
    "CommentsReport",
    "DoctorCheck",
    "DoctorReport",
    "MaterialRow",
    "MaterialsReport",
    "Orphan",
    "ReconcileReport",
    "StatsReport",
    "StatsRow",
    "account_list",
    "comments",
    "doctor",
    "materials",
    "reconcile",
    "stats",
]
_LAZY.update(dict.fromkeys(__all__[__all__.index("AccountItem") :], "mdwx.api.account"))
