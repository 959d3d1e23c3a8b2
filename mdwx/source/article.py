"""Read a post: YAML front matter + Markdown body → a validated :class:`Article`.

Every error names ``file:line`` — for YAML problems the line inside the file, for a bad
value the line of its key — says what is wrong and how to fix it. Limits are counted in
characters (code points), as WeChat counts them, never in bytes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypedDict, TypeVar
from urllib.parse import urlsplit

import yaml

from mdwx.bundles import keys as bundle_keys
from mdwx.config import SiteConfig
from mdwx.config_tables import COMMENT_MODES, VIDEO_TAGS
from mdwx.diagnostics import Diagnostic
from mdwx.errors import ArticleError, ConfigError, MdwxError, in_file_order, raise_all
from mdwx.markdown.syntax import block_parser, first_h1
from mdwx.markdown.text_memo import TextMemo
from mdwx.source import targets
from mdwx.source.draft_fields import cover_crop, post_type
from mdwx.source.front_keys import KNOWN_KEYS, VIDEO_KEYS
from mdwx.source.generators import adapt, site_for, split_front_matter, toml_front_matter
from mdwx.source.math_setting import math_enabled
from mdwx.source.model import Article, VideoMeta
from mdwx.source.suggest import closest
from mdwx.source.yaml_load import compose as compose_yaml
from mdwx.source.yaml_load import load as load_yaml

_YAML_START = re.compile(r"^(?:[A-Za-z\"'][\w\"' -]*:(?:\s|$)|- |#|\[|\{|[A-Za-z]\w*\s*$)")
_SLUG_UNSAFE = re.compile(r"[^\w\-.]+", re.UNICODE)
T = TypeVar("T")


@dataclass(frozen=True)
class _Source:
    path: Path
    front: dict[str, object]
    key_lines: dict[str, int]
    body: str
    body_line: int


def read_article(path: Path, config: SiteConfig) -> Article:
    """Read and validate one post file. Raises :class:`ArticleError` naming ``path:line``.

    A thin wrapper over :func:`read_article_text`: the file is read and decoded here, and
    everything else (front matter, validation, line numbers) is shared with posts held in
    memory.
    """
    return read_article_text(read_source_text(path, config.limits.markdown_bytes), path, config)


def read_article_text(
    text: str, path: Path, config: SiteConfig, meta: Mapping[str, object] | None = None
) -> Article:
    """Validate one post given as text (front matter + Markdown), as if read from ``path``.

    ``path`` is where the post lives (or would live): it names the post in errors, and its
    folder is where relative images and videos are looked up. ``meta`` overrides front
    matter keys (as a static site generator hands a plugin the page's metadata); its values
    are validated like front matter, and an error in one names the post without a line.
    Line numbers are those of ``text``. Text over ``limits.markdown_bytes`` bytes of UTF-8
    is refused, as a file would be. Raises :class:`ArticleError`: the first error in the file,
    carrying every other key's error and the warnings (:meth:`MdwxError.gather`).
    """
    article, errors = read_article_found(text, path, config, meta)
    raise_all(errors, article.warnings)
    return article


#: Posts read without an error, by text, path, settings and keys given: ``build`` and
#: ``publish`` read a post for its route and again to render it, one right after the other.
_READ: TextMemo[tuple[SiteConfig, Article]] = TextMemo(8)


def read_article_found(
    text: str, path: Path, config: SiteConfig, meta: Mapping[str, object] | None = None
) -> tuple[Article, list[MdwxError]]:
    """:func:`read_article_text`'s article and every error of its keys, in one pass.

    A key in error takes its default in the article, so the body can still be rendered and
    checked for its own problems. What stops reading altogether (text over the limit, front
    matter that is not YAML, a site's :class:`ConfigError`) is raised. A post read without
    an error a moment ago with the same settings object is not read again.
    """
    given = repr(sorted(meta.items())) if meta else ""
    # The settings object is kept with the article, so its id is never another's.
    key = (str(path), id(config), given)
    found = _READ.peek(text, key)
    if found is not None and found[0] is config:
        return found[1], []
    article, errors = _read_article_found(text, path, config, meta)
    if not errors:
        _READ.put(text, key, (config, article))
    return article, errors


def _read_article_found(
    text: str, path: Path, config: SiteConfig, meta: Mapping[str, object] | None = None
) -> tuple[Article, list[MdwxError]]:
    _check_size(text, path, config.limits.markdown_bytes)
    if not text.strip("\ufeff \t\r\n"):
        raise empty_body_error("the post is empty", path, 1, site_for(path, config) is not None)
    try:
        source: _Source | None = split_text(text, path)
    except ArticleError:  # "not closed" by ---: Pelican's header may end at a blank line instead
        source = None
    if (
        source is None or not source.front
    ):  # Hexo's front matter without its opening ---, Pelican's header
        own = split_front_matter(text.replace("\r\n", "\n").lstrip("\ufeff"), path, config)
        source = _Source(path, *own) if own else source or split_text(text, path)
    written = (
        source.front
    )  # as written: a generator's mapping drops the keys only it reads (mathjax)
    adapted = adapt(path, config, source.front, source.key_lines, source.body, source.body_line)
    if adapted and adapted.withheld:  # the generator would not publish it: nor does mdwx
        raise NotPublished(f"{adapted.withheld}: skipped", path=path, line=1)
    if adapted:  # a Hugo/Hexo/Jekyll/Obsidian post: its front matter and dialect made mdwx's
        source = _Source(path, adapted.front, adapted.key_lines, adapted.body, source.body_line)
    source = _with_meta(source, meta)
    lines = source.key_lines
    unknown = [key for key in source.front if key not in KNOWN_KEYS]
    if (
        adapted
    ):  # a generator's site: other keys are its themes' parameters; only a typo of ours is news
        unknown = [key for key in unknown if closest(key, KNOWN_KEYS)]
    warnings = [_unknown_key_warning(path, key, lines) for key in unknown]
    warnings += adapted.warnings if adapted else []
    errors: list[MdwxError] = []
    article = _validated(
        source, config, _Collect(errors), written=written, on_generator_site=adapted is not None
    )
    written_as = adapted.written_as if adapted else {}
    breaks = bool(adapted and adapted.line_breaks)
    lists = adapted.attribute_lists if adapted else frozenset()
    return replace(
        article,
        warnings=tuple(warnings),
        written_as=written_as,
        line_breaks=breaks,
        attribute_lists=lists,
    ), in_file_order(errors, path)


class _Collect:
    """Runs each key's validation, keeping its error and giving a default, so one pass over
    the front matter finds every key's error (a site's ConfigError still stops at once)."""

    def __init__(self, errors: list[MdwxError]) -> None:
        self.errors = errors

    def __call__(self, check: Callable[..., T], *args: Any, default: T) -> T:
        try:
            return check(*args)
        except ConfigError:
            raise
        except MdwxError as exc:
            self.errors.append(exc)
            return default


def _validated(
    source: _Source,
    config: SiteConfig,
    get: _Collect,
    *,
    written: dict[str, object],
    on_generator_site: bool,
) -> Article:
    """The article with every key validated; a key in error takes its default (see _Collect).

    ``written`` is the front matter as written (a generator's mapping drops keys only it reads,
    such as ``mathjax``); on a generator's site an empty body is a stub page, skipped.
    """
    front, lines, path = source.front, source.key_lines, source.path
    body, body_line = source.body, source.body_line
    keep_heading = config.keep_title_heading  # read, and a bad value kept, with the others
    keep_heading = get(
        _bool, front, "keep_title_heading", source, keep_heading, default=keep_heading
    )
    title = get(_string, front, "title", source, default="")
    if not title:
        title, body, body_line = _title_from_h1(body, body_line)
    elif not keep_heading:
        body, body_line = _without_title_heading(body, body_line, title)
    title = title or path.stem
    title = " ".join(title.split())
    if not body.strip():
        empty = empty_body_error("the post has no body text", path, body_line, on_generator_site)
        if isinstance(empty, EmptyPost):
            raise empty  # a generator site's stub page: skipped, not one error among others
        get.errors.append(empty)
    limits = config.limits
    get(_check_length, title, limits.title, "title", source, default=None)
    author = get(_string, front, "author", source, default="") or config.author
    get(_check_length, author, limits.author, "author", source, default=None)
    digest = get(_string, front, "digest", source, default="")
    get(_check_length, digest, limits.digest, "digest", source, default=None)
    math = _math({**written, **front}, path, config)
    return Article(
        path=path,
        title=title,
        body=body,
        body_line=body_line,
        slug=get(_slug, front, source, default="post"),
        author=author,
        digest=digest or make_digest(body, limits.digest, math=math),
        digest_given=bool(digest),
        cover=get(_string, front, "cover", source, default="") or None,
        cover_line=lines.get("cover"),
        source_url=get(_source_url, front, source, default=""),
        show_cover_pic=get(
            _bool, front, "show_cover_pic", source, config.show_cover_pic, default=False
        ),
        comments=get(_comments, front, source, config.comments, default="closed"),
        theme=get(_string, front, "theme", source, default="") or config.theme,
        draft=get(_bool, front, "draft", source, False, default=False),
        video=get(_video, front, source, default=VideoMeta()),
        post_type=get(post_type, front, lines, path, default="article"),
        pic_crop_235_1=get(cover_crop, front, lines, path, "pic_crop_235_1", default=""),
        pic_crop_1_1=get(cover_crop, front, lines, path, "pic_crop_1_1", default=""),
        accounts=get(targets.accounts, front, lines, path, config, default=()),
        publish_at=get(targets.publish_at, front, lines, path, default=None),
        **_bundle_place(front, lines, path, config, get),
        math=math,
        front_matter=front,
        key_lines=lines,
    )


class _BundlePlace(TypedDict):
    bundle: str
    bundle_index: int | None


def _bundle_place(
    front: dict[str, object], lines: dict[str, int], path: Path, config: SiteConfig, get: _Collect
) -> _BundlePlace:
    """``bundle`` and ``bundle_index``: the front matter's, or the ``[bundles]`` table's."""
    from mdwx.bundles.table import table_place

    name = get(bundle_keys.bundle_name, front, lines, path, default="")
    index = get(bundle_keys.bundle_index, front, lines, path, default=None)
    name, index = table_place(config, path, name, index)
    return {"bundle": name, "bundle_index": index}


def _math(front: dict[str, object], path: Path, config: SiteConfig) -> bool:
    site = site_for(path, config)
    return math_enabled(
        front,
        config.math,
        site.generator.name if site else None,
        site.root if site else None,
        path,
        config.root,
    )


class EmptyPost(ArticleError):
    """A page of a generator's site with nothing to publish: a stub (a docs site's placeholder
    page, an empty note). Not a fault of the post: ``check``, ``build`` and ``publish`` skip it
    with a warning (code ``empty-post``)."""

    code = "empty-post"
    skipped_as = "empty page"  # what publish's actions say


class NotPublished(EmptyPost):
    """A post its generator would not publish now (dated in the future, expired, excluded by
    the site's config; :mod:`mdwx.source.generators.withheld`): skipped like a stub page,
    with a warning (code ``not-published``) the run says once."""

    code = "not-published"
    skipped_as = "not published by its generator"


def empty_body_error(message: str, path: Path, line: int, on_generator_site: bool) -> ArticleError:
    """An empty post is an error, except a generator site's stub page, which is skipped
    (:class:`EmptyPost`): the error to raise or collect."""
    if on_generator_site:
        return EmptyPost(
            f"{message}: a stub page, skipped (nothing to publish)", path=path, line=line
        )
    hint = "write the article below the front matter" if "body" in message else None
    return ArticleError(message, path=path, line=line, hint=hint)


def read_source_text(path: Path, max_bytes: int) -> str:
    """The post file's text, decoded from UTF-8; at most ``max_bytes`` bytes are read, through
    the one confined reader (:func:`mdwx.files.reader.read_file`: a regular file only).

    A leading byte-order mark is kept here and dropped by :func:`split_text`, as for text
    handed over in memory. Raises :class:`ArticleError` (missing, unreadable, over the
    limit, not a regular file, not UTF-8).
    """
    from mdwx.files.reader import read_file

    raw = read_file(path, limit=max_bytes, error=ArticleError, too_large=too_large(path, max_bytes))
    return decode_source(raw, path)


def decode_source(raw: bytes, path: Path) -> str:
    """A post's bytes as text (UTF-8); raises :class:`ArticleError` naming the line of a bad byte."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ArticleError(
            f"not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
            path=path,
            line=line,
            hint="save the file as UTF-8",
        ) from None


