"""What the site-generator plugins share: options from the environment, one publish or build
call over a site's WeChat posts, and its outcome as lines a generator's log can carry.

The plugins (:mod:`mdwx.integrations.mkdocs`, ``pelican.plugins.mdwx``) are boundaries like
the command line: the environment (``WECHAT_APPID``, ``WECHAT_APPSECRET``,
``WECHAT_ACCESS_TOKEN``, ``MDWX_API_BASE``, ``MDWX_STATE``) is read here, through the command
line's own :func:`mdwx.environment.options_from_env`, and nothing below the API reads it.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mdwx import api
from mdwx.diagnostics import Diagnostic, summaries
from mdwx.environment import options_from_env
from mdwx.errors import MdwxError

TRUE_WORDS = frozenset({"true", "yes", "on", "1"})
FALSE_WORDS = frozenset({"false", "no", "off", "0", ""})


@dataclass
class Outcome:
    """What one plugin run did: ``done`` lines to log as info, ``failures`` as errors (one per
    error of each post), ``diagnostics`` each post's warnings."""

    done: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    diagnostics: list[list[Diagnostic]] = field(default_factory=list)  # per post

    @property
    def warnings(self) -> list[str]:
        """The warning lines to log: each post's, then one line per advice repeated over posts."""
        kept, run = summaries(self.diagnostics)
        return [str(d) for found in kept for d in found if not d.is_error] + [str(d) for d in run]

    def add(self, diagnostics: list[Diagnostic]) -> None:
        """One post's diagnostics: its errors become failures, its warnings are kept."""
        self.failures += [str(d) for d in diagnostics if d.is_error]
        self.diagnostics.append([d for d in diagnostics if not d.is_error])


def flag(value: Any) -> bool | None:
    """A metadata flag as a bool: YAML booleans, or the words Pelican's text metadata holds.

    ``None`` when the value says nothing either way (absent, or not a yes/no word).
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    return None


def matches(relative: str, patterns: Iterable[str]) -> bool:
    """Whether a post's path relative to the content folder matches one of the globs.

    fnmatch syntax on ``/``-separated paths: ``*`` also crosses folders, so ``blog/*`` takes
    every post under ``blog/``.
    """
    return any(fnmatch.fnmatchcase(relative, pattern) for pattern in patterns)


def options(**changes: Any) -> api.Options:
    """The API options for a plugin run: credentials and overrides from the environment."""
    return options_from_env(**changes)


def run(
    posts: Sequence[api.Post], *, build_only: bool, out_dir: Path, submit: bool, wait: bool = False
) -> Outcome:
    """Build (``build_only``: ``out_dir/<slug>/content.html`` and ``preview.html``) or publish
    the posts, as drafts unless ``submit``; never raises for a post's or a site's failure.

    Every error of a post is one line naming it (``path:line: message``); a
    :class:`~mdwx.errors.ConfigError` or :class:`~mdwx.errors.StateError` that stops every
    post (missing credentials, a wrong ``mdwx.toml``) is one line too.
    """
    outcome = Outcome()
    if not posts:
        return outcome
    try:
        if build_only:
            report = api.build(list(posts), api.Options(out_dir=out_dir))
            for post in report.posts:
                outcome.add(post.diagnostics)
                if post.error is None:
                    outcome.done.append(
                        f"{post.path}: built {', '.join(str(p) for p in post.outputs)}"
                    )
            return outcome
        published = api.publish(list(posts), options(draft=not submit, wait=wait))
    except MdwxError as exc:
        outcome.failures.append(f"WeChat publishing stopped: {exc}")
        return outcome
    for result in published.posts:
        outcome.add(result.all_diagnostics())
        if result.error is None:
            where = f" ({result.url})" if result.url else ""
            outcome.done.append(f"{result.path}: {result.status}{where}")
    return outcome
