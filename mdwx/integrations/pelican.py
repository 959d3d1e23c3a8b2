"""The Pelican plugin: publish a Pelican site's ``wechat: true`` articles to WeChat after the build.

Installed as the namespace plugin ``pelican.plugins.mdwx`` (found by Pelican ≥ 4.5 as
``PLUGINS = ["mdwx"]``); this module holds its code. In ``pelicanconf.py``::

    PLUGINS = ["mdwx"]
    WECHAT_SUBMIT = False      # True: submit for publishing; False: leave drafts (default)
    WECHAT_BUILD_ONLY = False  # True: write OUTPUT_PATH/wechat/<slug>/content.html + preview.html
    WECHAT_PAGES = []          # globs (relative to PATH) of articles to publish besides
                               # those whose metadata says `Wechat: true`
    WECHAT_WAIT = False        # True: follow review until published or rejected

An article goes to WeChat when its metadata says ``Wechat: true`` (or its path matches
``WECHAT_PAGES``; ``Wechat: false`` keeps it out) and it is not a draft. Its Markdown is
read from its source file, Pelican's metadata header taken off and mapped to mdwx's front
matter (``Title``, ``Summary`` → digest, ``Author``/``Authors``, ``Slug``, ``Cover``/``Image``,
mdwx's own keys), and ``{static}``/``{attach}`` links resolved as Pelican resolves them
(``/…`` from the content folder, else from the article's folder) into plain relative paths;
``{filename}`` links to other content become the URL Pelican gave it. Publishing happens on
the ``finalized`` signal, once the site is written. A failed article is logged as an error
(``pelican --fatal errors`` then fails the build). Credentials come from the environment
(``WECHAT_APPID``/``WECHAT_APPSECRET`` or ``WECHAT_ACCESS_TOKEN``, ``MDWX_API_BASE``).
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from mdwx import api
from mdwx.errors import MdwxError
from mdwx.integrations.common import flag, matches, run
from mdwx.source.article import read_source_text
from mdwx.source.generators.pelican import front_matter, resolve_links, split_header

#: A Pelican source file larger than this (bytes) is not read; mdwx's own limit applies later.
MAX_PLUGIN_BYTES = 64 * 1024 * 1024

_collected: list[api.Post] = []


def register() -> None:
    """Connect to Pelican's signals (what Pelican calls for a plugin in ``PLUGINS``)."""
    # Imported by name: the source tree's own pelican/ namespace folder would shadow Pelican for
    # a type checker run from the repository.
    signals = importlib.import_module("pelican.plugins.signals")
    signals.initialized.connect(_reset)
    signals.article_generator_finalized.connect(_collect)
    signals.finalized.connect(_publish)


def _log() -> logging.Logger:
    # Made when first used, after Pelican set its logger class (``--fatal`` works through it).
    return logging.getLogger("pelican.plugins.mdwx")


def _reset(pelican: Any) -> None:
    _collected.clear()


def _collect(generator: Any) -> None:
    settings = generator.settings
    content = Path(settings["PATH"])
    patterns = list(settings.get("WECHAT_PAGES", []) or [])
    urls = _content_urls(generator.context, settings.get("SITEURL", ""))
    articles = [
        *generator.articles,
        *getattr(generator, "translations", []),
        *getattr(generator, "hidden_articles", []),
        *getattr(generator, "hidden_translations", []),
    ]
    seen: set[str] = set()
    for article in articles:
        source = str(article.source_path)
        if source in seen or not source.endswith((".md", ".markdown", ".mkd", ".mdown")):
            continue
        seen.add(source)
        said = flag(article.metadata.get("wechat"))
        relative = Path(os.path.relpath(source, content)).as_posix()
        if said is False or not (said or matches(relative, patterns)):
            continue
        if getattr(article, "status", "published") == "draft":
            continue
        try:  # the one capped reader: the gate judges the file again when the post is read
            text = read_source_text(Path(source), MAX_PLUGIN_BYTES)
        except MdwxError as exc:
            _log().error("mdwx: cannot read the article: %s", exc)
            continue
        header, body, body_line = split_header(text)
        body = "\n" * body_line + resolve_links(body, Path(source).parent, content, urls)
        meta = front_matter(
            header,
            slug=getattr(article, "slug", None),
            url=_absolute(settings.get("SITEURL", ""), getattr(article, "url", "")),
        )
        _collected.append(api.Post(body, path=source, meta=meta))


def _publish(pelican: Any) -> None:
    if not _collected:
        return
    settings = pelican.settings
    outcome = run(
        list(_collected),
        build_only=bool(settings.get("WECHAT_BUILD_ONLY", False)),
        out_dir=Path(settings["OUTPUT_PATH"]) / "wechat",
        submit=bool(settings.get("WECHAT_SUBMIT", False)),
        wait=bool(settings.get("WECHAT_WAIT", False)),
    )
    _collected.clear()
    log = _log()
    for line in outcome.done + outcome.warnings:
        log.info("mdwx: %s", line)
    for line in outcome.failures:
        log.error("mdwx: %s", line)


def _content_urls(context: Mapping[str, Any], siteurl: str) -> Callable[[str], str | None]:
    generated = context.get("generated_content", {}) or {}
    static = context.get("static_content", {}) or {}

    def url(relative: str) -> str | None:
        item = generated.get(relative) or static.get(relative)
        return _absolute(siteurl, getattr(item, "url", "")) if item is not None else None

    return url


def _absolute(siteurl: str, url: str) -> str | None:
    """``SITEURL/url`` when the site has an absolute http(s) ``SITEURL``, else None."""
    if not url or not siteurl.startswith(("http://", "https://")):
        return None
    return f"{siteurl.rstrip('/')}/{url.lstrip('/')}"


__all__ = ["front_matter", "register", "resolve_links", "split_header"]