def too_large(path: Path, max_bytes: int) -> ArticleError:
    return ArticleError(
        f"the post is larger than the limit of {max_bytes:,} bytes of Markdown",
        path=path,
        hint="split it, or raise [limits] markdown_bytes in mdwx.toml",
    )


def _check_size(text: str, path: Path, max_bytes: int) -> None:
    """Text over ``max_bytes`` bytes of UTF-8 is refused (the length test first: it is cheap)."""
    if len(text) > max_bytes or (
        len(text) * 4 > max_bytes and len(text.encode("utf-8")) > max_bytes
    ):
        raise too_large(path, max_bytes)


def split_text(text: str, path: Path, meta: Mapping[str, object] | None = None) -> _Source:
    """Split a post's text into front matter (with ``meta`` laid over it) and body."""
    # Every leading byte-order mark goes (files converted twice carry two; Hugo reads them).
    return _with_meta(_split_text(text.lstrip("\ufeff"), path), meta)


def _with_meta(source: _Source, meta: Mapping[str, object] | None) -> _Source:
    """``source`` with ``meta``'s keys laid over its front matter (they name no file line)."""
    if not meta:
        return source
    path = source.path
    front, key_lines = dict(source.front), dict(source.key_lines)
    for key, value in meta.items():
        front[str(key)] = value
        key_lines.pop(str(key), None)  # the value is not in the file: errors name no line
    return _Source(path, front, key_lines, source.body, source.body_line)


