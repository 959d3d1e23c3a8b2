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
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from mdwx import api
from mdwx.integrations.common import flag, matches, run

#: python-markdown's ``meta`` extension, which Pelican's Markdown reader uses for the header.
_META = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
_META_MORE = re.compile(r"^[ ]{4,}(?P<value>.*)")
_BEGIN = re.compile(r"^-{3}(\s.*)?$")
_END = re.compile(r"^(-{3}|\.{3})(\s.*)?$")
#: ``{static}``, ``|static|`` (Pelican's older spelling) and the like where a URL starts.
_LINK = re.compile(r"(?P<lead>\]\(\s*<?|^\s*\[[^\]]+\]:\s*<?|\b(?:src|href)\s*=\s*[\"']?)"
                   r"(?:\{|\|)(?P<kind>static|attach|filename|article)(?:\}|\|)(?P<target>[^\s)\"'>]*)")
#: Pelican metadata mapped to mdwx front matter; mdwx's own keys pass as they are.
_RENAMED = {"summary": "digest", "image": "cover"}
_PASSED = ("title", "digest", "author", "slug", "cover", "source_url", "theme", "id", "type", "comments",
           "pic_crop_235_1", "pic_crop_1_1")

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
    articles = [*generator.articles, *getattr(generator, "translations", []),
                *getattr(generator, "hidden_articles", []), *getattr(generator, "hidden_translations", [])]
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
        try:
            text = Path(source).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            _log().error("mdwx: %s: cannot read the article: %s", source, exc)
            continue
        header, body, body_line = split_header(text)
        body = "\n" * body_line + resolve_links(body, Path(source).parent, content, urls)
        meta = front_matter(header, slug=getattr(article, "slug", None),
                            url=_absolute(settings.get("SITEURL", ""), getattr(article, "url", "")))
        _collected.append(api.Post(body, path=source, meta=meta))


def _publish(pelican: Any) -> None:
    if not _collected:
        return
    settings = pelican.settings
    outcome = run(list(_collected), build_only=bool(settings.get("WECHAT_BUILD_ONLY", False)),
                  out_dir=Path(settings["OUTPUT_PATH"]) / "wechat", submit=bool(settings.get("WECHAT_SUBMIT", False)),
                  wait=bool(settings.get("WECHAT_WAIT", False)))
    _collected.clear()
    log = _log()
    for line in outcome.done + outcome.warnings:
        log.info("mdwx: %s", line)
    for line in outcome.failures:
        log.error("mdwx: %s", line)


def split_header(text: str) -> tuple[dict[str, str], str, int]:
    """Pelican's Markdown metadata header, the body after it and the body's first line (0-based).

    The header is python-markdown's ``meta`` syntax: ``Key: value`` lines from the top (an
    optional ``---`` first), values continued on lines indented four spaces, ended by a blank
    line or ``---``/``...``. Keys are lower-cased; continued values joined with newlines.
    """
    lines = text.splitlines(keepends=True)
    header: dict[str, str] = {}
    index, key = 0, None
    if lines and _BEGIN.match(lines[0].rstrip("\r\n")):
        index = 1
    while index < len(lines):
        line = lines[index].rstrip("\r\n")
        if not line.strip() or _END.match(line):
            index += 1
            break
        found = _META.match(line)
        more = _META_MORE.match(line) if key else None
        if found:
            key = found.group("key").lower()
            header[key] = found.group("value").strip()
        elif more and key:
            header[key] = f"{header[key]}\n{more.group('value').strip()}".strip()
        else:
            break
        index += 1
    if not header:
        return {}, text, 0
    return header, "".join(lines[index:]), index


def front_matter(header: Mapping[str, str], *, slug: str | None = None, url: str | None = None) -> dict[str, Any]:
    """mdwx's front matter from a Pelican header: renamed keys, the first of ``Authors``, the
    article's slug as Pelican settled it and, when the site has an absolute ``SITEURL``, the
    article's URL as ``source_url`` (WeChat's 阅读原文 link) unless the header gives one."""
    meta: dict[str, Any] = {}
    for key, value in header.items():
        name = _RENAMED.get(key, key)
        if name in _PASSED and name not in meta:
            meta[name] = value
    if "author" not in meta and header.get("authors"):
        meta["author"] = header["authors"].split(",")[0].strip()
    if slug and "slug" not in meta:
        meta["slug"] = slug
    if url and "source_url" not in meta:
        meta["source_url"] = url
    return meta


def resolve_links(body: str, folder: Path, content: Path, urls: Callable[[str], str | None]) -> str:
    """The body with Pelican's ``{static}``/``{attach}``/``{filename}`` link prefixes resolved.

    ``{static}`` and ``{attach}`` become the file's path relative to the article's folder
    (``/x`` is from the content folder, ``x`` from the article's): mdwx then finds, confines
    and uploads it like any relative image. ``{filename}``/``{article}`` become the URL
    ``urls`` gives for the content file, kept as written when it knows none. Fenced code is
    left alone, as Pelican leaves it.
    """
    from mdwx.source.generators.text import each_prose

    def resolve(line: str) -> str:
        return _LINK.sub(lambda m: m.group("lead") + _target(m, folder, content, urls), line)

    # Code is where CommonMark (the renderer) finds it: the one fence scanner.
    return each_prose(body, lambda chunk, first: "\n".join(resolve(line) for line in chunk.split("\n")))


def _target(found: re.Match[str], folder: Path, content: Path, urls: Callable[[str], str | None]) -> str:
    target = found.group("target")
    path, _, fragment = target.partition("#")
    full = content / path.lstrip("/") if path.startswith("/") else folder / path
    if found.group("kind") in ("static", "attach"):
        relative = Path(os.path.relpath(full, folder)).as_posix()
        return relative + (f"#{fragment}" if fragment else "")
    url = urls(Path(os.path.relpath(full, content)).as_posix())
    return (url + (f"#{fragment}" if fragment else "")) if url else target


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
