"""The markdown-it setup and the render pipeline: Markdown → WeChat-safe HTML + assets.

One MarkdownIt instance is built and cached; every WeChat transform is a plugin that
overrides render rules, and per-render state lives in ``env`` (see :mod:`.context`). The
document is rendered to semantic HTML once, then the theme is inlined once.

Nothing here reads a file, the environment or the network: the theme (:class:`Theme`) and
the header and footer (:class:`Template`) are loaded by the caller and passed in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from mdwx.code_styles import style_colours
from mdwx.config import SiteConfig
from mdwx.diagnostics import Diagnostic
from mdwx.document import Asset, Document
from mdwx.html_scan import ANY_TAG
from mdwx.markdown.bounded import NESTING_KEY
from mdwx.markdown.env import ENV_KEY
from mdwx.markdown.syntax import use_syntax
from mdwx.render.attribute_lists import attribute_lists_plugin
from mdwx.render.blocks import blocks_plugin
from mdwx.render.code import code_plugin
from mdwx.render.context import RenderContext
from mdwx.render.header_footer import Template, fill
from mdwx.render.inline_css import inline_theme
from mdwx.render.language import detect_language
from mdwx.render.links import links_plugin, references_html
from mdwx.render.lists import lists_plugin
from mdwx.render.media import media_plugin
from mdwx.render.positions import positions_plugin
from mdwx.render.raw_html import close_hidden, raw_html_plugin
from mdwx.render.sanitize import MAX_DEPTH, drop_hidden, limit_depth
from mdwx.render.themes import Theme
from mdwx.render.toc import toc_plugin
from mdwx.source.model import Article

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


class WeChatRenderer(RendererHTML):
    """markdown-it's HTML renderer that tells the context which file line it is on."""

    def render(self, tokens: Sequence[Token], options: OptionsDict, env: EnvType) -> str:
        ctx: RenderContext = env[ENV_KEY]
        rules = self.rules
        out: list[str] = []
        for i, token in enumerate(tokens):
            if token.map is not None:
                ctx.line = ctx.line_offset + token.map[0]
            if token.type == "inline":
                if token.children:
                    out.append(self.renderInline(token.children, options, env))
            elif token.type in rules:
                out.append(rules[token.type](tokens, i, options, env))
            else:
                out.append(self.renderToken(tokens, i, options, env))
        return "".join(out)

    def renderInline(self, tokens: Sequence[Token], options: OptionsDict, env: EnvType) -> str:
        """As markdown-it's, moving the context's line to each located token's own line."""
        ctx: RenderContext = env[ENV_KEY]
        rules = self.rules
        out: list[str] = []
        for i, token in enumerate(tokens):
            line = token.meta.get("line") if token.meta else None
            if line is not None:
                ctx.line = ctx.line_offset + line
            rule = rules.get(token.type)
            out.append(
                rule(tokens, i, options, env) if rule else self.renderToken(tokens, i, options, env)
            )
        return "".join(out)


@lru_cache(maxsize=4)
def markdown(math: bool = True, line_breaks: bool = False) -> MarkdownIt:
    """The configured parser: mdwx's syntax (``$…$`` as math or not) plus one plugin per WeChat
    transform; ``line_breaks``: a single newline in a paragraph is a ``<br>``."""
    options = {"html": True, "xhtmlOut": False, "breaks": line_breaks}
    md = use_syntax(
        MarkdownIt("commonmark", options, renderer_cls=WeChatRenderer),
        math=math,
    )
    for plugin in (
        blocks_plugin,
        lists_plugin,
        code_plugin,
        links_plugin,
        media_plugin,
        raw_html_plugin,
        positions_plugin,
        toc_plugin,
        attribute_lists_plugin,
    ):
        md.use(plugin)
    return md


def render_part(
    text: str,
    ctx: RenderContext,
    *,
    path: Path | None,
    line_offset: int,
    base_dir: Path | None = None,
) -> str:
    """Render one Markdown text (body, header or footer) into the shared context.

    Relative references resolve against ``base_dir``: a footer's QR code sits beside the
    footer template, not beside each post.
    """
    ctx.path, ctx.line_offset, ctx.line = path, line_offset, None
    if base_dir is not None:
        ctx.base_dir = base_dir
    ctx.lists.clear()
    ctx.open_links.clear()
    limit = ctx.config.limits.markdown_bytes
    if len(text) * 4 > limit and len(text.encode()) > limit:  # bound the parser's work
        raise ctx.error(
            f"the Markdown is larger than the limit of {limit:,} bytes",
            hint="split it, or raise [limits] markdown_bytes in mdwx.toml",
        )
    env: EnvType = {ENV_KEY: ctx}
    md = markdown(ctx.math, ctx.line_breaks)
    tokens = md.parse(text, env)
    for line in env.get(NESTING_KEY, ()):
        ctx.warn(
            f"content nested more than {md.options['maxNesting']} levels deep (lists, "
            "quotes) is not shown",
            line=line_offset + line,
            code="deep-nesting",
        )
    html: str = md.renderer.render(tokens, md.options, env)
    return html + close_hidden(ctx)