def _split_text(text: str, path: Path) -> _Source:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ArticleError("the post is empty", path=path, line=1)
    lines = text.split("\n")
    toml = toml_front_matter(lines, path)  # Hugo's +++ front matter
    if toml:
        return _Source(path, *toml)
    if lines[0].strip() != "---":
        return _Source(path, {}, {}, text, 1)
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        raise ArticleError(
            "front matter is not closed",
            path=path,
            line=1,
            hint="end it with a line holding only ---",
        )
    block = lines[1:end]
    if not _looks_like_front_matter(block):
        # A Markdown thematic break (---) opening the post, not front matter.
        return _Source(path, {}, {}, text, 1)
    front, key_lines = _parse_yaml("\n".join(block), path)
    return _Source(path, front, key_lines, "\n".join(lines[end + 1 :]), end + 2)


def _looks_like_front_matter(block: list[str]) -> bool:
    """Whether the text between two ``---`` lines was meant as YAML front matter.

    A mapping key or a list item on the first line says so (and then any YAML problem is
    reported); anything else, such as bold text, is Markdown between two rules.
    """
    first = next((line for line in block if line.strip()), "")
    return not first or bool(_YAML_START.match(first))


def _parse_yaml(text: str, path: Path) -> tuple[dict[str, object], dict[str, int]]:
    """Parse front matter keeping each top-level key's file line (front matter starts at 2)."""
    try:
        node = compose_yaml(text)
        data = load_yaml(text) if node is not None else {}
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 2 if mark else 1
        error = ArticleError(
            f"invalid YAML front matter: {exc.problem or exc}",
            path=path,
            line=line,
            hint="check indentation and quote values holding ':'",
        )
        error.column = mark.column + 1 if mark else None
        raise error from None
    except yaml.YAMLError as exc:
        raise ArticleError(f"invalid YAML front matter: {exc}", path=path, line=1) from None
    except (ValueError, OverflowError) as exc:  # a date YAML reads but cannot hold (2018-02-30)
        raise ArticleError(
            f"invalid YAML front matter: {exc}",
            path=path,
            line=1,
            hint="quote the value to keep it as text",
        ) from None
    except RecursionError:  # PyYAML composes nested collections recursively
        raise ArticleError(
            "front matter is nested too deeply",
            path=path,
            line=1,
            hint="front matter holds plain keys and short lists",
        ) from None
    if data is None:
        return {}, {}
    if not isinstance(data, dict):
        raise ArticleError(
            f"front matter must be a mapping of keys to values, not a {type(data).__name__}",
            path=path,
            line=2,
            hint="write it as 'title: My post' lines",
        )
    key_lines = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            key_lines[str(key_node.value)] = key_node.start_mark.line + 2
    return {str(k): v for k, v in data.items()}, key_lines


