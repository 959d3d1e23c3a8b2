"""The front-matter keys mdwx reads, and which keys of a generator's pages reach it.

Each key is declared once (:data:`FRONT_KEYS`): its name, what its value is, one line of
documentation, the keys of a generator's pages that become it (Pelican's ``summary`` is the
digest) and the generators whose pages use a key of the same name for themselves (MkDocs'
``draft`` is the blog plugin's; Pelican's ``tags`` are its own): on their sites the command
line leaves such a key to the generator. :data:`GENERATOR_KEYS` lists each generator's own
page keys mdwx does not read (Hugo, Hexo, Jekyll, Obsidian, MkDocs, Pelican). From these come :data:`KNOWN_KEYS` (the unknown-key warning and
its "did you mean"), the keys the Pelican mapping passes on (:func:`reaching_mdwx`), the keys
a generator's pages keep silent (:func:`silent_keys`) and those the MkDocs plugin drops from
a page's meta (:func:`plugin_drops`).
"""

from __future__ import annotations

from typing import NamedTuple


class FrontKey(NamedTuple):
    """One front-matter key mdwx reads.

    ``from_generators`` are ``(generator, its key)`` pairs whose value becomes this key;
    ``theirs`` the generators whose pages use this key's name for themselves (dropped there
    by the command line); ``plugin_passes`` whether a generator's plugin, which hands mdwx a
    page chosen for WeChat, passes the page's own value on even so (MkDocs' ``tags`` and
    ``author`` do; its blog plugin's ``draft`` is read as a flag of its own instead).
    """

    name: str
    value: str
    doc: str
    from_generators: tuple[tuple[str, str], ...] = ()
    theirs: tuple[str, ...] = ()
    plugin_passes: bool = True


#: The keys of a post's ``video:`` mapping (its videos' details for material/add_material).
VIDEO_KEYS = (
    "title",
    "description",
    "tags",
    "category",
    "subcategory",
    "declare_original",
    "cover",
)

#: The math switches the themes of Hugo, Hexo and Jekyll read per page (docs: "Dollar signs").
MATH_KEYS = ("math", "mathjax", "katex")

FRONT_KEYS: tuple[FrontKey, ...] = (
    FrontKey(
        "title",
        "text",
        'the title (≤ [limits] title characters); default: the first "# H1", then the file name',
    ),
    FrontKey(
        "author",
        "text",
        "the author (≤ [limits] author characters); default: the site's author",
        theirs=("mkdocs",),
    ),
    FrontKey(
        "digest",
        "text",
        "the summary (≤ [limits] digest characters); default: the first paragraphs",
        from_generators=(("pelican", "summary"), ("mkdocs", "description")),
    ),
    FrontKey(
        "cover",
        "path or URL",
        "the cover; default: the first image, then default_cover, else one mdwx makes",
        from_generators=(("pelican", "image"),),
    ),
    FrontKey("source_url", "http(s) URL", "the 阅读原文 link"),
    FrontKey("show_cover_pic", "true or false", "show the cover at the top of the article"),
    FrontKey(
        "comments",
        "open | fans | closed",
        "who may comment (true: open, false: closed); default: the site's comments",
        theirs=("mkdocs", "hexo", "jekyll"),
    ),
    FrontKey("theme", "text", "the post's theme: a built-in or a .css file in the site"),
    FrontKey("slug", "text", "the post's output folder name for build"),
    FrontKey(
        "draft",
        "true or false",
        "true: publish skips the post",
        theirs=("mkdocs",),
        plugin_passes=False,
    ),
    FrontKey(
        "video",
        "mapping",
        "the post's videos: " + ", ".join(VIDEO_KEYS) + " (tags: at most 5)",
    ),
    FrontKey("date", "date", "the post's date", theirs=("pelican",)),
    FrontKey("tags", "list", "the post's tags", theirs=("pelican", "mkdocs")),
    FrontKey("id", "text", "the post's own identity, kept when its file moves"),
    FrontKey("type", "article | images", "an article, or an image post (draft backend only)"),
    FrontKey(
        "pic_crop_235_1",
        "four fractions",
        "draft backend: the cover's 2.35:1 crop, x1 y1 x2 y2 (or WeChat's X1_Y1_X2_Y2)",
    ),
    FrontKey("pic_crop_1_1", "four fractions", "draft backend: the cover's 1:1 crop"),
    FrontKey("accounts", "list", "publish to these [accounts.NAME] of mdwx.toml"),
    FrontKey(
        "publish_at",
        "date and time",
        "submit at or after this time, its zone given (scheduled publishing)",
    ),
    FrontKey(
        "keep_title_heading",
        "true or false",
        'true: keep a body "# H1" equal to the title; default: the site\'s',
    ),
    FrontKey(
        "lang",
        "BCP 47 tag",
        "callout and contents titles; default: the site's lang, else detected",
        theirs=("pelican",),
    ),
    *(
        FrontKey(
            key,
            "true or false",
            "whether $…$ is math in this post (before the site's)",
            theirs=("hexo",) if key == "mathjax" else (),
        )
        for key in MATH_KEYS
    ),
    FrontKey("bundle", "text", "多图文: one message with the other posts naming it"),
    FrontKey("bundle_index", "whole number", "its place in the bundle; the first is the 头条"),
)

