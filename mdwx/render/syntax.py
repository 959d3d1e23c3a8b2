"""The Markdown syntax mdwx reads, apart from how it is rendered.

One setup shared by the renderer (:mod:`.pipeline`), the digest made from a post's opening
(:func:`mdwx.source.article.make_digest`) and the render benchmark's bare markdown-it, so all
three read ``**症状特点：**头晕乏力`` or ``$x$`` the same way.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.gfm_autolink import gfm_autolink_plugin

from mdwx.render import cjk_friendly
from mdwx.render.autolink import autolink_plugin
from mdwx.render.bounded import bounded_plugin
from mdwx.render.callouts import callouts_plugin
from mdwx.render.toc import toc_syntax


def _any_target(url: str) -> bool:
    return True


def use_syntax(md: MarkdownIt) -> MarkdownIt:
    """The Markdown syntax mdwx reads: GFM, footnotes, alerts, admonitions, math, attributes.

    Emphasis and strikethrough follow the CJK-friendly amendment (see :mod:`.cjk_friendly`),
    so ``**症状特点：**头晕乏力`` is bold as Chinese writers expect.

    Apart from the WeChat render rules, so a benchmark can time bare markdown-it-py on
    exactly the same syntax.
    """
    md.enable(["table", "strikethrough"])
    # Every target parses as a link or image: the render rules drop unsafe ones with a warning
    # (markdown-it would print ``[x](javascript:…)`` as its source text instead).
    md.validateLink = _any_target  # type: ignore[method-assign]
    md.options["tasklists"] = True
    md.options["alerts"] = True
    md.options["strikethrough_single_tilde"] = True
    md.use(gfm_autolink_plugin)
    md.use(autolink_plugin)  # bare URLs in Chinese text; first_last@host (see .autolink)
    md.use(footnote_plugin, inline=False)
    md.use(dollarmath_plugin, allow_space=False, allow_digits=False, double_inline=True,
           allow_blank_lines=False)
    md.use(admon_plugin)
    md.use(callouts_plugin)  # > [!TIP] 小技巧; titles in the article's language
    md.use(toc_syntax)  # [TOC], [[toc]], ${toc}
    md.use(attrs_plugin, allowed=("width", "height"))
    md.use(cjk_friendly.plugin)
    md.use(bounded_plugin)  # last: it wraps the rules above that rescan the rest of the text
    return md