def _fail(source: _Source, key: str, message: str, hint: str | None = None) -> ArticleError:
    return ArticleError(message, path=source.path, line=source.key_lines.get(key), hint=hint)


def _string(front: dict[str, object], key: str, source: _Source) -> str:
    value = front.get(key)
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise _fail(source, key, f"{key} must be text, not {_type_name(value)}")
    return value.strip()


def _bool(front: dict[str, object], key: str, source: _Source, default: bool) -> bool:
    value = front.get(key, default)
    if value in (0, 1) and not isinstance(value, float):
        return bool(value)
    raise _fail(source, key, f"{key} must be true or false, not {value!r}")


def _type_name(value: object) -> str:
    return {dict: "a mapping", list: "a list", bool: "true/false"}.get(
        type(value), type(value).__name__
    )


def _check_length(value: str, limit: int, key: str, source: _Source) -> None:
    count = len(value)
    if count > limit:
        raise _fail(
            source,
            key,
            f"{key} is {count} characters, {count - limit} over the limit of {limit}",
            hint=f"shorten the {key}",
        )


def _title_from_h1(body: str, body_line: int) -> tuple[str, str, int]:
    """Take the first ``# H1`` outside code fences as the title; it then leaves the body.

    Where code and headings are is CommonMark's (:func:`mdwx.markdown.syntax.first_h1`), the
    renderer's own reading.
    """
    found = first_h1(body)
    if found is None:
        return "", body, body_line
    title, index = found
    lines = body.split("\n")
    if all(not x.strip() for x in lines[:index]):
        # A leading H1 goes with the blank lines before it; body_line moves past it.
        return title, "\n".join(lines[index + 1 :]), body_line + index + 1
    # Elsewhere it becomes a blank line, so every later line keeps its number.
    return title, "\n".join(lines[:index] + [""] + lines[index + 1 :]), body_line