#: Every front-matter key mdwx reads, in the order of :data:`FRONT_KEYS`.
KNOWN_KEYS = tuple(key.name for key in FRONT_KEYS)

#: Each generator's own page keys (and its common themes') mdwx does not read: read silently
#: on its sites.
GENERATOR_KEYS: dict[str, tuple[str, ...]] = {
    "pelican": (
        "modified",
        "category",
        "translation",
        "save_as",
        "url",
        "template",
        "status",
        "wechat",
        "keywords",
        "authors",
        "og_image",
        "series",
        "series_index",
    ),
    # MkDocs and the Material theme (and its blog plugin).
    "mkdocs": (
        "template",
        "hide",
        "search",
        "status",
        "icon",
        "subtitle",
        "wechat",
        "authors",
        "categories",
        "links",
        "readtime",
        "pin",
        "disqus",
        "social",
        "nostatistics",
        "nav_title",
        "title_full",
    ),
    # Hugo and its common themes (PaperMod, Stack, FixIt…).
    "hugo": (
        "linkTitle",
        "outputs",
        "resources",
        "build",
        "cascade",
        "headless",
        "markup",
        "menu",
        "menus",
        "params",
        "translationKey",
        "showToc",
        "ShowToc",
        "TocOpen",
        "hidemeta",
        "disableShare",
        "hideSummary",
        "searchHidden",
        "ShowReadingTime",
        "ShowBreadCrumbs",
        "ShowPostNavLinks",
        "ShowWordCount",
        "ShowRssButtonInSectionTermList",
        "UseHugoToc",
        "disableHLJS",
        "editPost",
        "authors",
        "featured",
        "readingTime",
        "isCJKLanguage",
        "expirydate",
        "publishdate",
    ),
    # Hexo and its common themes (Butterfly, Fluid, NexT…).
    "hexo": (
        "disableNunjucks",
        "abbrlink",
        "top_img",
        "index_img",
        "banner_img",
        "copyright",
        "password",
        "toc_number",
        "highlight_shrink",
        "aside",
        "hide",
        "index",
        "sticky",
        "link",
        "source",
        "from",
        "music",
        "top_img_height",
        "tldr",
        "original",
    ),
    # Jekyll and its common themes (Minimal Mistakes, Just the Docs…).
    "jekyll": (
        "last_modified_at",
        "excerpt_separator",
        "render_with_liquid",
        "classes",
        "sidebar",
        "toc_label",
        "toc_icon",
        "toc_sticky",
        "read_time",
        "words_per_minute",
        "feature_row",
        "mermaid",
        "seo",
        "locale",
        "ref",
        "navigation",
        "nav_order",
        "parent",
        "has_children",
        "permalink_title",
        "image_alt",
    ),
    # Obsidian and its publishing plugins.
    "obsidian": (
        "aliases",
        "alias",
        "cssclasses",
        "cssclass",
        "publish",
        "banner_y",
        "banner_x",
        "status",
        "source",
        "up",
        "related",
        "dg-publish",
    ),
}


def renamed(generator: str) -> dict[str, str]:
    """``{the generator's key: mdwx's key}`` for the keys of its pages that become mdwx's."""
    return {
        theirs: key.name
        for key in FRONT_KEYS
        for owner, theirs in key.from_generators
        if owner == generator
    }


def silent_keys(generator: str) -> frozenset[str]:
    """The keys of the generator's pages the command line leaves to the generator: its own,
    those it renames into mdwx's, and mdwx's keys it uses for itself."""
    shared = {key.name for key in FRONT_KEYS if generator in key.theirs}
    return frozenset(GENERATOR_KEYS[generator]) | set(renamed(generator)) | shared


def reaching_mdwx(generator: str) -> frozenset[str]:
    """mdwx's keys a page of ``generator`` hands on as they are: every key mdwx reads but
    those the generator uses for itself."""
    return frozenset(key.name for key in FRONT_KEYS if generator not in key.theirs)


def plugin_drops(generator: str) -> frozenset[str]:
    """The keys of a page's meta the generator's plugin does not hand mdwx as they are: the
    generator's own, those it renames into mdwx's (the plugin maps them itself), and mdwx's
    keys it uses for itself unless the plugin passes them on."""
    held = {key.name for key in FRONT_KEYS if generator in key.theirs and not key.plugin_passes}
    return frozenset(GENERATOR_KEYS[generator]) | set(renamed(generator)) | held


__all__ = [
    "FRONT_KEYS",
    "GENERATOR_KEYS",
    "KNOWN_KEYS",
    "MATH_KEYS",
    "VIDEO_KEYS",
    "FrontKey",
    "plugin_drops",
    "reaching_mdwx",
    "renamed",
    "silent_keys",
]