def new_context(
    config: SiteConfig,
    text: str,
    *,
    theme: Theme,
    path: Path | None,
    line_offset: int,
    base_dir: Path | None,
    lang: str = "",
) -> RenderContext:
    """A fresh per-render context for ``text`` rendered with ``theme``; the language is
    ``lang``, else the site's ``lang``, else detected from ``text``."""
    return RenderContext(
        config=config,
        path=path,
        base_dir=base_dir or (path.parent if path is not None else config.root),
        line_offset=line_offset,
        link_policy="keep" if config.wechat_pay else config.link_policy,
        pygments_style=config.code_style or theme.pygments_style,
        code_colour=style_colours(config.code_style)[1] if config.code_style else theme.code_colour,
        code_background=style_colours(config.code_style)[0] if config.code_style else None,
        cjk=bool(_CJK.search(text)),
        lang=lang or config.lang or detect_language(text),
    )


def finish(ctx: RenderContext, parts: list[str], theme: Theme, tail: str = "") -> Document:
    """Wrap in the root section, add the references (before the site footer ``tail``), inline the theme.

    The content of never-shown raw HTML elements is removed from the whole document first
    (it may span blocks; see :mod:`.sanitize`); the theme inliner then parses the document
    as one HTML5 tree, which also closes any element the cut left open.
    """
    body, foot = "".join(parts), tail
    shown_body, shown_foot = drop_hidden(body), drop_hidden(foot)
    assets = list(ctx.assets.values())
    if shown_body is not body or shown_foot is not foot:
        # Images and links inside a hidden element need no upload and no reference entry.
        shown = shown_body + shown_foot
        assets = [asset for asset in assets if asset.placeholder in shown]
        ctx.link_numbers = {
            url: number for url, number in ctx.link_numbers.items() if f"[{number}]" in shown
        }
    html = f'<section class="mdwx">{shown_body}{references_html(ctx)}{shown_foot}</section>'
    html, cut = limit_depth(html)
    if cut:  # no single line to name: the nesting builds up over the post
        ctx.warnings.append(
            Diagnostic(
                f"elements nested more than {MAX_DEPTH} deep (emphasis, raw HTML) lose their "
                "innermost tags; the text is kept",
                str(ctx.path) if ctx.path else None,
                None,
                code="deep-nesting",
            )
        )
    return Document(
        inline_theme(html, theme),
        assets,
        list(ctx.warnings),
        list(ctx.errors),
        inline_fallbacks(ctx.fallbacks, assets, theme),
    )


def inline_fallbacks(
    fallbacks: dict[str, str], assets: list[Asset], theme: Theme
) -> dict[str, str]:
    """Each kept asset's fallback HTML with the theme inlined as in the article (inside its root)."""
    kept = {asset.key for asset in assets}
    inlined = {}
    for key, html in fallbacks.items():
        if key in kept:
            whole = inline_theme(f'<section class="mdwx">{html}</section>', theme)
            opening = ANY_TAG.match(whole)  # the root's start tag (its style may hold ">")
            start = opening.end() if opening else whole.index(">") + 1
            inlined[key] = whole[start : whole.rindex("</section>")]
    return inlined


def render_markdown(
    text: str,
    config: SiteConfig,
    *,
    theme: Theme,
    path: Path | None = None,
    line_offset: int = 1,
    base_dir: Path | None = None,
) -> Document:
    """Render Markdown alone (no header or footer): for tests, previews and plugins."""
    ctx = new_context(
        config, text, theme=theme, path=path, line_offset=line_offset, base_dir=base_dir
    )
    ctx.math = config.math is not False  # no post to say otherwise: "auto" reads math
    return finish(ctx, [render_part(text, ctx, path=path, line_offset=line_offset)], theme)


def article_theme(article: Article, config: SiteConfig) -> str:
    """The post's own theme when its front matter names one, else the site's."""
    if "theme" in article.front_matter or article.theme != "default":
        return article.theme
    return config.theme


def render_article(
    article: Article,
    config: SiteConfig,
    *,
    theme: Theme,
    header: Template | None = None,
    footer: Template | None = None,
) -> Document:
    """The article's WeChat ``content``: site header, body, site footer, references.

    ``theme`` is the loaded theme (:func:`article_theme` names it); ``header`` and ``footer``
    the site's loaded templates (:func:`mdwx.render.header_footer.load_templates`).
    """
    lang = article.front_matter.get("lang")
    ctx = new_context(
        config,
        article.body,
        theme=theme,
        path=article.path,
        line_offset=article.file_line(1),
        base_dir=article.path.parent,
        lang=lang if isinstance(lang, str) else "",
    )
    ctx.math = article.math
    ctx.written_as = article.written_as
    values = {
        "author": article.author or config.author,
        "title": article.title,
        "digest": article.digest,
        "slug": article.slug,
        "source_url": article.source_url,
    }
    parts = {}
    for kind, template in (("header", header), ("body", None), ("footer", footer)):
        ctx.line_breaks = kind == "body" and article.line_breaks  # the site's templates: joined
        ctx.attribute_lists = article.attribute_lists if kind == "body" else frozenset()
        if kind == "body":
            parts[kind] = render_part(
                article.body,
                ctx,
                path=article.path,
                line_offset=article.file_line(1),
                base_dir=article.path.parent,
            )
        elif template is not None:
            html = render_part(
                fill(template.text, values),
                ctx,
                path=template.path,
                line_offset=1,
                base_dir=template.path.parent,
            )
            parts[kind] = f'<section class="{kind}">{html}</section>'
    # The references list belongs to the article, so it comes before the site's footer.
    return finish(ctx, [parts.get("header", ""), parts["body"]], theme, parts.get("footer", ""))