def _without_title_heading(body: str, body_line: int, title: str) -> tuple[str, int]:
    """The body without its first ``# H1`` when that repeats the title (WeChat shows the title
    above the article, so it would be read twice); any other first H1 stays."""
    heading, rest, rest_line = _title_from_h1(body, body_line)
    if heading and " ".join(heading.split()) == " ".join(title.split()):
        return rest, rest_line
    return body, body_line


#: Each read of a post (its route, its output folder, its render) makes the same digest.
_DIGESTS: TextMemo[str] = TextMemo(4096)


def make_digest(body: str, limit: int, *, math: bool = True) -> str:
    """The body's first text, whitespace folded, cut on a character boundary within ``limit``.

    ``math``: whether ``$…$`` is math (left out) or text (kept), as in the post's render."""
    return _DIGESTS.get(body, (limit, math), lambda: _make_digest(body, limit, math=math))


def _make_digest(body: str, limit: int, *, math: bool = True) -> str:
    parts: list[str] = []
    size = 0
    # The digest comes from the opening paragraphs: parsing the whole of a long post is waste.
    parser = _digest_parser(math)
    env: dict[str, object] = {}
    tokens = parser.parse(_opening(body, limit), env)  # blocks only; paragraphs parsed below
    for previous, token in zip(tokens, tokens[1:], strict=False):
        # Paragraph text only: headings and table cells make poor summaries.
        if token.type != "inline" or previous.type != "paragraph_open":
            continue
        children: list[Any] = []
        parser.inline.parse(token.content, parser, env, children)
        lines = [""]
        for child in children:
            if child.type in ("softbreak", "hardbreak"):
                lines.append("")
            elif child.type in ("text", "text_special", "code_inline"):
                lines[-1] += child.content
        text = join_lines(" ".join(line.split()) for line in lines)
        if text:
            parts.append(text)
            size += len(text) + 1
        if size > limit:
            break
    digest = join_lines(parts)
    digest = "".join(ch for ch in digest if unicodedata.category(ch) not in ("Cc", "Cf"))
    if len(digest) <= limit:
        return digest
    return digest[: limit - 1].rstrip() + "…"


# Han, kana, hangul, CJK punctuation and full-width forms: written without spaces between.
_CJK_CHAR = re.compile(
    r"[\u2e80-\u2fff\u3000-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    r"\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003134f]"
)


def join_lines(pieces: Iterable[str]) -> str:
    """Join lines of one text as a reader would: with a space, except between two CJK
    characters (Chinese and Japanese put no space where a line was broken)."""
    out = ""
    for piece in pieces:
        if not piece:
            continue
        if out and not (_CJK_CHAR.match(out[-1]) and _CJK_CHAR.match(piece[0])):
            out += " "
        out += piece
    return out


def _digest_parser(math: bool = True) -> Any:
    """mdwx's own Markdown syntax (CJK-friendly emphasis, math, admonitions, footnotes), so
    the digest holds the text a reader sees and none of its markers. Blocks only: paragraphs
    are parsed inline one by one. ``math=False``: ``$`` is text."""
    return block_parser(math)


def _opening(body: str, limit: int) -> str:
    """Enough leading blocks of ``body`` to hold ``limit`` characters of paragraph text."""
    budget = max(4000, limit * 20)
    if len(body) <= budget:
        return body
    cut = body.rfind("\n\n", 0, budget)
    return body[: cut if cut > 0 else budget]


#: A slug's longest UTF-8 form: it names a folder (with room for a "-2" when two posts share it).
SLUG_BYTES = 200


def _slug(front: dict[str, object], source: _Source) -> str:
    given = _string(front, "slug", source)
    slug = given or source.path.stem
    slug = _SLUG_UNSAFE.sub("-", slug.strip().lower()).strip("-.")
    if not slug or slug in (".", ".."):
        if given:
            raise _fail(
                source,
                "slug",
                f"slug {given!r} has no usable characters",
                hint="use letters, digits and hyphens",
            )
        slug = "post"
    if len(slug.encode("utf-8")) > SLUG_BYTES:
        if given:
            raise _fail(
                source,
                "slug",
                f"slug is {len(slug.encode('utf-8'))} bytes; at most {SLUG_BYTES} "
                "(it names the post's build folder, and file systems allow 255)",
                hint="shorten it",
            )
        slug = slug.encode("utf-8")[:SLUG_BYTES].decode("utf-8", "ignore").strip("-.")
    return slug


def _source_url(front: dict[str, object], source: _Source) -> str:
    url = _string(front, "source_url", source)
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise _fail(
            source, "source_url", f"source_url must be an http:// or https:// URL, not {url!r}"
        )
    return url


def _comments(front: dict[str, object], source: _Source, default: str) -> str:
    value = front.get("comments", default)
    if value is True:
        return "open"
    if value is False:
        return "closed"
    if value not in COMMENT_MODES:
        raise _fail(
            source, "comments", f"comments must be one of {', '.join(COMMENT_MODES)}, not {value!r}"
        )
    return str(value)


def _video(front: dict[str, object], source: _Source) -> VideoMeta:
    data = front.get("video")
    if data is None:
        return VideoMeta()
    if not isinstance(data, dict):
        raise _fail(source, "video", "video must be a mapping (title, description, tags, ...)")
    unknown = [k for k in data if k not in VIDEO_KEYS]
    if unknown:
        raise _fail(
            source, "video", f"unknown video key {unknown[0]!r}{closest(unknown[0], VIDEO_KEYS)}"
        )
    tags = data.get("tags") or []
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.split(",") if t.strip()]
    if not isinstance(tags, list) or not all(isinstance(t, (str, int)) for t in tags):
        raise _fail(source, "video", "video.tags must be a list of words")
    if len(tags) > VIDEO_TAGS:
        raise _fail(
            source, "video", f"video.tags has {len(tags)} tags; WeChat takes at most {VIDEO_TAGS}"
        )
    declare = data.get("declare_original", False)
    if not isinstance(declare, bool):
        raise _fail(source, "video", "video.declare_original must be true or false")
    fields = {k: data.get(k) for k in ("title", "description", "category", "subcategory", "cover")}
    for key, value in fields.items():
        if value is not None and not isinstance(value, (str, int)):
            raise _fail(source, "video", f"video.{key} must be text")
    return VideoMeta(
        title=str(fields["title"]) if fields["title"] is not None else None,
        description=str(fields["description"] or ""),
        tags=tuple(str(t) for t in tags),
        category=str(fields["category"] or ""),
        subcategory=str(fields["subcategory"] or ""),
        declare_original=declare,
        cover=str(fields["cover"]) if fields["cover"] else None,
    )


def _unknown_key_warning(path: Path, key: str, lines: dict[str, int]) -> Diagnostic:
    return Diagnostic(
        f"unknown front matter key {key!r}{closest(key, KNOWN_KEYS)}",
        str(path),
        lines.get(key, 1),
        code="unknown-key",
    )
